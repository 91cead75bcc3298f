import { randomUUID } from 'node:crypto';

/** A fresh row id with a readable prefix, e.g. `wau_…` for an audit row. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}

/** Epoch-ms bigints come back as strings on PostgreSQL. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
