import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { AGENT_GONE_GRACE_MS } from '../../src/chat-core.js';
import { createUser, login } from '../support/accounts.js';
import { setupDesk, visitorWithChat, type Desk } from '../support/chat.js';
import { bootKernel, waitFor } from '../support/kernel.js';
import { TestSocket, gatewayOf, until } from '../realtime/support.js';

/**
 * Presence follows sockets: an agent who closed the console (or lost the network) for longer
 * than the grace period is offline, so routing stops sending them chats; their presence comes
 * back when a socket of theirs opens again. A presence they chose themselves always wins.
 */
describe('Presence following sockets', () => {
  let tk: TestKernel;
  let desk: Desk;

  async function boot(chat: Record<string, unknown> = {}, plugins: string[] = []) {
    tk = await bootKernel(plugins, {
      // Heartbeats out of the way: the tests move the clock by whole grace periods.
      config: { realtime: { heartbeatMs: 600_000 }, auth: { scryptLog2N: 12 }, chat },
    });
    desk = await setupDesk(tk, 2, 1);
  }
  afterEach(() => tk.stop());

  async function presenceOf(userId: string): Promise<string> {
    const res = await tk.request('GET', `/api/v1/users/${userId}`, undefined, desk.admin.token);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.presence;
  }

  async function setPresence(token: string, presence: string): Promise<void> {
    const res = await tk.request('POST', '/api/v1/presence', { presence }, token);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  }

  /** Closes the user's only socket and waits until the gateway has forgotten it. */
  async function drop(socket: TestSocket, userId: string): Promise<void> {
    socket.ws.close();
    await socket.closed;
    const principal = { kind: 'user' as const, tenantId: desk.tenantId, userId, role: 'agent' };
    await until(
      () => !gatewayOf(tk).hasSocketsOf(principal as never),
      'the gateway to forget the socket',
    );
  }

  it('sets an agent offline once their last socket has been closed for the grace period, and back online when one opens', async () => {
    await boot();
    const agent = desk.agents[0]!;
    const supervisor = await TestSocket.connect(tk, desk.admin.token);
    const socket = await TestSocket.connect(tk, agent.token);
    await drop(socket, agent.id);
    await tk.clock.advance(AGENT_GONE_GRACE_MS - 1);
    expect(await presenceOf(agent.id)).to.equal('online');
    await tk.clock.advance(1);
    await waitFor(async () => (await presenceOf(agent.id)) === 'offline', 'offline');
    // The console hears it live, like any presence change.
    const event = await supervisor.next(
      (f) => f.type === 'presence' && (f as { userId?: string }).userId === agent.id,
    );
    expect(event).to.include({ userId: agent.id, presence: 'offline' });

    const back = await TestSocket.connect(tk, agent.token);
    await waitFor(async () => (await presenceOf(agent.id)) === 'online', 'online again');
    expect(back.isOpen).to.equal(true);
  });

  it('leaves the presence alone when the agent reconnects within the grace period', async () => {
    await boot();
    const agent = desk.agents[0]!;
    await drop(await TestSocket.connect(tk, agent.token), agent.id);
    await tk.clock.advance(AGENT_GONE_GRACE_MS / 2);
    await TestSocket.connect(tk, agent.token);
    await tk.clock.advance(AGENT_GONE_GRACE_MS);
    expect(await presenceOf(agent.id)).to.equal('online');
  });

  it('keeps a presence the agent chose: away comes back as away, offline by hand stays offline', async () => {
    await boot();
    const [away, off] = desk.agents;
    await setPresence(away!.token, 'away');
    await drop(await TestSocket.connect(tk, away!.token), away!.id);
    await tk.clock.advance(AGENT_GONE_GRACE_MS);
    await waitFor(async () => (await presenceOf(away!.id)) === 'offline', 'away to go offline');
    await TestSocket.connect(tk, away!.token);
    await waitFor(async () => (await presenceOf(away!.id)) === 'away', 'away again');

    await drop(await TestSocket.connect(tk, off!.token), off!.id);
    await tk.clock.advance(AGENT_GONE_GRACE_MS);
    await waitFor(async () => (await presenceOf(off!.id)) === 'offline', 'offline');
    // Choosing a presence while disconnected (from another device, over REST) replaces the kept one.
    await setPresence(off!.token, 'offline');
    await TestSocket.connect(tk, off!.token);
    await tk.clock.advance(1);
    expect(await presenceOf(off!.id)).to.equal('offline');
  });

  it('does not bring back the presence of a user disabled meanwhile', async () => {
    await boot();
    const agent = await createUser(tk, desk.admin.token, { role: 'agent' });
    await setPresence(agent.token, 'online');
    await drop(await TestSocket.connect(tk, agent.token), agent.id);
    await tk.clock.advance(AGENT_GONE_GRACE_MS);
    await waitFor(async () => (await presenceOf(agent.id)) === 'offline', 'offline');
    for (const disabled of [true, false]) {
      const res = await tk.request(
        'PATCH',
        `/api/v1/users/${agent.id}`,
        { disabled },
        desk.admin.token,
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    }
    // Disabling ended their sessions and cleared the kept presence: signing in again and
    // connecting leaves them offline until they choose.
    const again = await login(tk, agent.email, agent.password, desk.tenantId);
    await TestSocket.connect(tk, again.token);
    await tk.clock.advance(1);
    expect(await presenceOf(agent.id)).to.equal('offline');
  });

  it('with chat.offlineWhenDisconnected false, only takes back standing offers', async () => {
    await boot({ offlineWhenDisconnected: false }, ['offer-router']);
    const chat = await visitorWithChat(tk, desk.embedKey);
    const offered = async () =>
      (
        await tk.request(
          'GET',
          `/api/v1/conversations/${chat.conversationId}`,
          undefined,
          desk.admin.token,
        )
      ).body.offeredTo as string | null;
    const first = await offered();
    const agent = desk.agents.find((a) => a.id === first)!;
    expect(agent, 'the chat is offered to an agent').to.not.equal(undefined);
    await drop(await TestSocket.connect(tk, agent.token), agent.id);
    await tk.clock.advance(AGENT_GONE_GRACE_MS);
    await waitFor(async () => (await offered()) !== first, 'the offer to be taken back');
    expect(await presenceOf(agent.id)).to.equal('online');
  });

  it('takes a disconnected agent out of routing: their offer goes back and new chats go to others', async () => {
    await boot({}, ['offer-router']);
    const chat = await visitorWithChat(tk, desk.embedKey);
    const conversation = async () =>
      (
        await tk.request(
          'GET',
          `/api/v1/conversations/${chat.conversationId}`,
          undefined,
          desk.admin.token,
        )
      ).body;
    const first = (await conversation()).offeredTo as string;
    const leaving = desk.agents.find((a) => a.id === first)!;
    const staying = desk.agents.find((a) => a.id !== first)!;
    expect(leaving, 'the chat is offered to an agent').to.not.equal(undefined);
    await drop(await TestSocket.connect(tk, leaving.token), leaving.id);
    await tk.clock.advance(AGENT_GONE_GRACE_MS);
    await waitFor(
      async () => (await conversation()).offeredTo === staying.id,
      'the chat to be offered to the agent still connected',
    );
    expect(await presenceOf(leaving.id)).to.equal('offline');
  });
});
