import type { Knex } from 'knex';
import {
  ConflictError,
  NotFoundError,
  type Author,
  type MessageSnapshot,
  type Visibility,
} from '@switchboard/sdk';
import { colourOf, toConversation, type ConversationRecord } from './conversation-record.js';
import type { StoredMessage } from './egress.js';
import { newId } from './ids.js';
import { rowsOf } from '../storage/sql-text.js';
import { sendTogether, type SqlRunner } from '../storage/sqlite-pipelined-transaction.js';
import { MessageBatchSql, pushMessageRow } from './message-batch-sql.js';
import { toMessage } from './message-record.js';

/** A message ready to be stored (after `session.beforeMessage`). */
export interface NewMessage {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly author: Author;
  readonly kind: MessageSnapshot['kind'];
  readonly visibility: Visibility;
  readonly body: string;
  readonly metadata: Record<string, unknown>;
  readonly clientMessageId: string | null;
  /**
   * Checked against the locked conversation row inside the transaction, so no check can go stale
   * between reading and writing: the visitor who must own it, the agent who must hold it.
   */
  readonly guard?: {
    readonly visitorId?: string;
    readonly agentId?: string;
    readonly open?: boolean;
  };
}

/** What appending one message did. */
export interface Appended {
  readonly message: StoredMessage;
  /** The conversation after the append. */
  readonly conversation: ConversationRecord;
  /** True when the client message id was already stored: nothing new was written. */
  readonly duplicate: boolean;
  /** Set when the append moved the conversation out of `idle`. */
  readonly stateChange: { from: 'idle'; to: 'active' } | null;
  /** True when what the console lists changed (state, colour), not only the counters. */
  readonly changed: boolean;
}

/**
 * Appends messages to conversations with a gap-free per-conversation `seq` (and a visitor seq
 * over the public ones). The conversation row is locked (`FOR UPDATE` on PostgreSQL; sqlite runs
 * one writer at a time) while seqs are assigned, so concurrent writers on several processes can
 * never assign the same seq. `appendMany` stores a whole batch in one transaction: the writer
 * below uses it for group commit.
 */
export class MessageLog {
  private readonly sql: MessageBatchSql;

  constructor(
    private readonly knex: Knex,
    dialect: 'sqlite' | 'postgres',
  ) {
    this.sql = new MessageBatchSql(dialect);
  }

  /**
   * Appends `messages` in order inside the transaction `trx` runs in (a knex transaction, or the
   * writer's pipelined sqlite one: its first statements, the two reads, go out with BEGIN);
   * every message gets its own outcome or error.
   */
  async appendMany(
    trx: SqlRunner,
    messages: readonly NewMessage[],
    now: number,
  ): Promise<(Appended | Error)[]> {
    const ids = [...new Set(messages.map((m) => m.conversationId))];
    // Both reads are sent at once: one wait for the database instead of two. On PostgreSQL the
    // connection runs them in order (two at once is as far as node-postgres queues without a
    // deprecation notice), so the idempotency lookup still follows the row locks.
    const [result, existing] = (await sendTogether(true, [
      () => trx.raw(this.sql.selectConversations(ids.length), ids),
      () => this.findExisting(trx, messages),
    ])) as [unknown, Map<string, StoredMessage>];
    const rows = rowsOf(result);
    const conversations = new Map(rows.map((r) => [r.id as string, toConversation(r)]));

    const outcomes: (Appended | Error)[] = [];
    const values: Knex.Value[] = [];
    const touched = new Map<string, ConversationRecord>();
    const woken: string[] = [];
    const seen = new Map<string, Appended>();
    for (const m of messages) {
      const current = conversations.get(m.conversationId);
      if (!current || current.tenantId !== m.tenantId) {
        outcomes.push(notFound());
        continue;
      }
      const key = m.clientMessageId
        ? idemKey(m.conversationId, m.author.id, m.clientMessageId)
        : null;
      const earlier = key ? (existing.get(key) ?? seen.get(key)?.message) : undefined;
      if (earlier) {
        outcomes.push({
          message: earlier,
          conversation: current,
          duplicate: true,
          stateChange: null,
          changed: false,
        });
        continue;
      }
      const refusal = checkGuard(m, current);
      if (refusal) {
        outcomes.push(refusal);
        continue;
      }
      const lastSeq = current.lastSeq + 1;
      const isPublic = m.visibility === 'public';
      const lastVisitorSeq = current.lastVisitorSeq + (isPublic ? 1 : 0);
      const speaks =
        isPublic &&
        m.kind !== 'event' &&
        (m.author.kind === 'visitor' || m.author.kind === 'agent' || m.author.kind === 'bot');
      const wakes = current.state === 'idle' && speaks;
      if (wakes) woken.push(m.conversationId);
      const state = wakes ? 'active' : current.state;
      const lastAuthor = speaks
        ? m.author.kind === 'bot'
          ? 'agent'
          : m.author.kind
        : current.lastAuthor;
      const withColour: ConversationRecord = {
        ...current,
        lastSeq,
        lastVisitorSeq,
        lastAuthor,
        state,
        updatedAt: now,
        colour: colourOf(state, lastAuthor),
      };
      conversations.set(m.conversationId, withColour);
      touched.set(m.conversationId, withColour);
      const message: StoredMessage = {
        id: newId('msg', now),
        tenantId: m.tenantId,
        conversationId: m.conversationId,
        seq: lastSeq,
        visitorSeq: isPublic ? lastVisitorSeq : null,
        author: m.author,
        kind: m.kind,
        visibility: m.visibility,
        body: m.body,
        clientMessageId: m.clientMessageId,
        metadata: m.metadata,
        createdAt: now,
      };
      pushMessageRow(values, message);
      const appended: Appended = {
        message,
        conversation: withColour,
        duplicate: false,
        stateChange: wakes ? { from: 'idle', to: 'active' } : null,
        changed: wakes || withColour.colour !== current.colour,
      };
      if (key) seen.set(key, appended);
      outcomes.push(appended);
    }
    // The inserts and the counters do not depend on each other: on sqlite they go out together
    // and cost one wait.
    const writes: (() => PromiseLike<unknown>)[] = this.sql.inserts(values).map(
      ([sql, bindings]) =>
        () =>
          trx.raw(sql, bindings),
    );
    if (touched.size > 0) {
      const bindings: Knex.Value[] = [];
      for (const c of touched.values()) {
        bindings.push(c.id, c.lastSeq, c.lastVisitorSeq, c.lastAuthor);
      }
      bindings.push(now);
      writes.push(() => trx.raw(this.sql.updateCounters(touched.size), bindings));
    }
    if (woken.length > 0) writes.push(() => trx.raw(this.sql.wake(woken.length), woken));
    await sendTogether(this.sql.sendsTogether, writes);
    return outcomes;
  }

  /** Appends one message in its own transaction (or `trx`). */
  async append(message: NewMessage, now: number, trx?: Knex.Transaction): Promise<Appended> {
    const run = async (t: Knex.Transaction) => (await this.appendMany(t, [message], now))[0]!;
    const outcome = trx ? await run(trx) : await this.knex.transaction(run);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  private async findExisting(
    trx: SqlRunner,
    messages: readonly NewMessage[],
  ): Promise<Map<string, StoredMessage>> {
    const found = new Map<string, StoredMessage>();
    const withIds = messages.filter((m) => m.clientMessageId);
    if (withIds.length === 0) return found;
    // The whole unique key, so the lookup is an index probe per message, not a scan of each
    // conversation's history.
    const keyed = withIds.filter((m) => m.author.id !== null);
    if (keyed.length === 0) return found;
    const keys: string[] = [];
    for (const m of keyed) keys.push(m.conversationId, m.author.id!, m.clientMessageId!);
    const rows = rowsOf(await trx.raw(this.sql.selectExisting(keyed.length), keys));
    for (const row of rows) {
      const message = toMessage(row);
      found.set(
        idemKey(message.conversationId, message.author.id, message.clientMessageId!),
        message,
      );
    }
    return found;
  }
}

function idemKey(conversationId: string, authorId: string | null, clientId: string): string {
  return `${conversationId}\u0000${authorId ?? ''}\u0000${clientId}`;
}

function notFound(): NotFoundError {
  return new NotFoundError('No such conversation.', 'CONVERSATION_NOT_FOUND');
}

function checkGuard(m: NewMessage, c: ConversationRecord): Error | null {
  const guard = m.guard;
  if (!guard) return null;
  if (guard.visitorId !== undefined && c.visitorId !== guard.visitorId) return notFound();
  if (guard.open && c.state === 'ended') {
    return new ConflictError('This conversation has ended; start a new one.', 'CONVERSATION_ENDED');
  }
  if (guard.agentId !== undefined && c.assignedAgentId !== guard.agentId) {
    return new ConflictError(
      'This conversation is not assigned to you; pick it or ask for a transfer first.',
      'CONVERSATION_NOT_ASSIGNED',
    );
  }
  return null;
}
