import { expect } from 'chai';
import { ChatTokens, type ConversationsService } from '@switchboard/sdk';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { setupDesk, visitorWithChat, type Desk } from '../support/chat.js';

/**
 * `ConversationsService.assignMany`, the group commit routing plugins use: every item guarded
 * like a single assignment, and the caller's own rows in the same transaction.
 */
describe('ConversationsService.assignMany (routing group commit)', function () {
  this.timeout(60_000);
  let tk: TestKernel;
  let service: ConversationsService;
  let desk: Desk;
  let other: Desk;

  before(async () => {
    tk = await createTestKernel();
    const container = (tk.kernel as { container: { get<T>(token: symbol): T } }).container;
    service = container.get<ConversationsService>(ChatTokens.Conversations as symbol);
    desk = await setupDesk(tk, 2, 1);
    other = await setupDesk(tk, 1, 3);
    await tk.knex.schema.createTable('test_group_notes', (t) => {
      t.string('conversation_id').primary();
      t.string('agent_id').notNullable();
    });
  });
  after(() => tk?.stop());

  const chat = (id: string, token = desk.admin.token) =>
    tk.request('GET', `/api/v1/conversations/${id}`, undefined, token);
  const messages = async (id: string) => {
    const res = await tk.request(
      'GET',
      `/api/v1/conversations/${id}/messages`,
      undefined,
      desk.admin.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.messages as { seq: number; kind: string; metadata: Record<string, unknown> }[];
  };

  it('commits the items that pass their guards and answers a code for each of the others', async () => {
    const [a, b, c] = [
      await visitorWithChat(tk, desk.embedKey),
      await visitorWithChat(tk, desk.embedKey),
      await visitorWithChat(tk, desk.embedKey),
    ];
    const foreign = await visitorWithChat(tk, other.embedKey);
    const [first, second] = desk.agents;
    const outcomes = await service.assignMany(desk.tenantId, [
      { conversationId: a.conversationId, agentId: first!.id, reason: 'test' },
      // capacity 1: the first item filled this agent
      { conversationId: b.conversationId, agentId: first!.id, reason: 'test' },
      // the same chat twice: only its first item can take it
      { conversationId: a.conversationId, agentId: second!.id, reason: 'test' },
      // another tenant's agent and another tenant's chat are unknown here
      { conversationId: c.conversationId, agentId: other.agents[0]!.id, reason: 'test' },
      { conversationId: foreign.conversationId, agentId: second!.id, reason: 'test' },
      { conversationId: c.conversationId, agentId: second!.id, reason: 'test' },
    ]);
    expect(outcomes.map((o) => o.code)).to.deep.equal([
      null,
      'AGENT_AT_CAPACITY',
      'CONVERSATION_TAKEN',
      'USER_NOT_FOUND',
      'CONVERSATION_TAKEN',
      null,
    ]);
    expect((await chat(a.conversationId)).body).to.include({
      state: 'active',
      assignedAgentId: first!.id,
    });
    expect((await chat(b.conversationId)).body.state).to.equal('waiting');
    expect((await chat(c.conversationId)).body.assignedAgentId).to.equal(second!.id);
    const foreignNow = await chat(foreign.conversationId, other.admin.token);
    expect(foreignNow.body.state).to.equal('waiting');
    // The join is the conversation's next event, gap-free after what it had.
    const log = await messages(a.conversationId);
    expect(log.map((m) => m.seq)).to.deep.equal(log.map((_, i) => i + 1));
    expect(log.at(-1)).to.deep.include({ kind: 'event' });
    expect(log.at(-1)!.metadata).to.include({ event: 'agent.joined', agentId: first!.id });
  });

  it('writes the caller’s rows in the same transaction, for the committed items only', async () => {
    const x = await visitorWithChat(tk, other.embedKey);
    const y = await visitorWithChat(tk, other.embedKey);
    const agent = other.agents[0]!;
    const outcomes = await service.assignMany(
      other.tenantId,
      [
        { conversationId: x.conversationId, agentId: agent.id, reason: 'test' },
        { conversationId: x.conversationId, agentId: agent.id, reason: 'test' },
        { conversationId: y.conversationId, agentId: agent.id, reason: 'test' },
      ],
      {
        inTransaction: async (trx, committed) => {
          expect(committed.map((c) => c.conversationId)).to.deep.equal([
            x.conversationId,
            y.conversationId,
          ]);
          await trx('test_group_notes').insert(
            committed.map((c) => ({ conversation_id: c.conversationId, agent_id: c.agentId })),
          );
        },
      },
    );
    expect(outcomes.map((o) => o.code)).to.deep.equal([null, 'CONVERSATION_TAKEN', null]);
    const notes = await tk
      .knex('test_group_notes')
      .whereIn('conversation_id', [x.conversationId, y.conversationId])
      .orderBy('conversation_id');
    expect(notes).to.have.length(2);
  });

  it('assigns nothing when the caller’s rows fail: both commit or neither does', async () => {
    const z = await visitorWithChat(tk, other.embedKey);
    let failure: unknown;
    try {
      await service.assignMany(
        other.tenantId,
        [{ conversationId: z.conversationId, agentId: other.agents[0]!.id, reason: 'test' }],
        {
          inTransaction: async (trx) => {
            await trx('test_group_notes').insert({
              conversation_id: z.conversationId,
              agent_id: 'x',
            });
            throw new Error('the plugin’s write failed');
          },
        },
      );
    } catch (error) {
      failure = error;
    }
    expect((failure as Error)?.message).to.equal('the plugin’s write failed');
    const now = await chat(z.conversationId, other.admin.token);
    expect(now.body).to.include({ state: 'waiting', assignedAgentId: null });
    const notes = await tk.knex('test_group_notes').where({ conversation_id: z.conversationId });
    expect(notes).to.have.length(0);
    const log = await tk
      .request(
        'GET',
        `/api/v1/conversations/${z.conversationId}/messages`,
        undefined,
        other.admin.token,
      )
      .then((r) => r.body.messages as unknown[]);
    expect(JSON.stringify(log)).not.to.contain('agent.joined');
    // The chat can still be assigned afterwards.
    const [retry] = await service.assignMany(other.tenantId, [
      { conversationId: z.conversationId, agentId: other.agents[0]!.id, reason: 'test' },
    ]);
    expect(retry!.code).to.equal(null);
  });
});
