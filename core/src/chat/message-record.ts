import type { AuthorKind, MessageSnapshot, Visibility } from '@switchboard/sdk';
import type { StoredMessage } from './egress.js';
import { num, numOrNull, readJson } from './json-column.js';

/** Maps a `core_messages` row. */
export function toMessage(row: Record<string, unknown>): StoredMessage {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    conversationId: row.conversation_id as string,
    seq: num(row.seq),
    visitorSeq: numOrNull(row.visitor_seq),
    author: { kind: row.author_kind as AuthorKind, id: (row.author_id as string | null) ?? null },
    kind: row.kind as MessageSnapshot['kind'],
    visibility: row.visibility as Visibility,
    body: row.body as string,
    clientMessageId: (row.client_message_id as string | null) ?? null,
    metadata: readJson(row.metadata, {}),
    createdAt: num(row.created_at),
  };
}

/** The agent-side snapshot (drops the visitor seq). */
export function toMessageSnapshot(message: StoredMessage): MessageSnapshot {
  const { visitorSeq: _visitorSeq, ...snapshot } = message;
  return snapshot;
}
