/**
 * The chat-core benchmark (`npm run bench`, GitHub issue 4): Switchboard over loopback
 * WebSockets, with the client load in separate processes, next to the ceiling of this stack
 * measured in the same run (a bare `ws` server holding the same idle sockets, and a bare `ws`
 * relay doing the same durable sqlite insert per message). Three figures, each with its goal:
 *
 * - idle: N visitor sockets past `hello` with heartbeats running; server RSS per connection,
 *   at most 2x the bare server's;
 * - saturation: messages/s stored (committed) before delivery, acked and delivered, at least
 *   60 % of the bare relay's;
 * - latency: at 5,000 messages/s offered open-loop, end-to-end p50/p90/p99; p99 under 25 ms.
 *
 * Prints tables and PASS/FAIL per goal, writes bench/results/chat-<timestamp>.json and, for a
 * full run (no --quick, --only or --cpu-prof), bench/results/latest-chat.json; exits 1 when a
 * goal is missed. Run through scripts/bench.sh, which builds first (the server runs core/dist).
 *
 * Options: --quick, --only=idle|messages|saturation|latency, --connections=N, --pairs=N,
 * --window=N, --rate=N, --loaders=N, --idle-loaders=N, --synchronous=normal|full, --cpu-prof.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { measureIdle, type IdleOptions, type IdleResult } from './chat-idle.js';
import { measureMessages, type MessagesOptions, type MessagesResult } from './chat-messages.js';
import {
  environment,
  goal,
  loadPerCpu,
  printGoals,
  printTable,
  REPO_ROOT,
  RESULTS_DIR,
  round,
  writeResults,
  type Goal,
} from './lib.js';
import { summarizeProfile, type ProfileSummary } from './support/cpu-profile.js';
import { descriptorLimit } from './support/processes.js';
import { atLeast, atMost, jsonGoal } from './support/stats.js';
import { SwitchboardServer, writeServerConfig } from './support/switchboard-server.js';

/** Goals of the issue. */
const GOALS = {
  idleConnections: 15_000,
  /** Switchboard's RSS per idle connection over the bare server's. */
  memoryRatio: 2,
  /** Switchboard's saturated msgs/s over the bare relay's. */
  throughputRatio: 0.6,
  latencyRate: 5_000,
  p99Ms: 25,
};

const ONLY = ['idle', 'messages', 'saturation', 'latency'] as const;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    connections: { type: 'string' },
    pairs: { type: 'string' },
    window: { type: 'string' },
    rate: { type: 'string' },
    loaders: { type: 'string' },
    'idle-loaders': { type: 'string' },
    synchronous: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

if (args.only !== undefined && !(ONLY as readonly string[]).includes(args.only)) {
  fail(`--only takes one of ${ONLY.join(', ')}, not "${args.only}".`);
}
if (args.synchronous !== undefined && !['normal', 'full'].includes(args.synchronous)) {
  fail(`--synchronous takes "normal" or "full", not "${args.synchronous}".`);
}
function count(name: keyof typeof args, fallback: number): number {
  const raw = args[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    fail(`--${name} takes a positive integer, not "${String(raw)}".`);
  return value;
}

const quick = args.quick;
const only = args.only;
const runIdle = only === undefined || only === 'idle';
const runSaturation = only === undefined || only === 'messages' || only === 'saturation';
const runLatency = only === undefined || only === 'messages' || only === 'latency';
/** `null`: the config leaves `database.synchronous` out, so the server's default applies. */
const synchronousSetting = (args.synchronous ?? null) as 'normal' | 'full' | null;
const synchronous = synchronousSetting ?? 'normal';
const heartbeatMs = 5000;
const cpuProfile = args['cpu-prof'];
const profileDir = join(RESULTS_DIR, 'profiles');

const idleOptions: IdleOptions = {
  connections: count('connections', quick ? 2000 : GOALS.idleConnections),
  loaders: count('idle-loaders', 2),
  holdMs: quick ? 11_000 : 21_000,
  heartbeatMs,
  sampleMs: 500,
  connectConcurrency: 64,
};

const messagesOptions: MessagesOptions = {
  pairs: count('pairs', quick ? 20 : 50),
  window: count('window', 16),
  loaders: count('loaders', 1),
  bodyBytes: 64,
  saturation: runSaturation
    ? quick
      ? { rounds: 1, warmupMs: 1500, measureMs: 3000 }
      : { rounds: 3, warmupMs: 2000, measureMs: 5000 }
    : null,
  latency: runLatency
    ? {
        rate: count('rate', GOALS.latencyRate),
        ...(quick ? { warmupMs: 1500, measureMs: 4000 } : { warmupMs: 3000, measureMs: 10_000 }),
      }
    : null,
  drainMs: 20_000,
  heartbeatMs,
  synchronous,
  profileFile: cpuProfile
    ? join(
        profileDir,
        `switchboard-saturation-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
      )
    : null,
};

const startedAt = new Date().toISOString();
const env = environment();
console.log(
  `switchboard chat benchmark: node ${env.node}, ${env.cpuCount} x ${env.cpuModel}, ` +
    `load average ${env.loadAverage1m}, descriptor limit ${descriptorLimit()}`,
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

const dir = mkdtempSync(join(tmpdir(), 'switchboard-chat-bench-'));
const described = writeServerConfig(dir, { synchronous: synchronousSetting, heartbeatMs });
console.log(
  `Server: \`switchboard start\` (apps/server CLI), sqlite file in ${dir}, WAL, ` +
    `synchronous=${described.synchronous}${synchronousSetting ? '' : ' (the default)'}, ` +
    `plugins: ${described.plugins.join(', ') || 'none'}; realtime.heartbeatMs ${heartbeatMs}. ` +
    'Bare servers: ws 8 (and sqlite3 for the relay), same sqlite settings. ' +
    'Load generators: separate Node processes.',
);
if (cpuProfile) {
  mkdirSync(profileDir, { recursive: true });
  console.log(
    `--cpu-prof: a CPU profile of the Switchboard server over its saturation rounds goes to ` +
      `${relative(REPO_ROOT, messagesOptions.profileFile!)} (figures are slower while profiling).`,
  );
}

const log = (line: string) => console.log(line);
const ms = (v: number | null) => (v === null ? 'lost' : round(v, 2).toFixed(2));
const goals: Goal[] = [];
let idle: IdleResult | null = null;
let messages: MessagesResult | null = null;
let profile: ProfileSummary | null = null;

try {
  SwitchboardServer.migrate(described.configPath);

  if (runIdle) {
    const o = idleOptions;
    console.log(
      `\nIdle: ${o.connections} visitor sockets past hello (split over ${o.loaders} load generators), ` +
        `heartbeat every ${o.heartbeatMs / 1000} s, held ${o.holdMs / 1000} s; ` +
        'server RSS (VmRSS) before the sockets open and over the second half of the hold.',
    );
    idle = await measureIdle(described.configPath, o, log);
    const row = (r: IdleResult['bare']) => [
      r.server,
      r.openAtEnd,
      round(r.openMs / 1000, 1),
      r.heartbeatsPerSocket,
      round(r.rssBeforeKiB / 1024, 1),
      round(r.rssAfterKiB / 1024, 1),
      round(r.rssPeakKiB / 1024, 1),
      r.perConnectionKiB,
      r.descriptors.server,
    ];
    printTable(
      [
        'server',
        'sockets',
        'open s',
        'beats/socket',
        'RSS before MiB',
        'RSS after MiB',
        'peak MiB',
        'KiB/socket',
        'server fds',
      ],
      [row(idle.bare), row(idle.switchboard)],
    );
    console.log(`Switchboard / bare: ${idle.ratio.toFixed(2)}x per connection.`);
    const required = quick ? o.connections : GOALS.idleConnections;
    goals.push(
      atLeast(
        'idle-connections',
        `idle: visitor sockets held with heartbeats in one process${quick ? ' (quick run)' : ''}`,
        idle.switchboard.openAtEnd,
        required,
        'sockets',
      ),
      atMost(
        'idle-memory-ratio',
        'idle: RSS per connection, Switchboard / bare ws (at most)',
        idle.ratio,
        GOALS.memoryRatio,
        'x',
      ),
    );
  }

  if (runSaturation || runLatency) {
    const o = messagesOptions;
    console.log(
      `\nMessages: ${o.pairs} conversations, each a visitor socket sending ${o.bodyBytes}-byte ` +
        `messages and an agent socket receiving them; ${o.loaders} load generator(s).`,
    );
    messages = await measureMessages(dir, described.configPath, o, log);
    if (messages.saturation) {
      const s = messages.saturation;
      console.log(
        `\nSaturation: closed loop, ${o.window} sends in flight per visitor; a message counts once ` +
          'stored, acked to its visitor and delivered to its agent.',
      );
      printTable(
        ['server', 'round', 'msgs/s', 'server CPU %', 'load gen CPU %', 'p50 ms', 'p99 ms'],
        s.rounds.map((r) => [
          r.target,
          r.round,
          r.perSecond,
          r.serverCpuPercent,
          r.loaderCpuPercent,
          ms(r.latency.p50),
          ms(r.latency.p99),
        ]),
      );
      console.log(
        `Median: bare relay ${s.medianPerSecond['bare-relay']} msgs/s, Switchboard ` +
          `${s.medianPerSecond.switchboard} msgs/s: ${(s.ratio * 100).toFixed(1)} % of the bare relay.`,
      );
      goals.push(
        atLeast(
          'saturation-ratio',
          'saturation: stored+relayed msgs/s, Switchboard / bare relay (at least)',
          s.ratio,
          GOALS.throughputRatio,
          'x',
        ),
      );
    }
    if (messages.latency) {
      console.log(
        `\nLatency: open loop at a fixed total rate, scheduled by the wall clock; from the scheduled ` +
          'send time to the agent receiving message.created; undelivered messages count as lost. ' +
          'When Switchboard cannot carry the goal rate, a reference run at half its sustained rate comes first.',
      );
      printTable(
        [
          'server',
          'msgs/s',
          'scheduled',
          'delivered',
          'p50 ms',
          'p90 ms',
          'p99 ms',
          'max ms',
          'closed pairs',
          'server CPU %',
          'send lag ms',
        ],
        messages.latency.map((r) => [
          r.target,
          r.rate,
          r.scheduled,
          r.delivered,
          ms(r.latency.p50),
          ms(r.latency.p90),
          ms(r.latency.p99),
          ms(r.latency.max),
          r.closedPairs,
          r.serverCpuPercent,
          r.maxSendLagMs,
        ]),
      );
      const sb = messages.latency.find((r) => r.target === 'switchboard' && r.goalRate)!;
      goals.push(
        goal(
          'latency-p99',
          `latency: Switchboard end-to-end p99 at ${sb.rate} msgs/s (under)`,
          sb.latency.p99 ?? Number.POSITIVE_INFINITY,
          GOALS.p99Ms,
          'ms',
        ),
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (messagesOptions.profileFile && existsSync(messagesOptions.profileFile)) {
  profile = summarizeProfile(messagesOptions.profileFile, 25);
  console.log(
    `\nSwitchboard server CPU profile over the saturation rounds (${relative(REPO_ROOT, profile.file)}): ` +
      `${profile.totalMs} ms recorded, ${profile.idleMs} ms idle (the bare relay's rounds among them), ` +
      `${profile.garbageCollectionMs} ms GC. Self time; busy time = 100 %:`,
  );
  printTable(
    ['self ms', '%', 'function'],
    profile.functions.map((f) => [f.selfMs, f.percent, f.name]),
  );
  console.log('');
  printTable(
    ['self ms', '%', 'file'],
    profile.files.slice(0, 15).map((f) => [f.selfMs, f.percent, f.name]),
  );
}

console.log(
  `\nDurability: sqlite in WAL mode with synchronous=${described.synchronous}. ` +
    (described.synchronous === 'FULL'
      ? 'Every commit is fsynced before it is acknowledged: a process crash or a power cut loses nothing acknowledged.'
      : 'A process crash loses nothing acknowledged (each commit is in the WAL file, in the OS page cache). ' +
        'A power cut or kernel crash can lose the transactions committed since the last WAL checkpoint ' +
        '(messages already acknowledged and delivered), but never corrupts the database.'),
);
busy();
console.log('\nGoals:');
printGoals(goals);
const pass = goals.every((g) => g.pass);

const complete = runIdle && runSaturation && runLatency && !quick && !cpuProfile;
const paths = writeResults(
  'chat',
  {
    benchmark: 'chat',
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: {
      ...env,
      descriptorLimit: descriptorLimit(),
      loadPerCpuAtEnd: round(loadPerCpu(), 2),
    },
    server: {
      command: 'node apps/server/bin/switchboard.js start --config <tmp>/switchboard.config.json',
      sqlite: {
        journalMode: 'WAL',
        synchronous: described.synchronous,
        configured: synchronousSetting,
      },
      plugins: described.plugins,
      heartbeatMs,
    },
    options: { quick, only: only ?? null, cpuProfile },
    idle,
    messages,
    profile,
    goals: goals.map(jsonGoal),
    pass,
  },
  complete,
);
console.log(`\nResults: ${paths.map((p) => relative(process.cwd(), p)).join(', ')}`);
process.exitCode = pass ? 0 : 1;
