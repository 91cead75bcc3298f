import type { Knex } from 'knex';

/**
 * A plugin's view of the database. Every table a plugin owns starts with its prefix (its id with
 * dashes as underscores, then `_`), created by the plugin's own knex migrations. Queries must
 * work on sqlite and PostgreSQL alike: use the knex builder.
 * @public
 */
export interface PluginDatabase {
  /** The shared knex instance. */
  readonly knex: Knex;
  /** `sqlite` for the embedded default, `postgres` for larger deployments. */
  readonly dialect: 'sqlite' | 'postgres';
  /** Table prefix of this plugin, e.g. `canned_responses_`. */
  readonly prefix: string;
  /** The full name of one of this plugin's tables. */
  tableName(name: string): string;
  /** A query builder on one of this plugin's tables. */
  table<TRecord extends {} = any>(name: string): Knex.QueryBuilder<TRecord>;
}

/**
 * A transaction the kernel hands a plugin so its own rows commit with the kernel's (for example
 * {@link AssignManyOptions.inTransaction}); use it like the shared knex instance. @public
 */
export type DatabaseTransaction = Knex.Transaction;
