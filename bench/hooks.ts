/**
 * The hooks benchmark (`npm run bench`): guarded hook dispatch against raw tapable and a plain
 * loop, then the server's cold start. Prints tables and PASS/FAIL per goal, writes
 * bench/results/hooks-<timestamp>.json and (full runs only) bench/results/latest-hooks.json, and
 * exits 1 when a goal is missed.
 *
 * Options: --quick (fewer rounds and starts, for a smoke run), --only=dispatch|cold-start.
 * Run through scripts/bench.sh, which builds first: the kernel is measured from core/dist.
 */
import { parseArgs } from 'node:util';
import { measureColdStart, type ColdStartResult } from './cold-start.js';
import {
  dispatchTable,
  find,
  KINDS,
  measureDispatch,
  TAP_COUNTS,
  TAPABLE_VERSION,
  type DispatchRow,
} from './dispatch.js';
import {
  environment,
  goal,
  loadPerCpu,
  printGoals,
  printTable,
  round,
  writeResults,
  type Goal,
  type Summary,
} from './lib.js';

/** Goals from the issue. */
const LIMITS = {
  /** Guarded dispatch at 10 taps, relative to raw tapable. */
  guardedOverRawAt10: 1.5,
  /** Guarded dispatch, ns per tap at any tap count. */
  guardedNsPerTap: 1000,
  /** Spawn to first healthy response, median. */
  coldStartMs: 1000,
};

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
if (args.only !== undefined && !['dispatch', 'cold-start'].includes(args.only)) {
  console.error(`--only takes "dispatch" or "cold-start", not "${args.only}".`);
  process.exit(2);
}
const runDispatch = args.only !== 'cold-start';
const runColdStart = args.only !== 'dispatch';

const dispatchOptions = args.quick
  ? { warmupRounds: 2, rounds: 5, tapsPerRound: 10_000, minCalls: 200 }
  : { warmupRounds: 10, rounds: 50, tapsPerRound: 20_000, minCalls: 200 };
const coldStartOptions = { runs: args.quick ? 2 : 5, pollMs: 5, timeoutMs: 30_000 };

function dispatchGoals(rows: readonly DispatchRow[]): Goal[] {
  const goals: Goal[] = [];
  for (const kind of KINDS) {
    const guarded = find(rows, kind, 10, 'guarded').nsPerCall.median;
    const raw = find(rows, kind, 10, 'raw').nsPerCall.median;
    goals.push(
      goal(
        `${kind}-guarded-vs-raw-10`,
        `${kind}: guarded / raw tapable at 10 taps`,
        guarded / raw,
        LIMITS.guardedOverRawAt10,
        'x',
      ),
    );
  }
  for (const kind of KINDS) {
    const perTap = TAP_COUNTS.filter((n) => n > 0).map((n) => ({
      n,
      ns: find(rows, kind, n, 'guarded').nsPerTap!,
    }));
    const worst = perTap.reduce((a, b) => (b.ns > a.ns ? b : a));
    goals.push(
      goal(
        `${kind}-guarded-ns-per-tap`,
        `${kind}: guarded ns per tap (worst of ${perTap.map((p) => p.n).join('/')} taps: ${worst.n})`,
        worst.ns,
        LIMITS.guardedNsPerTap,
        'ns',
      ),
    );
  }
  return goals;
}

function jsonSummary(s: Summary): Record<string, number> {
  return {
    median: round(s.median),
    p25: round(s.p25),
    p75: round(s.p75),
    min: round(s.min),
    max: round(s.max),
    n: s.n,
  };
}

const startedAt = new Date().toISOString();
const env = environment();
console.log(
  `switchboard hooks benchmark: node ${env.node}, ${env.cpuCount} x ${env.cpuModel}, ` +
    `tapable ${TAPABLE_VERSION}, load average ${env.loadAverage1m}`,
);
const busy = () => {
  if (loadPerCpu() > 0.5) {
    console.log(
      `Note: the machine is busy (load ${round(loadPerCpu() * 100, 0)}% of its CPUs); ` +
        'figures are noisier and slower than on an idle machine.',
    );
  }
};
busy();

const goals: Goal[] = [];
let dispatch: DispatchRow[] | null = null;
let coldStart: ColdStartResult | null = null;

if (runDispatch) {
  const { warmupRounds, rounds, tapsPerRound } = dispatchOptions;
  console.log(
    `\nHook dispatch, warm: ${warmupRounds} warm-up + ${rounds} timed rounds of ~${tapsPerRound} ` +
      'tap calls per case; median ns per awaited call.',
  );
  dispatch = await measureDispatch(dispatchOptions);
  const table = dispatchTable(dispatch);
  printTable(table.headers, table.rows);
  goals.push(...dispatchGoals(dispatch));
}

if (runColdStart) {
  console.log(
    `\nCold start: spawn \`switchboard start\` to first 200 of /api/v1/health, ` +
      `${coldStartOptions.runs} runs, migrated sqlite, polled every ${coldStartOptions.pollMs} ms.`,
  );
  coldStart = await measureColdStart(coldStartOptions);
  const ms = (v: number) => round(v, 1);
  printTable(
    ['measure', 'median ms', 'min ms', 'max ms', 'runs ms'],
    [
      [
        `switchboard start (plugins: ${coldStart.plugins.join(', ') || 'none'})`,
        ms(coldStart.startMs.median),
        ms(coldStart.startMs.min),
        ms(coldStart.startMs.max),
        coldStart.runsMs.map((v) => ms(v)).join(' '),
      ],
      [
        'for reference: node -e 0',
        ms(coldStart.nodeBaselineMs.median),
        ms(coldStart.nodeBaselineMs.min),
        ms(coldStart.nodeBaselineMs.max),
        '',
      ],
      [
        'for reference: node importing commander + @switchboard/core only',
        ms(coldStart.importOnlyMs.median),
        ms(coldStart.importOnlyMs.min),
        ms(coldStart.importOnlyMs.max),
        '',
      ],
    ],
  );
  goals.push(
    goal(
      'cold-start-ms',
      'cold start to first healthy response (median)',
      coldStart.startMs.median,
      LIMITS.coldStartMs,
      'ms',
    ),
  );
}

busy();
console.log('\nGoals:');
printGoals(goals);
const pass = goals.every((g) => g.pass);

// Only a full run replaces latest-hooks.json, so it always holds every figure, comparably measured.
const complete = runDispatch && runColdStart && !args.quick;
const paths = writeResults(
  'hooks',
  {
    benchmark: 'hooks',
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: { ...env, tapable: TAPABLE_VERSION, loadPerCpuAtEnd: round(loadPerCpu(), 2) },
    options: { quick: args.quick, dispatch: dispatchOptions, coldStart: coldStartOptions },
    dispatch: dispatch?.map((r) => ({
      kind: r.kind,
      taps: r.taps,
      variant: r.variant,
      callsPerRound: r.callsPerRound,
      nsPerCall: jsonSummary(r.nsPerCall),
      nsPerTap: r.nsPerTap === null ? null : round(r.nsPerTap),
    })),
    coldStart: coldStart && {
      plugins: coldStart.plugins,
      pluginDirs: coldStart.pluginDirs,
      runsMs: coldStart.runsMs.map((v) => round(v)),
      startMs: jsonSummary(coldStart.startMs),
      nodeBaselineMs: jsonSummary(coldStart.nodeBaselineMs),
      importOnlyMs: jsonSummary(coldStart.importOnlyMs),
      pollMs: coldStart.pollMs,
    },
    goals: goals.map((g) => ({ ...g, value: round(g.value, 3) })),
    pass,
  },
  complete,
);
console.log(`\nResults: ${paths.map((p) => p.replace(`${process.cwd()}/`, '')).join(', ')}`);
process.exitCode = pass ? 0 : 1;
