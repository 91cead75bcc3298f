import type {
  AuthorKind,
  RoutingRequest,
  ConversationColour,
  ConversationSnapshot,
  ConversationState,
  RoutingTarget,
} from '@switchboard/sdk';
import { num, numOrNull, readJson } from './json-column.js';

/** A conversation row as the chat core uses it: the public snapshot plus internal counters. */
export interface ConversationRecord extends ConversationSnapshot {
  /** Seq of the newest public message (what the visitor counts). */
  readonly lastVisitorSeq: number;
  readonly prechat: Readonly<Record<string, unknown>>;
  readonly endedBy: 'visitor' | 'agent' | 'system' | null;
  readonly endReason: string | null;
}

/** The seed product's colour code for a conversation. */
export function colourOf(
  state: ConversationState,
  lastAuthor: AuthorKind | null,
): ConversationColour {
  switch (state) {
    case 'browsing':
      return 'grey';
    case 'waiting':
      return 'red';
    case 'active':
      // The visitor spoke last: the operator owes an answer (yellow); otherwise the operator waits.
      return lastAuthor === 'visitor' ? 'yellow' : 'green';
    case 'idle':
      return lastAuthor === 'visitor' ? 'yellow' : 'green';
    case 'ended':
      return 'blue';
  }
}

/** Maps a `core_conversations` row. */
export function toConversation(row: Record<string, unknown>): ConversationRecord {
  const state = row.state as ConversationState;
  const lastAuthor = (row.last_author as AuthorKind | null) ?? null;
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    siteId: row.site_id as string,
    visitorId: row.visitor_id as string,
    state,
    assignedAgentId: (row.assigned_agent_id as string | null) ?? null,
    offeredTo: (row.offered_to as string | null) ?? null,
    offerExpiresAt: numOrNull(row.offer_expires_at),
    departmentId: (row.department_id as string | null) ?? null,
    target: readJson<RoutingTarget>(row.target, { kind: 'any' }),
    priority: num(row.priority),
    lastSeq: num(row.last_seq),
    lastVisitorSeq: num(row.last_visitor_seq),
    lastAuthor,
    colour: colourOf(state, lastAuthor),
    waitingSince: numOrNull(row.waiting_since),
    prechat: readJson(row.prechat, {}),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    endedAt: numOrNull(row.ended_at),
    endedBy: (row.ended_by as ConversationRecord['endedBy']) ?? null,
    endReason: (row.end_reason as string | null) ?? null,
  };
}

/** The public snapshot handed to hooks and agents (no internal-only fields). */
export function toSnapshot(record: ConversationRecord): ConversationSnapshot {
  return {
    id: record.id,
    tenantId: record.tenantId,
    siteId: record.siteId,
    visitorId: record.visitorId,
    state: record.state,
    assignedAgentId: record.assignedAgentId,
    offeredTo: record.offeredTo,
    offerExpiresAt: record.offerExpiresAt,
    departmentId: record.departmentId,
    target: record.target,
    priority: record.priority,
    lastSeq: record.lastSeq,
    lastAuthor: record.lastAuthor,
    colour: record.colour,
    waitingSince: record.waitingSince,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    endedAt: record.endedAt,
  };
}

/**
 * The routing hooks' view of a queued chat: its place in the queue is `waitingSince` (kept
 * when an offer is withdrawn), and `excludedAgentIds` names agents not to offer it to again.
 */
export function routingRequestOf(
  record: ConversationRecord,
  excludedAgentIds: readonly string[] = [],
): RoutingRequest {
  return {
    conversation: toSnapshot(record),
    target: record.target,
    priority: record.priority,
    enqueuedAt: record.waitingSince ?? record.createdAt,
    excludedAgentIds,
  };
}
