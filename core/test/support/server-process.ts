import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';

/** The server CLI, as operators run it (`node apps/server/bin/switchboard.js`). */
export const SERVER_BIN = fileURLToPath(
  new URL('../../../apps/server/bin/switchboard.js', import.meta.url),
);

/** Variables that would override the config file the test writes (docs/configuration.md). */
const OVERRIDES = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'SWITCHBOARD_ADMIN_TOKEN',
  'LOG_LEVEL',
  'SB_TEST_STATS',
];

/** Where a server process keeps its data: a sqlite file, or a PostgreSQL schema of its own. */
export interface ServerDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /** The `database` key of the config file. */
  readonly config: Record<string, unknown>;
  /** Removes the data (drops the schema); the temp folder goes with {@link ServerHome.remove}. */
  drop(): Promise<void>;
}

/** A temp folder with a config file, shared by every start of "the same" server. */
export interface ServerHome {
  readonly dir: string;
  readonly configFile: string;
  readonly adminToken: string;
  readonly database: ServerDatabase;
  remove(): Promise<void>;
}

/** A running server child process. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hooks, no flush; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful shutdown. */
  stop(): Promise<void>;
}

/**
 * Makes a temp folder with a config for the database this test run uses: a sqlite file in the
 * folder, or (with `SWITCHBOARD_TEST_DB=postgres`) a fresh schema on `DATABASE_URL`.
 */
export function createServerHome(extraConfig: Record<string, unknown> = {}): ServerHome {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-resilience-'));
  const adminToken = `resilience-admin-${randomBytes(16).toString('hex')}`;
  let database: ServerDatabase;
  if (process.env.SWITCHBOARD_TEST_DB === 'postgres') {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('SWITCHBOARD_TEST_DB=postgres needs DATABASE_URL.');
    const schema = `crash_${randomBytes(6).toString('hex')}`;
    database = {
      dialect: 'postgres',
      config: { url, schema, poolMax: 4 },
      drop: async () => {
        const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
        try {
          await knex.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await knex.destroy();
        }
      },
    };
  } else {
    database = {
      dialect: 'sqlite',
      config: { filename: join(dir, 'switchboard.sqlite') },
      drop: async () => undefined,
    };
  }
  const configFile = join(dir, 'switchboard.config.json');
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        port: 0,
        host: '127.0.0.1',
        database: database.config,
        dataDir: join(dir, 'data'),
        pluginDirs: [],
        plugins: [],
        logLevel: 'warn',
        ...extraConfig,
      },
      null,
      2,
    ),
  );
  return {
    dir,
    configFile,
    adminToken,
    database,
    remove: async () => {
      await database.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `switchboard start` on `home` and resolves once it prints the URL it listens on. */
export async function startServer(home: ServerHome, timeoutMs = 30_000): Promise<ServerProcess> {
  if (!existsSync(fileURLToPath(new URL('../../../apps/server/dist/cli.js', import.meta.url)))) {
    throw new Error('apps/server is not built: run `npx tsc -b` first.');
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of OVERRIDES) delete env[key];
  env.SWITCHBOARD_ADMIN_TOKEN = home.adminToken;
  const child = spawn(process.execPath, [SERVER_BIN, '--config', home.configFile, 'start'], {
    cwd: home.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The server did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A JSON request to a server process; never throws on 4xx/5xx (it does when the server is gone). */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON.
  }
  return { status: res.status, body: parsed };
}
