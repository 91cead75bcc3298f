/**
 * Helpers for the few hot statements written as plain SQL instead of through knex's query builder
 * (group commits of messages and of assignments): placeholder lists, statement texts cached per
 * row count, and the rows of a `knex.raw` select on either database.
 */

/** Statement texts stay cached for row counts up to this (no group is longer). */
const CACHE_LIMIT = 256;

/** The text for `n` rows from `cache`, built by `build` the first time. */
export function cachedText(
  cache: Map<number, string>,
  n: number,
  build: (n: number) => string,
): string {
  let sql = cache.get(n);
  if (sql === undefined) {
    sql = build(n);
    if (n <= CACHE_LIMIT) cache.set(n, sql);
  }
  return sql;
}

/** `item` `n` times, comma-separated: `list(3, '?')` is `?,?,?`. */
export function list(n: number, item: string): string {
  return Array.from({ length: n }, () => item).join(',');
}

/** The rows of a `knex.raw` select: sqlite answers the array, PostgreSQL a result object. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
    string,
    unknown
  >[];
}
