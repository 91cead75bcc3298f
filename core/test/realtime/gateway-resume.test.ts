import { expect } from 'chai';
import type { Principal } from '@switchboard/sdk';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel } from '../support/kernel.js';
import {
  ChatTopics,
  FakeReplay,
  TestSocket,
  TestTokens,
  chatOf,
  gatewayOf,
  message,
  publish,
  sleep,
  until,
  withTestPrincipals,
  type Frame,
} from './support.js';

const REPLAY_LIMIT = 5;

/** The frames after the hello ack, as `type:seq` (or the type alone). */
function afterAck(socket: TestSocket): string[] {
  const ack = socket.frames.findIndex((f) => f.type === 'ack');
  return socket.frames
    .slice(ack + 1)
    .filter((f) => f.type !== 'ack')
    .map((f: Frame) => (f.seq === undefined ? f.type : `${f.type}:${f.seq}`));
}

describe('The realtime gateway: resuming after a reconnect', () => {
  let tk: TestKernel;
  let removePrincipals: () => void;
  let replay: FakeReplay;

  before(async () => {
    tk = await bootKernel([], { config: { realtime: { replayLimit: REPLAY_LIMIT } } });
    removePrincipals = withTestPrincipals(tk);
  });
  after(async () => {
    removePrincipals();
    await tk.stop();
  });
  beforeEach(() => {
    replay = new FakeReplay();
    gatewayOf(tk).setReplaySource(replay);
  });

  it('replays what a user missed right after the hello ack, then delivers live events', async () => {
    replay.add('r1', 5);
    const socket = await TestSocket.connect(tk, TestTokens.agent, { r1: 2 });
    const ack = socket.frames.find((f) => f.type === 'ack')!;
    expect(ack.result.resumed).to.deep.equal({ r1: { replayed: 3 } });
    await until(() => socket.ofType('message.created').length === 3, 'the replay');
    const first = socket.ofType('message.created')[0]!;
    expect(first).to.deep.equal({
      type: 'message.created',
      conversationId: 'r1',
      seq: 3,
      message: message('r1', 3),
    });
    // Resuming subscribed the user to the conversation.
    await publish(tk, ChatTopics.message, {
      tenantId: 't1',
      visitorId: 'v1',
      message: message('r1', 6),
      visitorSeq: 6,
    });
    await socket.next((f) => f.type === 'message.created' && f.seq === 6);
    expect(afterAck(socket)).to.deep.equal([
      'message.created:3',
      'message.created:4',
      'message.created:5',
      'message.created:6',
    ]);
    await socket.close();
  });

  it('reports a gap, after the ack, when more than replayLimit messages are missing', async () => {
    replay.add('r2', 20);
    const socket = await TestSocket.connect(tk, TestTokens.agent, { r2: 4 });
    const ack = socket.frames.find((f) => f.type === 'ack')!;
    expect(ack.result.resumed).to.deep.equal({ r2: { gap: true, fromSeq: 5, latestSeq: 20 } });
    const gap = await socket.next((f) => f.type === 'resume.gap');
    expect(gap).to.deep.equal({
      type: 'resume.gap',
      conversationId: 'r2',
      fromSeq: 5,
      latestSeq: 20,
    });
    expect(socket.ofType('message.created')).to.deep.equal([]);
    await socket.close();
  });

  it('answers unknown for a conversation the principal may not see, and does not watch it', async () => {
    replay.add('r3', 2);
    const socket = await TestSocket.connect(tk, TestTokens.otherTenantAgent, { r3: 0, nope: 0 });
    const ack = socket.frames.find((f) => f.type === 'ack')!;
    expect(ack.result.resumed).to.deep.equal({ r3: { unknown: true }, nope: { unknown: true } });
    expect(gatewayOf(tk).stats().subscriptions).to.equal(0);
    await socket.close();
  });

  it('answers unknown for everything while no replay source is set', async () => {
    gatewayOf(tk).setReplaySource(null);
    const socket = await TestSocket.connect(tk, tk.adminToken, { r1: 0 });
    expect(socket.frames[0]!.result.resumed).to.deep.equal({ r1: { unknown: true } });
    await socket.close();
  });

  it('holds live events back during the replay, drops the ones replayed, keeps the order', async () => {
    replay.add('r4', 3);
    const waiting = replay.hold();
    const socket = await TestSocket.open(tk);
    socket.send({ id: 'h', type: 'hello', data: { token: TestTokens.agent, resume: { r4: 1 } } });
    await waiting;
    // Published while the replay is being read: seq 3 is also in the replay, seq 4 is new.
    for (const seq of [3, 4]) {
      await publish(tk, ChatTopics.message, {
        tenantId: 't1',
        visitorId: 'v1',
        message: message('r4', seq),
        visitorSeq: seq,
      });
    }
    await publish(tk, ChatTopics.typing, {
      tenantId: 't1',
      conversationId: 'r4',
      visitorId: 'v1',
      author: { kind: 'visitor', id: 'v1' },
      typing: true,
      visibility: 'public',
    });
    // A frame sent before the hello is answered waits for it.
    socket.send({ id: 'early-ping', type: 'ping' });
    await sleep(20);
    expect(socket.frames).to.deep.equal([]);
    replay.release();
    await socket.next((f) => f.id === 'early-ping');
    expect(socket.frames[0]).to.deep.include({ type: 'ack', id: 'h' });
    expect(afterAck(socket)).to.deep.equal([
      'message.created:2',
      'message.created:3',
      'message.created:4',
      'typing',
    ]);
    await socket.close();
  });

  it('replays to a visitor without subscribing them; live events come by their visitor id', async () => {
    replay.add('r5', 2);
    const socket = await TestSocket.connect(tk, TestTokens.visitor, { r5: 0 });
    expect(socket.frames[0]!.result.resumed).to.deep.equal({ r5: { replayed: 2 } });
    await until(() => socket.ofType('message.created').length === 2, 'the replay');
    expect(gatewayOf(tk).stats().subscriptions).to.equal(0);
    await publish(tk, ChatTopics.message, {
      tenantId: 't1',
      visitorId: 'v1',
      message: message('r5', 3),
      visitorSeq: 3,
    });
    expect((await socket.next((f) => f.seq === 3)).message.seq).to.equal(3);
    await socket.close();
  });

  it('refuses more than MAX_RESUME_CONVERSATIONS conversations in one hello', async () => {
    const resume = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`c${i}`, 0]));
    const socket = await TestSocket.open(tk);
    const answer = await socket.request('hello', { token: tk.adminToken, resume });
    expect(answer.error.code).to.equal('REQUEST_INVALID');
    expect((await socket.closed).code).to.equal(4001);
  });

  it('cuts a socket whose session is revoked while its hello is being resolved', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const chat = chatOf(tk);
    const slow = async (token: string): Promise<Principal | null> => {
      if (token !== 'slow-token') return null;
      await gate;
      return {
        kind: 'user',
        userId: 'u5',
        tenantId: 't1',
        role: 'agent',
        permissions: chat.policy.permissionsOf('agent', 't1'),
        sessionId: 'tok-u5',
      };
    };
    chat.resolvers.push(slow);
    try {
      const socket = await TestSocket.open(tk);
      socket.send({ id: 'h', type: 'hello', data: { token: 'slow-token' } });
      await sleep(20);
      await publish(tk, ChatTopics.revoked, { tenantId: 't1', tokenIds: ['tok-u5'] });
      release();
      const answer = await socket.next((f) => f.id === 'h');
      expect(answer.error.code).to.equal('AUTH_REVOKED');
      expect((await socket.closed).code).to.equal(4003);
    } finally {
      chat.resolvers.splice(chat.resolvers.indexOf(slow), 1);
    }
  });
});
