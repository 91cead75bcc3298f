import { expect } from 'chai';
import { WebSocket } from 'ws';
import {
  SwitchboardClient,
  SwitchboardClientError,
  type ClientState,
  type MessageEvent,
  type SwitchboardClientOptions,
} from '@switchboard/sdk/client';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel } from '../support/kernel.js';
import {
  ChatTopics,
  FakeReplay,
  TestTokens,
  chatOf,
  gatewayOf,
  message,
  publish,
  sleep,
  until,
  withTestPrincipals,
} from './support.js';

const fastReconnect = { minDelayMs: 10, maxDelayMs: 40 };

describe('SwitchboardClient against a real gateway', () => {
  let tk: TestKernel;
  let removePrincipals: () => void;
  let replay: FakeReplay;
  let clients: SwitchboardClient[];
  let slowCalls = 0;
  let releaseSlow: () => void = () => {};

  const client = (options: Partial<SwitchboardClientOptions> = {}) => {
    const c = new SwitchboardClient({
      url: tk.url,
      token: tk.adminToken,
      WebSocket,
      reconnect: fastReconnect,
      ...options,
    });
    clients.push(c);
    return c;
  };

  before(async () => {
    tk = await bootKernel([]);
    removePrincipals = withTestPrincipals(tk);
    chatOf(tk).registry.register(
      {
        name: 'test.echo',
        summary: 'Answers its input.',
        permission: null,
        input: {
          type: 'object',
          additionalProperties: false,
          properties: { text: { type: 'string' } },
        },
        handler: async (call) => call.input,
      },
      {
        name: 'test.slow',
        summary: 'The first call waits until released.',
        permission: null,
        input: {
          type: 'object',
          additionalProperties: false,
          properties: { clientMessageId: { type: 'string' } },
        },
        handler: async () => {
          const n = ++slowCalls;
          if (n === 1) await new Promise<void>((resolve) => (releaseSlow = resolve));
          return { n };
        },
      },
    );
  });
  after(async () => {
    removePrincipals();
    await tk.stop();
  });
  beforeEach(() => {
    clients = [];
    replay = new FakeReplay();
    gatewayOf(tk).setReplaySource(replay);
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await until(() => gatewayOf(tk).stats().sockets === 0, 'every socket to close');
  });

  it('connects, and resolves calls with their ack or rejects them with the error', async () => {
    const c = client();
    const hello = await c.connect();
    expect(hello.principal.kind).to.equal('system');
    expect(c.state).to.equal('open');
    expect(await c.call('test.echo', { text: 'hi' })).to.deep.equal({ text: 'hi' });
    const error = await c.call('test.nothing').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SwitchboardClientError);
    expect(error).to.deep.include({ code: 'OPERATION_UNKNOWN' });
  });

  it('sends the calls made before connect() once the hello is answered', async () => {
    const c = client();
    const early = c.call<{ at: number }>('ping');
    await c.connect();
    expect((await early).at).to.equal(tk.clock.now());
  });

  it('reconnects after the server drops it and resumes, delivering each message once', async () => {
    replay.add('c1', 3);
    const c = client();
    const states: ClientState[] = [];
    const seen: number[] = [];
    let hellos = 0;
    c.on('state', (s) => states.push(s));
    c.on('hello', () => hellos++);
    c.on('message.created', (e: MessageEvent) => seen.push(e.seq));
    c.track('c1', 0);
    await c.connect();
    await until(() => seen.length === 3, 'the first replay');
    await publish(tk, ChatTopics.message, {
      tenantId: 't1',
      visitorId: 'v1',
      message: message('c1', 4),
      visitorSeq: 4,
    });
    await until(() => seen.length === 4, 'the live message');
    // Missed while disconnected: 5 and 6 (4 was seen live). The next replay also repeats two
    // messages the client already has, and is slow.
    replay.add('c1', 3);
    replay.overlap = 2;
    const replaying = replay.hold();

    expect(gatewayOf(tk).disconnect()).to.equal(1);
    await replaying;
    // Live while the replay runs: 6 is also replayed, 7 is new.
    for (const seq of [6, 7]) {
      await publish(tk, ChatTopics.message, {
        tenantId: 't1',
        visitorId: 'v1',
        message: message('c1', seq),
        visitorSeq: seq,
      });
    }
    replay.release();
    await until(() => seen.length === 7, 'the resumed messages');
    await sleep(30);
    expect(seen).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(hellos).to.equal(2);
    expect(states).to.deep.equal(['connecting', 'open', 'reconnecting', 'open']);
    expect(c.tracked()).to.deep.equal({ c1: 7 });
  });

  it('sends a call again after a reconnect when its answer was lost (at least once)', async () => {
    slowCalls = 0;
    const c = client();
    await c.connect();
    const pending = c.call<{ n: number }>('test.slow', { clientMessageId: 'cm-1' });
    await until(() => slowCalls === 1, 'the first attempt to start');
    gatewayOf(tk).disconnect();
    releaseSlow(); // the first attempt ends on a closed socket: its ack is lost
    expect(await pending).to.deep.equal({ n: 2 });
  });

  it('emits resume.gap and moves on when more was missed than the server replays', async () => {
    replay.add('big', 1500);
    const c = client();
    const gaps: unknown[] = [];
    c.on('resume.gap', (e) => gaps.push(e));
    c.track('big', 10);
    const hello = await c.connect();
    expect(hello.resumed).to.deep.equal({ big: { gap: true, fromSeq: 11, latestSeq: 1500 } });
    await until(() => gaps.length === 1, 'the gap event');
    expect(c.tracked()).to.deep.equal({ big: 1500 });
  });

  it('forgets conversations the server does not know on resume', async () => {
    const c = client();
    c.track('gone', 3);
    await c.connect();
    expect(c.tracked()).to.deep.equal({});
  });

  it('stops on a refused token: connect() rejects, unauthorized is emitted, no retry', async () => {
    const c = client({ token: 'wrong' });
    const events: { code: number }[] = [];
    c.on('unauthorized', (e) => events.push(e));
    const queued = c.call('ping');
    const error = await c.connect().catch((e: unknown) => e);
    expect(error).to.deep.include({ code: 'AUTH_TOKEN_INVALID' });
    expect(await queued.catch((e: SwitchboardClientError) => e.code)).to.equal(
      'AUTH_TOKEN_INVALID',
    );
    expect(events.map((e) => e.code)).to.deep.equal([4001]);
    expect(c.state).to.equal('closed');
    await sleep(100);
    expect(gatewayOf(tk).stats().sockets).to.equal(0);
  });

  it('stops when its session is revoked (4003)', async () => {
    const c = client({ token: TestTokens.agent });
    const events: { code: number }[] = [];
    c.on('unauthorized', (e) => events.push(e));
    await c.connect();
    await publish(tk, ChatTopics.revoked, { tenantId: 't1', userId: 'u1' });
    await until(() => events.length === 1, 'the unauthorized event');
    expect(events[0]).to.deep.include({ code: 4003 });
    expect(c.state).to.equal('closed');
    expect(await c.call('ping').catch((e: SwitchboardClientError) => e.code)).to.equal(
      'CLIENT_CLOSED',
    );
  });

  it('calls REST with the same bearer token and rejects with the server error', async () => {
    const c = client();
    const list = await c.rest<{ plugins: unknown[] }>('GET', '/api/v1/plugins');
    expect(list.plugins).to.be.an('array');
    const stranger = client({ token: 'wrong' });
    const error = await stranger.rest('GET', '/api/v1/plugins').catch((e: unknown) => e);
    expect(error).to.deep.include({ code: 'AUTH_TOKEN_INVALID', status: 401 });
  });

  it('fails waiting calls with CLIENT_CLOSED on close()', async () => {
    const c = client();
    const queued = c.call('ping');
    await c.close();
    expect(await queued.catch((e: SwitchboardClientError) => e.code)).to.equal('CLIENT_CLOSED');
    expect(c.state).to.equal('closed');
  });
});

describe('SwitchboardClient heartbeat watchdog', () => {
  let tk: TestKernel;
  before(async () => {
    // The kernel clock is virtual and never advanced here, so the server sends no heartbeat.
    tk = await bootKernel([], { config: { realtime: { heartbeatMs: 100 } } });
  });
  after(() => tk.stop());

  it('treats a connection silent for 2.5 heartbeats as dead and reconnects', async () => {
    const c = new SwitchboardClient({
      url: tk.url,
      token: tk.adminToken,
      WebSocket,
      reconnect: fastReconnect,
    });
    let hellos = 0;
    c.on('hello', () => hellos++);
    const started = Date.now();
    await c.connect();
    await until(() => hellos >= 2, 'a second hello', 2000);
    expect(Date.now() - started).to.be.at.least(250);
    await c.close();
  });
});
