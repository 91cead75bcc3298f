import type { DatabaseTransaction, PluginDatabase } from '@switchboard/sdk';
import type { Decision } from '../common/acd-service.js';

/** Rows per INSERT: 11 parameters each, well under both databases' limits. */
const CHUNK = 500;
const COLUMNS = [
  'id',
  'tenant_id',
  'conversation_id',
  'agent_id',
  'mode',
  'rule',
  'queue',
  'priority',
  'eligible',
  'candidates',
  'decided_at',
] as const;

/**
 * Decisions in `acd_decisions`, written inside the group commit that made them. The insert is one
 * plain multi-row statement built here (the same SQL on sqlite and PostgreSQL: unquoted lower-case
 * names), not through the query builder, whose per-row work cost more than the database's.
 */
export class DecisionStore {
  private readonly sql = new Map<number, string>();

  constructor(private readonly db: PluginDatabase) {}

  private statement(rows: number): string {
    let sql = this.sql.get(rows);
    if (!sql) {
      const one = `(${COLUMNS.map(() => '?').join(',')})`;
      sql =
        `insert into ${this.db.tableName('decisions')} (${COLUMNS.join(',')}) values ` +
        Array.from({ length: rows }, () => one).join(',');
      if (this.sql.size < 64) this.sql.set(rows, sql);
    }
    return sql;
  }

  /** Writes decisions, inside `trx` when given (the group commit that made them). */
  async insert(
    tenantId: string,
    decisions: readonly Decision[],
    trx: DatabaseTransaction | PluginDatabase['knex'] = this.db.knex,
  ): Promise<void> {
    for (let i = 0; i < decisions.length; i += CHUNK) {
      const chunk = decisions.slice(i, i + CHUNK);
      const bindings: (string | number)[] = [];
      for (const d of chunk) {
        bindings.push(
          d.id,
          tenantId,
          d.conversationId,
          d.agentId,
          d.mode,
          d.rule,
          d.queue.slice(0, 200),
          d.priority,
          d.eligible,
          JSON.stringify(d.candidates),
          d.decidedAt,
        );
      }
      await trx.raw(this.statement(chunk.length), bindings);
    }
  }

  async forConversation(tenantId: string, conversationId: string): Promise<Decision[]> {
    const rows = (await this.db
      .table('decisions')
      .where({ tenant_id: tenantId, conversation_id: conversationId })
      .orderBy([
        { column: 'decided_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: r.id as string,
      conversationId: r.conversation_id as string,
      agentId: r.agent_id as string,
      mode: r.mode as Decision['mode'],
      rule: r.rule as string,
      queue: r.queue as string,
      priority: Number(r.priority),
      eligible: Number(r.eligible),
      candidates: JSON.parse(r.candidates as string) as Decision['candidates'],
      decidedAt: Number(r.decided_at),
    }));
  }
}
