/**
 * The real-time protocol: JSON frames over one WebSocket at `/api/v1/ws`. Shared by the server
 * and {@link SwitchboardClient}. The full description, with examples, is `docs/protocol.md`.
 *
 * Client frames carry an `id` and are answered by exactly one `ack` or `error` frame with that id.
 * Every operation of the REST API is also a frame `type` (e.g. `conversation.send`), checked by
 * the same policy. Server events about a conversation carry its `seq`; a reconnecting client sends
 * the last seq it saw per conversation in `hello.resume` and receives what it missed.
 */
import type { ConversationSnapshot, MessageSnapshot, VisitorSnapshot } from './domain.js';

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
  /** The server is shutting down; reconnect elsewhere or later. */
  GoingAway: 1001,
} as const;

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

/** A stored message (any kind, including state-change events), in seq order. @public */
export interface MessageEvent {
  readonly type: 'message.created';
  readonly conversationId: string;
  readonly seq: number;
  readonly message: MessageSnapshot;
}

/** The current state of a conversation (after a change). Not replayed: the resume ack refetches. @public */
export interface ConversationEvent {
  readonly type: 'conversation.updated';
  readonly conversation: ConversationSnapshot;
}

/** Someone is typing (ephemeral, not replayed). @public */
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

/** Sent every `heartbeatMs`; also answers nothing. @public */
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
