import type { Knex } from 'knex';

/**
 * The statements of `assignMany` (routing's group commit), written as plain SQL cached per batch
 * size instead of through the query builder: at thousands of assignments a second the builder's
 * per-statement work cost more than the database's. Every statement is the same on sqlite and
 * PostgreSQL (unquoted lower-case names; knex turns `?` into `$n`), except the row locks only
 * PostgreSQL takes, since sqlite has one writer at a time.
 *
 * Each batch is a handful of statements whatever its size: node-sqlite3 pays tens of
 * microseconds per statement round trip, while one more row in a multi-row statement costs a few.
 */
type Db = Knex | Knex.Transaction;

/** An agent of the batch as the guard needs them: their row, and open chats plus offers. */
export interface AgentLoadRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly capacity: number | string;
  readonly disabled: number | boolean;
  readonly load: number | string;
}

/** A new message row, in `MESSAGE_COLUMNS` order. */
export type MessageRow = readonly unknown[];

export const MESSAGE_COLUMNS = [
  'id',
  'tenant_id',
  'conversation_id',
  'seq',
  'visitor_seq',
  'author_kind',
  'author_id',
  'kind',
  'visibility',
  'body',
  'client_message_id',
  'metadata',
  'created_at',
] as const;

const cache = new Map<string, string>();

/** Builds once per (statement, size) and keeps a bounded number of variants. */
function cached(key: string, build: () => string): string {
  let sql = cache.get(key);
  if (sql === undefined) {
    sql = build();
    if (cache.size < 512) cache.set(key, sql);
  }
  return sql;
}

const marks = (n: number, one = '?') => Array.from({ length: n }, () => one).join(',');

/**
 * Agents' rows with their load (open chats held plus standing offers). On PostgreSQL the rows are
 * locked first, in id order so concurrent batches cannot deadlock, and the load is counted by the
 * next statement, which sees every commit made before the lock was granted.
 */
export async function agentsWithLoad(
  trx: Db,
  pg: boolean,
  agentIds: readonly string[],
): Promise<AgentLoadRow[]> {
  const n = agentIds.length;
  if (pg) {
    await trx.raw(
      cached(`lock-agents:${n}`, () => {
        return `select id from core_users where id in (${marks(n)}) order by id for update`;
      }),
      agentIds as string[],
    );
  }
  const rows = await trx.raw(
    cached(
      `agent-load:${n}`,
      () =>
        `select u.id, u.tenant_id, u.name, u.capacity, u.disabled, ` +
        `(select count(*) from core_conversations c where c.assigned_agent_id = u.id and c.ended_at is null) + ` +
        `(select count(*) from core_conversations c where c.offered_to = u.id and c.state = 'waiting') as load ` +
        `from core_users u where u.id in (${marks(n)})`,
    ),
    agentIds as string[],
  );
  return rowsOf(rows) as AgentLoadRow[];
}

/** The conversations' rows by primary key, locked on PostgreSQL (id order, like the agents). */
export async function conversationsById(
  trx: Db,
  pg: boolean,
  ids: readonly string[],
): Promise<Record<string, unknown>[]> {
  const n = ids.length;
  const sql = cached(
    `conversations:${n}:${pg}`,
    () =>
      `select * from core_conversations where id in (${marks(n)}) order by id` +
      (pg ? ' for update' : ''),
  );
  return rowsOf(await trx.raw(sql, ids as string[])) as Record<string, unknown>[];
}

/**
 * Moves the accepted chats to their agents in one statement: a VALUES list joined on the primary
 * key. The guards were checked on the rows read (and, on PostgreSQL, locked) in this transaction,
 * so the statement filters on the key alone: an extra equality on an indexed column (state,
 * tenant) lets sqlite's planner scan that index and loop over the list for every row.
 */
export async function moveToAgents(
  trx: Db,
  pairs: readonly { conversationId: string; agentId: string }[],
  now: number,
): Promise<void> {
  const n = pairs.length;
  const sql = cached(
    `move:${n}`,
    () =>
      `with v(id, agent) as (values ${marks(n, '(?,?)')}) ` +
      `update core_conversations set state = 'active', assigned_agent_id = v.agent, ` +
      `offered_to = null, offered_at = null, offer_expires_at = null, waiting_since = null, ` +
      `last_seq = last_seq + 1, last_visitor_seq = last_visitor_seq + 1, updated_at = ? ` +
      `from v where core_conversations.id = v.id`,
  );
  const bindings: unknown[] = [];
  for (const p of pairs) bindings.push(p.conversationId, p.agentId);
  bindings.push(now);
  await trx.raw(sql, bindings as Knex.RawBinding[]);
}

/** Stamps the agents' last assignment (idle time starts again). */
export async function stampAssigned(
  trx: Db,
  agentIds: readonly string[],
  now: number,
): Promise<void> {
  const n = agentIds.length;
  await trx.raw(
    cached(
      `stamp:${n}`,
      () => `update core_users set last_assigned_at = ? where id in (${marks(n)})`,
    ),
    [now, ...agentIds],
  );
}

/** Rows per INSERT: 13 parameters each, well under both databases' parameter limits. */
const INSERT_CHUNK = 1000;

/** Inserts message rows with as few statements as the parameter limits allow. */
export async function insertMessages(trx: Db, rows: readonly MessageRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    const one = `(${marks(MESSAGE_COLUMNS.length)})`;
    const sql = cached(
      `messages:${chunk.length}`,
      () =>
        `insert into core_messages (${MESSAGE_COLUMNS.join(',')}) values ${marks(chunk.length, one)}`,
    );
    await trx.raw(sql, chunk.flat() as Knex.RawBinding[]);
  }
}

/** `knex.raw` answers rows directly on sqlite and a result object on PostgreSQL. */
function rowsOf(result: unknown): unknown[] {
  return Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
}
