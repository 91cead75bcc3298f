import type { Knex } from 'knex';
import type { SqlRunner } from '../storage/sqlite-pipelined-transaction.js';
import { cachedText as cached, list, rowsOf } from '../storage/sql-text.js';

/**
 * The statements of `assignMany` (routing's group commit) of its own, written as plain SQL cached
 * per batch size instead of through the query builder: at thousands of assignments a second the
 * builder's per-statement work cost more than the database's. The conversations' read and the
 * `agent.joined` rows use the message batch's statements (`MessageBatchSql`). Every statement is
 * the same on sqlite and PostgreSQL (unquoted lower-case names; knex turns `?` into `$n`), except
 * the row locks only PostgreSQL takes, since sqlite has one writer at a time.
 *
 * Each batch is a handful of statements whatever its size: node-sqlite3 pays tens of
 * microseconds per statement round trip, while one more row in a multi-row statement costs a few.
 */
type Db = SqlRunner;

/** An agent of the batch as the guard needs them: their row, and open chats plus offers. */
export interface AgentLoadRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly capacity: number | string;
  readonly disabled: number | boolean;
  readonly load: number | string;
}

const lockAgentsSql = new Map<number, string>();
const agentLoadSql = new Map<number, string>();
const moveSql = new Map<number, string>();
const stampSql = new Map<number, string>();

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
      cached(
        lockAgentsSql,
        n,
        (k) => `select id from core_users where id in (${list(k, '?')}) order by id for update`,
      ),
      agentIds as string[],
    );
  }
  const rows = await trx.raw(
    cached(
      agentLoadSql,
      n,
      (k) =>
        `select u.id, u.tenant_id, u.name, u.capacity, u.disabled, ` +
        `(select count(*) from core_conversations c where c.assigned_agent_id = u.id and c.ended_at is null) + ` +
        `(select count(*) from core_conversations c where c.offered_to = u.id and c.state = 'waiting') as load ` +
        `from core_users u where u.id in (${list(k, '?')})`,
    ),
    agentIds as string[],
  );
  return rowsOf(rows) as unknown as AgentLoadRow[];
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
  const sql = cached(
    moveSql,
    pairs.length,
    (k) =>
      `with v(id, agent) as (values ${list(k, '(?,?)')}) ` +
      `update core_conversations set state = 'active', assigned_agent_id = v.agent, ` +
      `offered_to = null, offered_at = null, offer_expires_at = null, waiting_since = null, ` +
      `last_seq = last_seq + 1, last_visitor_seq = last_visitor_seq + 1, updated_at = ? ` +
      `from v where core_conversations.id = v.id`,
  );
  const bindings: Knex.Value[] = [];
  for (const p of pairs) bindings.push(p.conversationId, p.agentId);
  bindings.push(now);
  await trx.raw(sql, bindings);
}

/** Stamps the agents' last assignment (idle time starts again). */
export async function stampAssigned(
  trx: Db,
  agentIds: readonly string[],
  now: number,
): Promise<void> {
  await trx.raw(
    cached(
      stampSql,
      agentIds.length,
      (k) => `update core_users set last_assigned_at = ? where id in (${list(k, '?')})`,
    ),
    [now, ...agentIds],
  );
}
