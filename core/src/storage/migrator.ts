import { existsSync } from 'node:fs';
import type { Knex } from 'knex';

/** A set of migrations owned by the kernel or one plugin. */
export interface MigrationSet {
  /** `core` or a plugin id. */
  readonly owner: string;
  /** Absolute folder of knex migration files. */
  readonly directory: string;
}

/** The prefix of a plugin's tables: its id with dashes as underscores, then `_`. */
export function tablePrefix(owner: string): string {
  return `${owner.replace(/-/g, '_')}_`;
}

/** Each owner keeps its own migration state table, so plugins migrate independently. */
export function migrationTable(owner: string): string {
  return `${tablePrefix(owner)}knex_migrations`;
}

function options(set: MigrationSet): Knex.MigratorConfig {
  return {
    directory: set.directory,
    tableName: migrationTable(set.owner),
    loadExtensions: ['.js', '.cjs', '.mjs'],
  };
}

/** Runs every pending migration of each set, in the order given (dependency order). */
export async function migrateLatest(knex: Knex, sets: readonly MigrationSet[]): Promise<string[]> {
  const applied: string[] = [];
  for (const set of sets) {
    if (!existsSync(set.directory)) {
      throw new Error(`Migrations folder of "${set.owner}" not found: ${set.directory}`);
    }
    const [, names] = (await knex.migrate.latest(options(set))) as [number, string[]];
    applied.push(...names.map((n) => `${set.owner}/${n}`));
  }
  return applied;
}

/** Rolls back every migration of one owner (used by tests and `switchboard migrate --down`). */
export async function rollbackAll(knex: Knex, set: MigrationSet): Promise<void> {
  await knex.migrate.rollback(options(set), true);
}

/** Migrations not yet applied, per owner. */
export async function pendingMigrations(
  knex: Knex,
  sets: readonly MigrationSet[],
): Promise<string[]> {
  const pending: string[] = [];
  for (const set of sets) {
    const [, list] = (await knex.migrate.list(options(set))) as [unknown[], { file: string }[]];
    pending.push(...list.map((m) => `${set.owner}/${m.file}`));
  }
  return pending;
}
