import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Logger } from '@switchboard/sdk';
import { WalCheckpointer } from './wal-checkpointer.js';

/** Where the data lives. */
export interface DatabaseConfig {
  /** `postgres://…` for PostgreSQL. When absent, sqlite is used. */
  readonly url?: string;
  /** sqlite file (default `data/switchboard.sqlite`), or `:memory:` for throw-away tests. */
  readonly filename?: string;
  /** sqlite `synchronous` level in WAL mode: `normal` (default) or `full`. */
  readonly synchronous?: 'normal' | 'full';
  /** PostgreSQL schema to use (created if missing); isolates test runs on one server. */
  readonly schema?: string;
  /** Pool size for PostgreSQL (default 10). */
  readonly poolMax?: number;
  /**
   * sqlite files: copy the WAL into the database from a second connection (default true) rather
   * than inside the commit that fills it. See `WalCheckpointer`.
   */
  readonly backgroundCheckpoints?: boolean;
}

/** An open database with its dialect. */
export interface Database {
  readonly knex: Knex;
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

/** A safety setting the kernel refuses to run without. */
export class DatabaseSafetyError extends Error {
  readonly code = 'DB_UNSAFE_SETTINGS';
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens sqlite (WAL, foreign keys, busy timeout) or PostgreSQL, then checks the settings the
 * kernel relies on and refuses to start when they are not in force.
 */
export async function openDatabase(config: DatabaseConfig, logger: Logger): Promise<Database> {
  if (config.url) return openPostgres(config, logger);
  return openSqlite(config, logger);
}

async function openSqlite(config: DatabaseConfig, logger: Logger): Promise<Database> {
  const filename = config.filename ?? 'data/switchboard.sqlite';
  const inMemory = filename === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(filename)), { recursive: true });
  const synchronous = (config.synchronous ?? 'normal').toUpperCase();
  const knex = knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // One connection: sqlite serialises writers anyway, and one connection avoids SQLITE_BUSY.
    pool: {
      min: 1,
      max: 1,
      idleTimeoutMillis: Number.MAX_SAFE_INTEGER,
      afterCreate(
        conn: { exec(sql: string, cb: (err: Error | null) => void): void },
        done: (err: Error | null, conn: unknown) => void,
      ) {
        // A 64 MiB page cache (allocated only as used; sqlite's default is 2 MiB) keeps the hot
        // indexes of conversations and messages in memory: group commits touch many of their
        // pages, and re-reading them from the OS made commits a third slower in the ACD bench.
        // journal_size_limit: a WAL file that grew past 64 MiB (a long read, a burst) is cut back
        // when the log starts over, instead of staying at its high-water mark.
        conn.exec(
          `PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = ${synchronous}; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 67108864;`,
          (err) => done(err, conn),
        );
      },
    },
  });
  const journal = String(await pragma(knex, 'journal_mode')).toLowerCase();
  const foreignKeys = Number(await pragma(knex, 'foreign_keys'));
  const sync = Number(await pragma(knex, 'synchronous'));
  const problems: string[] = [];
  if (!(journal === 'wal' || (inMemory && journal === 'memory'))) {
    problems.push(
      `journal_mode is "${journal}", expected "wal" (is the file on a filesystem that supports WAL?)`,
    );
  }
  if (foreignKeys !== 1) problems.push('foreign_keys is off, expected on');
  if (sync < 1) problems.push('synchronous is OFF; set database.synchronous to "normal" or "full"');
  if (problems.length > 0) {
    await knex.destroy();
    throw new DatabaseSafetyError(
      `sqlite database ${filename} is not safe to use: ${problems.join('; ')}.`,
    );
  }
  logger.debug({ filename, journal, synchronous: sync }, 'sqlite database open');
  const checkpointer =
    inMemory || config.backgroundCheckpoints === false
      ? null
      : new WalCheckpointer(filename, knex, logger);
  try {
    await checkpointer?.start();
  } catch (error) {
    await knex.destroy();
    throw error;
  }
  return {
    knex,
    dialect: 'sqlite',
    async close() {
      await checkpointer?.close();
      await knex.destroy();
    },
  };
}

async function pragma(knex: Knex, name: string): Promise<unknown> {
  const rows = (await knex.raw(`PRAGMA ${name}`)) as Record<string, unknown>[];
  const row = rows[0] ?? {};
  return Object.values(row)[0];
}

async function openPostgres(config: DatabaseConfig, logger: Logger): Promise<Database> {
  const schema = config.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new DatabaseSafetyError(
      `database.schema "${schema}" is not a valid schema name (use [a-z0-9_]).`,
    );
  }
  const knex = knexFactory({
    client: 'pg',
    connection: config.url,
    pool: { min: 0, max: config.poolMax ?? 10 },
    ...(schema ? { searchPath: [schema] } : {}),
  });
  try {
    if (schema) await knex.raw(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await knex.raw('select 1');
  } catch (error) {
    await knex.destroy();
    throw new DatabaseSafetyError(
      `Cannot reach PostgreSQL at ${redact(config.url!)}: ${(error as Error).message}. Check DATABASE_URL.`,
    );
  }
  logger.debug({ url: redact(config.url!), schema }, 'postgres database open');
  return { knex, dialect: 'postgres', close: () => knex.destroy() };
}

/** Hides the password in a connection URL for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
