/**
 * Cold start: from spawning `node apps/server/bin/switchboard.js start` to the first 200 of
 * `GET /api/v1/health`, with every plugin of switchboard.config.json, on a sqlite database that
 * `switchboard migrate` prepared beforehand (so no migration runs inside the measurement).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT, summarize, type Summary } from './lib.js';

const CLI = join(REPO_ROOT, 'apps', 'server', 'bin', 'switchboard.js');
const CONFIG = join(REPO_ROOT, 'switchboard.config.json');
const HEALTH = '/api/v1/health';

export interface ColdStartOptions {
  /** Timed starts; the median is reported. */
  readonly runs: number;
  /** Health poll interval (the resolution of each figure). */
  readonly pollMs: number;
  /** A start that takes longer fails the benchmark. */
  readonly timeoutMs: number;
}

export interface ColdStartResult {
  readonly plugins: readonly string[];
  readonly pluginDirs: readonly string[];
  /** Spawn to first 200 of each run, in milliseconds. */
  readonly runsMs: readonly number[];
  readonly startMs: Summary;
  /** `node -e 0` spawn to exit: what any Node process costs on this machine. */
  readonly nodeBaselineMs: Summary;
  /** Spawn to exit of a process that only imports the server's modules (no config, no I/O). */
  readonly importOnlyMs: Summary;
  readonly pollMs: number;
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

/** Status of one health request, or null when nothing answers yet. */
function probe(port: number): Promise<number | null> {
  return new Promise((res) => {
    const req = request({ host: '127.0.0.1', port, path: HEALTH, agent: false }, (response) => {
      response.resume();
      response.once('end', () => res(response.statusCode ?? null));
    });
    req.once('error', () => res(null));
    req.setTimeout(5000, () => req.destroy());
    req.end();
  });
}

/** The repository's config with absolute paths, and the database in `dir`. */
function writeConfig(dir: string): { path: string; plugins: string[]; pluginDirs: string[] } {
  const base = JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, any>;
  const pluginDirs = ((base.pluginDirs as string[] | undefined) ?? ['plugins']).map((d) =>
    resolve(REPO_ROOT, d),
  );
  const plugins = ((base.plugins as string[] | undefined) ?? []).map((p) =>
    p.startsWith('.') ? resolve(REPO_ROOT, p) : p,
  );
  const config = {
    ...base,
    pluginDirs,
    plugins,
    database: { ...base.database, url: undefined, filename: join(dir, 'switchboard.sqlite') },
  };
  const path = join(dir, 'switchboard.config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return { path, plugins, pluginDirs };
}

/** The environment of the server: no inherited overrides of what the config says. */
function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of ['DATABASE_URL', 'LOG_LEVEL', 'NODE_OPTIONS']) delete env[key];
  if (!extra.PORT) delete env.PORT;
  return env;
}

/** Keeps the last few KiB of a child's output for error messages. */
function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text.trim();
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** One start: spawn to first 200, in milliseconds. */
async function startOnce(configPath: string, options: ColdStartOptions): Promise<number> {
  const port = await freePort();
  const env = serverEnv({ PORT: String(port), HOST: '127.0.0.1' });
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'start', '--config', configPath], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  try {
    for (;;) {
      const status = await probe(port);
      const elapsed = performance.now() - started;
      if (status === 200) return elapsed;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`The server exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
      }
      if (elapsed > options.timeoutMs) {
        throw new Error(
          `No 200 from ${HEALTH} within ${options.timeoutMs} ms (last status ${status ?? 'none'}):\n${output()}`,
        );
      }
      await sleep(options.pollMs);
    }
  } finally {
    await stop(child);
  }
}

/** Wall time of a Node process running `args`, spawn to exit. */
async function timeProcess(args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: serverEnv({}),
  });
  const output = tail(child);
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  if (code !== 0) throw new Error(`node ${args.join(' ')} failed (${code}):\n${output()}`);
  return performance.now() - started;
}

/** The floor under any start figure: Node itself. */
const NODE_ONLY = ['-e', '0'];
/** What loading the server's code costs, before it reads a config or opens anything. */
const IMPORT_ONLY = [
  '--input-type=module',
  '-e',
  "await import('commander'); await import('@switchboard/core');",
];

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  try {
    const { path, plugins, pluginDirs } = writeConfig(dir);
    const migrate = spawnSync(process.execPath, [CLI, 'migrate', '--config', path], {
      cwd: REPO_ROOT,
      env: serverEnv({}),
      encoding: 'utf8',
    });
    if (migrate.status !== 0) {
      throw new Error(`switchboard migrate failed:\n${migrate.stdout}\n${migrate.stderr}`);
    }
    const baseline: number[] = [];
    const importOnly: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      baseline.push(await timeProcess(NODE_ONLY));
      importOnly.push(await timeProcess(IMPORT_ONLY));
    }
    const runsMs: number[] = [];
    for (let i = 0; i < options.runs; i++) runsMs.push(await startOnce(path, options));
    return {
      plugins,
      pluginDirs,
      runsMs,
      startMs: summarize(runsMs),
      nodeBaselineMs: summarize(baseline),
      importOnlyMs: summarize(importOnly),
      pollMs: options.pollMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
