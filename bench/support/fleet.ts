/**
 * The child processes of a chat benchmark run, seen from the orchestrator: load generators and
 * bare `ws` servers, each a {@link Worker} answering calls over IPC.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../lib.js';
import { Worker } from './ipc.js';
import { spawnScript, stopChild } from './processes.js';

const SUPPORT = join(REPO_ROOT, 'bench', 'support');

/** Starts `count` load generator processes. */
export async function startLoaders(count: number): Promise<Worker[]> {
  const loaders = Array.from(
    { length: count },
    (_, i) => new Worker(`load generator ${i + 1}`, spawnScript(join(SUPPORT, 'load-client.ts'))),
  );
  await Promise.all(loaders.map((l) => l.started()));
  return loaders;
}

export interface BareServer {
  readonly worker: Worker;
  readonly url: string;
  readonly pid: number;
}

/** Starts a bare `ws` server (bench/support/bare-server.ts) in `mode`. */
export async function startBare(options: {
  mode: 'idle' | 'relay';
  heartbeatMs: number;
  database?: string;
  synchronous?: 'normal' | 'full';
}): Promise<BareServer> {
  const args = [`--mode=${options.mode}`, `--heartbeat-ms=${options.heartbeatMs}`];
  if (options.database) args.push(`--db=${options.database}`);
  if (options.synchronous) args.push(`--synchronous=${options.synchronous}`);
  const worker = new Worker(
    `bare ${options.mode} server`,
    spawnScript(join(SUPPORT, 'bare-server.ts'), args),
  );
  const info = (await worker.started()) as { port: number };
  return { worker, url: `ws://127.0.0.1:${info.port}/`, pid: worker.pid };
}

/** Stops workers (SIGTERM, then SIGKILL), in parallel. */
export async function stopAll(workers: readonly (Worker | null | undefined)[]): Promise<void> {
  await Promise.all(workers.filter((w): w is Worker => !!w).map((w) => stopChild(w.child)));
}

/** Splits `items` into `parts` slices of nearly equal size, in order. */
export function split<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  const size = Math.ceil(items.length / parts);
  for (let i = 0; i < parts; i++) out.push(items.slice(i * size, (i + 1) * size));
  return out.filter((s) => s.length > 0);
}
