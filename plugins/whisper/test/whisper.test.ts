import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { send, setupDesk, visitorWithChat } from '../../../core/test/support/chat.js';
import {
  BASE,
  RawSocket,
  activeChat,
  boot,
  expectedDialect,
  ok,
  sleep,
  whisper,
  whisperDesk,
  type WhisperDesk,
} from './support.js';

describe('whisper plugin: whispers, threads, monitoring, barge-in and audit', function () {
  this.timeout(60_000);
  let tk: TestKernel;
  let desk: WhisperDesk;
  let chat: { token: string; visitorId: string; conversationId: string };
  const sockets: RawSocket[] = [];
  const live = async (token: string, resume?: Record<string, number>) => {
    const { socket } = await RawSocket.connect(tk.url, token, resume);
    sockets.push(socket);
    return socket;
  };
  const conv = () => `${BASE}/conversations/${chat.conversationId}`;

  before(async () => {
    tk = await boot();
    desk = await whisperDesk(tk);
    chat = await activeChat(tk, desk, desk.agents[0]!);
  });
  after(async () => {
    for (const s of sockets) await s.close();
    await tk?.stop();
  });

  it(`runs on the database this run uses (${expectedDialect})`, () => {
    expect(tk.dialect).to.equal(expectedDialect);
  });

  it('is active and grants conversation.whisper to agents, conversation.monitor to supervisors', async () => {
    const info = await ok(tk, 200, 'GET', '/api/v1/plugins/whisper');
    expect(info.state).to.equal('active');
    const agentUi = await ok(
      tk,
      200,
      'GET',
      '/api/v1/ui/contributions?surface=console',
      undefined,
      desk.agents[1]!.token,
    );
    const elements = (list: { element: string; pluginId: string }[]) =>
      list.filter((c) => c.pluginId === 'whisper').map((c) => c.element);
    expect(elements(agentUi.contributions)).to.have.members([
      'sb-whisper-compose',
      'sb-whisper-badge',
      'sb-whisper-threads',
    ]);
    const supUi = await ok(
      tk,
      200,
      'GET',
      '/api/v1/ui/contributions?surface=console',
      undefined,
      desk.supervisor.token,
    );
    expect(elements(supUi.contributions)).to.include('sb-whisper-monitor');
    const widget = await ok(
      tk,
      200,
      'GET',
      '/api/v1/ui/contributions?surface=widget',
      undefined,
      chat.token,
    );
    expect(elements(widget.contributions)).to.deep.equal([]);
  });

  it('shows a supervisor’s whisper in-line to the assigned agent, live, as an internal message', async () => {
    // The agent's console has the chat open (a fresh socket watches what it subscribes to or
    // resumes; assignments made while connected are watched at once).
    const agentSocket = await live(desk.agents[0]!.token);
    const watch = await agentSocket.request('conversation.subscribe', {
      conversationId: chat.conversationId,
    });
    expect(watch.type, JSON.stringify(watch)).to.equal('ack');
    const res = await whisper(
      tk,
      chat.conversationId,
      { body: 'Offer the 10% discount' },
      desk.supervisor.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const w = res.body.whisper;
    expect(w).to.include({
      conversationId: chat.conversationId,
      body: 'Offer the 10% discount',
      fromUserId: desk.supervisor.id,
      fromName: 'Sue Supervisor',
      toUserId: desk.agents[0]!.id,
      toName: 'Agent 1',
    });
    const frame = await agentSocket.waitFor(
      (f) => f.type === 'message.created' && f.message?.id === w.id,
    );
    expect(frame.message).to.deep.include({
      visibility: 'internal',
      kind: 'text',
      body: 'Offer the 10% discount',
      author: { kind: 'agent', id: desk.supervisor.id },
    });
    expect(frame.message.metadata.whisper).to.deep.equal({
      fromUserId: desk.supervisor.id,
      fromName: 'Sue Supervisor',
      toUserId: desk.agents[0]!.id,
      toName: 'Agent 1',
    });
    expect(frame.message.metadata.authorName).to.equal('Sue Supervisor');
    const pushed = await agentSocket.waitFor((f) => f.type === 'plugin.whisper.received');
    expect(pushed.whisper.id).to.equal(w.id);
    // And in the agent's history, in seq order.
    const page = await ok(
      tk,
      200,
      'GET',
      `/api/v1/conversations/${chat.conversationId}/messages`,
      undefined,
      desk.agents[0]!.token,
    );
    const stored = page.messages.find((m: { id: string }) => m.id === w.id);
    expect(stored.seq).to.equal(w.seq);
    expect(stored.metadata.whisper.fromUserId).to.equal(desk.supervisor.id);
  });

  it('lets another agent whisper too while allowAgents is on, and only supervisors once it is off', async () => {
    const byAgent = await whisper(
      tk,
      chat.conversationId,
      { body: 'I know this customer' },
      desk.agents[1]!.token,
    );
    expect(byAgent.status, JSON.stringify(byAgent.body)).to.equal(201);
    await ok(tk, 200, 'PUT', `/api/v1/plugins/whisper/settings?tenant=${desk.tenantId}`, {
      allowAgents: false,
    });
    try {
      const refused = await whisper(
        tk,
        chat.conversationId,
        { body: 'again' },
        desk.agents[1]!.token,
      );
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('WHISPER_AGENTS_DISABLED');
      expect(refused.body.error.message).to.contain('allowAgents');
      const bySup = await whisper(
        tk,
        chat.conversationId,
        { body: 'still me' },
        desk.supervisor.token,
      );
      expect(bySup.status).to.equal(201);
    } finally {
      await ok(tk, 200, 'PUT', `/api/v1/plugins/whisper/settings?tenant=${desk.tenantId}`, {
        allowAgents: true,
      });
    }
  });

  it('refuses whispers without the permission, without a user, or from the wrong place', async () => {
    const cases: [string, unknown, string | null, number, string][] = [
      ['no token', { body: 'x' }, null, 401, 'AUTH_REQUIRED'],
      ['a visitor', { body: 'x' }, chat.token, 403, 'AUTH_FORBIDDEN'],
      ['the operator token', { body: 'x' }, 'admin', 403, 'WHISPER_USER_REQUIRED'],
      ['the assigned agent', { body: 'x' }, desk.agents[0]!.token, 409, 'WHISPER_OWN_CONVERSATION'],
      ['an empty body', { body: '' }, desk.supervisor.token, 400, 'REQUEST_INVALID'],
      ['a blank body', { body: '   ' }, desk.supervisor.token, 400, 'WHISPER_EMPTY'],
      [
        'a 4001-character body',
        { body: 'x'.repeat(4001) },
        desk.supervisor.token,
        400,
        'REQUEST_INVALID',
      ],
      [
        'an unknown field',
        { body: 'x', visibility: 'public' },
        desk.supervisor.token,
        400,
        'REQUEST_INVALID',
      ],
      ['no body at all', undefined, desk.supervisor.token, 400, 'REQUEST_INVALID'],
    ];
    for (const [what, body, token, status, code] of cases) {
      const res = await whisper(
        tk,
        chat.conversationId,
        body,
        token === 'admin' ? undefined! : token,
      );
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(status);
      expect(res.body.error.code, what).to.equal(code);
    }
    const max = await whisper(
      tk,
      chat.conversationId,
      { body: 'y'.repeat(4000) },
      desk.supervisor.token,
    );
    expect(max.status, '4000 characters pass').to.equal(201);
  });

  it('answers 404 for another tenant’s or a missing conversation, 409 for one not in progress', async () => {
    const other = await setupDesk(tk, 1);
    const foreign = await visitorWithChat(tk, other.embedKey);
    const cross = await whisper(tk, foreign.conversationId, { body: 'x' }, desk.supervisor.token);
    expect(cross.status).to.equal(404);
    expect(cross.body.error.code).to.equal('WHISPER_CONVERSATION_NOT_FOUND');
    const missing = await whisper(tk, 'cnv_missing', { body: 'x' }, desk.supervisor.token);
    expect(missing.status).to.equal(404);
    // Waiting in the queue: not in progress, nobody to whisper to yet.
    const queued = await visitorWithChat(tk, desk.embedKey);
    const waiting = await whisper(tk, queued.conversationId, { body: 'x' }, desk.supervisor.token);
    expect(waiting.status, JSON.stringify(waiting.body)).to.equal(409);
    expect(waiting.body.error).to.deep.include({
      code: 'WHISPER_CONVERSATION_NOT_LIVE',
      details: { state: 'waiting' },
    });
    const ended = await activeChat(tk, desk, desk.agents[1]!);
    await ok(
      tk,
      200,
      'POST',
      `/api/v1/conversations/${ended.conversationId}/end`,
      {},
      desk.agents[1]!.token,
    );
    const late = await whisper(tk, ended.conversationId, { body: 'x' }, desk.supervisor.token);
    expect(late.status).to.equal(409);
    expect(late.body.error).to.deep.include({ code: 'WHISPER_CONVERSATION_NOT_LIVE' });
    expect(late.body.error.message).to.contain('ended');
  });

  describe('the internal thread ("Respond")', () => {
    let threadId: string;

    it('opens one thread per pair and conversation, pushed to both participants', async () => {
      const supSocket = await live(desk.supervisor.token);
      const opened = await ok(
        tk,
        201,
        'POST',
        `${conv()}/threads`,
        { withUserId: desk.supervisor.id },
        desk.agents[0]!.token,
      );
      threadId = opened.thread.id;
      expect(opened.thread.conversationId).to.equal(chat.conversationId);
      expect(opened.thread.participants.map((p: { userId: string }) => p.userId)).to.have.members([
        desk.agents[0]!.id,
        desk.supervisor.id,
      ]);
      const pushed = await supSocket.waitFor((f) => f.type === 'plugin.whisper.thread.opened');
      expect(pushed.thread.id).to.equal(threadId);
      const again = await ok(
        tk,
        200,
        'POST',
        `${conv()}/threads`,
        { withUserId: desk.agents[0]!.id },
        desk.supervisor.token,
      );
      expect(again.thread.id).to.equal(threadId);
    });

    it('delivers thread messages live to both, in order, and lists them for participants', async () => {
      const supSocket = await live(desk.supervisor.token);
      const agentSocket = await live(desk.agents[0]!.token);
      const first = await ok(
        tk,
        201,
        'POST',
        `${BASE}/threads/${threadId}/messages`,
        { body: 'Can I go to 15%?' },
        desk.agents[0]!.token,
      );
      await ok(
        tk,
        201,
        'POST',
        `${BASE}/threads/${threadId}/messages`,
        { body: 'Yes' },
        desk.supervisor.token,
      );
      for (const s of [supSocket, agentSocket]) {
        await s.waitFor(
          (f) => f.type === 'plugin.whisper.thread.message' && f.message.body === 'Yes',
        );
        const bodies = s.ofType('plugin.whisper.thread.message').map((f) => f.message.body);
        expect(bodies).to.deep.equal(['Can I go to 15%?', 'Yes']);
      }
      expect(first.message).to.include({
        threadId,
        conversationId: chat.conversationId,
        authorUserId: desk.agents[0]!.id,
        authorName: 'Agent 1',
      });
      const page = await ok(
        tk,
        200,
        'GET',
        `${BASE}/threads/${threadId}/messages`,
        undefined,
        desk.supervisor.token,
      );
      expect(page.messages.map((m: { body: string }) => m.body)).to.deep.equal([
        'Can I go to 15%?',
        'Yes',
      ]);
      const after = await ok(
        tk,
        200,
        'GET',
        `${BASE}/threads/${threadId}/messages?afterId=${first.message.id}`,
        undefined,
        desk.supervisor.token,
      );
      expect(after.messages.map((m: { body: string }) => m.body)).to.deep.equal(['Yes']);
      const mine = await ok(
        tk,
        200,
        'GET',
        `${BASE}/threads?conversationId=${chat.conversationId}`,
        undefined,
        desk.agents[0]!.token,
      );
      expect(mine.threads.map((t: { id: string }) => t.id)).to.deep.equal([threadId]);
    });

    it('hides a thread from everyone but its two participants, and never posts it to the conversation', async () => {
      for (const token of [desk.agents[1]!.token, desk.admin.token]) {
        const read = await tk.request(
          'GET',
          `${BASE}/threads/${threadId}/messages`,
          undefined,
          token,
        );
        expect(read.status).to.equal(404);
        expect(read.body.error.code).to.equal('WHISPER_THREAD_NOT_FOUND');
        const write = await tk.request(
          'POST',
          `${BASE}/threads/${threadId}/messages`,
          { body: 'x' },
          token,
        );
        expect(write.status).to.equal(404);
      }
      for (const path of [`${BASE}/threads`, `${BASE}/threads/${threadId}/messages`]) {
        const res = await tk.request('GET', path, undefined, chat.token);
        expect(res.status, path).to.equal(403);
      }
      const self = await tk.request(
        'POST',
        `${conv()}/threads`,
        { withUserId: desk.agents[0]!.id },
        desk.agents[0]!.token,
      );
      expect(self.status).to.equal(400);
      const history = await ok(
        tk,
        200,
        'GET',
        `/api/v1/conversations/${chat.conversationId}/messages`,
        undefined,
        desk.supervisor.token,
      );
      expect(JSON.stringify(history)).not.to.contain('Can I go to 15%?');
    });
  });

  describe('silent monitoring', () => {
    it('lets a supervisor monitor, receive messages live, while the visitor sees nothing at all', async () => {
      const visitorSocket = await live(chat.token);
      const supSocket = await live(desk.supervisor.token);
      await send(tk, chat.token, chat.conversationId, 'before monitoring');
      await visitorSocket.waitFor(
        (f) => f.type === 'message.created' && f.message.body === 'before monitoring',
      );
      await sleep(30);
      const seen = visitorSocket.frames.length;

      const started = await ok(tk, 201, 'POST', `${conv()}/monitor`, {}, desk.supervisor.token);
      expect(started.monitor).to.include({
        conversationId: chat.conversationId,
        userId: desk.supervisor.id,
        name: 'Sue Supervisor',
        endedAt: null,
      });
      expect(started.subscribe).to.deep.equal({
        type: 'conversation.subscribe',
        data: { conversationId: chat.conversationId },
      });
      const ack = await supSocket.request(started.subscribe.type, started.subscribe.data);
      expect(ack.type, JSON.stringify(ack)).to.equal('ack');
      expect(visitorSocket.frames.length, 'monitoring sends the visitor nothing').to.equal(seen);

      await send(tk, chat.token, chat.conversationId, 'my order is late');
      const got = await supSocket.waitFor(
        (f) => f.type === 'message.created' && f.message?.body === 'my order is late',
      );
      expect(got.conversationId).to.equal(chat.conversationId);
      await send(tk, desk.agents[0]!.token, chat.conversationId, 'Let me check');
      await supSocket.waitFor(
        (f) => f.type === 'message.created' && f.message?.body === 'Let me check',
      );
      await visitorSocket.waitFor(
        (f) => f.type === 'message.created' && f.message?.body === 'Let me check',
      );
      await sleep(30);
      const after = visitorSocket.frames.slice(seen);
      // Only what the chat itself caused: the two messages (and the colour change they made).
      expect(
        after.filter((f) => f.type === 'message.created').map((f) => f.message.body),
      ).to.deep.equal(['my order is late', 'Let me check']);
      expect(after.map((f) => f.type)).to.satisfy((types: string[]) =>
        types.every((t) => t === 'message.created' || t === 'conversation.updated'),
      );
      expect(JSON.stringify(after)).not.to.contain(desk.supervisor.id);
      expect(JSON.stringify(after)).not.to.contain('Sue Supervisor');

      const again = await ok(tk, 200, 'POST', `${conv()}/monitor`, {}, desk.supervisor.token);
      expect(again.monitor.id).to.equal(started.monitor.id);
      const list = await ok(tk, 200, 'GET', `${conv()}/monitors`, undefined, desk.supervisor.token);
      expect(list.monitors.map((m: { userId: string }) => m.userId)).to.deep.equal([
        desk.supervisor.id,
      ]);
      await ok(tk, 204, 'DELETE', `${conv()}/monitor`, undefined, desk.supervisor.token);
      const none = await ok(tk, 200, 'GET', `${conv()}/monitors`, undefined, desk.supervisor.token);
      expect(none.monitors).to.deep.equal([]);
    });

    it('refuses monitoring to agents and visitors, and on one’s own chat', async () => {
      const agent = await tk.request('POST', `${conv()}/monitor`, {}, desk.agents[1]!.token);
      expect(agent.status).to.equal(403);
      expect(agent.body.error.details).to.deep.equal({ permission: 'conversation.monitor' });
      const visitor = await tk.request('POST', `${conv()}/monitor`, {}, chat.token);
      expect(visitor.status).to.equal(403);
      const list = await tk.request('GET', `${conv()}/monitors`, undefined, desk.agents[1]!.token);
      expect(list.status).to.equal(403);
      await ok(tk, 200, 'POST', '/api/v1/presence', { presence: 'online' }, desk.supervisor.token);
      const own = await activeChat(tk, desk, desk.supervisor);
      const path = `${BASE}/conversations/${own.conversationId}`;
      for (const action of ['monitor', 'barge-in']) {
        const res = await tk.request('POST', `${path}/${action}`, {}, desk.supervisor.token);
        expect(res.status, action).to.equal(409);
        expect(res.body.error.code).to.equal('WHISPER_OWN_CONVERSATION');
      }
      await ok(
        tk,
        200,
        'POST',
        `/api/v1/conversations/${own.conversationId}/end`,
        {},
        desk.supervisor.token,
      );
      const late = await tk.request('POST', `${path}/barge-in`, {}, desk.admin.token);
      expect(late.status).to.equal(409);
      expect(late.body.error.code).to.equal('WHISPER_CONVERSATION_NOT_LIVE');
    });

    it('ends the monitoring sessions of a conversation that ends', async () => {
      const other = await activeChat(tk, desk, desk.agents[1]!);
      const path = `${BASE}/conversations/${other.conversationId}`;
      await ok(tk, 201, 'POST', `${path}/monitor`, {}, desk.supervisor.token);
      await ok(
        tk,
        200,
        'POST',
        `/api/v1/conversations/${other.conversationId}/end`,
        {},
        desk.agents[1]!.token,
      );
      const list = await ok(tk, 200, 'GET', `${path}/monitors`, undefined, desk.supervisor.token);
      expect(list.monitors).to.deep.equal([]);
      const late = await tk.request('POST', `${path}/monitor`, {}, desk.supervisor.token);
      expect(late.status).to.equal(409);
    });
  });

  describe('barge-in', () => {
    it('joins visibly: the visitor sees "<name> joined the chat." and then the supervisor’s messages', async () => {
      const visitorSocket = await live(chat.token);
      await ok(tk, 201, 'POST', `${conv()}/monitor`, {}, desk.supervisor.token);
      const res = await ok(tk, 201, 'POST', `${conv()}/barge-in`, {}, desk.supervisor.token);
      expect(res.bargeIn).to.include({
        conversationId: chat.conversationId,
        userId: desk.supervisor.id,
      });
      const joined = await visitorSocket.waitFor(
        (f) =>
          f.type === 'message.created' && f.message?.body === 'Sue Supervisor joined the chat.',
      );
      expect(joined.message.author).to.deep.equal({ kind: 'system', name: null });
      expect(JSON.stringify(joined)).not.to.contain(desk.supervisor.id);
      await send(tk, desk.supervisor.token, chat.conversationId, 'Hello, I am the supervisor');
      const said = await visitorSocket.waitFor(
        (f) => f.type === 'message.created' && f.message?.body === 'Hello, I am the supervisor',
      );
      expect(said.message.author.name).to.equal('Sue Supervisor');
      const monitors = await ok(
        tk,
        200,
        'GET',
        `${conv()}/monitors`,
        undefined,
        desk.supervisor.token,
      );
      expect(monitors.monitors, 'barging in ends the silent session').to.deep.equal([]);
    });

    it('refuses barge-in to agents, who lack conversation.monitor', async () => {
      for (const agent of desk.agents) {
        const res = await tk.request('POST', `${conv()}/barge-in`, {}, agent.token);
        expect(res.status).to.equal(403);
        expect(res.body.error.details).to.deep.equal({ permission: 'conversation.monitor' });
      }
    });
  });

  describe('audit', () => {
    it('records who whispered to whom and when, threads, monitoring and barge-in, for supervisors', async () => {
      const all = await ok(
        tk,
        200,
        'GET',
        `${BASE}/audit?conversationId=${chat.conversationId}&limit=200`,
        undefined,
        desk.supervisor.token,
      );
      const actions = all.entries.map((e: { action: string }) => e.action);
      expect(actions).to.include.members([
        'whisper.sent',
        'thread.opened',
        'monitor.started',
        'monitor.stopped',
        'barge-in',
      ]);
      const first = all.entries
        .filter((e: { action: string }) => e.action === 'whisper.sent')
        .at(-1);
      expect(first).to.include({
        actorUserId: desk.supervisor.id,
        targetUserId: desk.agents[0]!.id,
        conversationId: chat.conversationId,
      });
      expect(first.messageId).to.match(/^msg_/);
      expect(first.createdAt).to.be.a('number');
      const ids = all.entries.map((e: { id: string }) => e.id);
      const seqs = all.entries.map((e: { seq: number }) => e.seq);
      expect(seqs, 'newest first').to.deep.equal([...seqs].sort((a, b) => b - a));

      const whispers = await ok(
        tk,
        200,
        'GET',
        `${BASE}/audit?action=whisper.sent&userId=${desk.agents[1]!.id}`,
        undefined,
        desk.admin.token,
      );
      expect(whispers.entries.map((e: { actorUserId: string }) => e.actorUserId)).to.deep.equal([
        desk.agents[1]!.id,
      ]);

      const paged: string[] = [];
      let before: number | null = null;
      do {
        const query: string = `${BASE}/audit?conversationId=${chat.conversationId}&limit=2${before ? `&before=${before}` : ''}`;
        const page = await ok(tk, 200, 'GET', query, undefined, desk.supervisor.token);
        paged.push(...page.entries.map((e: { id: string }) => e.id));
        before = page.nextBefore;
      } while (before);
      expect(paged).to.deep.equal(ids);
    });

    it('keeps the audit from agents and checks its query', async () => {
      const agent = await tk.request('GET', `${BASE}/audit`, undefined, desk.agents[0]!.token);
      expect(agent.status).to.equal(403);
      const bad = await tk.request(
        'GET',
        `${BASE}/audit?action=nope`,
        undefined,
        desk.supervisor.token,
      );
      expect(bad.status).to.equal(400);
      expect(bad.body.error.message).to.contain('whisper.sent');
      const limit = await tk.request(
        'GET',
        `${BASE}/audit?limit=0`,
        undefined,
        desk.supervisor.token,
      );
      expect(limit.status).to.equal(400);
    });
  });

  describe('personal data', () => {
    it('exports a visitor’s chat threads with their data, and erases them with the visitor only', async () => {
      const other = await activeChat(tk, desk, desk.agents[1]!);
      const thread = (
        await ok(
          tk,
          201,
          'POST',
          `${BASE}/conversations/${other.conversationId}/threads`,
          { withUserId: desk.supervisor.id },
          desk.agents[1]!.token,
        )
      ).thread;
      for (const body of ['Is this the customer Ada Lovelace?', 'Yes, account 42']) {
        await ok(
          tk,
          201,
          'POST',
          `${BASE}/threads/${thread.id}/messages`,
          { body },
          desk.supervisor.token,
        );
      }
      const exported = await ok(
        tk,
        200,
        'GET',
        `/api/v1/visitors/${other.visitorId}/export`,
        undefined,
        desk.admin.token,
      );
      const rows = (table: string) =>
        exported.tables.find((t: { table: string }) => t.table === table)?.rows ?? [];
      expect(rows('whisper_threads').map((r: { id: string }) => r.id)).to.deep.equal([thread.id]);
      expect(rows('whisper_thread_messages').map((r: { body: string }) => r.body)).to.deep.equal([
        'Is this the customer Ada Lovelace?',
        'Yes, account 42',
      ]);

      const erased = await ok(
        tk,
        200,
        'DELETE',
        `/api/v1/visitors/${other.visitorId}`,
        undefined,
        desk.admin.token,
      );
      expect(erased.tables).to.include({ whisper_threads: 1, whisper_thread_messages: 2 });
      const left = await tk
        .knex('whisper_thread_messages')
        .where({ thread_id: thread.id })
        .count({ n: '*' });
      expect(Number(left[0]!.n)).to.equal(0);
      // The first chat's thread is someone else's data: untouched.
      const kept = await ok(
        tk,
        200,
        'GET',
        `${BASE}/threads?conversationId=${chat.conversationId}`,
        undefined,
        desk.supervisor.token,
      );
      expect(kept.threads).to.have.length(1);
    });
  });

  describe('disabling the plugin live', () => {
    it('removes its routes, UI contributions and permissions at once, and brings them back', async () => {
      await ok(tk, 200, 'PUT', '/api/v1/plugins/whisper/state', { enabled: false });
      try {
        const gone = await whisper(tk, chat.conversationId, { body: 'x' }, desk.supervisor.token);
        expect(gone.status).to.equal(404);
        const threads = await tk.request(
          'GET',
          `${BASE}/threads`,
          undefined,
          desk.agents[0]!.token,
        );
        expect(threads.status).to.equal(404);
        const ui = await ok(
          tk,
          200,
          'GET',
          '/api/v1/ui/contributions?surface=console',
          undefined,
          desk.supervisor.token,
        );
        expect(
          ui.contributions.filter((c: { pluginId: string }) => c.pluginId === 'whisper'),
        ).to.deep.equal([]);
        // Whispers already stored stay internal notes: the agent still sees them, the visitor never.
        const history = await ok(
          tk,
          200,
          'GET',
          `/api/v1/conversations/${chat.conversationId}/messages`,
          undefined,
          chat.token,
        );
        expect(JSON.stringify(history)).not.to.contain('Offer the 10% discount');
      } finally {
        await ok(tk, 200, 'PUT', '/api/v1/plugins/whisper/state', { enabled: true });
      }
      const back = await whisper(
        tk,
        chat.conversationId,
        { body: 'back again' },
        desk.supervisor.token,
      );
      expect(back.status, JSON.stringify(back.body)).to.equal(201);
      const ui = await ok(
        tk,
        200,
        'GET',
        '/api/v1/ui/contributions?surface=console',
        undefined,
        desk.supervisor.token,
      );
      expect(ui.contributions.some((c: { pluginId: string }) => c.pluginId === 'whisper')).to.equal(
        true,
      );
    });
  });
});
