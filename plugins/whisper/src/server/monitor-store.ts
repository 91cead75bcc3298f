import type { Clock, PluginDatabase } from '@switchboard/sdk';
import { newId, num } from './ids.js';

interface Row {
  id: string;
  tenant_id: string;
  conversation_id: string;
  user_id: string;
  started_at: number | string;
  ended_at: number | string | null;
}

/** A monitoring session as stored (names are added by the routes). */
export interface MonitorSession {
  readonly id: string;
  readonly conversationId: string;
  readonly userId: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
}

const toSession = (r: Row): MonitorSession => ({
  id: r.id,
  conversationId: r.conversation_id,
  userId: r.user_id,
  startedAt: num(r.started_at),
  endedAt: r.ended_at === null ? null : num(r.ended_at),
});

/** Silent monitoring sessions: `whisper_monitors`, open while `ended_at` is null. */
export class MonitorStore {
  constructor(
    private readonly db: PluginDatabase,
    private readonly clock: Clock,
  ) {}

  /** The user's open session on the conversation, if any. */
  async open(tenantId: string, conversationId: string, userId: string) {
    const row = (await this.db
      .table<Row>('monitors')
      .where({ tenant_id: tenantId, conversation_id: conversationId, user_id: userId })
      .whereNull('ended_at')
      .first()) as Row | undefined;
    return row ? toSession(row) : null;
  }

  /** Starts a session, or answers the open one (`created: false`). */
  async start(
    tenantId: string,
    conversationId: string,
    userId: string,
  ): Promise<{ session: MonitorSession; created: boolean }> {
    const existing = await this.open(tenantId, conversationId, userId);
    if (existing) return { session: existing, created: false };
    const row: Row = {
      id: newId('wmo'),
      tenant_id: tenantId,
      conversation_id: conversationId,
      user_id: userId,
      started_at: this.clock.now(),
      ended_at: null,
    };
    await this.db.table('monitors').insert(row);
    return { session: toSession(row), created: true };
  }

  /** Ends the user's open sessions on the conversation; true when there was one. */
  async stop(tenantId: string, conversationId: string, userId: string): Promise<boolean> {
    const n = await this.db
      .table('monitors')
      .where({ tenant_id: tenantId, conversation_id: conversationId, user_id: userId })
      .whereNull('ended_at')
      .update({ ended_at: this.clock.now() });
    return Number(n) > 0;
  }

  /** Ends every open session on the conversation (it ended); answers who was monitoring. */
  async stopAll(tenantId: string, conversationId: string): Promise<string[]> {
    const open = (await this.db
      .table<Row>('monitors')
      .where({ tenant_id: tenantId, conversation_id: conversationId })
      .whereNull('ended_at')) as Row[];
    if (open.length === 0) return [];
    await this.db
      .table('monitors')
      .whereIn(
        'id',
        open.map((r) => r.id),
      )
      .update({ ended_at: this.clock.now() });
    return open.map((r) => r.user_id);
  }

  /** Open sessions on the conversation, oldest first. */
  async list(tenantId: string, conversationId: string): Promise<MonitorSession[]> {
    const rows = (await this.db
      .table<Row>('monitors')
      .where({ tenant_id: tenantId, conversation_id: conversationId })
      .whereNull('ended_at')
      .orderBy('started_at', 'asc')) as Row[];
    return rows.map(toSession);
  }
}
