import {
  CloseCodes,
  Permissions,
  hasPermission,
  type ConversationEvent,
  type Disposable,
  type EventBus,
  type Logger,
  type MessageEvent,
  type PresenceEvent,
  type TypingEvent,
  type VisitorConversationView,
  type VisitorEvent,
  type VisitorMessageView,
} from '@switchboard/sdk';
import {
  ChatTopics,
  type ConversationPublished,
  type MessagePublished,
  type PresencePublished,
  type RevokedPublished,
  type TypingPublished,
  type PluginEventPublished,
  type VisitorPublished,
} from '../chat/chat-events.js';
import {
  toVisitorConversation,
  toVisitorMessage,
  toVisitorPluginEvent,
  toVisitorTyping,
} from '../chat/egress.js';
import type { Connection } from './connection.js';
import type { SocketRegistry } from './socket-registry.js';

/** What fan-out needs from the gateway. */
export interface FanOutTarget {
  readonly sockets: SocketRegistry;
  readonly logger: Logger;
  /** Sends (or holds back, while resuming) an event; `seq` lets a resume drop duplicates. */
  deliver(conn: Connection, frame: Buffer, conversationId?: string, seq?: number): void;
  /** Closes a socket with an application code and forgets it at once. */
  cut(conn: Connection, code: number, reason: string): void;
  /** Remembers a revocation for sockets still authenticating. */
  noteRevocation(revoked: RevokedPublished): void;
}

/** Serialises an event once; the same bytes go to every socket. */
export function encode(event: object): Buffer {
  return Buffer.from(JSON.stringify(event));
}

/**
 * Turns chat bus events into socket events. Staff sockets (users, system) get agent-side views;
 * visitor sockets get only what `egress.ts` builds for them (a message the egress filter drops is
 * not sent at all). Users see only their tenant; system sockets see every tenant.
 */
export function subscribeFanOut(events: EventBus, target: FanOutTarget): Disposable[] {
  const { sockets } = target;
  const on = <T>(topic: string, handler: (payload: T) => void) =>
    events.subscribe(topic, (payload) => handler(payload as T));

  return [
    on<MessagePublished>(ChatTopics.message, (p) => {
      const { message } = p;
      const conversationId = message.conversationId;
      const watchers = sockets.watchers(conversationId);
      if (watchers) {
        const event: MessageEvent = {
          type: 'message.created',
          conversationId,
          seq: message.seq,
          message,
        };
        const frame = encode(event);
        for (const conn of watchers) {
          if (seesTenant(conn, p.tenantId))
            target.deliver(conn, frame, conversationId, message.seq);
        }
      }
      const visitors = ownSockets(sockets.visitorSockets(p.visitorId), p.tenantId);
      if (visitors.length === 0) return;
      const view = toVisitorMessage({ ...message, visitorSeq: p.visitorSeq });
      if (!view) return;
      const event: MessageEvent = {
        type: 'message.created',
        conversationId,
        seq: view.seq,
        message: view satisfies VisitorMessageView,
      };
      const frame = encode(event);
      for (const conn of visitors) target.deliver(conn, frame, conversationId, view.seq);
    }),

    on<ConversationPublished>(ChatTopics.conversation, (p) => {
      const { conversation } = p;
      const tenantId = conversation.tenantId;
      // The assigned agent starts watching at once, wherever they are connected.
      if (conversation.assignedAgentId) {
        for (const conn of ownSockets(
          sockets.userSockets(conversation.assignedAgentId),
          tenantId,
        )) {
          if (!sockets.subscribe(conn, conversation.id)) {
            target.logger.warn(
              { connectionId: conn.id, conversationId: conversation.id },
              'socket watches too many conversations; not auto-subscribed',
            );
          }
        }
      }
      const staffEvent: ConversationEvent = { type: 'conversation.updated', conversation };
      // Encoded on the first staff socket only: routing moves thousands of chats a second, often
      // with no console connected to the tenant.
      let frame: Buffer | undefined;
      sockets.forEachStaff(tenantId, (conn) =>
        target.deliver(conn, (frame ??= encode(staffEvent))),
      );
      const visitors = ownSockets(sockets.visitorSockets(conversation.visitorId), tenantId);
      if (visitors.length === 0) return;
      const view = toVisitorConversation(conversation, p.lastVisitorSeq);
      const visitorEvent: ConversationEvent = {
        type: 'conversation.updated',
        conversation: view satisfies VisitorConversationView,
      };
      const visitorFrame = encode(visitorEvent);
      for (const conn of visitors) target.deliver(conn, visitorFrame);
    }),

    on<TypingPublished>(ChatTopics.typing, (p) => {
      const { conversationId } = p;
      const watchers = sockets.watchers(conversationId);
      if (watchers) {
        const event: TypingEvent = {
          type: 'typing',
          conversationId,
          author: p.author,
          typing: p.typing,
        };
        const frame = encode(event);
        for (const conn of watchers) if (seesTenant(conn, p.tenantId)) target.deliver(conn, frame);
      }
      // Visitors see public typing by others, never who exactly: egress decides.
      const visitorView = toVisitorTyping(p);
      if (!visitorView) return;
      const visitors = ownSockets(sockets.visitorSockets(p.visitorId), p.tenantId);
      if (visitors.length === 0) return;
      const event: TypingEvent = { type: 'typing', ...visitorView };
      const frame = encode(event);
      for (const conn of visitors) target.deliver(conn, frame);
    }),

    on<PresencePublished>(ChatTopics.presence, (p) => {
      const event: PresenceEvent = { type: 'presence', userId: p.userId, presence: p.presence };
      const frame = encode(event);
      sockets.forEachStaff(p.tenantId, (conn) => target.deliver(conn, frame));
    }),

    on<VisitorPublished>(ChatTopics.visitor, (p) => {
      const event: VisitorEvent = { type: 'visitor.updated', visitor: p.visitor };
      const frame = encode(event);
      sockets.forEachStaff(p.visitor.tenantId, (conn) => {
        if (hasPermission(conn.principal, Permissions.VisitorRead)) target.deliver(conn, frame);
      });
    }),

    on<PluginEventPublished>(ChatTopics.plugin, (p) => {
      const to = p.to;
      if ('visitorId' in to) {
        const view = toVisitorPluginEvent(p.event);
        if (!view) return;
        const frame = encode(view);
        for (const conn of ownSockets(sockets.visitorSockets(to.visitorId), p.tenantId)) {
          target.deliver(conn, frame);
        }
        return;
      }
      const frame = encode(p.event);
      if ('userId' in to) {
        for (const conn of ownSockets(sockets.userSockets(to.userId), p.tenantId)) {
          target.deliver(conn, frame);
        }
      } else {
        sockets.forEachStaff(p.tenantId, (conn) => target.deliver(conn, frame));
      }
    }),

    on<RevokedPublished>(ChatTopics.revoked, (p) => {
      target.noteRevocation(p);
      for (const conn of revokedSockets(sockets, p)) {
        target.cut(conn, CloseCodes.Revoked, 'session revoked');
      }
    }),
  ];
}

/** Sockets a revocation names: by user, by visitor or by token, within its tenant. */
export function revokedSockets(sockets: SocketRegistry, p: RevokedPublished): Set<Connection> {
  const found = new Set<Connection>();
  const take = (set: ReadonlySet<Connection> | undefined) => {
    for (const conn of ownSockets(set, p.tenantId)) found.add(conn);
  };
  if (p.userId) take(sockets.userSockets(p.userId));
  if (p.visitorId) take(sockets.visitorSockets(p.visitorId));
  for (const tokenId of p.tokenIds ?? []) take(sockets.tokenSockets(tokenId));
  return found;
}

/** True when a revocation names this (not yet registered) socket's session. */
export function revocationMatches(conn: Connection, p: RevokedPublished): boolean {
  const principal = conn.principal;
  if (!principal || principal.tenantId !== p.tenantId) return false;
  if (p.userId && principal.kind === 'user' && principal.userId === p.userId) return true;
  if (p.visitorId && principal.kind === 'visitor' && principal.visitorId === p.visitorId) {
    return true;
  }
  return conn.tokenId !== null && (p.tokenIds ?? []).includes(conn.tokenId);
}

/** Staff socket allowed to see events of `tenantId` (system sockets see every tenant). */
function seesTenant(conn: Connection, tenantId: string): boolean {
  const principal = conn.principal;
  if (!principal || principal.kind === 'visitor') return false;
  return principal.kind === 'system' || principal.tenantId === tenantId;
}

/** The sockets of `set` that belong to `tenantId` (a copy: delivery may change the set). */
function ownSockets(set: ReadonlySet<Connection> | undefined, tenantId: string): Connection[] {
  if (!set) return [];
  const out: Connection[] = [];
  for (const conn of set) if (conn.tenantId === tenantId) out.push(conn);
  return out;
}
