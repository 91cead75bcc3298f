/**
 * Types and JSON Schemas shared by the whisper plugin's server and UI. The UI imports these as
 * types only (its folder alone is served to browsers).
 */

/** Per-tenant settings (mirrors contributes.configuration in package.json). */
export interface WhisperSettings {
  /** Agents may whisper too; when false only supervisors and admins may. */
  allowAgents: boolean;
  /** Background of whispers in the console, `#rrggbb`. */
  highlightColour: string;
}

/** `metadata.whisper` of a whisper message (an internal message in the core's log). */
export interface WhisperMetadata {
  readonly fromUserId: string;
  readonly fromName: string;
  readonly toUserId: string;
  readonly toName: string;
}

/** A whisper as the plugin's routes answer it. */
export interface WhisperView {
  /** The id of the internal message that carries it. */
  readonly id: string;
  readonly conversationId: string;
  readonly seq: number;
  readonly body: string;
  readonly fromUserId: string;
  readonly fromName: string;
  readonly toUserId: string;
  readonly toName: string;
  readonly createdAt: number;
}

/** One side of an internal thread. */
export interface ThreadParticipant {
  readonly userId: string;
  readonly name: string;
}

/** An internal agent-to-agent thread tied to a conversation. */
export interface ThreadView {
  readonly id: string;
  readonly conversationId: string;
  readonly participants: readonly ThreadParticipant[];
  readonly openedBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A message of an internal thread (never stored in the conversation's message log). */
export interface ThreadMessageView {
  /** Increasing within the deployment: page with `afterId`. */
  readonly id: string;
  readonly threadId: string;
  readonly conversationId: string;
  readonly authorUserId: string;
  readonly authorName: string;
  readonly body: string;
  readonly createdAt: number;
}

/** What the audit records. */
export type AuditAction =
  'whisper.sent' | 'thread.opened' | 'monitor.started' | 'monitor.stopped' | 'barge-in';

/** One audit row: who did what to whom, in which conversation, when. */
export interface AuditEntryView {
  /** Increasing in recording order; pass as `before` to page back. */
  readonly seq: number;
  readonly id: string;
  readonly action: AuditAction;
  readonly actorUserId: string;
  readonly targetUserId: string | null;
  readonly conversationId: string;
  readonly messageId: string | null;
  readonly threadId: string | null;
  readonly createdAt: number;
}

/** An open (or ended) silent monitoring session. */
export interface MonitorView {
  readonly id: string;
  readonly conversationId: string;
  readonly userId: string;
  readonly name: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
}

/** Real-time events the plugin pushes to staff sockets (never to visitors). */
export const WhisperEvents = {
  /** To the whisper's recipient: `{ whisper: WhisperView }`. */
  received: 'plugin.whisper.received',
  /** To both participants: `{ thread: ThreadView }`. */
  threadOpened: 'plugin.whisper.thread.opened',
  /** To both participants: `{ message: ThreadMessageView }`. */
  threadMessage: 'plugin.whisper.thread.message',
} as const;

/** Longest whisper or thread message, characters. */
export const MAX_WHISPER_LENGTH = 4000;

const text = { type: 'string', minLength: 1, maxLength: MAX_WHISPER_LENGTH } as const;

/** Body of `POST /conversations/:conversationId/whispers` and `POST /threads/:id/messages`. */
export const textBodySchema = {
  type: 'object',
  required: ['body'],
  additionalProperties: false,
  properties: { body: text },
} as const;

/** Body of `POST /conversations/:conversationId/threads`. */
export const openThreadSchema = {
  type: 'object',
  required: ['withUserId'],
  additionalProperties: false,
  properties: { withUserId: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
