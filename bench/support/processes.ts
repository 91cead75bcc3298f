/**
 * Child processes of the chat benchmark: spawning Node scripts (with an IPC channel for the load
 * generators), stopping them, and what /proc says about them (RSS, open descriptors, limits).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { REPO_ROOT } from '../lib.js';

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

/** The environment of a child: no inherited overrides of what the bench sets. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'LOG_LEVEL', 'NODE_OPTIONS', 'PORT', 'HOST']) delete env[key];
  return { ...env, ...extra };
}

/** Keeps the last few KiB of a child's output for error messages. */
export function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text.trim();
}

/** True once the child has exited (or was killed). */
export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((res) => child.once('exit', () => res()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/**
 * A TypeScript script of bench/support run by Node through tsx, with an IPC channel. `execArgv`
 * goes before the script (e.g. `--cpu-prof`).
 */
export function spawnScript(
  script: string,
  args: readonly string[] = [],
  options: { execArgv?: readonly string[]; env?: Record<string, string> } = {},
): ChildProcess {
  return spawn(
    process.execPath,
    [...(options.execArgv ?? []), '--import', 'tsx', script, ...args],
    {
      cwd: REPO_ROOT,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
}

/** Resident set size of a process, KiB (VmRSS of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`No VmRSS in /proc/${pid}/status.`);
  return Number(match[1]);
}

/** Open file descriptors of a process. */
export function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The soft "Max open files" limit of a process. */
export function descriptorLimit(pid: number = process.pid): number {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  if (!match) throw new Error(`No "Max open files" in /proc/${pid}/limits.`);
  return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/** CPU time (user + system) a process has used so far, milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux.
}
