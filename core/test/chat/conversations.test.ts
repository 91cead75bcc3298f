import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { send, setupDesk, startVisitor, visitorWithChat, type Desk } from '../support/chat.js';

describe('Conversations over REST', () => {
  let tk: TestKernel;
  let desk: Desk;

  beforeEach(async () => {
    tk = await createTestKernel({ config: { auth: { scryptLog2N: 12 } } });
    desk = await setupDesk(tk);
  });
  afterEach(() => tk.stop());

  it('queue a requested chat as red, and let an agent pick it, turning it active', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const queue = await tk.request('GET', '/api/v1/queue', undefined, desk.agents[0]!.token);
    expect(queue.body.queue.map((c: { id: string }) => c.id)).to.deep.equal([v.conversationId]);
    expect(queue.body.queue[0].colour).to.equal('red');
    const picked = await tk.request(
      'POST',
      `/api/v1/conversations/${v.conversationId}/pick`,
      {},
      desk.agents[0]!.token,
    );
    expect(picked.status, JSON.stringify(picked.body)).to.equal(200);
    expect(picked.body).to.include({ state: 'active', assignedAgentId: desk.agents[0]!.id });
    expect(picked.body.colour).to.equal('green');
  });

  it('give the chat to exactly one of two agents picking it at once, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const v = await visitorWithChat(tk, desk.embedKey);
      const results = await Promise.all(
        desk.agents.map((a) =>
          tk.request('POST', `/api/v1/conversations/${v.conversationId}/pick`, {}, a.token),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).to.deep.equal([200, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body.error.code).to.equal('CONVERSATION_TAKEN');
      await tk.request('POST', `/api/v1/conversations/${v.conversationId}/end`, {}, v.token);
    }
  });

  it('refuse a pick beyond the agent’s capacity with AGENT_AT_CAPACITY', async () => {
    const small = await setupDesk(tk, 1, 1);
    const first = await visitorWithChat(tk, small.embedKey);
    const second = await visitorWithChat(tk, small.embedKey);
    const agent = small.agents[0]!;
    const ok = await tk.request(
      'POST',
      `/api/v1/conversations/${first.conversationId}/pick`,
      {},
      agent.token,
    );
    expect(ok.status).to.equal(200);
    const full = await tk.request(
      'POST',
      `/api/v1/conversations/${second.conversationId}/pick`,
      {},
      agent.token,
    );
    expect(full.status).to.equal(409);
    expect(full.body.error.code).to.equal('AGENT_AT_CAPACITY');
  });

  it('answer the same open conversation to a visitor who asks twice, even concurrently', async () => {
    const visitor = await startVisitor(tk, desk.embedKey);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        tk.request('POST', '/api/v1/conversations', {}, visitor.token),
      ),
    );
    const ids = new Set(results.map((r) => r.body.conversation?.id));
    expect(results.every((r) => r.status === 201)).to.equal(true);
    expect(ids.size).to.equal(1);
    const open = await tk
      .knex('core_conversations')
      .where({ visitor_id: visitor.visitorId })
      .whereNull('ended_at');
    expect(open).to.have.length(1);
  });

  it('carry messages both ways in order with gap-free seqs', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const agent = desk.agents[0]!;
    await tk.request('POST', `/api/v1/conversations/${v.conversationId}/pick`, {}, agent.token);
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0
          ? send(tk, v.token, v.conversationId, `visitor ${i}`)
          : send(tk, agent.token, v.conversationId, `agent ${i}`),
      ),
    );
    const seqs = sent.map((m) => m.seq).sort((a, b) => a - b);
    const agentView = await tk.request(
      'GET',
      `/api/v1/conversations/${v.conversationId}/messages?limit=500`,
      undefined,
      agent.token,
    );
    const all = agentView.body.messages as { seq: number }[];
    expect(all.map((m) => m.seq)).to.deep.equal(all.map((_, i) => i + 1));
    const visitorView = await tk.request(
      'GET',
      `/api/v1/conversations/${v.conversationId}/messages?limit=500`,
      undefined,
      v.token,
    );
    const seen = visitorView.body.messages as { seq: number }[];
    expect(seen.map((m) => m.seq)).to.deep.equal(seen.map((_, i) => i + 1));
    expect(new Set(seqs).size).to.equal(30);
  });

  it('store a message once when the client resends it with the same clientMessageId', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        tk.request(
          'POST',
          `/api/v1/conversations/${v.conversationId}/messages`,
          { body: 'only once', clientMessageId: 'c-1' },
          v.token,
        ),
      ),
    );
    expect(new Set(results.map((r) => r.body.message.id)).size).to.equal(1);
    expect(results.filter((r) => r.body.duplicate === false)).to.have.length(1);
    const rows = await tk
      .knex('core_messages')
      .where({ conversation_id: v.conversationId, body: 'only once' });
    expect(rows).to.have.length(1);
  });

  it('keep internal notes from the visitor, and keep the visitor’s seqs gap-free around them', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const agent = desk.agents[0]!;
    await tk.request('POST', `/api/v1/conversations/${v.conversationId}/pick`, {}, agent.token);
    await send(tk, agent.token, v.conversationId, 'hello');
    await send(tk, agent.token, v.conversationId, 'MARKER-internal-7731', {
      visibility: 'internal',
    });
    await send(tk, agent.token, v.conversationId, 'how can I help?');
    const visitorView = await tk.request(
      'GET',
      `/api/v1/conversations/${v.conversationId}/messages`,
      undefined,
      v.token,
    );
    expect(JSON.stringify(visitorView.body)).not.to.contain('MARKER-internal-7731');
    const seqs = visitorView.body.messages.map((m: { seq: number }) => m.seq);
    expect(seqs).to.deep.equal(seqs.map((_: number, i: number) => i + 1));
    const agentView = await tk.request(
      'GET',
      `/api/v1/conversations/${v.conversationId}/messages`,
      undefined,
      agent.token,
    );
    expect(JSON.stringify(agentView.body)).to.contain('MARKER-internal-7731');
  });

  it('refuse internal messages from visitors and replies from agents not holding the chat', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const internal = await tk.request(
      'POST',
      `/api/v1/conversations/${v.conversationId}/messages`,
      { body: 'x', visibility: 'internal' },
      v.token,
    );
    expect(internal.status).to.equal(403);
    const stranger = await tk.request(
      'POST',
      `/api/v1/conversations/${v.conversationId}/messages`,
      { body: 'hi' },
      desk.agents[1]!.token,
    );
    expect(stranger.status).to.equal(409);
    expect(stranger.body.error.code).to.equal('CONVERSATION_NOT_ASSIGNED');
  });

  it('refuse fields the caller may not set, such as tenantId, role or seq', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    for (const extra of [
      { tenantId: 'other' },
      { role: 'admin' },
      { seq: 5 },
      { author: 'agent' },
    ]) {
      const res = await tk.request(
        'POST',
        `/api/v1/conversations/${v.conversationId}/messages`,
        { body: 'x', ...extra },
        v.token,
      );
      expect(res.status, JSON.stringify(extra)).to.equal(400);
      expect(res.body.error.message).to.match(/unknown property/);
    }
    const rows = await tk
      .knex('core_messages')
      .where({ conversation_id: v.conversationId, body: 'x' });
    expect(rows).to.have.length(0);
  });

  it('transfer a chat to another agent, then end it; ending again changes nothing', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const [a, b] = desk.agents as [Desk['agents'][0], Desk['agents'][0]];
    await tk.request('POST', `/api/v1/conversations/${v.conversationId}/pick`, {}, a.token);
    const moved = await tk.request(
      'POST',
      `/api/v1/conversations/${v.conversationId}/transfer`,
      { toAgentId: b.id },
      a.token,
    );
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    expect(moved.body.assignedAgentId).to.equal(b.id);
    const notYours = await send(tk, b.token, v.conversationId, 'I am taking over');
    expect(notYours.body).to.equal('I am taking over');
    const ended = await tk.request(
      'POST',
      `/api/v1/conversations/${v.conversationId}/end`,
      {},
      b.token,
    );
    expect(ended.body.state).to.equal('ended');
    const again = await tk.request(
      'POST',
      `/api/v1/conversations/${v.conversationId}/end`,
      {},
      v.token,
    );
    expect(again.status).to.equal(200);
    const ends = await tk
      .knex('core_messages')
      .where({ conversation_id: v.conversationId, kind: 'event' });
    expect(ends.filter((m) => String(m.metadata).includes('conversation.ended'))).to.have.length(1);
    const late = await tk.request(
      'POST',
      `/api/v1/conversations/${v.conversationId}/messages`,
      { body: 'too late' },
      v.token,
    );
    expect(late.status).to.equal(409);
  });

  it('transfer back to the queue, where the chat turns red again', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const a = desk.agents[0]!;
    await tk.request('POST', `/api/v1/conversations/${v.conversationId}/pick`, {}, a.token);
    const back = await tk.request(
      'POST',
      `/api/v1/conversations/${v.conversationId}/transfer`,
      {},
      a.token,
    );
    expect(back.body).to.include({ state: 'waiting', colour: 'red', assignedAgentId: null });
  });

  it('turn a quiet chat idle and wake it with the next message', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const a = desk.agents[0]!;
    await tk.request('POST', `/api/v1/conversations/${v.conversationId}/pick`, {}, a.token);
    await send(tk, v.token, v.conversationId, 'hello?');
    await tk.clock.advance(11 * 60 * 1000);
    const kernel = tk.kernel as {
      chat: { chat: { conversations: { sweepIdle(ms: number): Promise<number> } } };
    };
    await kernel.chat.chat.conversations.sweepIdle(10 * 60 * 1000);
    const idle = await tk.request(
      'GET',
      `/api/v1/conversations/${v.conversationId}`,
      undefined,
      a.token,
    );
    expect(idle.body.state).to.equal('idle');
    expect(idle.body.colour).to.equal('yellow');
    await send(tk, a.token, v.conversationId, 'still here');
    const woke = await tk.request(
      'GET',
      `/api/v1/conversations/${v.conversationId}`,
      undefined,
      a.token,
    );
    expect(woke.body.state).to.equal('active');
    expect(woke.body.colour).to.equal('green');
  });
});

describe('Chat requests with nobody online', () => {
  let tk: TestKernel;
  let desk: Desk;

  beforeEach(async () => {
    tk = await createTestKernel({ config: { auth: { scryptLog2N: 12 } } });
    desk = await setupDesk(tk, 1);
    await tk.request('POST', '/api/v1/presence', { presence: 'away' }, desk.agents[0]!.token);
  });
  afterEach(() => tk.stop());

  it('offer the offline message form and keep the attempt on record as a missed chat', async () => {
    const visitor = await startVisitor(tk, desk.embedKey);
    const res = await tk.request('POST', '/api/v1/conversations', {}, visitor.token);
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.equal({ status: 'offline', message: null });
    const missed = await tk.request(
      'GET',
      `/api/v1/conversations?visitorId=${visitor.visitorId}`,
      undefined,
      desk.agents[0]!.token,
    );
    expect(missed.body.conversations).to.have.length(1);
    expect(missed.body.conversations[0]).to.include({ state: 'ended', endReason: 'no-agents' });
  });

  it('store an offline message as an ended conversation agents can read', async () => {
    const visitor = await startVisitor(tk, desk.embedKey, { email: 'bob@example.com' });
    const left = await tk.request(
      'POST',
      '/api/v1/visitor/offline-messages',
      { body: 'Please call me back about order 42.' },
      visitor.token,
    );
    expect(left.status, JSON.stringify(left.body)).to.equal(201);
    const id = left.body.conversation.id;
    const seen = await tk.request(
      'GET',
      `/api/v1/conversations/${id}/messages`,
      undefined,
      desk.agents[0]!.token,
    );
    expect(seen.body.messages.map((m: { body: string }) => m.body)).to.include(
      'Please call me back about order 42.',
    );
    const conversation = await tk.request(
      'GET',
      `/api/v1/conversations/${id}`,
      undefined,
      desk.agents[0]!.token,
    );
    expect(conversation.body).to.include({ state: 'ended', endReason: 'offline-message' });
  });
});
