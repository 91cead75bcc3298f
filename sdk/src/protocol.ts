/**
 * The real-time protocol: JSON frames over one WebSocket at `/api/v1/ws`. Shared by the server
 * and {@link SwitchboardClient}. The full description, with examples, is `docs/protocol.md`.
 *
 * Client frames carry an `id` and are answered by exactly one `ack` or `error` frame with that id.
 * Every operation of the REST API is also a frame `type` (e.g. `conversation.send`), checked by
 * the same policy. Server events about a conversation carry its `seq`; a reconnecting client sends
 * the last seq it saw per conversation in `hello.resume` and receives what it missed.
 */
import type {
  AuthorKind,
  ConversationSnapshot,
  ConversationState,
  MessageSnapshot,
  VisitorSnapshot,
} from './domain.js';

/** Version of the frame format, sent in `hello`. @public */
export const PROTOCOL_VERSION = 1;

/** Path of the WebSocket endpoint. @public */
export const WS_PATH = '/api/v1/ws';

/** Close codes the server uses (4000–4999 are application codes). @public */
export const CloseCodes = {
  /** The socket did not authenticate in time, or the token was refused. */
  Unauthorized: 4001,
  /** The token was revoked (logout, password change, user disabled). Sign in again. */
  Revoked: 4003,
  /** The client fell too far behind; reconnect and resume. */
  SlowConsumer: 4008,
  /** Too many bad frames in a row. */
  ProtocolViolation: 4002,
  /** The server is shutting down (or dropped the socket on purpose); reconnect later. */
  GoingAway: 1001,
  /**
   * A frame was larger than the server's `realtime.maxFrameBytes` (sent by the `ws` library
   * itself, before the frame is read). Send less: upload files over REST.
   */
  MessageTooBig: 1009,
} as const;

/** Most conversations one `hello.resume` may name; the client keeps the most recent. @public */
export const MAX_RESUME_CONVERSATIONS = 100;

/** Frame types the gateway answers itself; every other type is an operation. @public */
export const GatewayFrames = {
  /** First frame of every socket: {@link HelloData}, answered with {@link HelloResult}. */
  hello: 'hello',
  /** Answered with `{ at }` (server time, epoch ms). */
  ping: 'ping',
  /** {@link SubscribeData}: live events of a conversation (users; visitors get theirs anyway). */
  subscribe: 'conversation.subscribe',
  /** {@link SubscribeData}: stop the live events of a conversation. */
  unsubscribe: 'conversation.unsubscribe',
} as const;

/** Input of `conversation.subscribe` and `conversation.unsubscribe`. @public */
export interface SubscribeData {
  readonly conversationId: string;
}

/** A frame the client sends. `data` is the operation's input. @public */
export interface ClientFrame {
  readonly id: string;
  readonly type: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Input of the first frame, `hello`. @public */
export interface HelloData {
  readonly token: string;
  readonly protocol?: number;
  /** Last seq seen per conversation id; the server replays what came after. */
  readonly resume?: Readonly<Record<string, number>>;
}

/** How resuming one conversation went. @public */
export type ResumeOutcome =
  | { readonly replayed: number }
  /** The gap is older than the replay window (or not visible): refetch over REST. */
  | { readonly gap: true; readonly fromSeq: number; readonly latestSeq: number }
  /** Not found or not yours. */
  | { readonly unknown: true };

/** Result of `hello`. @public */
export interface HelloResult {
  readonly protocol: number;
  readonly principal: {
    readonly kind: 'user' | 'visitor' | 'system';
    readonly id: string | null;
    readonly tenantId: string | null;
  };
  /** The server sends a `heartbeat` at least this often; reconnect after ~2.5x of silence. */
  readonly heartbeatMs: number;
  /** The server's clock (epoch ms) when it answered: lets a client correct its own clock's skew. */
  readonly serverTime: number;
  readonly resumed: Readonly<Record<string, ResumeOutcome>>;
}

/** Answer to a client frame. @public */
export interface AckFrame {
  readonly type: 'ack';
  readonly id: string;
  readonly result: unknown;
}

/** A refused client frame (or, with `id: null`, a frame that could not be parsed). @public */
export interface ErrorFrame {
  readonly type: 'error';
  readonly id: string | null;
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

/**
 * A message as a visitor's socket receives it: public messages only, seqs counted over public
 * messages (gap-free), no ids of other authors. Built by the server's one egress filter.
 * @public
 */
export interface VisitorMessageView {
  readonly id: string;
  readonly conversationId: string;
  readonly seq: number;
  readonly author: { readonly kind: AuthorKind; readonly name: string | null };
  readonly kind: MessageSnapshot['kind'];
  readonly visibility: 'public';
  readonly body: string;
  /** The visitor's own client message id; null on other authors' messages. */
  readonly clientMessageId: string | null;
  readonly attachment: {
    readonly id: string;
    readonly filename: string;
    readonly contentType: string;
    readonly size: number;
  } | null;
  readonly createdAt: number;
}

/** A conversation as a visitor's socket receives it (no routing or agent data). @public */
export interface VisitorConversationView {
  readonly id: string;
  readonly siteId: string;
  readonly state: ConversationState;
  /** Visitor seq of the newest public message. */
  readonly lastSeq: number;
  readonly createdAt: number;
  readonly endedAt: number | null;
}

/**
 * A stored message (any kind, including state-change events), in seq order. Users receive a
 * {@link MessageSnapshot}; visitors a {@link VisitorMessageView}, with `seq` in their own seq
 * space. Delivery is at least once: deduplicate by `message.id` (the client does).
 * @public
 */
export interface MessageEvent<M = MessageSnapshot | VisitorMessageView> {
  readonly type: 'message.created';
  readonly conversationId: string;
  readonly seq: number;
  readonly message: M;
}

/**
 * The current state of a conversation (after a change): a {@link ConversationSnapshot} for users,
 * a {@link VisitorConversationView} for visitors. Not replayed: after a reconnect, refetch.
 * @public
 */
export interface ConversationEvent<C = ConversationSnapshot | VisitorConversationView> {
  readonly type: 'conversation.updated';
  readonly conversation: C;
}

/**
 * Someone is typing (ephemeral, not replayed). Visitors see only public typing by others, with
 * `author.id` null.
 * @public
 */
export interface TypingEvent {
  readonly type: 'typing';
  readonly conversationId: string;
  readonly author: { readonly kind: 'visitor' | 'agent'; readonly id: string | null };
  readonly typing: boolean;
}

/** An agent's presence changed (agents and supervisors only). @public */
export interface PresenceEvent {
  readonly type: 'presence';
  readonly userId: string;
  readonly presence: PresenceState;
}

/** A visitor's data changed: page view, custom data, name (agents only). @public */
export interface VisitorEvent {
  readonly type: 'visitor.updated';
  readonly visitor: VisitorSnapshot;
}

/** Sent every `heartbeatMs` (with a WebSocket ping); needs no answer. @public */
export interface HeartbeatEvent {
  readonly type: 'heartbeat';
  readonly at: number;
}

/** A replay gap found after `hello` (also listed in the hello result). @public */
export interface ResumeGapEvent {
  readonly type: 'resume.gap';
  readonly conversationId: string;
  readonly fromSeq: number;
  readonly latestSeq: number;
}

/** Agent presence. @public */
export type PresenceState = 'online' | 'away' | 'offline';

/** Every event the server pushes. @public */
export type ServerEvent =
  | MessageEvent
  | ConversationEvent
  | TypingEvent
  | PresenceEvent
  | VisitorEvent
  | HeartbeatEvent
  | ResumeGapEvent;

/** Every frame the server sends. @public */
export type ServerFrame = AckFrame | ErrorFrame | ServerEvent;
