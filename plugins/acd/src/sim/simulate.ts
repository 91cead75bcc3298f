/**
 * Load simulator: a day of chats through the ACD's own routing code (the agent index and
 * `decide`, the very modules the plugin routes with), on a virtual clock with an in-memory store
 * in place of the kernel and its database, so an 8-hour day runs in well under a second.
 *
 *   npm run simulate -- --agents 20 --capacity 1 --arrivals-per-min 10 --handle-time-s 180 \
 *     --minutes 480 --seed 1 [--patience-s 120] [--sl-threshold-s 20] [--json]
 *
 * Arrivals are Poisson (exponential gaps, seeded), handle times exponential, patience (optional)
 * exponential: a visitor still waiting when it runs out leaves (abandonment). After every event
 * (arrival, chat ended, visitor gone) a routing pass runs as the kernel would start one: waiting
 * chats in queue order (priority, then longest waiting) each get the best agent with room, the
 * decision taken in memory exactly as in the plugin. Prints offered load, service level, average
 * speed of answer, abandonment and occupancy, next to Erlang C for the same parameters (each chat
 * slot counted as one server). What it leaves out (the database, HTTP, offers) is covered by the
 * plugin's tests and benchmark, not by this model.
 */
import { fileURLToPath } from 'node:url';
import { AgentIndex } from '../server/agent-index.js';
import { decide, type DecideOptions } from '../server/decide.js';
import { IndexedHeap } from '../server/indexed-heap.js';
import { erlangC, type ErlangC } from './erlang.js';

export interface SimOptions {
  readonly agents: number;
  readonly capacity: number;
  readonly arrivalsPerMin: number;
  readonly handleTimeS: number;
  readonly minutes: number;
  readonly seed: number;
  /** Mean patience; absent: visitors wait for ever. */
  readonly patienceS?: number;
  readonly slThresholdS: number;
}

export interface SimReport {
  readonly options: SimOptions;
  readonly offeredLoadErlangs: number;
  readonly servers: number;
  readonly arrivals: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly stillWaiting: number;
  /** Routing decisions taken (one per answered chat). */
  readonly decisions: number;
  readonly serviceLevel: number;
  readonly averageSpeedOfAnswerS: number;
  readonly abandonmentRate: number;
  readonly occupancy: number;
  readonly erlangC: ErlangC;
  readonly wallSeconds: number;
}

/** Mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const exp = (random: () => number, mean: number) => -Math.log(1 - random()) * mean;

interface Chat {
  readonly id: string;
  readonly seq: number;
  readonly arrivedAt: number;
  readonly handleMs: number;
  readonly patienceMs: number;
  readonly target: { readonly kind: 'any' };
  readonly priority: number;
  readonly waitingSince: number;
  readonly createdAt: number;
  answeredAt?: number;
  abandoned?: boolean;
}

interface Event {
  readonly at: number;
  readonly seq: number;
  readonly kind: 'arrival' | 'end' | 'patience';
  readonly chat: Chat;
  readonly agentId?: string;
}

/** The kernel's queue order: priority first, then longest waiting, then arrival. */
const queueOrder = (a: Chat, b: Chat) =>
  a.priority !== b.priority
    ? a.priority > b.priority
    : a.waitingSince !== b.waitingSince
      ? a.waitingSince < b.waitingSince
      : a.seq < b.seq;

export function simulate(o: SimOptions): SimReport {
  const wall = performance.now();
  const random = rng(o.seed);
  const start = Date.UTC(2026, 0, 5, 8); // a Monday, 08:00 UTC; only differences matter
  const end = start + o.minutes * 60_000;
  const options: DecideOptions = { mode: 'auto', decisionCandidates: 5 };

  const index = new AgentIndex();
  for (let i = 0; i < o.agents; i++) {
    index.add({
      agentId: `agent-${String(i).padStart(4, '0')}`,
      load: 0,
      capacity: o.capacity,
      since: start,
      skills: [],
      groups: [],
      departmentIds: [],
    });
  }
  const events = new IndexedHeap<Event>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  let seq = 0;
  const schedule = (e: Omit<Event, 'seq'>) => events.push({ ...e, seq: seq++ });
  const queue = new IndexedHeap<Chat>(queueOrder);
  const chats: Chat[] = [];
  let busyMs = 0;
  let decisions = 0;

  const meanGapMs = 60_000 / o.arrivalsPerMin;
  for (let next = start + exp(random, meanGapMs); next < end; next += exp(random, meanGapMs)) {
    const at = Math.floor(next);
    const chat: Chat = {
      id: `chat-${chats.length}`,
      seq: chats.length,
      arrivedAt: at,
      handleMs: exp(random, o.handleTimeS * 1000),
      patienceMs: o.patienceS === undefined ? Infinity : exp(random, o.patienceS * 1000),
      target: { kind: 'any' },
      priority: 0,
      waitingSince: at,
      createdAt: at,
    };
    chats.push(chat);
    schedule({ at, kind: 'arrival', chat });
  }

  /** A routing pass, as the kernel starts one after each event. */
  const route = (now: number) => {
    while (queue.size > 0 && !index.empty) {
      const chat = queue.peek()!;
      const decision = decide(index, chat, undefined, options, now, `d${decisions}`);
      // Every chat targets `any`: nobody for the head means nobody for any chat.
      if (!decision) break;
      decisions++;
      index.took(index.byId.get(decision.agentId)!, now);
      queue.remove(chat);
      chat.answeredAt = now;
      busyMs += Math.min(now + chat.handleMs, end) - now;
      schedule({ at: now + chat.handleMs, kind: 'end', chat, agentId: decision.agentId });
    }
  };

  while (events.size > 0) {
    const e = events.peek()!;
    if (e.at >= end) break;
    events.remove(e);
    if (e.kind === 'arrival') {
      queue.push(e.chat);
      if (Number.isFinite(e.chat.patienceMs)) {
        schedule({ at: e.chat.arrivedAt + e.chat.patienceMs, kind: 'patience', chat: e.chat });
      }
    } else if (e.kind === 'end') {
      index.release(e.agentId!, e.at);
    } else {
      if (e.chat.answeredAt !== undefined || !queue.has(e.chat)) continue;
      queue.remove(e.chat);
      e.chat.abandoned = true;
      continue;
    }
    route(e.at);
  }

  const servers = o.agents * o.capacity;
  const offered = (o.arrivalsPerMin / 60) * o.handleTimeS;
  const answered = chats.filter((c) => c.answeredAt !== undefined);
  const abandoned = chats.filter((c) => c.abandoned);
  const finished = answered.length + abandoned.length;
  const withinSl = answered.filter((c) => c.answeredAt! - c.arrivedAt <= o.slThresholdS * 1000);
  const asa =
    answered.reduce((s, c) => s + (c.answeredAt! - c.arrivedAt), 0) /
    Math.max(1, answered.length) /
    1000;
  return {
    options: o,
    offeredLoadErlangs: offered,
    servers,
    arrivals: chats.length,
    answered: answered.length,
    abandoned: abandoned.length,
    stillWaiting: chats.length - finished,
    decisions,
    serviceLevel: withinSl.length / Math.max(1, chats.length),
    averageSpeedOfAnswerS: asa,
    abandonmentRate: abandoned.length / Math.max(1, chats.length),
    occupancy: busyMs / (servers * (end - start)),
    erlangC: erlangC(offered, servers, o.handleTimeS, o.slThresholdS),
    wallSeconds: (performance.now() - wall) / 1000,
  };
}

export function parseArgs(argv: string[]): { options: SimOptions; json: boolean } {
  const values: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg.startsWith('--')) {
      const [k, v] = arg.slice(2).split('=');
      values[k!] = v ?? argv[++i] ?? '';
    } else throw new Error(`Unexpected argument "${arg}"; options read --name value.`);
  }
  const num = (k: string, d?: number) => {
    if (values[k] === undefined) return d;
    const n = Number(values[k]);
    if (!Number.isFinite(n) || n < 0)
      throw new Error(`--${k} needs a non-negative number, not "${values[k]}".`);
    return n;
  };
  const known = [
    'agents',
    'capacity',
    'arrivals-per-min',
    'handle-time-s',
    'minutes',
    'seed',
    'patience-s',
    'sl-threshold-s',
  ];
  for (const k of Object.keys(values))
    if (!known.includes(k))
      throw new Error(`Unknown option --${k} (known: ${known.join(', ')}, json).`);
  const patienceS = num('patience-s');
  return {
    json,
    options: {
      agents: num('agents', 20)!,
      capacity: num('capacity', 1)!,
      arrivalsPerMin: num('arrivals-per-min', 10)!,
      handleTimeS: num('handle-time-s', 180)!,
      minutes: num('minutes', 480)!,
      seed: num('seed', 1)!,
      ...(patienceS !== undefined ? { patienceS } : {}),
      slThresholdS: num('sl-threshold-s', 20)!,
    },
  };
}

const pct = (x: number | null) =>
  x === null ? 'n/a (A ≥ N: the queue grows)' : `${(x * 100).toFixed(1)} %`;
const sec = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} s`);

export function formatReport(r: SimReport): string {
  const o = r.options;
  return [
    `Simulated ${o.minutes} min: ${o.agents} agents × capacity ${o.capacity} (${r.servers} servers), ` +
      `${o.arrivalsPerMin}/min arrivals, ${o.handleTimeS} s mean handle time` +
      (o.patienceS !== undefined ? `, ${o.patienceS} s mean patience` : '') +
      `, seed ${o.seed}`,
    `Offered load         ${r.offeredLoadErlangs.toFixed(2)} Erlangs`,
    `Arrivals             ${r.arrivals} (answered ${r.answered}, abandoned ${r.abandoned}, still waiting ${r.stillWaiting})`,
    `                     simulated             Erlang C`,
    `Service level (${o.slThresholdS} s)  ${pct(r.serviceLevel).padEnd(22)}${pct(r.erlangC.serviceLevel)}`,
    `Avg speed of answer  ${sec(r.averageSpeedOfAnswerS).padEnd(22)}${sec(r.erlangC.averageSpeedOfAnswerS)}`,
    `Abandonment          ${pct(r.abandonmentRate).padEnd(22)}${o.patienceS === undefined ? '— (no patience)' : '— (Erlang C has none; see Erlang A)'}`,
    `Occupancy            ${pct(r.occupancy).padEnd(22)}${pct(r.erlangC.occupancy)}`,
    `Ran in ${r.wallSeconds.toFixed(2)} s of wall time (${r.decisions} routing decisions).`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { options, json } = parseArgs(process.argv.slice(2));
  const report = simulate(options);
  process.stdout.write((json ? JSON.stringify(report, null, 2) : formatReport(report)) + '\n');
  process.exit(0);
}
