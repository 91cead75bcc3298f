import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel } from '../support/kernel.js';
import { ChatTopics, TestSocket, gatewayOf, message, publish, sleep, until } from './support.js';

const HEARTBEAT_MS = 1000;
const MAX_BUFFERED = 64 * 1024;

describe('The realtime gateway: heartbeats, slow consumers and shutdown', () => {
  let tk: TestKernel;

  beforeEach(async () => {
    tk = await bootKernel([], {
      config: {
        realtime: {
          heartbeatMs: HEARTBEAT_MS,
          maxBufferedBytes: MAX_BUFFERED,
          helloTimeoutMs: 500,
        },
      },
    });
  });
  afterEach(() => tk.stop());

  it('sends a heartbeat event every heartbeatMs, on the kernel clock', async () => {
    const socket = await TestSocket.connect(tk, tk.adminToken);
    await tk.clock.advance(HEARTBEAT_MS);
    const beat = await socket.next((f) => f.type === 'heartbeat');
    expect(beat).to.deep.equal({ type: 'heartbeat', at: tk.clock.now() });
    await tk.clock.advance(HEARTBEAT_MS);
    await socket.next((f) => f.type === 'heartbeat');
    expect(socket.isOpen).to.equal(true);
  });

  it('terminates a socket that stopped answering pings, and keeps the others', async () => {
    const healthy = await TestSocket.connect(tk, tk.adminToken);
    const halfOpen = await TestSocket.connect(tk, tk.adminToken);
    // Stop reading: pings are not answered any more, as on a dead network path.
    halfOpen.ws.pause();
    await tk.clock.advance(HEARTBEAT_MS);
    await healthy.next((f) => f.type === 'heartbeat');
    await sleep(50); // the healthy socket's pong travels back
    expect(gatewayOf(tk).stats().sockets).to.equal(2);
    await tk.clock.advance(HEARTBEAT_MS);
    await until(() => gatewayOf(tk).stats().sockets === 1, 'the half-open socket to go');
    halfOpen.ws.resume();
    // Terminated, not closed: the client sees the connection drop without a close frame.
    expect((await halfOpen.closed).code).to.equal(1006);
    expect((await healthy.request('ping')).type).to.equal('ack');
  });

  it('stops the heartbeat timer when the last socket goes', async () => {
    const before = tk.clock.pendingTimers;
    const socket = await TestSocket.connect(tk, tk.adminToken);
    // The heartbeat sweep, and the hello deadline timer until it has run once.
    expect(tk.clock.pendingTimers).to.equal(before + 2);
    await tk.clock.advance(500);
    expect(tk.clock.pendingTimers).to.equal(before + 1);
    await socket.close();
    await until(() => gatewayOf(tk).stats().sockets === 0, 'the socket to close');
    expect(tk.clock.pendingTimers).to.equal(before);
  });

  it('cuts a consumer that stops reading once maxBufferedBytes are queued, with 4008', async () => {
    const slow = await TestSocket.connect(tk, tk.adminToken);
    const fast = await TestSocket.connect(tk, tk.adminToken);
    for (const socket of [slow, fast]) {
      await socket.request('conversation.subscribe', { conversationId: 'c1' });
    }
    slow.ws.pause();
    const body = 'x'.repeat(16 * 1024);
    let sent = 0;
    // The kernel's socket buffers take a few MB first; after that the gateway's limit applies.
    while (gatewayOf(tk).stats().authenticated === 2 && sent < 20_000) {
      sent++;
      await publish(tk, ChatTopics.message, {
        tenantId: 't1',
        visitorId: 'v1',
        message: message('c1', sent, { body }),
        visitorSeq: sent,
      });
      if (sent % 50 === 0) await sleep(1); // let the fast socket drain
    }
    expect(gatewayOf(tk).stats().authenticated).to.equal(1);
    slow.ws.resume();
    expect((await slow.closed).code).to.equal(4008);
    // Nothing was queued for it past the limit: it got fewer messages than were published.
    expect(slow.ofType('message.created').length).to.be.below(sent);
    await until(
      () => fast.ofType('message.created').length === sent,
      'the fast socket to catch up',
    );
    expect(fast.isOpen).to.equal(true);
  });

  it('closes every socket with 1001 when the kernel stops', async () => {
    const sockets = await Promise.all([
      TestSocket.connect(tk, tk.adminToken),
      TestSocket.connect(tk, tk.adminToken),
      TestSocket.open(tk), // not authenticated yet
    ]);
    const stopped = tk.stop();
    const closes = await Promise.all(sockets.map((s) => s.closed));
    expect(closes.map((c) => c.code)).to.deep.equal([1001, 1001, 1001]);
    await stopped;
    // A second stop (afterEach) is harmless.
  });
});
