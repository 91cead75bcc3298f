import type {
  ConversationSnapshot,
  MessageSnapshot,
  PresenceState,
  VisitorSnapshot,
} from '@switchboard/sdk';

/**
 * Topics the chat core publishes on the kernel event bus after a change is committed. Payloads
 * are plain JSON, so a Redis-backed bus can carry them between processes unchanged. The realtime
 * gateway turns them into socket events; visitor-bound ones pass through `egress.ts` first.
 */
export const ChatTopics = {
  message: 'chat.message',
  conversation: 'chat.conversation',
  typing: 'chat.typing',
  presence: 'chat.presence',
  visitor: 'chat.visitor',
  /** Tokens were revoked: cut the sockets that hold them within a second. */
  revoked: 'auth.revoked',
  /** A plugin's own event for a visitor, a user or all staff of a tenant. */
  plugin: 'realtime.plugin',
} as const;

/** A message was stored. `message.seq` is the agent-side seq; egress maps visitor seqs. */
export interface MessagePublished {
  readonly tenantId: string;
  readonly visitorId: string;
  readonly message: MessageSnapshot;
  /** Seq the visitor sees (public messages only); null for internal messages. */
  readonly visitorSeq: number | null;
}

export interface ConversationPublished {
  readonly conversation: ConversationSnapshot;
  /** Visitor seq of the newest public message (for the visitor's view). */
  readonly lastVisitorSeq: number;
}

export interface TypingPublished {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly visitorId: string;
  readonly author: { readonly kind: 'visitor' | 'agent'; readonly id: string | null };
  readonly typing: boolean;
  /** Internal typing (an agent writing a note) is never shown to the visitor. */
  readonly visibility: 'public' | 'internal';
}

export interface PresencePublished {
  readonly tenantId: string;
  readonly userId: string;
  readonly presence: PresenceState;
}

export interface VisitorPublished {
  readonly visitor: VisitorSnapshot;
}

/** Which sessions to cut. Any field given narrows nothing: each one names sessions to cut. */
export interface RevokedPublished {
  readonly tenantId: string;
  readonly userId?: string;
  readonly visitorId?: string;
  readonly tokenIds?: readonly string[];
}

/** A plugin event on its way to sockets (see `RealtimeService`). */
export interface PluginEventPublished {
  readonly tenantId: string;
  readonly to:
    { readonly visitorId: string } | { readonly userId: string } | { readonly staff: true };
  readonly event: { readonly type: string; readonly [key: string]: unknown };
}
