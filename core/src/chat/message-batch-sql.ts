/**
 * The SQL of one group commit of messages (`MessageLog.appendMany`), built here as plain text
 * and cached per row count instead of through knex's query builder: under load the builder's
 * per-statement work (compiling, wrapping identifiers, one binding object per row) cost more main
 * thread time than the database's own work. Every statement is the same on sqlite and PostgreSQL
 * (unquoted lower-case names, `?` placeholders that `knex.raw` numbers for PostgreSQL), except
 * the `FOR UPDATE` lock PostgreSQL needs.
 */

import type { Knex } from 'knex';
import { cachedText as cached, list } from '../storage/sql-text.js';
import type { StoredMessage } from './egress.js';
import { writeJson } from './json-column.js';

export type Dialect = 'sqlite' | 'postgres';

/** Columns of `core_messages` in the order `pushMessageRow` binds them. */
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

/** Appends one message's values to `values`, in `MESSAGE_COLUMNS` order (one flat list a batch). */
export function pushMessageRow(values: Knex.Value[], m: StoredMessage): void {
  values.push(
    m.id,
    m.tenantId,
    m.conversationId,
    m.seq,
    m.visitorSeq,
    m.author.kind,
    m.author.id,
    m.kind,
    m.visibility,
    m.body,
    m.clientMessageId,
    writeJson(m.metadata),
    m.createdAt,
  );
}

/**
 * Most rows in one INSERT: 13 parameters each, 3,328 in all, well under both databases' limits
 * (32,766 on sqlite, 65,535 on PostgreSQL). The writer's batches are at most this long.
 */
export const INSERT_ROWS = 256;

/** The statements of one dialect. */
export class MessageBatchSql {
  private readonly conversations = new Map<number, string>();
  private readonly existing = new Map<number, string>();
  private readonly insertTexts = new Map<number, string>();
  private readonly counters = new Map<number, string>();
  private readonly wakes = new Map<number, string>();

  constructor(private readonly dialect: Dialect) {}

  /**
   * Whether independent statements of a batch go out together (see `sendTogether`): on sqlite's
   * one connection they cost one wait; node-postgres wants one query at a time per client.
   */
  get sendsTogether(): boolean {
    return this.dialect === 'sqlite';
  }

  /**
   * Conversations by id, locked on PostgreSQL (sqlite has one writer) in id order, so two
   * batches locking overlapping sets cannot deadlock.
   */
  selectConversations(n: number): string {
    return cached(this.conversations, n, (count) => {
      const lock = this.dialect === 'postgres' ? ' for update' : '';
      return `select * from core_conversations where id in (${list(count, '?')}) order by id${lock}`;
    });
  }

  /**
   * Stored messages by their whole idempotency key (conversation, author, client id): an index
   * probe per key on the unique index. Binds three values per key. The `is not null` term lets
   * both planners use that index, which covers only rows with a client id.
   */
  selectExisting(n: number): string {
    return cached(
      this.existing,
      n,
      (count) =>
        'select * from core_messages where client_message_id is not null and ' +
        `(conversation_id, author_id, client_message_id) in (${list(count, '(?,?,?)')})`,
    );
  }

  /** One multi-row INSERT of `n` messages (at most `INSERT_ROWS`). */
  insertMessages(n: number): string {
    return cached(
      this.insertTexts,
      n,
      (count) =>
        `insert into core_messages (${MESSAGE_COLUMNS.join(',')}) values ` +
        list(count, `(${list(MESSAGE_COLUMNS.length, '?')})`),
    );
  }

  /**
   * The INSERTs of message rows flattened by `pushMessageRow`: as few statements as the
   * parameter limits allow (`INSERT_ROWS` rows each), with their bindings.
   */
  inserts(values: readonly Knex.Value[]): [string, Knex.Value[]][] {
    const width = MESSAGE_COLUMNS.length;
    const rows = values.length / width;
    const out: [string, Knex.Value[]][] = [];
    for (let row = 0; row < rows; row += INSERT_ROWS) {
      const count = Math.min(INSERT_ROWS, rows - row);
      out.push([this.insertMessages(count), values.slice(row * width, (row + count) * width)]);
    }
    return out;
  }

  /**
   * The counters of `n` conversations in one statement: a VALUES list joined on the primary key
   * (`UPDATE … FROM`, sqlite ≥ 3.33 and PostgreSQL), one probe per conversation, where a `CASE`
   * per column grows with the square of the batch. Binds four values per conversation (id,
   * last_seq, last_visitor_seq, last_author), then `updated_at`. The casts give PostgreSQL the
   * VALUES' column types; sqlite takes them as they are. `state` is left out on purpose: sqlite
   * rewrites the entries of every index on a column an UPDATE sets, changed or not, and two
   * indexes hold `state` (see `wake`).
   */
  updateCounters(n: number): string {
    return cached(
      this.counters,
      n,
      (count) =>
        'with v(id, last_seq, last_visitor_seq, last_author) as (values ' +
        list(count, '(cast(? as text), cast(? as bigint), cast(? as bigint), cast(? as text))') +
        ') update core_conversations set last_seq = v.last_seq, ' +
        'last_visitor_seq = v.last_visitor_seq, last_author = v.last_author, ' +
        'updated_at = ? from v where core_conversations.id = v.id',
    );
  }

  /** Moves `n` idle conversations back to `active` (a message woke them). Binds their ids. */
  wake(n: number): string {
    return cached(
      this.wakes,
      n,
      (count) => `update core_conversations set state = 'active' where id in (${list(count, '?')})`,
    );
  }
}
