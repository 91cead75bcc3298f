import { expect } from 'chai';
import { WebSocket } from 'ws';
import { SwitchboardClient, type MessageEvent } from '@switchboard/sdk/client';
import type { TestKernel } from '@switchboard/sdk/testing';
import { setupDesk, visitorWithChat, type Desk } from '../support/chat.js';
import { bootKernel } from '../support/kernel.js';
import { gatewayOf, until } from './support.js';

describe('A visitor and an agent chatting through SwitchboardClient', () => {
  let tk: TestKernel;
  let desk: Desk;
  const clients: SwitchboardClient[] = [];
  const client = (token: string) => {
    const c = new SwitchboardClient({
      url: tk.url,
      token,
      WebSocket,
      reconnect: { minDelayMs: 10, maxDelayMs: 40 },
    });
    clients.push(c);
    return c;
  };

  before(async () => {
    tk = await bootKernel([]);
    desk = await setupDesk(tk, 1);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await tk.stop();
  });

  it('delivers both ways live, and never shows the visitor an internal note', async () => {
    const chat = await visitorWithChat(tk, desk.embedKey);
    const agent = client(desk.agents[0]!.token);
    const visitor = client(chat.token);
    const agentSaw: MessageEvent[] = [];
    const visitorSaw: MessageEvent[] = [];
    agent.on('message.created', (e) => agentSaw.push(e));
    visitor.on('message.created', (e) => visitorSaw.push(e));
    await Promise.all([agent.connect(), visitor.connect()]);
    const current = await agent.call<{ assignedAgentId: string | null }>('conversation.get', {
      conversationId: chat.conversationId,
    });
    if (current.assignedAgentId !== desk.agents[0]!.id) {
      await agent.call('conversation.pick', { conversationId: chat.conversationId });
    }
    await agent.call('conversation.subscribe', { conversationId: chat.conversationId });
    const before = { agent: agentSaw.length, visitor: visitorSaw.length };

    await visitor.call('conversation.send', {
      conversationId: chat.conversationId,
      body: 'Hello?',
      clientMessageId: 'v-1',
    });
    await agent.call('conversation.send', {
      conversationId: chat.conversationId,
      body: 'VIP, be nice',
      visibility: 'internal',
      clientMessageId: 'a-note-1',
    });
    await agent.call('conversation.send', {
      conversationId: chat.conversationId,
      body: 'Hi, how can I help?',
      clientMessageId: 'a-1',
    });

    await until(() => agentSaw.length - before.agent >= 3, 'the agent to see all three');
    await until(() => visitorSaw.length - before.visitor >= 2, 'the visitor to see two');
    const bodies = (list: MessageEvent[], from: number) =>
      list.slice(from).map((e) => (e.message as { body: string }).body);
    expect(bodies(agentSaw, before.agent)).to.deep.equal([
      'Hello?',
      'VIP, be nice',
      'Hi, how can I help?',
    ]);
    expect(bodies(visitorSaw, before.visitor)).to.deep.equal(['Hello?', 'Hi, how can I help?']);
    // Visitor seqs have no hole where the note is: the visitor cannot tell it exists.
    const visitorSeqs = visitorSaw.map((e) => e.seq);
    expect(visitorSeqs).to.deep.equal(visitorSeqs.map((_, i) => visitorSeqs[0]! + i));
    expect(JSON.stringify(visitorSaw)).not.to.contain('VIP');
  });

  it('resumes a visitor after a drop with only what they missed, in their own seqs', async () => {
    const chat = await visitorWithChat(tk, desk.embedKey);
    const visitor = client(chat.token);
    const seen: MessageEvent[] = [];
    let hellos = 0;
    visitor.on('message.created', (e) => seen.push(e));
    visitor.on('hello', () => hellos++);
    await visitor.connect();
    await visitor.call('conversation.send', { conversationId: chat.conversationId, body: 'one' });
    await until(() => seen.some((e) => (e.message as { body: string }).body === 'one'), 'one');
    expect(gatewayOf(tk).disconnect({ visitorId: chat.visitorId })).to.equal(1);
    // Sent while the visitor's socket is down (over REST, as another tab would).
    await tk.request(
      'POST',
      `/api/v1/conversations/${chat.conversationId}/messages`,
      { body: 'two' },
      chat.token,
    );
    await until(() => seen.some((e) => (e.message as { body: string }).body === 'two'), 'two');
    const bodies = seen.map((e) => (e.message as { body: string }).body);
    expect(bodies.filter((b) => b === 'one')).to.have.length(1);
    expect(bodies.filter((b) => b === 'two')).to.have.length(1);
    expect(hellos).to.equal(2);
    // One seq space, the visitor's: strictly increasing, no repeats across the reconnect.
    const seqs = seen.map((e) => e.seq);
    expect(seqs.every((seq, i) => i === 0 || seq === seqs[i - 1]! + 1)).to.equal(true);
    expect(visitor.tracked()).to.deep.equal({ [chat.conversationId]: seqs.at(-1) });
  });
});
