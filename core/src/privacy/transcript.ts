import type { Knex } from 'knex';
import type { AuthorKind, Clock, Visibility } from '@switchboard/sdk';
import { toConversation, toSnapshot } from '../chat/conversation-record.js';
import {
  toVisitorConversation,
  toVisitorMessages,
  type StoredMessage,
  type VisitorConversation,
  type VisitorMessage,
} from '../chat/egress.js';
import { num } from '../chat/json-column.js';
import { toMessage } from '../chat/message-record.js';
import { attrs, isoTime, xmlDocument, xmlText, type XMLBuilder } from './privacy-xml.js';

/** A file as agents see it in a transcript. */
export interface TranscriptAttachment {
  readonly id: string;
  readonly messageId: string | null;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly visibility: Visibility;
}

/** A message as agents see it: internal notes included, marked `visibility: 'internal'`. */
export interface AgentTranscriptMessage {
  readonly id: string;
  readonly seq: number;
  readonly author: {
    readonly kind: AuthorKind;
    readonly id: string | null;
    readonly name: string | null;
  };
  readonly kind: StoredMessage['kind'];
  readonly visibility: Visibility;
  readonly body: string;
  readonly attachment: TranscriptAttachment | null;
  /** What plugins and the core attached (e.g. `whisper: {fromUserId, toUserId}` on a whisper). */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}

/** The agents' transcript: everything stored about the conversation's messages. */
export interface AgentTranscript {
  readonly view: 'agent';
  readonly generatedAt: number;
  readonly conversation: {
    readonly id: string;
    readonly tenantId: string;
    readonly siteId: string;
    readonly visitorId: string;
    readonly visitorName: string | null;
    readonly visitorEmail: string | null;
    readonly state: string;
    readonly assignedAgentId: string | null;
    readonly departmentId: string | null;
    readonly createdAt: number;
    readonly endedAt: number | null;
    readonly endedBy: string | null;
    readonly endReason: string | null;
  };
  readonly messages: readonly AgentTranscriptMessage[];
  /** Every file of the conversation, internal ones included. */
  readonly attachments: readonly TranscriptAttachment[];
}

/**
 * The visitor's transcript. Built only from `egress.ts`: no internal message, no internal file,
 * no agent id can be in it, because nothing else goes into it.
 */
export interface VisitorTranscript {
  readonly view: 'visitor';
  readonly generatedAt: number;
  readonly conversation: VisitorConversation;
  readonly messages: readonly VisitorMessage[];
}

export type Transcript = AgentTranscript | VisitorTranscript;

/** Reads a conversation's transcript, in the agents' or the visitor's view. */
export class TranscriptReader {
  constructor(
    private readonly knex: Knex,
    private readonly clock: Clock,
  ) {}

  /** The agents' view, or null when the tenant has no such conversation. */
  async agentView(tenantId: string, conversationId: string): Promise<AgentTranscript | null> {
    const row = (await this.knex('core_conversations')
      .where({ id: conversationId, tenant_id: tenantId })
      .first()) as Record<string, unknown> | undefined;
    if (!row) return null;
    const conversation = toConversation(row);
    const visitor = (await this.knex('core_visitors')
      .where({ id: conversation.visitorId })
      .first('name', 'email')) as { name: string | null; email: string | null } | undefined;
    const messages = await this.messages(conversationId);
    const attachments = (
      (await this.knex('core_attachments')
        .where({ conversation_id: conversationId })
        .orderBy([
          { column: 'created_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])) as Record<string, unknown>[]
    ).map(toAttachment);
    const byMessage = new Map(
      attachments.filter((a) => a.messageId).map((a) => [a.messageId!, a] as const),
    );
    return {
      view: 'agent',
      generatedAt: this.clock.now(),
      conversation: {
        id: conversation.id,
        tenantId: conversation.tenantId,
        siteId: conversation.siteId,
        visitorId: conversation.visitorId,
        visitorName: visitor?.name ?? null,
        visitorEmail: visitor?.email ?? null,
        state: conversation.state,
        assignedAgentId: conversation.assignedAgentId,
        departmentId: conversation.departmentId,
        createdAt: conversation.createdAt,
        endedAt: conversation.endedAt,
        endedBy: conversation.endedBy,
        endReason: conversation.endReason,
      },
      messages: messages.map((m) => ({
        id: m.id,
        seq: m.seq,
        author: {
          kind: m.author.kind,
          id: m.author.id,
          name: typeof m.metadata.authorName === 'string' ? m.metadata.authorName : null,
        },
        kind: m.kind,
        visibility: m.visibility,
        body: m.body,
        attachment: byMessage.get(m.id) ?? metadataAttachment(m),
        metadata: m.metadata,
        createdAt: m.createdAt,
      })),
      attachments,
    };
  }

  /**
   * The visitor's view of one of their own conversations, or null when the tenant has no such
   * conversation or it belongs to another visitor (the caller answers both alike).
   */
  async visitorView(
    tenantId: string,
    visitorId: string,
    conversationId: string,
  ): Promise<VisitorTranscript | null> {
    const row = (await this.knex('core_conversations')
      .where({ id: conversationId, tenant_id: tenantId, visitor_id: visitorId })
      .first()) as Record<string, unknown> | undefined;
    if (!row) return null;
    const record = toConversation(row);
    return {
      view: 'visitor',
      generatedAt: this.clock.now(),
      conversation: toVisitorConversation(toSnapshot(record), record.lastVisitorSeq),
      messages: toVisitorMessages(await this.messages(conversationId)),
    };
  }

  private async messages(conversationId: string): Promise<StoredMessage[]> {
    const rows = (await this.knex('core_messages')
      .where({ conversation_id: conversationId })
      .orderBy('seq', 'asc')) as Record<string, unknown>[];
    return rows.map(toMessage);
  }
}

function toAttachment(row: Record<string, unknown>): TranscriptAttachment {
  return {
    id: row.id as string,
    messageId: (row.message_id as string | null) ?? null,
    filename: row.filename as string,
    contentType: row.content_type as string,
    size: num(row.size),
    visibility: row.visibility as Visibility,
  };
}

/** The file reference a message carries in its metadata, when its row is gone. */
function metadataAttachment(message: StoredMessage): TranscriptAttachment | null {
  const ref = message.metadata.attachment as Partial<TranscriptAttachment> | undefined;
  if (!ref || typeof ref.id !== 'string') return null;
  return {
    id: ref.id,
    messageId: message.id,
    filename: String(ref.filename ?? ''),
    contentType: String(ref.contentType ?? 'application/octet-stream'),
    size: Number(ref.size ?? 0),
    visibility: message.visibility,
  };
}

/** File name for a transcript download. */
export function transcriptFilename(transcript: Transcript, format: 'json' | 'xml'): string {
  return `transcript-${transcript.conversation.id}.${format}`;
}

/**
 * A transcript as XML: `<transcript view="agent|visitor">` with a `<conversation>` element of
 * metadata and one `<message>` per message (seq, author, kind, visibility, time, body, file).
 * Times are ISO 8601 in UTC.
 */
export async function transcriptXml(transcript: Transcript): Promise<string> {
  const root = await xmlDocument('transcript');
  attrs(root, { view: transcript.view, generatedAt: isoTime(transcript.generatedAt) });
  const messages =
    transcript.view === 'agent' ? agentXml(root, transcript) : visitorXml(root, transcript);
  messages.att('count', String(transcript.messages.length));
  return xmlText(root);
}

function agentXml(root: XMLBuilder, t: AgentTranscript): XMLBuilder {
  const c = t.conversation;
  const conversation = attrs(root.ele('conversation'), {
    id: c.id,
    tenantId: c.tenantId,
    siteId: c.siteId,
    state: c.state,
    assignedAgentId: c.assignedAgentId,
    departmentId: c.departmentId,
    createdAt: isoTime(c.createdAt),
    endedAt: isoTime(c.endedAt),
    endedBy: c.endedBy,
    endReason: c.endReason,
  });
  attrs(conversation.ele('visitor'), {
    id: c.visitorId,
    name: c.visitorName,
    email: c.visitorEmail,
  });
  const messages = root.ele('messages');
  for (const m of t.messages) {
    const message = attrs(messages.ele('message'), {
      id: m.id,
      seq: m.seq,
      kind: m.kind,
      visibility: m.visibility,
      time: isoTime(m.createdAt),
    });
    attrs(message.ele('author'), { kind: m.author.kind, id: m.author.id, name: m.author.name });
    message.ele('body').txt(m.body);
    if (m.attachment) attachmentXml(message, m.attachment);
    if (Object.keys(m.metadata).length > 0) message.ele('metadata').txt(JSON.stringify(m.metadata));
  }
  const files = root.ele('attachments');
  for (const a of t.attachments) attachmentXml(files, a);
  return messages;
}

function visitorXml(root: XMLBuilder, t: VisitorTranscript): XMLBuilder {
  const c = t.conversation;
  attrs(root.ele('conversation'), {
    id: c.id,
    siteId: c.siteId,
    state: c.state,
    createdAt: isoTime(c.createdAt),
    endedAt: isoTime(c.endedAt),
  });
  const messages = root.ele('messages');
  for (const m of t.messages) {
    const message = attrs(messages.ele('message'), {
      id: m.id,
      seq: m.seq,
      kind: m.kind,
      visibility: m.visibility,
      time: isoTime(m.createdAt),
    });
    attrs(message.ele('author'), { kind: m.author.kind, name: m.author.name });
    message.ele('body').txt(m.body);
    if (m.attachment) {
      attrs(message.ele('attachment'), {
        id: m.attachment.id,
        filename: m.attachment.filename,
        contentType: m.attachment.contentType,
        size: m.attachment.size,
      });
    }
  }
  return messages;
}

function attachmentXml(parent: XMLBuilder, a: TranscriptAttachment): void {
  attrs(parent.ele('attachment'), {
    id: a.id,
    messageId: a.messageId,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    visibility: a.visibility,
  });
}
