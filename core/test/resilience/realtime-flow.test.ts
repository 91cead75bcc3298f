import { expect } from 'chai';
import { WebSocket } from 'ws';
import {
  SwitchboardClient,
  type ConversationEvent,
  type HelloResult,
  type MessageEvent,
  type UnauthorizedEvent,
  type WebSocketConstructorLike,
} from '@switchboard/sdk/client';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { createTenantWithAdmin, createUser, type TestAccount } from '../support/accounts.js';
import { startVisitor } from '../support/chat.js';
import { expectedDialect } from '../support/kernel.js';
import { chatCoreOf } from '../support/operation-calls.js';
import { RawSocket, sleep } from '../support/raw-socket.js';
import { expectRequest } from '../support/tenant-fixture.js';

/** Reconnect after exactly this long, so messages sent meanwhile are surely missed. */
const RECONNECT_MS = 1000;

/** Polls `check` until it holds. */
async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** A SwitchboardClient over the `ws` package that records what it receives. */
function recordingClient(tk: TestKernel, token: string) {
  // Kept so a test can cut the connection under the client (`terminate`: no close frame).
  const sockets: WebSocket[] = [];
  class TrackedWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  const client = new SwitchboardClient({
    url: tk.url,
    token,
    WebSocket: TrackedWebSocket as unknown as WebSocketConstructorLike,
    reconnect: { minDelayMs: RECONNECT_MS, maxDelayMs: RECONNECT_MS },
    random: () => 0.5,
    callTimeoutMs: 10_000,
  });
  const messages: MessageEvent[] = [];
  const updates: ConversationEvent[] = [];
  const hellos: HelloResult[] = [];
  const unauthorized: (UnauthorizedEvent & { at: number })[] = [];
  client.on('message.created', (e) => messages.push(e));
  client.on('conversation.updated', (e) => updates.push(e));
  client.on('hello', (e) => hellos.push(e));
  client.on('unauthorized', (e) => unauthorized.push({ ...e, at: Date.now() }));
  return { client, messages, updates, hellos, unauthorized, sockets };
}

const bodies = (events: readonly MessageEvent[]) =>
  events.map((e) => (e.message as { body: string }).body);

describe('Realtime flow over SwitchboardClient: request, chat, cut, resume, end', function () {
  this.timeout(60_000);
  let tk: TestKernel;
  let agent: TestAccount;
  let embedKey: string;

  before(async () => {
    tk = await createTestKernel({
      config: { auth: { scryptLog2N: 12, loginPerMinute: 10_000 } },
    });
    const tenant = await createTenantWithAdmin(tk);
    embedKey = tenant.embedKey;
    agent = await createUser(tk, tenant.admin.token, { role: 'agent', name: 'Agent Ann' });
    await expectRequest(tk, 200, 'POST', '/api/v1/presence', { presence: 'online' }, agent.token);
  });
  after(() => tk?.stop());

  it(`runs on the database this run uses (${expectedDialect})`, () => {
    expect(tk.dialect).to.equal(expectedDialect);
  });

  it('carries a chat both ways in order, resumes a cut visitor socket with exactly the missed messages, then ends with a transcript', async () => {
    const visitorSession = await startVisitor(tk, embedKey);
    const visitor = recordingClient(tk, visitorSession.token);
    const desk = recordingClient(tk, agent.token);
    await Promise.all([visitor.client.connect(), desk.client.connect()]);

    // The visitor asks for a chat; the agent picks it.
    const requested = await visitor.client.call<{ status: string; conversation: { id: string } }>(
      'conversation.request',
      {},
    );
    expect(requested.status).to.equal('queued');
    const conversationId = requested.conversation.id;
    await desk.client.call('conversation.pick', { conversationId });
    await desk.client.call('conversation.subscribe', { conversationId });

    // Messages both ways, each side answering the other.
    const script = [
      'visitor:Hello?',
      'agent:Hi, how can I help?',
      'visitor:My order is late',
      'agent:Let me check',
      'visitor:Thanks',
      'agent:It ships today',
    ];
    for (const [i, line] of script.entries()) {
      const [who, body] = line.split(':') as ['visitor' | 'agent', string];
      const sender = who === 'visitor' ? visitor.client : desk.client;
      await sender.call('conversation.send', {
        conversationId,
        body,
        clientMessageId: `flow-${i}`,
      });
    }
    const said = script.map((line) => line.split(':')[1]!);
    const spoken = (events: readonly MessageEvent[]) =>
      bodies(events).filter((b) => said.includes(b));
    await until(
      () => spoken(visitor.messages).length === said.length,
      'the visitor to get every message',
    );
    await until(
      () => spoken(desk.messages).length === said.length,
      'the agent to get every message',
    );
    expect(spoken(visitor.messages)).to.deep.equal(said);
    expect(spoken(desk.messages)).to.deep.equal(said);
    // Each side sees its own seq space gap-free (the visitor's counts public messages only).
    expect(visitor.messages.map((e) => e.seq)).to.deep.equal(
      visitor.messages.map((_e, i) => i + 1),
    );
    expect(desk.messages.map((e) => e.seq)).to.deep.equal(
      [...desk.messages.map((e) => e.seq)].sort((a, b) => a - b),
    );

    // The visitor's connection drops twice: closed by the server (1001), then cut under the
    // client without a close frame. The agent keeps writing each time; each reconnect resumes
    // from the last seq the client saw and gets exactly what it missed, once, in order.
    const cuts: [string, () => void][] = [
      [
        'closed by the server',
        () => {
          expect(
            chatCoreOf(tk).realtime.disconnect({ visitorId: visitorSession.visitorId }),
          ).to.equal(1);
        },
      ],
      ['cut under the client', () => visitor.sockets.at(-1)!.terminate()],
    ];
    for (const [n, [how, cut]] of cuts.entries()) {
      const before = visitor.messages.length;
      cut();
      await until(
        () => visitor.client.state === 'reconnecting',
        `the client to notice it was ${how}`,
      );
      await until(
        () => chatCoreOf(tk).realtime.stats().visitors === 0,
        'the server to drop the socket',
      );
      const missed = [`Still there? (${n})`, `Tracking number 4${n}`, `It arrives Friday (${n})`];
      for (const body of missed)
        await desk.client.call('conversation.send', { conversationId, body });
      expect(visitor.client.state, `sent while the visitor was away (${how})`).to.equal(
        'reconnecting',
      );
      await until(
        () => visitor.hellos.length === n + 2,
        `the client to reconnect (${how})`,
        10_000,
      );
      await until(
        () => visitor.messages.length === before + missed.length,
        `the missed messages (${how})`,
      );
      await sleep(50);
      expect(visitor.hellos[n + 1]!.resumed[conversationId], how).to.deep.equal({
        replayed: missed.length,
      });
      const afterCut = visitor.messages.slice(before);
      expect(bodies(afterCut), how).to.deep.equal(missed);
      expect(
        afterCut.map((e) => e.seq),
        how,
      ).to.deep.equal(missed.map((_b, i) => before + i + 1));
      said.push(...missed);
    }

    // Live delivery goes on after the resume.
    await desk.client.call('conversation.send', { conversationId, body: 'Anything else?' });
    await until(
      () => bodies(visitor.messages).includes('Anything else?'),
      'a live message after the resume',
    );

    // The visitor ends the chat; both sides hear of it.
    const ended = await visitor.client.call<{ state: string }>('conversation.end', {
      conversationId,
    });
    expect(ended.state).to.equal('ended');
    const endedFor = (updates: readonly ConversationEvent[]) =>
      updates.some((u) => u.conversation.id === conversationId && u.conversation.state === 'ended');
    await until(
      () => endedFor(visitor.updates) && endedFor(desk.updates),
      'both sides to see the end',
    );

    // The transcript has every public message, once, in order.
    const transcript = await visitor.client.rest<{ messages: { body: string; seq: number }[] }>(
      'GET',
      `/api/v1/conversations/${conversationId}/transcript`,
    );
    const texts = transcript.messages.map((m) => m.body);
    const everything = [...said, 'Anything else?'];
    expect(texts.filter((b) => everything.includes(b))).to.deep.equal(everything);
    expect(transcript.messages.map((m) => m.seq)).to.deep.equal(
      transcript.messages.map((_m, i) => i + 1),
    );
    expect(bodies(visitor.messages)).to.deep.equal(texts);

    await visitor.client.close();
    await desk.client.close();
  });

  it('cuts the agent’s socket with 4003 within a second of a password change, and refuses the old token', async () => {
    const desk = recordingClient(tk, agent.token);
    await desk.client.connect();
    const changedAt = Date.now();
    const res = await tk.request(
      'POST',
      '/api/v1/auth/password',
      { currentPassword: agent.password, newPassword: 'a-brand-new-password-2' },
      agent.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await until(() => desk.unauthorized.length > 0, 'the socket to be cut', 2000);
    const cut = desk.unauthorized[0]!;
    expect(cut.code).to.equal(4003);
    expect(cut.at - changedAt, 'milliseconds until the cut').to.be.below(1000);
    expect(desk.client.state).to.equal('closed');

    const old = await RawSocket.open(tk.url);
    const refused = await old.request('hello', { token: agent.token });
    expect(refused.type).to.equal('error');
    expect((await old.closed).code).to.equal(4001);
    expect((await tk.request('GET', '/api/v1/auth/me', undefined, agent.token)).status).to.equal(
      401,
    );

    const fresh = recordingClient(tk, res.body.token);
    await fresh.client.connect();
    expect(fresh.client.state).to.equal('open');
    await fresh.client.close();
  });
});
