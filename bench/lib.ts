/**
 * Shared helpers of the benchmarks: statistics, table printing, the results folder and the
 * environment a run was measured in.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/ is one level below it). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where results go (gitignored). */
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** Order statistics of a sample. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p25: number;
  readonly p75: number;
  readonly n: number;
}

/** Linear-interpolated quantile of a sorted sample, `q` in [0, 1]. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(sample: readonly number[]): Summary {
  const sorted = [...sample].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    n: sorted.length,
  };
}

/** Rounds for JSON output: figures are noisy well before the third decimal. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Prints rows as an aligned text table; numbers are right-aligned. */
export function printTable(headers: readonly string[], rows: readonly (string | number)[][]): void {
  const cells = [headers.map(String), ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  // Columns of figures are right-aligned; columns holding words are left-aligned.
  const numeric = headers.map((_, i) => rows.every((r) => !/[a-z]/i.test(String(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(cells[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** A benchmark goal and whether this run met it. */
export interface Goal {
  readonly id: string;
  readonly description: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
  readonly pass: boolean;
}

export function goal(
  id: string,
  description: string,
  value: number,
  limit: number,
  unit: string,
): Goal {
  return { id, description, value, limit, unit, pass: value < limit };
}

export function printGoals(goals: readonly Goal[]): void {
  const width = Math.max(...goals.map((g) => g.description.length));
  for (const g of goals) {
    const figure = `${round(g.value, 2)} ${g.unit} (limit ${g.limit} ${g.unit})`;
    console.log(`${g.pass ? 'PASS' : 'FAIL'}  ${g.description.padEnd(width)}  ${figure}`);
  }
}

/**
 * Node, CPU, load and commit of a run, so results from different machines (or a busy machine)
 * are not compared blindly.
 */
export function environment(): Record<string, unknown> {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  const cpu = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: cpu[0]?.model ?? 'unknown',
    cpuCount: cpu.length,
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    loadAverage1m: round(loadavg()[0]!, 2),
    commit: git('rev-parse', 'HEAD'),
    dirty: (git('status', '--porcelain') ?? '') !== '',
  };
}

/**
 * Writes `bench/results/<name>-<timestamp>.json` and, when `latest`, also
 * `bench/results/latest-<name>.json`; returns the paths written.
 */
export function writeResults(name: string, data: unknown, latest: boolean): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const text = JSON.stringify(data, null, 2) + '\n';
  const paths = [join(RESULTS_DIR, `${name}-${stamp}.json`)];
  if (latest) paths.push(join(RESULTS_DIR, `latest-${name}.json`));
  for (const path of paths) writeFileSync(path, text);
  return paths;
}

/** The 1-minute load average per CPU: above about 0.5, other processes disturb the figures. */
export function loadPerCpu(): number {
  return loadavg()[0]! / Math.max(1, cpus().length);
}

/**
 * Lets timers and I/O run between rounds (the watchdog tick among them), as a server's event loop
 * would. No forced GC: a full collection between rounds throws away JIT state and makes the next
 * round measure re-optimisation instead of the steady state.
 */
export async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}
