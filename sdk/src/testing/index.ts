import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { VirtualClock } from '../virtual-clock.js';
import type { Logger } from '../logger.js';

/** Options of {@link createTestKernel}. */
export interface TestKernelOptions {
  /** Plugins to load: folders (absolute, or relative to `baseDir`), ids in `pluginDirs`, or package names. */
  readonly plugins?: readonly string[];
  /** Folders searched for plugins by id; default none. */
  readonly pluginDirs?: readonly string[];
  /** Folder relative entries resolve from; default `process.cwd()`. */
  readonly baseDir?: string;
  /**
   * `sqlite` (in-memory, the default) or `postgres` (needs `DATABASE_URL`; each kernel gets its own
   * schema, dropped on stop). Default: `SWITCHBOARD_TEST_DB` env, else sqlite.
   */
  readonly database?: 'sqlite' | 'postgres';
  /** Bearer token of the system principal (generated when absent). */
  readonly adminToken?: string;
  /** Extra config keys (see docs/configuration.md). */
  readonly config?: Record<string, unknown>;
  /** Log level; default `silent`, or `LOG_LEVEL`. */
  readonly logLevel?: string;
  /**
   * PostgreSQL only: join this existing schema (another test kernel's `schema`) instead of
   * creating one, to run two kernel processes on one database. It is not dropped on stop: the
   * kernel that created it drops it.
   */
  readonly joinSchema?: string;
}

/** A running kernel for tests: real HTTP on an ephemeral port, real database, virtual clock. */
export interface TestKernel {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The kernel clock: advance it to fire timers. */
  readonly clock: VirtualClock;
  /** Bearer token of the system principal. */
  readonly adminToken: string;
  /** The kernel's knex instance, for assertions on stored data. */
  readonly knex: Knex;
  readonly dialect: 'sqlite' | 'postgres';
  /** The PostgreSQL schema of this kernel (null on sqlite); see `joinSchema`. */
  readonly schema: string | null;
  /** Folder for attachments, removed on stop. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** The kernel object itself (from `@switchboard/core`), for advanced tests. */
  readonly kernel: unknown;
  /**
   * Sends a JSON request. `token` defaults to the admin token; pass `null` for none.
   * Resolves with status, parsed JSON body (or text) and headers; never throws on 4xx/5xx.
   */
  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Stops the kernel and drops its test database. */
  stop(): Promise<void>;
}

interface CoreModule {
  Kernel: new (options: { config: unknown; clock?: unknown; logger?: unknown }) => {
    start(): Promise<void>;
    stop(): Promise<void>;
    url: string;
    db: { knex: Knex; dialect: 'sqlite' | 'postgres' };
    logger: Logger;
  };
  resolveConfig(
    raw: unknown,
    options: { baseDir: string; env?: Record<string, string | undefined> },
  ): unknown;
}

/**
 * Boots a real kernel for a plugin's own tests: in-memory sqlite (or a fresh PostgreSQL schema),
 * a virtual clock, and an HTTP listener on an ephemeral port. Needs `@switchboard/core` installed
 * (a devDependency of every plugin); the sdk loads it at run time so its own API never depends on
 * the kernel's internals.
 * @example
 * ```ts
 * const tk = await createTestKernel({ plugins: [pluginDir] });
 * const res = await tk.request('GET', '/api/v1/plugins');
 * await tk.stop();
 * ```
 * @public
 */
export async function createTestKernel(options: TestKernelOptions = {}): Promise<TestKernel> {
  const core = (await import('@switchboard/core' as string)) as CoreModule;
  const baseDir = options.baseDir ?? process.cwd();
  const kind =
    options.database ?? (process.env.SWITCHBOARD_TEST_DB === 'postgres' ? 'postgres' : 'sqlite');
  const adminToken = options.adminToken ?? `test-admin-${randomBytes(18).toString('hex')}`;
  let database: Record<string, unknown> = { filename: ':memory:' };
  let schema: { url: string; name: string } | null = null;
  if (kind === 'postgres') {
    const url = process.env.DATABASE_URL;
    if (!url)
      throw new Error(
        'createTestKernel({ database: "postgres" }) needs DATABASE_URL to point at a server.',
      );
    schema = { url, name: options.joinSchema ?? `t_${randomBytes(8).toString('hex')}` };
    database = { url, schema: schema.name, poolMax: 4 };
  }
  // Attachments and other files go to a throw-away folder, removed on stop.
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const config = core.resolveConfig(
    {
      dataDir,
      port: 0,
      host: '127.0.0.1',
      plugins: [...(options.plugins ?? [])],
      pluginDirs: [...(options.pluginDirs ?? [])],
      adminToken,
      logLevel: options.logLevel ?? process.env.LOG_LEVEL ?? 'silent',
      ...options.config,
      database: { ...database, ...(options.config?.database as object | undefined) },
    },
    { baseDir, env: {} },
  );
  const clock = new VirtualClock();
  const kernel = new core.Kernel({ config, clock });
  try {
    await kernel.start();
  } catch (error) {
    await kernel.stop().catch(() => undefined);
    if (schema && !options.joinSchema) await dropSchema(schema.url, schema.name);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const url = kernel.url;
  const { knex, dialect } = kernel.db;
  return {
    url,
    clock,
    adminToken,
    knex,
    dialect,
    schema: schema?.name ?? null,
    dataDir,
    logger: kernel.logger,
    kernel,
    async request(method, path, body, token = adminToken) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await fetch(url + path, { method, headers, body: payload });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed as never, headers: res.headers };
    },
    async stop() {
      try {
        await kernel.stop();
      } finally {
        // Only once plugins have stopped: their stop() may still use their tables.
        if (schema && !options.joinSchema) await dropSchema(schema.url, schema.name);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Drops a test schema over a connection of its own (the kernel's is closed by then). */
async function dropSchema(url: string, name: string): Promise<void> {
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await knex.raw(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } catch {
    // Best effort: a schema left behind only costs space on a throw-away test server.
  } finally {
    await knex.destroy();
  }
}
