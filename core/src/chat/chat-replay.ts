import type { Principal } from '@switchboard/sdk';
import type { ReplayedMessage, ReplaySource } from '../realtime/replay-source.js';
import type { ConversationService } from './conversation-service.js';
import type { MessageService } from './message-service.js';

/** Resume support for the realtime gateway, in each caller's own view and seq space. */
export class ChatReplay implements ReplaySource {
  constructor(
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
  ) {}

  async replay(principal: Principal, conversationId: string, afterSeq: number, limit: number) {
    const record = await this.find(principal, conversationId);
    if (!record) return null;
    const visitor = principal.kind === 'visitor';
    const latestSeq = visitor ? record.lastVisitorSeq : record.lastSeq;
    if (latestSeq - afterSeq > limit) return { messages: [], latestSeq, gap: true };
    const page = visitor
      ? await this.messages.listForVisitor(record, afterSeq, limit)
      : await this.messages.listForUser(record, afterSeq, limit);
    const messages: ReplayedMessage[] = page.messages.map((m) => ({
      id: m.id,
      seq: m.seq,
      message: m,
    }));
    return { messages, latestSeq, gap: false };
  }

  async canWatch(principal: Principal, conversationId: string): Promise<boolean> {
    return (await this.find(principal, conversationId)) !== null;
  }

  private async find(principal: Principal, conversationId: string) {
    try {
      return await this.conversations.visibleTo(principal, conversationId);
    } catch {
      return null;
    }
  }
}
