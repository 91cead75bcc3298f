import type { Clock, PluginDatabase } from '@switchboard/sdk';
import { newId, num } from './ids.js';

interface ThreadRow {
  id: string;
  tenant_id: string;
  conversation_id: string;
  user_low: string;
  user_high: string;
  opened_by: string;
  created_at: number | string;
  updated_at: number | string;
}

interface MessageRow {
  id: number | string;
  tenant_id: string;
  thread_id: string;
  author_user_id: string;
  author_name: string;
  body: string;
  created_at: number | string;
}

/** A thread as stored: the two participants and its conversation. */
export interface ThreadRecord {
  readonly id: string;
  readonly conversationId: string;
  readonly userIds: readonly [string, string];
  readonly openedBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A thread message as stored. */
export interface ThreadMessageRecord {
  readonly id: string;
  readonly threadId: string;
  readonly authorUserId: string;
  readonly authorName: string;
  readonly body: string;
  readonly createdAt: number;
}

const toThread = (r: ThreadRow): ThreadRecord => ({
  id: r.id,
  conversationId: r.conversation_id,
  userIds: [r.user_low, r.user_high],
  openedBy: r.opened_by,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});

const toMessage = (r: MessageRow): ThreadMessageRecord => ({
  id: String(r.id),
  threadId: r.thread_id,
  authorUserId: r.author_user_id,
  authorName: r.author_name,
  body: r.body,
  createdAt: num(r.created_at),
});

/**
 * Internal agent-to-agent threads tied to a conversation (`whisper_threads`,
 * `whisper_thread_messages`). They live only here: nothing of them enters the conversation's
 * message log, so no core path can carry them to a visitor.
 */
export class ThreadStore {
  constructor(
    private readonly db: PluginDatabase,
    private readonly clock: Clock,
  ) {}

  /**
   * The thread of two users on a conversation, created when missing. One per pair and
   * conversation, even when both open it at once (a unique key decides).
   */
  async openBetween(
    tenantId: string,
    conversationId: string,
    openedBy: string,
    withUserId: string,
  ): Promise<{ thread: ThreadRecord; created: boolean }> {
    const [low, high] = [openedBy, withUserId].sort() as [string, string];
    const key = {
      tenant_id: tenantId,
      conversation_id: conversationId,
      user_low: low,
      user_high: high,
    };
    const now = this.clock.now();
    const id = newId('wth');
    await this.db
      .table('threads')
      .insert({ id, ...key, opened_by: openedBy, created_at: now, updated_at: now })
      .onConflict(['tenant_id', 'conversation_id', 'user_low', 'user_high'])
      .ignore();
    const row = (await this.db.table<ThreadRow>('threads').where(key).first()) as ThreadRow;
    return { thread: toThread(row), created: row.id === id };
  }

  /** A thread of the tenant, or null. */
  async get(tenantId: string, threadId: string): Promise<ThreadRecord | null> {
    const row = (await this.db
      .table<ThreadRow>('threads')
      .where({ tenant_id: tenantId, id: threadId })
      .first()) as ThreadRow | undefined;
    return row ? toThread(row) : null;
  }

  /** The user's threads, most recently active first, optionally of one conversation. */
  async listFor(tenantId: string, userId: string, conversationId?: string) {
    let q = this.db
      .table<ThreadRow>('threads')
      .where({ tenant_id: tenantId })
      .andWhere((w) => w.where({ user_low: userId }).orWhere({ user_high: userId }));
    if (conversationId) q = q.andWhere({ conversation_id: conversationId });
    const rows = (await q.orderBy([
      { column: 'updated_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ])) as ThreadRow[];
    return rows.map(toThread);
  }

  /** Appends a message and touches the thread. */
  async append(
    tenantId: string,
    thread: ThreadRecord,
    author: { userId: string; name: string },
    body: string,
  ): Promise<ThreadMessageRecord> {
    const now = this.clock.now();
    return this.db.knex.transaction(async (trx) => {
      const row = {
        tenant_id: tenantId,
        thread_id: thread.id,
        conversation_id: thread.conversationId,
        author_user_id: author.userId,
        author_name: author.name,
        body,
        created_at: now,
      };
      const inserted = (await trx(this.db.tableName('thread_messages')).insert(row, ['id'])) as (
        number | { id: number | string }
      )[];
      const first = inserted[0]!;
      const id = typeof first === 'object' ? first.id : first;
      await trx(this.db.tableName('threads'))
        .where({ tenant_id: tenantId, id: thread.id })
        .update({ updated_at: now });
      return toMessage({ id, ...row });
    });
  }

  /** Messages after `afterId`, oldest first, at most `limit`. */
  async messages(
    tenantId: string,
    threadId: string,
    afterId: number,
    limit: number,
  ): Promise<ThreadMessageRecord[]> {
    const rows = (await this.db
      .table<MessageRow>('thread_messages')
      .where({ tenant_id: tenantId, thread_id: threadId })
      .andWhere('id', '>', afterId)
      .orderBy('id', 'asc')
      .limit(limit)) as MessageRow[];
    return rows.map(toMessage);
  }
}
