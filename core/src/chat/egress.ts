import type { ConversationSnapshot, ConversationState, MessageSnapshot } from '@switchboard/sdk';

/**
 * The one way out to a visitor. Every visitor-facing output (socket events, resume replay, REST,
 * transcripts, exports, and later emails, webhooks and CRM pushes) is built by these functions,
 * so the rule "internal messages never reach a visitor" lives in one place: an internal message
 * maps to `null` here and has no other path out. Visitor seqs count public messages only, so a
 * visitor cannot even tell that internal ones exist.
 */

/** A stored message with the seq its visitor sees (null for internal messages). */
export interface StoredMessage extends MessageSnapshot {
  readonly visitorSeq: number | null;
}

/** A message as a visitor sees it. */
export interface VisitorMessage {
  readonly id: string;
  readonly conversationId: string;
  /** Gap-free over the public messages of the conversation. */
  readonly seq: number;
  readonly author: {
    readonly kind: MessageSnapshot['author']['kind'];
    readonly name: string | null;
  };
  readonly kind: MessageSnapshot['kind'];
  readonly visibility: 'public';
  readonly body: string;
  readonly clientMessageId: string | null;
  readonly attachment: VisitorAttachmentRef | null;
  readonly createdAt: number;
}

export interface VisitorAttachmentRef {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

/** A conversation as a visitor sees it. */
export interface VisitorConversation {
  readonly id: string;
  readonly siteId: string;
  readonly state: ConversationState;
  /** Visitor seq of the newest public message. */
  readonly lastSeq: number;
  readonly createdAt: number;
  readonly endedAt: number | null;
}

/** The visitor's view of `message`, or null when the visitor must not see it. */
export function toVisitorMessage(message: StoredMessage): VisitorMessage | null {
  if (message.visibility !== 'public' || message.visitorSeq === null) return null;
  const meta = message.metadata;
  const attachment = meta.attachment as Partial<VisitorAttachmentRef> | undefined;
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.visitorSeq,
    author: {
      kind: message.author.kind,
      name: typeof meta.authorName === 'string' ? meta.authorName : null,
    },
    kind: message.kind,
    visibility: 'public',
    body: message.body,
    // The visitor's own id is theirs to see; other authors' ids are not.
    clientMessageId: message.author.kind === 'visitor' ? message.clientMessageId : null,
    attachment:
      attachment && typeof attachment.id === 'string'
        ? {
            id: attachment.id,
            filename: String(attachment.filename ?? ''),
            contentType: String(attachment.contentType ?? 'application/octet-stream'),
            size: Number(attachment.size ?? 0),
          }
        : null,
    createdAt: message.createdAt,
  };
}

/** The visitor's view of a list, internal messages dropped. */
export function toVisitorMessages(messages: readonly StoredMessage[]): VisitorMessage[] {
  const out: VisitorMessage[] = [];
  for (const message of messages) {
    const view = toVisitorMessage(message);
    if (view) out.push(view);
  }
  return out;
}

/** The visitor's view of a conversation: no routing, agent ids or internal counters. */
export function toVisitorConversation(
  conversation: ConversationSnapshot,
  lastVisitorSeq: number,
): VisitorConversation {
  return {
    id: conversation.id,
    siteId: conversation.siteId,
    state: conversation.state,
    lastSeq: lastVisitorSeq,
    createdAt: conversation.createdAt,
    endedAt: conversation.endedAt,
  };
}

/**
 * The visitor's view of a typing indicator: only public typing by someone else, and never who
 * exactly (an agent's id stays inside). Null when the visitor must not see it.
 */
export function toVisitorTyping(typing: {
  readonly conversationId: string;
  readonly author: { readonly kind: 'visitor' | 'agent'; readonly id: string | null };
  readonly typing: boolean;
  readonly visibility: 'public' | 'internal';
}): { conversationId: string; author: { kind: 'agent'; id: null }; typing: boolean } | null {
  if (typing.visibility !== 'public' || typing.author.kind === 'visitor') return null;
  return {
    conversationId: typing.conversationId,
    author: { kind: 'agent', id: null },
    typing: typing.typing,
  };
}

/**
 * A plugin's event for a visitor: only `plugin.<id>.<name>` types pass, so a plugin cannot
 * forge a core event (a message, a conversation update) on the visitor's socket.
 */
export function toVisitorPluginEvent(event: {
  readonly type: string;
  readonly [key: string]: unknown;
}): { readonly type: string; readonly [key: string]: unknown } | null {
  return /^plugin\.[a-z0-9-]+\.[A-Za-z0-9_.-]+$/.test(event.type) ? event : null;
}
