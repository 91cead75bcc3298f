import type { Knex } from 'knex';
import { InputError } from '@switchboard/sdk';
import { num, readJson } from '../chat/json-column.js';

/** An audit entry as `audit.list` answers it. */
export interface AuditEntryView {
  readonly id: string;
  readonly tenantId: string | null;
  readonly actor: { readonly kind: string; readonly id: string | null };
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}

/** One page of the audit log, newest first. */
export interface AuditPage {
  readonly entries: readonly AuditEntryView[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface AuditQuery {
  /** Only this tenant's entries; null for every entry (system principal only). */
  readonly tenantId: string | null;
  readonly limit: number;
  readonly cursor?: string;
  /** Only this action, e.g. `visitor.erase`. */
  readonly action?: string;
}

/**
 * Reads the audit log newest first, with keyset pagination over (created_at, id): the cursor is
 * opaque to clients (base64url of the last entry's key), and pages stay stable while new entries
 * are written.
 */
export async function listAudit(knex: Knex, query: AuditQuery): Promise<AuditPage> {
  const q = knex('core_audit_log');
  if (query.tenantId !== null) q.where('tenant_id', query.tenantId);
  if (query.action) q.where('action', query.action);
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor);
    q.where((w) =>
      w
        .where('created_at', '<', createdAt)
        .orWhere((same) => same.where('created_at', createdAt).andWhere('id', '<', id)),
    );
  }
  const rows = (await q
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(query.limit + 1)) as Record<string, unknown>[];
  const page = rows.slice(0, query.limit).map(toView);
  const last = page[page.length - 1];
  return {
    entries: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

function toView(row: Record<string, unknown>): AuditEntryView {
  return {
    id: row.id as string,
    tenantId: (row.tenant_id as string | null) ?? null,
    actor: { kind: row.actor_kind as string, id: (row.actor_id as string | null) ?? null },
    action: row.action as string,
    targetType: (row.target_type as string | null) ?? null,
    targetId: (row.target_id as string | null) ?? null,
    details: readJson(row.details, {}),
    createdAt: num(row.created_at),
  };
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string'
    ) {
      return [value[0] as number, value[1]];
    }
  } catch {
    // Falls through to the error below.
  }
  throw new InputError(
    'The cursor is not one this server gave out; pass nextCursor from the previous page unchanged.',
    undefined,
    'AUDIT_CURSOR_INVALID',
  );
}
