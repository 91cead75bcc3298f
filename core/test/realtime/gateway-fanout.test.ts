import { expect } from 'chai';
import type { ConversationSnapshot, VisitorSnapshot } from '@switchboard/sdk';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel } from '../support/kernel.js';
import {
  ChatTopics,
  FakeReplay,
  TestSocket,
  TestTokens,
  gatewayOf,
  message,
  publish,
  sleep,
  until,
  withTestPrincipals,
  type Frame,
} from './support.js';

function conversation(id: string, extra: Partial<ConversationSnapshot> = {}): ConversationSnapshot {
  return {
    id,
    tenantId: 't1',
    siteId: 's1',
    visitorId: 'v1',
    state: 'active',
    assignedAgentId: null,
    offeredTo: null,
    offerExpiresAt: null,
    departmentId: null,
    target: { kind: 'any' },
    priority: 0,
    lastSeq: 4,
    lastAuthor: 'agent',
    colour: 'green',
    waitingSince: null,
    createdAt: 1,
    updatedAt: 2,
    endedAt: null,
    ...extra,
  };
}

const visitorSnapshot = (tenantId = 't1'): VisitorSnapshot => ({
  id: 'v1',
  tenantId,
  siteId: 's1',
  name: 'Ada',
  email: 'ada@example.com',
  visitCount: 1,
  customData: {},
  userAgent: null,
  language: 'en',
  location: {},
  lastSeenAt: 1,
  createdAt: 1,
});

/** Waits a little and says whether any frame of `type` arrived (for "nothing was sent"). */
async function quiet(socket: TestSocket, type: string): Promise<Frame[]> {
  await socket.request('ping'); // the server has served everything before this
  await sleep(20);
  return socket.ofType(type);
}

describe('The realtime gateway: fan-out of chat events', () => {
  let tk: TestKernel;
  let removePrincipals: () => void;
  let replay: FakeReplay;
  let admin: TestSocket;
  let agent: TestSocket;
  let agentTwo: TestSocket;
  let stranger: TestSocket;
  let visitor: TestSocket;
  let otherVisitor: TestSocket;

  before(async () => {
    tk = await bootKernel([]);
    removePrincipals = withTestPrincipals(tk);
    replay = new FakeReplay();
    replay.add('c1', 3);
    gatewayOf(tk).setReplaySource(replay);
  });
  after(async () => {
    removePrincipals();
    await tk.stop();
  });

  beforeEach(async () => {
    [admin, agent, agentTwo, stranger, visitor, otherVisitor] = await Promise.all([
      TestSocket.connect(tk, tk.adminToken),
      TestSocket.connect(tk, TestTokens.agent),
      TestSocket.connect(tk, TestTokens.agentTwo),
      TestSocket.connect(tk, TestTokens.otherTenantAgent),
      TestSocket.connect(tk, TestTokens.visitor),
      TestSocket.connect(tk, TestTokens.otherVisitor),
    ]);
  });
  afterEach(async () => {
    await Promise.all(
      [admin, agent, agentTwo, stranger, visitor, otherVisitor].map((s) => s.close()),
    );
  });

  describe('conversation.subscribe', () => {
    it('lets a user watch a conversation the chat core lets them see', async () => {
      const answer = await agent.request('conversation.subscribe', { conversationId: 'c1' });
      expect(answer.result).to.deep.equal({ conversationId: 'c1', subscribed: true });
      expect(gatewayOf(tk).stats().subscriptions).to.equal(1);
    });

    it('answers a foreign conversation exactly like a missing one', async () => {
      const foreign = await stranger.request('conversation.subscribe', { conversationId: 'c1' });
      const missing = await agent.request('conversation.subscribe', { conversationId: 'c404' });
      expect(foreign.error.code).to.equal('NOT_FOUND');
      expect(missing.error.code).to.equal('NOT_FOUND');
      expect(foreign.error.message).to.equal(missing.error.message.replace('c404', 'c1'));
    });

    it('lets the operator watch any conversation id', async () => {
      const answer = await admin.request('conversation.subscribe', { conversationId: 'anything' });
      expect(answer.type).to.equal('ack');
    });

    it('validates its input', async () => {
      const answer = await agent.request('conversation.subscribe', { id: 'c1' });
      expect(answer.error.code).to.equal('REQUEST_INVALID');
    });

    it('stops the live events on unsubscribe', async () => {
      await agent.request('conversation.subscribe', { conversationId: 'c1' });
      await agent.request('conversation.unsubscribe', { conversationId: 'c1' });
      await publish(tk, ChatTopics.message, {
        tenantId: 't1',
        visitorId: 'v1',
        message: message('c1', 4),
        visitorSeq: 4,
      });
      expect(await quiet(agent, 'message.created')).to.deep.equal([]);
    });
  });

  describe('chat.message', () => {
    it('reaches the watching users of the tenant with the agent-side snapshot', async () => {
      await agent.request('conversation.subscribe', { conversationId: 'c1' });
      await admin.request('conversation.subscribe', { conversationId: 'c1' });
      const stored = message('c1', 4, { metadata: { authorName: 'Bob' } });
      await publish(tk, ChatTopics.message, {
        tenantId: 't1',
        visitorId: 'v1',
        message: stored,
        visitorSeq: 3,
      });
      for (const socket of [agent, admin]) {
        const event = await socket.next((f) => f.type === 'message.created');
        expect(event).to.deep.equal({
          type: 'message.created',
          conversationId: 'c1',
          seq: 4,
          message: stored,
        });
      }
      expect(await quiet(agentTwo, 'message.created')).to.deep.equal([]);
    });

    it("gives the conversation's visitor the egress view, in visitor seqs", async () => {
      await publish(tk, ChatTopics.message, {
        tenantId: 't1',
        visitorId: 'v1',
        message: message('c1', 9, { metadata: { authorName: 'Bob', internalScore: 7 } }),
        visitorSeq: 5,
      });
      const event = await visitor.next((f) => f.type === 'message.created');
      expect(event).to.deep.equal({
        type: 'message.created',
        conversationId: 'c1',
        seq: 5,
        message: {
          id: 'm-c1-9',
          conversationId: 'c1',
          seq: 5,
          author: { kind: 'agent', name: 'Bob' },
          kind: 'text',
          visibility: 'public',
          body: 'message 9',
          clientMessageId: null,
          attachment: null,
          createdAt: message('c1', 9).createdAt,
        },
      });
      expect(await quiet(otherVisitor, 'message.created')).to.deep.equal([]);
    });

    it('never sends an internal message to the visitor', async () => {
      await agent.request('conversation.subscribe', { conversationId: 'c1' });
      await publish(tk, ChatTopics.message, {
        tenantId: 't1',
        visitorId: 'v1',
        message: message('c1', 10, { visibility: 'internal', body: 'note: VIP' }),
        visitorSeq: null,
      });
      expect((await agent.next((f) => f.type === 'message.created')).message.body).to.equal(
        'note: VIP',
      );
      expect(await quiet(visitor, 'message.created')).to.deep.equal([]);
    });

    it("keeps other tenants' events away from users watching the same id", async () => {
      // The t2 agent watches "shared-id" of t2 (assigned to them); t1 publishes on the same id.
      await publish(tk, ChatTopics.conversation, {
        conversation: conversation('shared-id', { tenantId: 't2', assignedAgentId: 'u9' }),
        lastVisitorSeq: 0,
      });
      // A t1 conversation "assigned" to the t2 agent does not subscribe them either.
      await publish(tk, ChatTopics.conversation, {
        conversation: conversation('c1', { assignedAgentId: 'u9' }),
        lastVisitorSeq: 0,
      });
      await admin.request('conversation.subscribe', { conversationId: 'shared-id' });
      for (const id of ['shared-id', 'c1']) {
        await publish(tk, ChatTopics.message, {
          tenantId: 't1',
          visitorId: 'v1',
          message: message(id, 1),
          visitorSeq: 1,
        });
      }
      expect((await admin.next((f) => f.type === 'message.created')).conversationId).to.equal(
        'shared-id',
      );
      expect(await quiet(stranger, 'message.created')).to.deep.equal([]);
      await publish(tk, ChatTopics.message, {
        tenantId: 't2',
        visitorId: 'v1',
        message: message('shared-id', 2, { tenantId: 't2' }),
        visitorSeq: 2,
      });
      expect((await stranger.next((f) => f.type === 'message.created')).seq).to.equal(2);
    });
  });

  describe('chat.conversation', () => {
    it("reaches every user of the tenant and the operator, and the visitor's view", async () => {
      const updated = conversation('c1');
      await publish(tk, ChatTopics.conversation, { conversation: updated, lastVisitorSeq: 2 });
      for (const socket of [agent, agentTwo, admin]) {
        const event = await socket.next((f) => f.type === 'conversation.updated');
        expect(event.conversation).to.deep.equal(updated);
      }
      const view = await visitor.next((f) => f.type === 'conversation.updated');
      expect(view.conversation).to.deep.equal({
        id: 'c1',
        siteId: 's1',
        state: 'active',
        lastSeq: 2,
        createdAt: 1,
        endedAt: null,
      });
      expect(await quiet(stranger, 'conversation.updated')).to.deep.equal([]);
      expect(await quiet(otherVisitor, 'conversation.updated')).to.deep.equal([]);
    });

    it("subscribes the assigned agent's sockets to the conversation", async () => {
      await publish(tk, ChatTopics.conversation, {
        conversation: conversation('c7', { assignedAgentId: 'u2' }),
        lastVisitorSeq: 0,
      });
      await publish(tk, ChatTopics.message, {
        tenantId: 't1',
        visitorId: 'v1',
        message: message('c7', 1),
        visitorSeq: 1,
      });
      expect((await agentTwo.next((f) => f.type === 'message.created')).seq).to.equal(1);
      expect(await quiet(agent, 'message.created')).to.deep.equal([]);
    });
  });

  describe('chat.typing', () => {
    const typing = (visibility: 'public' | 'internal', kind: 'agent' | 'visitor') => ({
      tenantId: 't1',
      conversationId: 'c1',
      visitorId: 'v1',
      author: { kind, id: kind === 'agent' ? 'u1' : 'v1' },
      typing: true,
      visibility,
    });

    it("shows an agent's public typing to watchers and, without the id, to the visitor", async () => {
      await agentTwo.request('conversation.subscribe', { conversationId: 'c1' });
      await publish(tk, ChatTopics.typing, typing('public', 'agent'));
      const staff = await agentTwo.next((f) => f.type === 'typing');
      expect(staff.author).to.deep.equal({ kind: 'agent', id: 'u1' });
      const seen = await visitor.next((f) => f.type === 'typing');
      expect(seen).to.deep.equal({
        type: 'typing',
        conversationId: 'c1',
        author: { kind: 'agent', id: null },
        typing: true,
      });
    });

    it('keeps internal typing and their own typing from the visitor', async () => {
      await agentTwo.request('conversation.subscribe', { conversationId: 'c1' });
      await publish(tk, ChatTopics.typing, typing('internal', 'agent'));
      await publish(tk, ChatTopics.typing, typing('public', 'visitor'));
      await until(() => agentTwo.ofType('typing').length === 2, 'both typing events');
      expect(await quiet(visitor, 'typing')).to.deep.equal([]);
    });
  });

  describe('chat.presence and chat.visitor', () => {
    it('tell the users of the tenant about presence', async () => {
      await publish(tk, ChatTopics.presence, { tenantId: 't1', userId: 'u2', presence: 'away' });
      for (const socket of [agent, agentTwo, admin]) {
        const event = await socket.next((f) => f.type === 'presence');
        expect(event).to.deep.equal({ type: 'presence', userId: 'u2', presence: 'away' });
      }
      expect(await quiet(visitor, 'presence')).to.deep.equal([]);
      expect(await quiet(stranger, 'presence')).to.deep.equal([]);
    });

    it('tell users holding visitor.read about visitor changes, and nobody else', async () => {
      await publish(tk, ChatTopics.visitor, { visitor: visitorSnapshot() });
      const event = await agent.next((f) => f.type === 'visitor.updated');
      expect(event.visitor.name).to.equal('Ada');
      expect(await quiet(visitor, 'visitor.updated')).to.deep.equal([]);
      expect(await quiet(stranger, 'visitor.updated')).to.deep.equal([]);
    });
  });

  describe('auth.revoked', () => {
    it('closes the sockets of a revoked token with 4003 within a second', async () => {
      const started = Date.now();
      await publish(tk, ChatTopics.revoked, { tenantId: 't1', tokenIds: ['tok-u1'] });
      expect((await agent.closed).code).to.equal(4003);
      expect(Date.now() - started).to.be.below(1000);
      expect(agentTwo.isOpen).to.equal(true);
    });

    it('closes every socket of a revoked user or visitor, in that tenant only', async () => {
      await publish(tk, ChatTopics.revoked, { tenantId: 't1', userId: 'u2' });
      await publish(tk, ChatTopics.revoked, { tenantId: 't1', visitorId: 'v1' });
      await publish(tk, ChatTopics.revoked, { tenantId: 't1', userId: 'u9' });
      expect((await agentTwo.closed).code).to.equal(4003);
      expect((await visitor.closed).code).to.equal(4003);
      expect((await stranger.request('ping')).type).to.equal('ack');
      expect((await otherVisitor.request('ping')).type).to.equal('ack');
    });
  });

  describe('visitor origins', () => {
    afterEach(() => gatewayOf(tk).setOriginCheck(null));

    it('closes a visitor socket from an origin the site does not allow with 4001', async () => {
      const origins: (string | null)[] = [];
      gatewayOf(tk).setOriginCheck(async (principal, origin) => {
        origins.push(origin);
        return principal.kind === 'visitor' && origin === 'https://shop.example';
      });
      const allowed = await TestSocket.open(tk, { origin: 'https://shop.example' });
      expect((await allowed.request('hello', { token: TestTokens.visitor })).type).to.equal('ack');
      const refused = await TestSocket.open(tk, { origin: 'https://evil.example' });
      const answer = await refused.request('hello', { token: TestTokens.visitor });
      expect(answer.error.code).to.equal('AUTH_ORIGIN_REFUSED');
      expect((await refused.closed).code).to.equal(4001);
      // Users are not checked.
      const user = await TestSocket.open(tk, { origin: 'https://evil.example' });
      expect((await user.request('hello', { token: TestTokens.agent })).type).to.equal('ack');
      expect(origins).to.deep.equal(['https://shop.example', 'https://evil.example']);
      await Promise.all([allowed.close(), user.close()]);
    });
  });
});
