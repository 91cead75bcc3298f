/**
 * Message cases of the chat benchmark, against a bare `ws` relay (the ceiling: parse, durable
 * sqlite insert with group commit, ack, relay) and against Switchboard, with the same pairs of
 * sockets, the same frames and the same load generators:
 *
 * - Saturation: each visitor keeps `window` `conversation.send` frames in flight (closed loop);
 *   a message counts when it is acked to its visitor AND delivered to its agent as
 *   `message.created`. Rounds alternate between the two servers so drift hits both alike.
 * - Latency: open loop at a fixed total rate, scheduled by the wall clock; end-to-end latency is
 *   from the scheduled send time to the agent's `message.created` (a late sender cannot hide a
 *   slow server). Messages that never arrive count as infinitely late.
 *
 * Switchboard's agents pick their conversations over REST once their sockets are open, so the
 * gateway subscribes them; a first message per pair checks the wiring before anything is timed.
 */
import { join } from 'node:path';
import { round } from './lib.js';
import { split, startBare, startLoaders, stopAll, type BareServer } from './support/fleet.js';
import type { Worker } from './support/ipc.js';
import { InspectorSession } from './support/inspector.js';
import { cpuMs } from './support/processes.js';
import {
  assignedAgent,
  createAgents,
  createVisitors,
  defaultEmbedKey,
  inParallel,
  pick,
  requestChat,
  Rest,
} from './support/rest.js';
import { percentiles, type Percentiles } from './support/stats.js';
import { SwitchboardServer } from './support/switchboard-server.js';

export type Target = 'bare-relay' | 'switchboard';
export const TARGETS: readonly Target[] = ['bare-relay', 'switchboard'];

export interface MessagesOptions {
  /** Conversations, each with one visitor socket (sending) and one agent socket (receiving). */
  readonly pairs: number;
  /** Sends in flight per visitor socket in the saturation case. */
  readonly window: number;
  readonly loaders: number;
  readonly bodyBytes: number;
  readonly saturation: {
    readonly rounds: number;
    readonly warmupMs: number;
    readonly measureMs: number;
  } | null;
  readonly latency: {
    /** Offered messages per second, all sockets together. */
    readonly rate: number;
    readonly warmupMs: number;
    readonly measureMs: number;
  } | null;
  /** Longest wait for in-flight messages after a run, ms. */
  readonly drainMs: number;
  readonly heartbeatMs: number;
  readonly synchronous: 'normal' | 'full';
  /**
   * When set, a CPU profile of the Switchboard server over its saturation rounds is written to
   * this file (`.cpuprofile`).
   */
  readonly profileFile: string | null;
}

/** What one saturation round of one target measured. */
export interface SaturationRound {
  readonly target: Target;
  readonly round: number;
  /** Messages stored, acked and delivered per second over the measured window. */
  readonly perSecond: number;
  readonly completed: number;
  readonly errors: number;
  readonly outOfOrder: number;
  /** Server CPU over the round (main thread and sqlite thread together), % of one core. */
  readonly serverCpuPercent: number;
  readonly loaderCpuPercent: number;
  /** Send to delivery in the closed loop (queueing included). */
  readonly latency: Percentiles;
}

export interface LatencyRun {
  readonly target: Target;
  /** Offered msgs/s; `goalRate` false marks the reference run at half the sustained rate. */
  readonly rate: number;
  readonly goalRate: boolean;
  readonly scheduled: number;
  readonly delivered: number;
  readonly errors: number;
  /** Deliveries out of send order (or repeated) on an agent socket. */
  readonly outOfOrder: number;
  /** Sockets that closed during the run (e.g. cut for having too many frames in flight). */
  readonly closedPairs: number;
  readonly maxSendLagMs: number;
  readonly serverCpuPercent: number;
  readonly latency: Percentiles;
}

export interface MessagesResult {
  readonly options: MessagesOptions;
  readonly setupMs: number;
  readonly saturation: {
    readonly rounds: readonly SaturationRound[];
    /** Median msgs/s of the rounds, per target. */
    readonly medianPerSecond: Readonly<Record<Target, number>>;
    /** Switchboard's median over the bare relay's. */
    readonly ratio: number;
  } | null;
  readonly latency: readonly LatencyRun[] | null;
}

interface PairSpec {
  conversationId: string;
  visitorHello: Record<string, unknown>;
  agentHello: Record<string, unknown>;
}

interface LoaderTotals {
  sent: number;
  acked: number;
  delivered: number;
  errors: number;
  outOfOrder: number;
  firstError: string | null;
  closedPairs: number;
  drained: boolean;
  latencies: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
}

/** Calls `command` on every loader with its share and sums what they report. */
async function onAll<T extends LoaderTotals>(
  loaders: readonly Worker[],
  command: string,
  input: Record<string, unknown>,
): Promise<T[]> {
  return Promise.all(loaders.map((l) => l.call<T>(command, input)));
}

function checkRun(target: Target, what: string, parts: readonly LoaderTotals[]): void {
  const errors = parts.reduce((n, p) => n + p.errors, 0);
  if (errors > 0) {
    const first = parts.find((p) => p.firstError)?.firstError;
    throw new Error(`${target} ${what}: ${errors} sends were refused; first: ${first}`);
  }
}

/**
 * Switchboard's pairs: one agent per conversation. Each agent has capacity 1, so whoever routes
 * the chats (the ACD plugin when configured, or the agents picking from the queue) gives every
 * agent exactly one; the agent's socket then watches it from `hello` on (`resume` from seq 0).
 */
async function switchboardPairs(
  server: SwitchboardServer,
  pairs: number,
): Promise<{ specs: PairSpec[]; routed: number }> {
  const rest = new Rest(server.url);
  try {
    const embedKey = await defaultEmbedKey(rest, server.adminToken);
    const agents = await createAgents(rest, server.adminToken, pairs, `agent-${Date.now()}`, 1);
    const visitors = await createVisitors(rest, embedKey, pairs);
    const conversations = await inParallel(pairs, 8, (i) => requestChat(rest, visitors[i]!.token));
    const owner = new Map<string, string>();
    await inParallel(pairs, 8, async (i) => {
      const agentId = await assignedAgent(rest, server.adminToken, conversations[i]!);
      if (agentId) owner.set(conversations[i]!, agentId);
    });
    // Chats nobody was routed: the agents still free pick them, one each.
    const routed = owner.size;
    const busy = new Set(owner.values());
    const free = agents.filter((a) => !busy.has(a.userId));
    for (const conversationId of conversations) {
      while (!owner.has(conversationId)) {
        const agent = free.shift();
        if (!agent) throw new Error(`No free agent left to pick ${conversationId}.`);
        if (await pick(rest, agent.token, conversationId)) owner.set(conversationId, agent.userId);
        else {
          // Routed meanwhile: its agent is no longer free; ours still is.
          const agentId = await assignedAgent(rest, server.adminToken, conversationId);
          if (agentId) {
            owner.set(conversationId, agentId);
            const taken = free.findIndex((a) => a.userId === agentId);
            if (taken >= 0) free.splice(taken, 1);
          }
          if (agentId !== agent.userId) free.unshift(agent);
        }
      }
    }
    const tokenOf = new Map(agents.map((a) => [a.userId, a.token]));
    const specs = conversations.map((conversationId, i) => ({
      conversationId,
      visitorHello: { token: visitors[i]!.token },
      agentHello: {
        token: tokenOf.get(owner.get(conversationId)!)!,
        resume: { [conversationId]: 0 },
      },
    }));
    return { specs, routed };
  } finally {
    rest.close();
  }
}

function barePairs(pairs: number): PairSpec[] {
  return Array.from({ length: pairs }, (_, i) => {
    const conversationId = `cnv_bare_${i}`;
    return {
      conversationId,
      visitorHello: { token: `bare-visitor-${i}`, conversationId, role: 'visitor' },
      agentHello: { token: `bare-agent-${i}`, conversationId, role: 'agent' },
    };
  });
}

async function openPairs(
  loaders: readonly Worker[],
  target: Target,
  url: string,
  specs: readonly PairSpec[],
  bodyBytes: number,
): Promise<void> {
  const parts = split(specs, loaders.length);
  await Promise.all(
    parts.map((part, i) =>
      loaders[i]!.call('pairs-open', { target, url, pairs: part, concurrency: 8, bodyBytes }),
    ),
  );
}

async function checkPairs(loaders: readonly Worker[], target: Target): Promise<void> {
  const results = await Promise.all(
    loaders.map((l) =>
      l.call<{ ok: boolean; missingCount: number; missing: string[] } & LoaderTotals>(
        'pairs-check',
        {
          target,
          timeoutMs: 15_000,
        },
      ),
    ),
  );
  checkRun(target, 'wiring check', results);
  const missing = results.reduce((n, r) => n + r.missingCount, 0);
  if (missing > 0) {
    throw new Error(
      `${target}: ${missing} agents never received their visitor's first message ` +
        `(e.g. ${results
          .flatMap((r) => r.missing)
          .slice(0, 3)
          .join(', ')}).`,
    );
  }
}

/** CPU use of `pids` while `run` runs, in % of one core each. */
async function withCpu<T>(
  pids: readonly number[],
  run: () => Promise<T>,
): Promise<{ value: T; cpu: number[] }> {
  const before = pids.map(cpuMs);
  const started = Date.now();
  const value = await run();
  const wall = Math.max(1, Date.now() - started);
  return { value, cpu: pids.map((pid, i) => round(((cpuMs(pid) - before[i]!) / wall) * 100, 1)) };
}

async function openLoopRun(
  loaders: readonly Worker[],
  target: Target,
  pid: number,
  rate: number,
  warmupMs: number,
  measureMs: number,
  drainMs: number,
): Promise<Omit<LatencyRun, 'goalRate'>> {
  const { value: parts, cpu } = await withCpu([pid], () =>
    onAll<
      LoaderTotals & { scheduledInWindow: number; deliveredInWindow: number; maxSendLagMs: number }
    >(loaders, 'open-loop', { target, rate: rate / loaders.length, warmupMs, measureMs, drainMs }),
  );
  const scheduled = parts.reduce((n, p) => n + p.scheduledInWindow, 0);
  const delivered = parts.reduce((n, p) => n + p.deliveredInWindow, 0);
  return {
    target,
    rate,
    scheduled,
    delivered,
    errors: parts.reduce((n, p) => n + p.errors, 0),
    outOfOrder: parts.reduce((n, p) => n + p.outOfOrder, 0),
    closedPairs: parts.reduce((n, p) => n + p.closedPairs, 0),
    maxSendLagMs: round(Math.max(...parts.map((p) => p.maxSendLagMs)), 2),
    serverCpuPercent: cpu[0]!,
    latency: percentiles(
      parts.flatMap((p) => p.latencies),
      Math.max(0, scheduled - delivered),
    ),
  };
}

export async function measureMessages(
  dir: string,
  configPath: string,
  options: MessagesOptions,
  log: (line: string) => void,
): Promise<MessagesResult> {
  let loaders: Worker[] = [];
  let bare: BareServer | null = null;
  let server: SwitchboardServer | null = null;
  try {
    const setupStarted = Date.now();
    loaders = await startLoaders(options.loaders);
    bare = await startBare({
      mode: 'relay',
      heartbeatMs: options.heartbeatMs,
      database: join(dir, 'bare-relay.sqlite'),
      synchronous: options.synchronous,
    });
    server = await SwitchboardServer.start(configPath, { inspect: options.profileFile !== null });
    log(`  setting up ${options.pairs} conversations (visitor + agent each)...`);
    const { specs: sbSpecs, routed } = await switchboardPairs(server, options.pairs);
    log(
      `  ${routed} chats routed to agents by the server, ${options.pairs - routed} picked from the queue`,
    );
    await openPairs(loaders, 'switchboard', server.wsUrl, sbSpecs, options.bodyBytes);
    await checkPairs(loaders, 'switchboard');
    await openPairs(loaders, 'bare-relay', bare.url, barePairs(options.pairs), options.bodyBytes);
    await checkPairs(loaders, 'bare-relay');
    const setupMs = Date.now() - setupStarted;
    const pidOf = (target: Target) => (target === 'bare-relay' ? bare!.pid : server!.pid);
    const loaderPids = loaders.map((l) => l.pid);

    let saturation: MessagesResult['saturation'] = null;
    if (options.saturation) {
      const { rounds, warmupMs, measureMs } = options.saturation;
      const results: SaturationRound[] = [];
      const profiler = options.profileFile
        ? await InspectorSession.connect(server.inspectorUrl!)
        : null;
      await profiler?.startProfile();
      for (let r = 1; r <= rounds; r++) {
        for (const target of TARGETS) {
          const { value: parts, cpu } = await withCpu([pidOf(target), ...loaderPids], () =>
            onAll<LoaderTotals & { completedInWindow: number }>(loaders, 'saturate', {
              target,
              window: options.window,
              warmupMs,
              measureMs,
              drainMs: options.drainMs,
            }),
          );
          checkRun(target, 'saturation', parts);
          const completed = parts.reduce((n, p) => n + p.completedInWindow, 0);
          const row: SaturationRound = {
            target,
            round: r,
            perSecond: round((completed * 1000) / measureMs, 0),
            completed,
            errors: 0,
            outOfOrder: parts.reduce((n, p) => n + p.outOfOrder, 0),
            serverCpuPercent: cpu[0]!,
            loaderCpuPercent: round(
              cpu.slice(1).reduce((a, b) => a + b, 0),
              1,
            ),
            latency: percentiles(parts.flatMap((p) => p.latencies)),
          };
          results.push(row);
          log(
            `  saturation round ${r}, ${target}: ${row.perSecond} msgs/s ` +
              `(server CPU ${row.serverCpuPercent}%, load generators ${row.loaderCpuPercent}%)`,
          );
        }
      }
      if (profiler) {
        await profiler.stopProfile(options.profileFile!);
        profiler.close();
      }
      const medianPerSecond = Object.fromEntries(
        TARGETS.map((t) => [
          t,
          median(results.filter((r) => r.target === t).map((r) => r.perSecond)),
        ]),
      ) as Record<Target, number>;
      saturation = {
        rounds: results,
        medianPerSecond,
        ratio: round(medianPerSecond.switchboard / medianPerSecond['bare-relay'], 3),
      };
    }

    let latency: LatencyRun[] | null = null;
    if (options.latency) {
      const { rate, warmupMs, measureMs } = options.latency;
      // A server that cannot carry the goal rate is swamped by it (and cuts the sockets it cannot
      // serve): measure it first at half of what it sustained, so there is a figure to compare.
      const sustained = saturation?.medianPerSecond.switchboard ?? Number.POSITIVE_INFINITY;
      const rates =
        sustained < rate ? [Math.max(50, Math.round(sustained / 2 / 50) * 50), rate] : [rate];
      latency = [];
      // With --cpu-prof, the latency runs get a profile of their own (next to the saturation one).
      const profiler = options.profileFile
        ? await InspectorSession.connect(server.inspectorUrl!)
        : null;
      await profiler?.startProfile();
      for (const offered of rates) {
        for (const target of TARGETS) {
          const run = await openLoopRun(
            loaders,
            target,
            pidOf(target),
            offered,
            warmupMs,
            measureMs,
            options.drainMs,
          );
          latency.push({ ...run, goalRate: offered === rate });
          log(
            `  latency at ${offered} msgs/s, ${target}: p50 ${run.latency.p50 ?? 'lost'} ms, ` +
              `p99 ${run.latency.p99 ?? 'lost'} ms (${run.delivered}/${run.scheduled} delivered` +
              `${run.closedPairs ? `, ${run.closedPairs} pairs closed by the server` : ''})`,
          );
        }
      }
      if (profiler) {
        await profiler.stopProfile(options.profileFile!.replace('-saturation-', '-latency-'));
        profiler.close();
      }
    }

    return { options, setupMs, saturation, latency };
  } finally {
    await stopAll([...loaders, bare?.worker]);
    await server?.stop();
  }
}
