import type { PluginDatabase } from '@switchboard/sdk';
import type { Decision } from '../common/acd-service.js';

const CHUNK = 80;

/** Decisions in `acd_decisions`: written in batches with the assignments they explain. */
export class DecisionStore {
  constructor(private readonly db: PluginDatabase) {}

  async insert(tenantId: string, decisions: readonly Decision[]): Promise<void> {
    const rows = decisions.map((d) => ({
      id: d.id,
      tenant_id: tenantId,
      conversation_id: d.conversationId,
      agent_id: d.agentId,
      mode: d.mode,
      rule: d.rule,
      queue: d.queue.slice(0, 200),
      priority: d.priority,
      eligible: d.eligible,
      candidates: JSON.stringify(d.candidates),
      decided_at: d.decidedAt,
    }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.db.table('decisions').insert(rows.slice(i, i + CHUNK));
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
