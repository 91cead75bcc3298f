/** JSON stored in a text column (one schema for sqlite and PostgreSQL). */
export function readJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined || value === '') return fallback;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

export function writeJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** knex returns bigint columns as strings on PostgreSQL; times and counts fit in a double. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

/** sqlite returns booleans as 0/1. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}
