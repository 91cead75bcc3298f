/**
 * Per-call cost of async series and waterfall hooks, three ways with the same taps:
 * - `guarded`: the kernel's hooks (HookCatalogue), tapped through `facadeFor(pluginId, track)`,
 *   so every tap runs inside the guard (error catch, time budget via the shared watchdog);
 * - `raw`: tapable's AsyncSeriesHook / AsyncSeriesWaterfallHook with `tapPromise`;
 * - `plain`: a loop over the functions, awaiting each.
 * Cases run round-robin (one round of every case, then the next round) so drift in CPU speed or
 * heap state spreads evenly over the variants; each round's figure is ns per awaited call.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { HookCatalogue, type HookTapError } from '@switchboard/core';
import type { Disposable } from '@switchboard/sdk';
import { round, settle, summarize, type Summary } from './lib.js';

// The tapable copy core itself uses, so "raw" and "guarded" run the same code generator.
const requireFromCore = createRequire(createRequire(import.meta.url).resolve('@switchboard/core'));
const tapable = requireFromCore('tapable') as typeof import('tapable');
export const TAPABLE_VERSION = (requireFromCore('tapable/package.json') as { version: string })
  .version;

export type Kind = 'series' | 'waterfall';
export type Variant = 'plain' | 'raw' | 'guarded';
export const KINDS: readonly Kind[] = ['series', 'waterfall'];
export const VARIANTS: readonly Variant[] = ['plain', 'raw', 'guarded'];
export const TAP_COUNTS: readonly number[] = [0, 1, 10, 50];

export interface DispatchOptions {
  /** Untimed rounds before measuring (JIT warm-up). */
  readonly warmupRounds: number;
  /** Timed rounds; the median is reported. */
  readonly rounds: number;
  /** Tap executions per round and case (calls per round = this / taps, at least `minCalls`). */
  readonly tapsPerRound: number;
  readonly minCalls: number;
}

export interface DispatchRow {
  readonly kind: Kind;
  readonly taps: number;
  readonly variant: Variant;
  /** Awaited calls per timed round. */
  readonly callsPerRound: number;
  /** ns per call over the timed rounds. */
  readonly nsPerCall: Summary;
  /** Median ns per call divided by the number of taps (null without taps). */
  readonly nsPerTap: number | null;
}

/** Arguments the hooks are called with: a message-like object and its conversation. */
const conversation = Object.freeze({ id: 'c-1', tenantId: 't-1', state: 'active' });
const message = Object.freeze({ id: 'm-1', conversationId: 'c-1', body: 'hello' });

/** Side effect of the series taps, so the work cannot be optimised away. */
let sink = 0;

type SeriesTap = (message: object, conversation: object) => Promise<void>;
type WaterfallTap = (value: number, conversation: object) => Promise<number>;

/** The taps every variant runs: realistic async functions with a trivial body. */
function seriesTaps(n: number): SeriesTap[] {
  return Array.from({ length: n }, () => async (_message: object, _conversation: object) => {
    sink += 1;
  });
}

function waterfallTaps(n: number): WaterfallTap[] {
  return Array.from({ length: n }, () => async (value: number, _conversation: object) => value + 1);
}

/** One benchmark case: a call that dispatches the hook once and the check of its result. */
interface Case {
  readonly kind: Kind;
  readonly taps: number;
  readonly variant: Variant;
  readonly callsPerRound: number;
  readonly call: () => Promise<unknown>;
  readonly samples: number[];
  readonly faults: HookTapError[];
}

function buildCall(
  kind: Kind,
  variant: Variant,
  taps: number,
  faults: HookTapError[],
): () => Promise<unknown> {
  if (variant === 'plain') {
    if (kind === 'series') {
      const fns = seriesTaps(taps);
      return async () => {
        for (const fn of fns) await fn(message, conversation);
      };
    }
    const fns = waterfallTaps(taps);
    return async () => {
      let value = 0;
      for (const fn of fns) value = await fn(value, conversation);
      return value;
    };
  }

  if (variant === 'raw') {
    if (kind === 'series') {
      const hook = new tapable.AsyncSeriesHook<[object, object]>(['message', 'conversation']);
      seriesTaps(taps).forEach((fn, i) => hook.tapPromise(`plugin-${i}`, fn));
      return () => hook.promise(message, conversation);
    }
    const hook = new tapable.AsyncSeriesWaterfallHook<[number, object]>(['draft', 'conversation']);
    waterfallTaps(taps).forEach((fn, i) => hook.tapPromise(`plugin-${i}`, fn));
    return () => hook.promise(0, conversation);
  }

  // Guarded: the kernel's catalogue, one plugin per tap, each tapping through its facade.
  const catalogue = new HookCatalogue({ record: (fault) => void faults.push(fault) });
  const track = (d: Disposable) => d;
  const facades = Array.from({ length: taps }, (_, i) => catalogue.facadeFor(`plugin-${i}`, track));
  if (kind === 'series') {
    // session.messageStored: series over (message, conversation), NOTIFY budget.
    const hook = catalogue.session.messageStored;
    seriesTaps(taps).forEach((fn, i) => {
      facades[i]!.session.messageStored.tap(fn as any);
    });
    return () => hook.call(message as any, conversation as any);
  }
  // session.beforeMessage: waterfall over (draft, conversation), TRANSFORM budget. The draft is a
  // number here so the taps match the other variants.
  const hook = catalogue.session.beforeMessage;
  waterfallTaps(taps).forEach((fn, i) => {
    facades[i]!.session.beforeMessage.tap(fn as any);
  });
  return () => hook.call(0 as any, conversation as any);
}

/** Calls every case once and checks it did its work (all taps ran, the waterfall's value). */
async function check(c: Case): Promise<void> {
  const before = sink;
  const result = await c.call();
  const expected = c.kind === 'waterfall' ? c.taps : undefined;
  const ran = c.kind === 'series' ? sink - before : (result as number);
  if (result !== expected || (c.kind === 'series' && ran !== c.taps)) {
    throw new Error(
      `${c.variant} ${c.kind} with ${c.taps} taps returned ${String(result)} ` +
        `(ran ${ran} taps); expected ${String(expected)} after ${c.taps} taps.`,
    );
  }
}

async function timeRound(c: Case): Promise<number> {
  const { call, callsPerRound } = c;
  const start = performance.now();
  for (let i = 0; i < callsPerRound; i++) await call();
  return ((performance.now() - start) * 1e6) / callsPerRound;
}

/**
 * A fast guard is worthless if it stopped guarding: a waterfall through the catalogue with a tap
 * that throws and one that rejects must report both as faults and keep the value.
 */
async function checkGuard(): Promise<void> {
  const faults: HookTapError[] = [];
  const catalogue = new HookCatalogue({ record: (fault) => void faults.push(fault) });
  const track = (d: Disposable) => d;
  const tap = (pluginId: string, fn: WaterfallTap) =>
    catalogue.facadeFor(pluginId, track).session.beforeMessage.tap(fn as any);
  tap('adds', async (value) => value + 1);
  tap('throws', () => {
    throw new Error('bench: thrown on purpose');
  });
  tap('rejects', async () => {
    throw new Error('bench: rejected on purpose');
  });
  tap('adds-again', async (value) => value + 1);
  const result = await catalogue.session.beforeMessage.call(0 as any, conversation as any);
  catalogue.dispose();
  const kinds = faults.map((f) => `${f.pluginId}:${f.kind}`).join(', ');
  if ((result as unknown) !== 2 || kinds !== 'throws:error, rejects:error') {
    throw new Error(
      `The guarded hook no longer guards: result ${String(result)} (expected 2), faults [${kinds}].`,
    );
  }
}

/** Runs every (kind, taps, variant) case; rows come back in KINDS x TAP_COUNTS x VARIANTS order. */
export async function measureDispatch(options: DispatchOptions): Promise<DispatchRow[]> {
  const cases: Case[] = [];
  for (const kind of KINDS) {
    for (const taps of TAP_COUNTS) {
      for (const variant of VARIANTS) {
        const faults: HookTapError[] = [];
        const callsPerRound = Math.max(
          options.minCalls,
          Math.ceil(options.tapsPerRound / Math.max(taps, 1)),
        );
        const call = buildCall(kind, variant, taps, faults);
        cases.push({ kind, taps, variant, callsPerRound, call, samples: [], faults });
      }
    }
  }
  await checkGuard();
  for (const c of cases) await check(c);

  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    // Rotate the starting case so no variant always runs right after a GC.
    const offset = round % cases.length;
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + offset) % cases.length]!;
      const ns = await timeRound(c);
      if (round >= options.warmupRounds) c.samples.push(ns);
    }
    await settle();
  }

  for (const c of cases) {
    await check(c);
    if (c.faults.length > 0) {
      throw new Error(
        `${c.variant} ${c.kind} with ${c.taps} taps reported ${c.faults.length} fault(s): ` +
          `${c.faults[0]!.message}. The measurement is not valid.`,
      );
    }
  }
  return cases.map((c) => {
    const nsPerCall = summarize(c.samples);
    return {
      kind: c.kind,
      taps: c.taps,
      variant: c.variant,
      callsPerRound: c.callsPerRound,
      nsPerCall,
      nsPerTap: c.taps > 0 ? nsPerCall.median / c.taps : null,
    };
  });
}

/** The figure of one case. */
export function find(rows: readonly DispatchRow[], kind: Kind, taps: number, variant: Variant) {
  const row = rows.find((r) => r.kind === kind && r.taps === taps && r.variant === variant);
  if (!row) throw new Error(`No result for ${variant} ${kind} with ${taps} taps.`);
  return row;
}

/** Rows for the printed table: one line per (kind, taps), the three variants side by side. */
export function dispatchTable(rows: readonly DispatchRow[]): {
  headers: string[];
  rows: (string | number)[][];
} {
  const headers = [
    'hook',
    'taps',
    'plain ns/call',
    'raw ns/call',
    'guarded ns/call',
    'plain ns/tap',
    'raw ns/tap',
    'guarded ns/tap',
    'guarded/raw',
    'guarded p25-p75',
  ];
  const out: (string | number)[][] = [];
  for (const kind of KINDS) {
    for (const taps of TAP_COUNTS) {
      const [plain, raw, guarded] = VARIANTS.map((v) => find(rows, kind, taps, v));
      const perTap = (r: DispatchRow) => (r.nsPerTap === null ? '-' : round(r.nsPerTap).toFixed(1));
      out.push([
        kind,
        taps,
        round(plain!.nsPerCall.median),
        round(raw!.nsPerCall.median),
        round(guarded!.nsPerCall.median),
        perTap(plain!),
        perTap(raw!),
        perTap(guarded!),
        (guarded!.nsPerCall.median / raw!.nsPerCall.median).toFixed(2),
        `${Math.round(guarded!.nsPerCall.p25)}-${Math.round(guarded!.nsPerCall.p75)}`,
      ]);
    }
  }
  return { headers, rows: out };
}
