/**
 * The Switchboard server under test: the real CLI (`switchboard start --config <file>`) in its
 * own process, on a sqlite file in a temporary folder, with the repository's plugins. The bench
 * config raises the rate limits that would stop it from creating thousands of sessions, lowers
 * the scrypt cost of agent passwords (sign-in is not measured) and sets the heartbeat interval;
 * everything else is the default a real deployment gets.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../lib.js';
import { INSPECT_FLAGS, inspectorUrl } from './inspector.js';
import { childEnv, exited, freePort, stopChild, tail } from './processes.js';

const CLI = join(REPO_ROOT, 'apps', 'server', 'bin', 'switchboard.js');
const REPO_CONFIG = join(REPO_ROOT, 'switchboard.config.json');

export interface ServerSettings {
  /** sqlite `synchronous` (WAL mode); `null` leaves the config key out (the default, NORMAL). */
  readonly synchronous: 'normal' | 'full' | null;
  readonly heartbeatMs: number;
}

/** What the config file says, for the results. */
export interface ServerDescription {
  readonly configPath: string;
  readonly database: string;
  readonly synchronous: 'NORMAL' | 'FULL';
  readonly plugins: readonly string[];
  readonly heartbeatMs: number;
}

/** Writes the bench config into `dir`; answers its path and what it sets. */
export function writeServerConfig(dir: string, settings: ServerSettings): ServerDescription {
  const base = JSON.parse(readFileSync(REPO_CONFIG, 'utf8')) as Record<string, any>;
  const pluginDirs = ((base.pluginDirs as string[] | undefined) ?? ['plugins']).map((d) =>
    resolve(REPO_ROOT, d),
  );
  const plugins = ((base.plugins as string[] | undefined) ?? []).map((p) =>
    p.startsWith('.') ? resolve(REPO_ROOT, p) : p,
  );
  const database = join(dir, 'switchboard.sqlite');
  const config = {
    ...base,
    pluginDirs,
    plugins,
    dataDir: join(dir, 'data'),
    database: {
      filename: database,
      ...(settings.synchronous ? { synchronous: settings.synchronous } : {}),
    },
    auth: {
      ...base.auth,
      visitorSessionsPerMinute: 10_000_000,
      loginPerMinute: 1_000_000,
      scryptLog2N: 10,
    },
    realtime: { ...base.realtime, heartbeatMs: settings.heartbeatMs },
  };
  const configPath = join(dir, 'switchboard.config.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return {
    configPath,
    database,
    synchronous: settings.synchronous === 'full' ? 'FULL' : 'NORMAL',
    plugins,
    heartbeatMs: settings.heartbeatMs,
  };
}

/** Status of one health request, or null when nothing answers yet. */
function probe(port: number): Promise<number | null> {
  return new Promise((res) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/api/v1/health', agent: false },
      (response) => {
        response.resume();
        response.once('end', () => res(response.statusCode ?? null));
      },
    );
    req.once('error', () => res(null));
    req.setTimeout(5000, () => req.destroy());
    req.end();
  });
}

/** One running server process. */
export class SwitchboardServer {
  /** The DevTools protocol endpoint, when started with `inspect`. */
  inspectorUrl: string | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly adminToken: string,
    readonly output: () => string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/api/v1/ws`;
  }

  /** Applies the migrations once, so no start measures them. */
  static migrate(configPath: string): void {
    const run = spawnSync(process.execPath, [CLI, 'migrate', '--config', configPath], {
      cwd: REPO_ROOT,
      env: childEnv(),
      encoding: 'utf8',
    });
    if (run.status !== 0)
      throw new Error(`switchboard migrate failed:\n${run.stdout}\n${run.stderr}`);
  }

  /**
   * Starts `switchboard start` and waits for its health route. `inspect` opens the inspector on
   * a free loopback port (for CPU profiles of a chosen window, see inspector.ts).
   */
  static async start(
    configPath: string,
    options: { adminToken?: string; inspect?: boolean } = {},
  ): Promise<SwitchboardServer> {
    const port = await freePort();
    const adminToken = options.adminToken ?? randomBytes(24).toString('hex');
    const child = spawn(
      process.execPath,
      [...(options.inspect ? INSPECT_FLAGS : []), CLI, 'start', '--config', configPath],
      {
        cwd: REPO_ROOT,
        env: childEnv({
          PORT: String(port),
          HOST: '127.0.0.1',
          SWITCHBOARD_ADMIN_TOKEN: adminToken,
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const server = new SwitchboardServer(child, port, adminToken, tail(child));
    const inspector = options.inspect ? inspectorUrl(child) : null;
    inspector?.catch(() => undefined);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if ((await probe(port)) === 200) {
        if (inspector) server.inspectorUrl = await inspector;
        return server;
      }
      if (exited(child)) {
        throw new Error(
          `switchboard start exited (${child.exitCode ?? child.signalCode}):\n${server.output()}`,
        );
      }
      if (Date.now() > deadline) {
        await stopChild(child);
        throw new Error(`switchboard start: no healthy answer within 60 s:\n${server.output()}`);
      }
      await sleep(20);
    }
  }

  /** SIGTERM (the CLI closes sockets and the database), then waits for the exit. */
  async stop(): Promise<void> {
    await stopChild(this.child, 30_000);
  }
}
