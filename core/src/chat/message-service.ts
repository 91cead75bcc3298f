import type { Knex } from 'knex';
import {
  ConflictError,
  ForbiddenError,
  InputError,
  hasPermission,
  Permissions,
  type Author,
  type EventBus,
  type MessageDraft,
  type MessageSnapshot,
  type Principal,
  type Visibility,
} from '@switchboard/sdk';
import type { HookCatalogue } from '../hooks/hook-catalogue.js';
import type { AccountsPort } from './accounts-port.js';
import { ChatTopics, type TypingPublished } from './chat-events.js';
import { toSnapshot, type ConversationRecord } from './conversation-record.js';
import type { ConversationService } from './conversation-service.js';
import { toVisitorMessages, type VisitorMessage } from './egress.js';
import type { Appended } from './message-log.js';
import { toMessage, toMessageSnapshot } from './message-record.js';
import type { MessageWriter } from './message-writer.js';

export interface SendInput {
  readonly conversationId: string;
  readonly body: string;
  readonly visibility?: Visibility;
  readonly clientMessageId?: string;
  /** Set by the attachment route only. */
  readonly attachment?: { id: string; filename: string; contentType: string; size: number };
}

export interface MessageServiceDeps {
  readonly knex: Knex;
  readonly events: EventBus;
  readonly hooks: HookCatalogue;
  readonly writer: MessageWriter;
  readonly conversations: ConversationService;
  readonly accounts: AccountsPort;
  readonly maxMessageLength: number;
}

/** A page of messages in the caller's own view and seq space. */
export interface MessagePage<T> {
  readonly messages: T[];
  /** Pass as `afterSeq` to continue; null when this page reached the newest message. */
  readonly nextAfterSeq: number | null;
}

/**
 * Sending and reading messages. A message is stored (and committed) before anyone hears of it;
 * `session.beforeMessage` sees it first and may change or refuse it. Visitors get their view
 * through egress only, so an internal message cannot reach them from here.
 */
export class MessageService {
  constructor(private readonly deps: MessageServiceDeps) {}

  /** Sends a message as `principal`. A repeated client message id returns the stored message. */
  async send(principal: Principal, input: SendInput): Promise<Appended> {
    return (await this.stage(principal, input)).done;
  }

  /**
   * Checks and queues a message, answering as soon as it holds its place in the writer's queue;
   * `done` settles once it is committed and announced. A socket serves its next frame after
   * `stage`, so its messages keep their order while their commits share a batch.
   */
  async stage(principal: Principal, input: SendInput): Promise<{ done: Promise<Appended> }> {
    const conversation = await this.deps.conversations.visibleForSend(
      principal,
      input.conversationId,
    );
    const visibility = input.visibility ?? 'public';
    const author = await this.authorOf(principal, conversation, visibility);
    if (input.body.length > this.deps.maxMessageLength) {
      throw new InputError(
        `A message may have at most ${this.deps.maxMessageLength} characters.`,
        undefined,
        'MESSAGE_TOO_LONG',
      );
    }
    if (!input.body.trim() && !input.attachment)
      throw new InputError('A message needs some text.', undefined, 'MESSAGE_EMPTY');
    if (conversation.state === 'ended') {
      throw new ConflictError(
        'This conversation has ended; start a new one.',
        'CONVERSATION_ENDED',
      );
    }
    let draft: MessageDraft = {
      tenantId: conversation.tenantId,
      conversationId: conversation.id,
      author: author.author,
      kind: input.attachment ? 'file' : 'text',
      visibility,
      body: input.body,
      metadata: {
        ...(author.name ? { authorName: author.name } : {}),
        ...(input.attachment ? { attachment: input.attachment } : {}),
      },
      clientMessageId: input.clientMessageId ?? null,
    };
    const hook = this.deps.hooks.session.beforeMessage;
    if (hook.isUsed()) {
      const result = await hook.call(
        { ...draft, metadata: { ...draft.metadata } },
        toSnapshot(conversation),
      );
      if (result && typeof result === 'object') draft = result;
    }
    if (draft.rejection) {
      throw new ForbiddenError(draft.rejection.message, draft.rejection.code || 'MESSAGE_REJECTED');
    }
    // A plugin may turn a message internal, never internal into public for a visitor's eyes.
    const finalVisibility: Visibility = visibility === 'internal' ? 'internal' : draft.visibility;
    const written = this.deps.writer.write({
      tenantId: conversation.tenantId,
      conversationId: conversation.id,
      author: author.author,
      kind: draft.kind,
      visibility: finalVisibility,
      body: String(draft.body ?? ''),
      metadata: draft.metadata ?? {},
      clientMessageId: draft.clientMessageId,
      guard: {
        open: true,
        ...(principal.kind === 'visitor' ? { visitorId: principal.visitorId } : {}),
        ...(author.mustHold ? { agentId: author.author.id! } : {}),
      },
    });
    return { done: written.then((appended) => this.announce(appended)) };
  }

  /** After the commit: events out, then the notification hooks. */
  private async announce(appended: Appended): Promise<Appended> {
    if (!appended.duplicate) {
      await this.deps.conversations.published(appended);
      const stored = this.deps.hooks.session.messageStored;
      if (stored.isUsed())
        await stored.call(toMessageSnapshot(appended.message), toSnapshot(appended.conversation));
      if (appended.stateChange) {
        await this.deps.hooks.session.conversationStateChanged.call(
          toSnapshot(appended.conversation),
          appended.stateChange,
        );
      }
    }
    return appended;
  }

  /** Messages after `afterSeq` for an agent (all visibilities, agent seqs). */
  async listForUser(
    conversation: ConversationRecord,
    afterSeq: number,
    limit: number,
  ): Promise<MessagePage<MessageSnapshot>> {
    const rows = (await this.deps
      .knex('core_messages')
      .where({ conversation_id: conversation.id })
      .andWhere('seq', '>', afterSeq)
      .orderBy('seq', 'asc')
      .limit(limit)) as Record<string, unknown>[];
    const messages = rows.map(toMessage);
    const last = messages.at(-1)?.seq ?? afterSeq;
    return {
      messages: messages.map(toMessageSnapshot),
      nextAfterSeq: last < conversation.lastSeq ? last : null,
    };
  }

  /** Messages after `afterSeq` (visitor seqs) for the conversation's visitor, through egress. */
  async listForVisitor(
    conversation: ConversationRecord,
    afterSeq: number,
    limit: number,
  ): Promise<MessagePage<VisitorMessage>> {
    const rows = (await this.deps
      .knex('core_messages')
      .where({ conversation_id: conversation.id, visibility: 'public' })
      // seq >= visitor_seq on every row, so this range over the (conversation_id, seq) index
      // skips every message the visitor has and reads no further than the internal ones since.
      .andWhere('seq', '>', afterSeq)
      .andWhere('visitor_seq', '>', afterSeq)
      .orderBy('seq', 'asc')
      .limit(limit)) as Record<string, unknown>[];
    const messages = toVisitorMessages(rows.map(toMessage));
    const last = messages.at(-1)?.seq ?? afterSeq;
    return { messages, nextAfterSeq: last < conversation.lastVisitorSeq ? last : null };
  }

  /** Broadcasts a typing indicator (not stored). */
  async typing(
    principal: Principal,
    conversationId: string,
    typing: boolean,
    visibility: Visibility,
  ): Promise<void> {
    const conversation = await this.deps.conversations.visibleTo(principal, conversationId);
    if (conversation.state === 'ended') return;
    const author: TypingPublished['author'] =
      principal.kind === 'visitor'
        ? { kind: 'visitor', id: principal.visitorId }
        : { kind: 'agent', id: principal.kind === 'user' ? principal.userId : null };
    const payload: TypingPublished = {
      tenantId: conversation.tenantId,
      conversationId,
      visitorId: conversation.visitorId,
      author,
      typing,
      visibility: principal.kind === 'visitor' ? 'public' : visibility,
    };
    await this.deps.events.publish(ChatTopics.typing, payload);
  }

  /** Who the author is, and whether they must hold the conversation to send. */
  private async authorOf(
    principal: Principal,
    conversation: ConversationRecord,
    visibility: Visibility,
  ): Promise<{ author: Author; name: string | null; mustHold: boolean }> {
    if (principal.kind === 'visitor') {
      if (visibility !== 'public')
        throw new ForbiddenError('Visitors send public messages only.', 'AUTH_FORBIDDEN');
      return { author: { kind: 'visitor', id: principal.visitorId }, name: null, mustHold: false };
    }
    if (principal.kind === 'system')
      return { author: { kind: 'system', id: null }, name: null, mustHold: false };
    const user = await this.deps.accounts.users.get(principal.tenantId, principal.userId);
    const name = user?.name ?? null;
    if (visibility === 'internal') {
      if (!hasPermission(principal, Permissions.ConversationNote)) {
        throw new ForbiddenError(
          `This needs the "${Permissions.ConversationNote}" permission.`,
          'AUTH_FORBIDDEN',
        );
      }
      return { author: { kind: 'agent', id: principal.userId }, name, mustHold: false };
    }
    if (!hasPermission(principal, Permissions.ConversationReply)) {
      throw new ForbiddenError(
        `This needs the "${Permissions.ConversationReply}" permission.`,
        'AUTH_FORBIDDEN',
      );
    }
    const manager = hasPermission(principal, Permissions.ConversationManage);
    if (!manager && conversation.assignedAgentId !== principal.userId) {
      throw new ConflictError(
        'This conversation is not assigned to you; pick it or ask for a transfer first.',
        'CONVERSATION_NOT_ASSIGNED',
      );
    }
    return { author: { kind: 'agent', id: principal.userId }, name, mustHold: !manager };
  }
}
