import type {
  ConversationColour,
  ConversationSnapshot,
  MessageSnapshot,
  UserSnapshot,
  VisitorSnapshot,
} from '@switchboard/sdk';

/** A visitor as the live list has them: the snapshot plus the colour code. */
export interface VisitorRow extends VisitorSnapshot {
  readonly colour?: ConversationColour;
  readonly openConversationId?: string | null;
}

/** A page view as `visitors.get` answers it. */
export interface PageViewRow {
  readonly id: string;
  readonly url: string;
  readonly title: string | null;
  readonly referrer: string | null;
  readonly at: number;
  readonly timeOnPageMs: number | null;
}

/** A past conversation as `visitors.history` answers it. */
export interface HistoryRow {
  readonly conversationId: string;
  readonly visitorId: string;
  readonly matchedBy: string;
  readonly state: string;
  readonly assignedAgentId: string | null;
  readonly messageCount: number;
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly endReason: string | null;
  readonly transcriptUrl: string;
}

/** What the visitor panel shows beyond the snapshot, loaded on demand. */
export interface VisitorDetails {
  readonly pageViews: readonly PageViewRow[];
  readonly history: readonly HistoryRow[];
}

/** An agent in the transfer picker (`agents.list`, or `users.list` where it is missing). */
export interface AgentRow {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly role: UserSnapshot['role'];
  readonly presence: UserSnapshot['presence'];
  readonly load?: number;
  readonly capacity?: number;
}

/** Something the agent should notice: announced, and maybe a sound and a title badge. */
export type Notice =
  | {
      readonly kind: 'message';
      readonly conversationId: string;
      readonly name: string;
      readonly text: string;
    }
  | { readonly kind: 'waiting'; readonly conversationId: string; readonly name: string }
  | { readonly kind: 'offer'; readonly conversationId: string; readonly name: string }
  | { readonly kind: 'info'; readonly text: string };

/** Attachment info agents see in `metadata.attachment` of a file message. */
export interface AttachmentInfo {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

export type { ConversationSnapshot, MessageSnapshot, UserSnapshot, VisitorSnapshot };
