/**
 * Idle case of the chat benchmark: N visitor sockets that each said `hello`, held open while
 * heartbeats run, first against a bare `ws` server (the ceiling), then against Switchboard. The
 * figure is the server's RSS growth per socket (VmRSS of /proc/<pid>/status before the sockets
 * open, and over the second half of the hold); Switchboard is reported as a ratio of the bare
 * server's. Every socket must still be open at the end, and must have seen heartbeats.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { round } from './lib.js';
import { split, startBare, startLoaders, stopAll } from './support/fleet.js';
import type { Worker } from './support/ipc.js';
import { descriptorLimit, openDescriptors, rssKiB } from './support/processes.js';
import { createVisitors, defaultEmbedKey, Rest } from './support/rest.js';
import { SwitchboardServer } from './support/switchboard-server.js';

export interface IdleOptions {
  /** Idle sockets to hold. */
  readonly connections: number;
  /** Load generator processes the sockets are split over. */
  readonly loaders: number;
  /** How long the sockets are held once all are open, ms. */
  readonly holdMs: number;
  readonly heartbeatMs: number;
  /** RSS sample interval during the hold, ms. */
  readonly sampleMs: number;
  /** Sockets each load generator opens at a time. */
  readonly connectConcurrency: number;
}

/** One server's figures. */
export interface IdleServerResult {
  readonly server: 'bare-ws' | 'switchboard';
  readonly connections: number;
  readonly opened: number;
  readonly openMs: number;
  /** Still open at the end of the hold, per the load generators. */
  readonly openAtEnd: number;
  readonly unexpectedCloses: number;
  /** Heartbeat frames and pings received per socket during the hold. */
  readonly heartbeatsPerSocket: number;
  readonly pingsPerSocket: number;
  readonly rssBeforeKiB: number;
  /** Median of the RSS samples over the second half of the hold. */
  readonly rssAfterKiB: number;
  readonly rssPeakKiB: number;
  readonly perConnectionKiB: number;
  /** Open descriptors at the end of the hold: the server, then each load generator. */
  readonly descriptors: { readonly server: number; readonly loaders: readonly number[] };
}

export interface IdleResult {
  readonly options: IdleOptions;
  readonly descriptorLimit: number;
  /** How long creating the visitor sessions over REST took (before any measurement). */
  readonly sessionSetupMs: number;
  readonly bare: IdleServerResult;
  readonly switchboard: IdleServerResult;
  /** Switchboard's KiB per connection over the bare server's. */
  readonly ratio: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** RSS now, as the median of three samples 100 ms apart (after a moment of quiet). */
async function settledRss(pid: number): Promise<number> {
  await sleep(1500);
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(rssKiB(pid));
    await sleep(100);
  }
  return median(samples);
}

interface IdleStats {
  open: number;
  heartbeats: number;
  pings: number;
  unexpectedCloses: number;
  closeCodes: Record<string, number>;
}

async function loaderStats(loaders: readonly Worker[]): Promise<IdleStats> {
  const all = await Promise.all(loaders.map((l) => l.call<IdleStats>('idle-stats')));
  return all.reduce(
    (a, b) => ({
      open: a.open + b.open,
      heartbeats: a.heartbeats + b.heartbeats,
      pings: a.pings + b.pings,
      unexpectedCloses: a.unexpectedCloses + b.unexpectedCloses,
      closeCodes: { ...a.closeCodes, ...b.closeCodes },
    }),
    { open: 0, heartbeats: 0, pings: 0, unexpectedCloses: 0, closeCodes: {} },
  );
}

/** Opens the sockets (hello data per socket), holds them, and measures the server `pid`. */
async function holdSockets(
  server: IdleServerResult['server'],
  pid: number,
  url: string,
  hellos: Record<string, unknown>[],
  loaders: readonly Worker[],
  options: IdleOptions,
  log: (line: string) => void,
): Promise<IdleServerResult> {
  const rssBeforeKiB = await settledRss(pid);
  const parts = split(hellos, loaders.length);
  const started = Date.now();
  const opens = await Promise.all(
    parts.map((part, i) =>
      loaders[i]!.call<{ opened: number; failures: number; firstFailure: string | null }>(
        'idle-open',
        {
          url,
          hellos: part,
          concurrency: options.connectConcurrency,
        },
      ),
    ),
  );
  const openMs = Date.now() - started;
  const opened = opens.reduce((n, o) => n + o.opened, 0);
  if (opened !== hellos.length) {
    const failure = opens.find((o) => o.firstFailure)?.firstFailure;
    throw new Error(
      `${server}: only ${opened} of ${hellos.length} sockets opened; first failure: ${failure}`,
    );
  }
  log(
    `  ${server}: ${opened} sockets open and past hello in ${round(openMs / 1000, 1)} s; holding ${options.holdMs / 1000} s`,
  );
  const before = await loaderStats(loaders);
  const samples: { at: number; kib: number }[] = [];
  const holdStart = Date.now();
  while (Date.now() - holdStart < options.holdMs) {
    samples.push({ at: Date.now() - holdStart, kib: rssKiB(pid) });
    await sleep(options.sampleMs);
  }
  const after = await loaderStats(loaders);
  const descriptors = {
    server: openDescriptors(pid),
    loaders: loaders.map((l) => openDescriptors(l.pid)),
  };
  const lateHalf = samples.filter((s) => s.at >= options.holdMs / 2).map((s) => s.kib);
  const rssAfterKiB = median(lateHalf);
  const result: IdleServerResult = {
    server,
    connections: hellos.length,
    opened,
    openMs,
    openAtEnd: after.open,
    unexpectedCloses: after.unexpectedCloses,
    heartbeatsPerSocket: round((after.heartbeats - before.heartbeats) / hellos.length, 2),
    pingsPerSocket: round((after.pings - before.pings) / hellos.length, 2),
    rssBeforeKiB,
    rssAfterKiB,
    rssPeakKiB: Math.max(...samples.map((s) => s.kib)),
    perConnectionKiB: round((rssAfterKiB - rssBeforeKiB) / hellos.length, 2),
    descriptors,
  };
  await Promise.all(loaders.map((l) => l.call('close-all')));
  if (result.openAtEnd !== hellos.length) {
    throw new Error(
      `${server}: ${hellos.length - result.openAtEnd} sockets closed during the hold ` +
        `(close codes ${JSON.stringify(after.closeCodes)}); the figures are not valid.`,
    );
  }
  return result;
}

/** Checks that every process can hold its share of sockets under the descriptor limit. */
function checkDescriptors(options: IdleOptions, limit: number): void {
  const perLoader = Math.ceil(options.connections / options.loaders);
  // A few dozen descriptors for Node itself, the database and the IPC channel.
  const margin = 200;
  const problems: string[] = [];
  if (options.connections + margin > limit) {
    problems.push(`the server would hold ${options.connections} sockets`);
  }
  if (perLoader + margin > limit) problems.push(`each load generator would hold ${perLoader}`);
  if (problems.length > 0) {
    throw new Error(
      `The descriptor limit (ulimit -n) is ${limit}, but ${problems.join(' and ')}. ` +
        'Use fewer --connections or more --idle-loaders.',
    );
  }
}

/**
 * The idle case. `configPath` is a migrated Switchboard config; sessions are created on a first
 * server process, which is then replaced by a fresh one for the measurement, so the baseline RSS
 * holds no garbage of the setup.
 */
export async function measureIdle(
  configPath: string,
  options: IdleOptions,
  log: (line: string) => void,
): Promise<IdleResult> {
  const limit = descriptorLimit();
  checkDescriptors(options, limit);
  let loaders: Worker[] = [];
  let server: SwitchboardServer | null = null;
  try {
    loaders = await startLoaders(options.loaders);

    log(`  creating ${options.connections} visitor sessions over REST...`);
    const setupStarted = Date.now();
    server = await SwitchboardServer.start(configPath);
    const rest = new Rest(server.url);
    const embedKey = await defaultEmbedKey(rest, server.adminToken);
    const sessions = await createVisitors(rest, embedKey, options.connections);
    rest.close();
    await server.stop();
    server = null;
    const sessionSetupMs = Date.now() - setupStarted;

    const bare = await startBare({ mode: 'idle', heartbeatMs: options.heartbeatMs });
    let bareResult: IdleServerResult;
    try {
      const hellos = sessions.map((_, i) => ({ token: `bare-visitor-${i}` }));
      bareResult = await holdSockets('bare-ws', bare.pid, bare.url, hellos, loaders, options, log);
    } finally {
      await stopAll([bare.worker]);
    }

    server = await SwitchboardServer.start(configPath);
    const hellos = sessions.map((s) => ({ token: s.token }));
    const sbResult = await holdSockets(
      'switchboard',
      server.pid,
      server.wsUrl,
      hellos,
      loaders,
      options,
      log,
    );
    return {
      options,
      descriptorLimit: limit,
      sessionSetupMs,
      bare: bareResult,
      switchboard: sbResult,
      ratio: round(sbResult.perConnectionKiB / bareResult.perConnectionKiB, 3),
    };
  } finally {
    await server?.stop();
    await stopAll(loaders);
  }
}
