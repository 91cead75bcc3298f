import { expect } from 'chai';
import { ChatTokens, type ConversationsService } from '@switchboard/sdk';
import type { TestKernel } from '@switchboard/sdk/testing';
import { send } from '../../../core/test/support/chat.js';
import {
  RawSocket,
  activeChat,
  boot,
  ok,
  sleep,
  whisperDesk,
  type WhisperDesk,
} from './support.js';

/** The core service method the plugin posts whispers with, checked on its own. */
describe('ConversationsService.postInternal (the core support for whispers)', function () {
  this.timeout(60_000);
  let tk: TestKernel;
  let desk: WhisperDesk;
  let service: ConversationsService;
  let chat: { token: string; visitorId: string; conversationId: string };

  const codeOf = async (pending: Promise<unknown>) => {
    try {
      await pending;
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return 'resolved';
  };

  before(async () => {
    tk = await boot();
    desk = await whisperDesk(tk);
    const container = (tk.kernel as { container: { get<T>(token: symbol): T } }).container;
    service = container.get<ConversationsService>(ChatTokens.Conversations as symbol);
    chat = await activeChat(tk, desk, desk.agents[0]!);
  });
  after(() => tk?.stop());

  it('stores an internal agent message with the core’s author name, live to watchers only', async () => {
    const visitor = (await RawSocket.connect(tk.url, chat.token)).socket;
    const agent = (
      await RawSocket.connect(tk.url, desk.agents[0]!.token, { [chat.conversationId]: 0 })
    ).socket;
    try {
      const message = await service.postInternal(desk.tenantId, chat.conversationId, {
        authorUserId: desk.supervisor.id,
        body: 'note from a tool',
        metadata: { authorName: 'Forged', tool: { n: 1 } },
      });
      expect(message).to.deep.include({
        visibility: 'internal',
        kind: 'text',
        body: 'note from a tool',
        author: { kind: 'agent', id: desk.supervisor.id },
      });
      expect(message.metadata).to.deep.equal({ tool: { n: 1 }, authorName: 'Sue Supervisor' });
      const got = await agent.waitFor(
        (f) => f.type === 'message.created' && f.message.id === message.id,
      );
      expect(got.seq).to.equal(message.seq);
      await send(tk, chat.token, chat.conversationId, 'after the note');
      await visitor.waitFor(
        (f) => f.type === 'message.created' && f.message.body === 'after the note',
      );
      await sleep(20);
      expect(JSON.stringify(visitor.frames)).not.to.contain('note from a tool');
    } finally {
      await visitor.close();
      await agent.close();
    }
  });

  it('stores one message for a repeated client message id', async () => {
    const input = { authorUserId: desk.agents[1]!.id, body: 'once', clientMessageId: 'tool-1' };
    const a = await service.postInternal(desk.tenantId, chat.conversationId, input);
    const b = await service.postInternal(desk.tenantId, chat.conversationId, input);
    expect(b.id).to.equal(a.id);
  });

  it('refuses blank or oversized text, unknown users, other tenants and ended chats', async () => {
    const post = (
      over: Partial<{ authorUserId: string; body: string }>,
      tenantId = desk.tenantId,
      id = chat.conversationId,
    ) =>
      service.postInternal(tenantId, id, { authorUserId: desk.supervisor.id, body: 'x', ...over });
    expect(await codeOf(post({ body: '  ' }))).to.equal('MESSAGE_EMPTY');
    expect(await codeOf(post({ body: 'x'.repeat(100_001) }))).to.equal('MESSAGE_TOO_LONG');
    expect(await codeOf(post({ authorUserId: 'usr_nobody' }))).to.equal('USER_NOT_FOUND');
    expect(await codeOf(post({}, 'ten_other'))).to.equal('CONVERSATION_NOT_FOUND');
    await ok(
      tk,
      200,
      'POST',
      `/api/v1/conversations/${chat.conversationId}/end`,
      {},
      desk.agents[0]!.token,
    );
    expect(await codeOf(post({}))).to.equal('CONVERSATION_ENDED');
  });
});
