/**
 * Figures of the chat benchmark: latency percentiles (a message that never arrived counts as
 * infinitely late, so losses cannot flatter a percentile), and goals that read "at most" or
 * "at least" instead of lib.ts's strict "below".
 */
import { round, type Goal } from '../lib.js';

export interface Percentiles {
  readonly count: number;
  /** Messages scheduled in the window that never arrived; they rank above every arrival. */
  readonly undelivered: number;
  /** Milliseconds; null when the percentile falls on an undelivered message. */
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

/** Nearest-rank percentile of a sorted sample (`q` in [0, 1]). */
function rank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? round(v, 2) : null);

/** Percentiles of `latencies` (ms) plus `undelivered` messages counted as infinitely late. */
export function percentiles(latencies: readonly number[], undelivered = 0): Percentiles {
  const sorted = [...latencies].sort((a, b) => a - b);
  for (let i = 0; i < undelivered; i++) sorted.push(Number.POSITIVE_INFINITY);
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    count: latencies.length,
    undelivered,
    p50: finite(rank(sorted, 0.5)),
    p90: finite(rank(sorted, 0.9)),
    p99: finite(rank(sorted, 0.99)),
    max: finite(rank(sorted, 1)),
    mean: latencies.length && !undelivered ? round(sum / latencies.length, 2) : null,
  };
}

/** A goal met when `value <= limit` (a missing value, null, misses it). */
export function atMost(
  id: string,
  description: string,
  value: number | null,
  limit: number,
  unit: string,
): Goal {
  const v = value ?? Number.POSITIVE_INFINITY;
  return { id, description, value: v, limit, unit, pass: v <= limit };
}

/** A goal met when `value >= limit`. */
export function atLeast(
  id: string,
  description: string,
  value: number,
  limit: number,
  unit: string,
): Goal {
  return { id, description, value, limit, unit, pass: value >= limit };
}

/** For JSON: non-finite figures become null. */
export function jsonGoal(g: Goal): Record<string, unknown> {
  return { ...g, value: Number.isFinite(g.value) ? round(g.value, 3) : null };
}
