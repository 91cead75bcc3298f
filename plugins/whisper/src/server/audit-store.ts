import type { Clock, PluginDatabase } from '@switchboard/sdk';
import type { AuditAction, AuditEntryView } from '../common/schemas.js';
import { newId, num } from './ids.js';

interface Row {
  seq?: number | string;
  id: string;
  tenant_id: string;
  action: string;
  actor_user_id: string;
  target_user_id: string | null;
  conversation_id: string;
  message_id: string | null;
  thread_id: string | null;
  created_at: number | string;
}

/** What to record. */
export interface AuditInput {
  readonly action: AuditAction;
  readonly actorUserId: string;
  readonly conversationId: string;
  readonly targetUserId?: string | null;
  readonly messageId?: string | null;
  readonly threadId?: string | null;
}

/** Filters of {@link AuditStore.list}; `before` (an entry's `seq`) pages back in time. */
export interface AuditQuery {
  readonly conversationId?: string;
  /** Rows where this user acted or was the target. */
  readonly userId?: string;
  readonly action?: AuditAction;
  readonly before?: number;
  readonly limit: number;
}

const toView = (r: Row): AuditEntryView => ({
  seq: num(r.seq),
  id: r.id,
  action: r.action as AuditAction,
  actorUserId: r.actor_user_id,
  targetUserId: r.target_user_id,
  conversationId: r.conversation_id,
  messageId: r.message_id,
  threadId: r.thread_id,
  createdAt: num(r.created_at),
});

/** Who whispered to whom, who monitored or barged into what, and when: `whisper_audit`. */
export class AuditStore {
  constructor(
    private readonly db: PluginDatabase,
    private readonly clock: Clock,
  ) {}

  async record(tenantId: string, input: AuditInput): Promise<AuditEntryView> {
    const now = this.clock.now();
    const row: Row = {
      id: newId('wau'),
      tenant_id: tenantId,
      action: input.action,
      actor_user_id: input.actorUserId,
      target_user_id: input.targetUserId ?? null,
      conversation_id: input.conversationId,
      message_id: input.messageId ?? null,
      thread_id: input.threadId ?? null,
      created_at: now,
    };
    const inserted = (await this.db.table('audit').insert(row, ['seq'])) as (
      number | { seq: number | string }
    )[];
    const first = inserted[0]!;
    return toView({ ...row, seq: typeof first === 'object' ? first.seq : first });
  }

  /** Newest first. */
  async list(tenantId: string, query: AuditQuery): Promise<AuditEntryView[]> {
    let q = this.db.table<Row>('audit').where({ tenant_id: tenantId });
    if (query.conversationId) q = q.andWhere({ conversation_id: query.conversationId });
    if (query.action) q = q.andWhere({ action: query.action });
    if (query.userId) {
      const userId = query.userId;
      q = q.andWhere((w) => w.where({ actor_user_id: userId }).orWhere({ target_user_id: userId }));
    }
    if (query.before !== undefined) q = q.andWhere('seq', '<', query.before);
    const rows = (await q.orderBy('seq', 'desc').limit(query.limit)) as Row[];
    return rows.map(toView);
  }

  /** True when `fromUserId` has whispered to `toUserId` in the conversation. */
  async hasWhispered(
    tenantId: string,
    conversationId: string,
    fromUserId: string,
    toUserId: string,
  ): Promise<boolean> {
    const row = await this.db
      .table('audit')
      .where({
        tenant_id: tenantId,
        conversation_id: conversationId,
        action: 'whisper.sent',
        actor_user_id: fromUserId,
        target_user_id: toUserId,
      })
      .first('id');
    return Boolean(row);
  }
}
