/**
 * The SQL of one group commit of messages (`MessageLog.appendMany`), built here as plain text
 * and cached per row count instead of through knex's query builder: under load the builder's
 * per-statement work (compiling, wrapping identifiers, one binding object per row) cost more main
 * thread time than the database's own work. Every statement is the same on sqlite and PostgreSQL
 * (unquoted lower-case names, `?` placeholders that `knex.raw` numbers for PostgreSQL), except
 * the `FOR UPDATE` lock PostgreSQL needs.
 */

export type Dialect = 'sqlite' | 'postgres';

/** Columns of `core_messages` in the order `messageRow` binds them. */
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

/**
 * Most rows in one INSERT: 13 parameters each, 3,328 in all, well under both databases' limits
 * (32,766 on sqlite, 65,535 on PostgreSQL). The writer's batches are at most this long.
 */
export const INSERT_ROWS = 256;

/** Statement texts stay cached for row counts up to this (a batch is never longer). */
const CACHE_LIMIT = 256;

function cached(cache: Map<number, string>, n: number, build: (n: number) => string): string {
  let sql = cache.get(n);
  if (sql === undefined) {
    sql = build(n);
    if (n <= CACHE_LIMIT) cache.set(n, sql);
  }
  return sql;
}

function list(n: number, item: string): string {
  return Array.from({ length: n }, () => item).join(',');
}

/** The statements of one dialect. */
export class MessageBatchSql {
  private readonly conversations = new Map<number, string>();
  private readonly existing = new Map<number, string>();
  private readonly inserts = new Map<number, string>();
  private readonly counters = new Map<number, string>();

  constructor(private readonly dialect: Dialect) {}

  /** The conversations of a batch by id, locked on PostgreSQL (sqlite has one writer). */
  selectConversations(n: number): string {
    return cached(this.conversations, n, (count) => {
      const lock = this.dialect === 'postgres' ? ' for update' : '';
      return `select * from core_conversations where id in (${list(count, '?')})${lock}`;
    });
  }

  /**
   * Stored messages by their whole idempotency key (conversation, author, client id): an index
   * probe per key on the unique index. Binds three values per key.
   */
  selectExisting(n: number): string {
    return cached(
      this.existing,
      n,
      (count) =>
        'select * from core_messages where (conversation_id, author_id, client_message_id) in (' +
        `${list(count, '(?,?,?)')})`,
    );
  }

  /** One multi-row INSERT of `n` messages (at most `INSERT_ROWS`). */
  insertMessages(n: number): string {
    return cached(
      this.inserts,
      n,
      (count) =>
        `insert into core_messages (${MESSAGE_COLUMNS.join(',')}) values ` +
        list(count, `(${list(MESSAGE_COLUMNS.length, '?')})`),
    );
  }

  /**
   * The counters of `n` conversations in one statement: a VALUES list joined on the primary key
   * (`UPDATE … FROM`, sqlite ≥ 3.33 and PostgreSQL), one probe per conversation, where a `CASE`
   * per column grows with the square of the batch. Binds five values per conversation (id,
   * last_seq, last_visitor_seq, last_author, state), then `updated_at`. The casts give
   * PostgreSQL the VALUES' column types; sqlite takes them as they are.
   */
  updateCounters(n: number): string {
    return cached(
      this.counters,
      n,
      (count) =>
        'with v(id, last_seq, last_visitor_seq, last_author, state) as (values ' +
        list(
          count,
          '(cast(? as text), cast(? as bigint), cast(? as bigint), cast(? as text), cast(? as text))',
        ) +
        ') update core_conversations set last_seq = v.last_seq, ' +
        'last_visitor_seq = v.last_visitor_seq, last_author = v.last_author, state = v.state, ' +
        'updated_at = ? from v where core_conversations.id = v.id',
    );
  }

  /** The rows of a `knex.raw` select (sqlite answers the array, PostgreSQL a result object). */
  rows(result: unknown): Record<string, unknown>[] {
    return (this.dialect === 'postgres' ? (result as { rows: unknown[] }).rows : result) as Record<
      string,
      unknown
    >[];
  }
}
