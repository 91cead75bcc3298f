/**
 * The storage floor of a durable routing decision on sqlite: the very statements of one
 * `assignMany` group commit (the kernel's own SQL builders) plus the ACD's decision rows, run
 * straight on the kernel's node-sqlite3 connection: no query builder, no kernel bookkeeping, no
 * events, no plugin, no JavaScript between statements beyond building their parameters.
 *
 * It is to the ACD what the bare relay is to the chat benchmark: the ceiling of this stack for the
 * same durable work on this machine, so the ACD's figure can be read as a share of what is
 * possible at all here, and a goal above the floor is seen to be one.
 */
import type { Knex } from 'knex';
import {
  agentsWithLoad,
  moveToAgents,
  stampAssigned,
} from '../../core/src/chat/group-assignment-sql.js';
import { MessageBatchSql, MESSAGE_COLUMNS } from '../../core/src/chat/message-batch-sql.js';
import type { PluginDatabase } from '@switchboard/sdk';
import { DecisionStore } from '../../plugins/acd/src/server/decision-store.js';

/** node-sqlite3's `Database`, as much of it as the floor uses. */
interface SqliteConnection {
  all(sql: string, params: unknown[], done: (error: Error | null, rows: unknown[]) => void): void;
  run(sql: string, params: unknown[], done: (error: Error | null) => void): void;
}

/** A `raw` runner over the bare driver, shaped like the `trx` the kernel's builders take. */
function bareRunner(conn: SqliteConnection) {
  return {
    raw: (sql: string, params: readonly unknown[] = []) =>
      new Promise<unknown[]>((resolve, reject) => {
        const done = (error: Error | null, rows?: unknown[]) =>
          error ? reject(error) : resolve(rows ?? []);
        // Selects answer rows; writes only need to finish.
        if (/^\s*select/i.test(sql)) conn.all(sql, [...params], done);
        else conn.run(sql, [...params], done);
      }),
  };
}

/** Five candidates per decision, as the ACD records them by default. */
function candidates(agentId: string) {
  return Array.from({ length: 5 }, (_, i) => ({
    agentId: i === 0 ? agentId : `${agentId}_${i}`,
    load: 3,
    capacity: 10,
    idleMs: 60_000 - i * 1000,
    match: 'any',
    score: 0,
  }));
}

/**
 * Commits `conversationIds[i] → agentIds[i % agents]` in groups of `group`, one transaction each,
 * statement after statement as `assignMany` sends them. Returns decisions per second.
 */
export async function sqliteFloor(
  knex: Knex,
  tenantId: string,
  conversationIds: readonly string[],
  agentIds: readonly string[],
  group: number,
): Promise<{ decisions: number; seconds: number; decisionsPerSecond: number }> {
  const client = knex.client as {
    acquireConnection(): Promise<SqliteConnection>;
    releaseConnection(c: SqliteConnection): Promise<void>;
  };
  const conn = await client.acquireConnection();
  const db = bareRunner(conn);
  const sql = new MessageBatchSql('sqlite');
  const decisions = new DecisionStore({
    tableName: (name: string) => `acd_${name}`,
  } as unknown as PluginDatabase);
  const now = Date.now();
  const started = performance.now();
  try {
    for (let from = 0; from < conversationIds.length; from += group) {
      const ids = conversationIds.slice(from, from + group);
      const pairs = ids.map((conversationId, j) => ({
        conversationId,
        agentId: agentIds[(from + j) % agentIds.length]!,
      }));
      await db.raw('begin');
      const trx = db as unknown as Knex.Transaction;
      await agentsWithLoad(trx, false, [...new Set(pairs.map((p) => p.agentId))].sort());
      await db.raw(sql.selectConversations(ids.length), [...ids].sort());
      await moveToAgents(trx, pairs, now);
      await stampAssigned(trx, [...new Set(pairs.map((p) => p.agentId))], now);
      const values: unknown[] = [];
      for (const p of pairs) {
        const meta = { event: 'agent.joined', agentId: p.agentId, agentName: 'Agent' };
        values.push(`msg_f_${p.conversationId}`, tenantId, p.conversationId, 1, 1, 'system');
        values.push(null, 'event', 'public', 'Agent joined the chat.', null);
        values.push(JSON.stringify(meta), now);
      }
      if (values.length !== pairs.length * MESSAGE_COLUMNS.length) throw new Error('columns');
      for (const [text, bindings] of sql.inserts(values as Knex.Value[])) {
        await db.raw(text, bindings);
      }
      await decisions.insert(
        tenantId,
        pairs.map((p) => ({
          id: `dec_f_${p.conversationId}`,
          conversationId: p.conversationId,
          agentId: p.agentId,
          mode: 'assign' as const,
          rule: 'lowest-load-ratio',
          queue: 'any',
          priority: 0,
          eligible: agentIds.length,
          candidates: candidates(p.agentId),
          decidedAt: now,
        })),
        trx,
      );
      await db.raw('commit');
    }
  } finally {
    await client.releaseConnection(conn);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    decisions: conversationIds.length,
    seconds,
    decisionsPerSecond: Math.round(conversationIds.length / seconds),
  };
}
