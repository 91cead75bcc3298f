/**
 * Load simulator: a day of chats through the REAL kernel and ACD plugin, on virtual time.
 *
 *   npm run simulate -- --agents 20 --capacity 1 --arrivals-per-min 10 --handle-time-s 180 \
 *     --minutes 480 --seed 1 [--patience-s 120] [--sl-threshold-s 20] [--json]
 *
 * Arrivals are Poisson (exponential gaps, seeded), handle times exponential, patience (optional)
 * exponential: a visitor still waiting when it runs out ends the chat (abandonment). Visitors ask
 * over HTTP like the widget; agents end chats over HTTP; the ACD assigns. Prints offered load,
 * service level, average speed of answer, abandonment and occupancy, next to Erlang C for the
 * same parameters (each chat slot counted as one server).
 */
import { fileURLToPath } from 'node:url';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
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

interface Event {
  readonly at: number;
  readonly seq: number;
  readonly run: () => Promise<void>;
}

interface Chat {
  readonly arrivedAt: number;
  readonly handleMs: number;
  readonly patienceMs: number;
  id?: string;
  token?: string;
  answeredAt?: number;
  abandoned?: boolean;
}

async function ok(res: Promise<{ status: number; body: any }>, status: number, what: string) {
  const r = await res;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function simulate(o: SimOptions): Promise<SimReport> {
  const wall = Date.now();
  const random = rng(o.seed);
  const tk: TestKernel = await createTestKernel({
    plugins: [fileURLToPath(new URL('../..', import.meta.url))],
    database: 'sqlite',
    config: {
      auth: { scryptLog2N: 10, loginPerMinute: 1_000_000, visitorSessionsPerMinute: 1_000_000 },
      chat: { idleAfterMs: 24 * 3_600_000 },
    },
  });
  try {
    const tenant = await ok(
      tk.request('POST', '/api/v1/tenants', { name: 'Simulation' }),
      201,
      'tenant',
    );
    const site = await ok(
      tk.request('POST', '/api/v1/sites', { tenantId: tenant.id, name: 'Site' }),
      201,
      'site',
    );
    const agents = new Map<string, string>();
    for (let i = 0; i < o.agents; i++) {
      const email = `agent${i}@sim.test`;
      const password = `simulation-password-${i}`;
      const u = await ok(
        tk.request('POST', '/api/v1/users', {
          tenantId: tenant.id,
          email,
          password,
          name: `Agent ${i}`,
          role: 'agent',
          capacity: o.capacity,
        }),
        201,
        'agent',
      );
      const login = await ok(
        tk.request('POST', '/api/v1/auth/login', { email, password, tenantId: tenant.id }, null),
        200,
        'login',
      );
      agents.set(u.id, login.token);
      await ok(
        tk.request('POST', '/api/v1/presence', { presence: 'online' }, login.token),
        200,
        'online',
      );
    }

    const start = tk.clock.now();
    const end = start + o.minutes * 60_000;
    const events = new IndexedHeap<Event>(
      (a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq),
    );
    let seq = 0;
    const schedule = (at: number, run: () => Promise<void>) => events.push({ at, seq: seq++, run });
    const chats: Chat[] = [];
    const byId = new Map<string, Chat>();
    let busyMs = 0;

    // The ACD assigns inside the kernel; the bus tells us when, on the virtual clock.
    const bus = (
      tk.kernel as { events: { subscribe(t: string, f: (p: any) => void): { dispose(): void } } }
    ).events;
    const sub = bus.subscribe('chat.conversation', (p) => {
      const c = p.conversation;
      const chat = byId.get(c.id);
      if (!chat || chat.answeredAt !== undefined || c.state !== 'active' || !c.assignedAgentId)
        return;
      const now = tk.clock.now();
      chat.answeredAt = now;
      const agentToken = agents.get(c.assignedAgentId)!;
      const finish = Math.min(now + chat.handleMs, end);
      busyMs += finish - now;
      schedule(now + chat.handleMs, async () => {
        await ok(
          tk.request('POST', `/api/v1/conversations/${c.id}/end`, {}, agentToken),
          200,
          'end',
        );
      });
    });

    const meanGapMs = 60_000 / o.arrivalsPerMin;
    let next = start + exp(random, meanGapMs);
    while (next < end) {
      const chat: Chat = {
        arrivedAt: Math.floor(next),
        handleMs: exp(random, o.handleTimeS * 1000),
        patienceMs: o.patienceS === undefined ? Infinity : exp(random, o.patienceS * 1000),
      };
      chats.push(chat);
      schedule(next, async () => {
        const session = await ok(
          tk.request('POST', '/api/v1/visitor/session', { embedKey: site.embedKey }, null),
          201,
          'visitor',
        );
        chat.token = session.token;
        const res = await ok(
          tk.request('POST', '/api/v1/conversations', {}, session.token),
          201,
          'request',
        );
        if (!res.conversation) return;
        chat.id = res.conversation.id;
        byId.set(chat.id!, chat);
        if (res.status === 'assigned' && chat.answeredAt === undefined) {
          // Assigned inside the request: the bus event came before the id was known.
          chat.answeredAt = tk.clock.now();
          const convo = await ok(tk.request('GET', `/api/v1/conversations/${chat.id}`), 200, 'get');
          const agentToken = agents.get(convo.assignedAgentId)!;
          busyMs += Math.min(chat.answeredAt + chat.handleMs, end) - chat.answeredAt;
          schedule(chat.answeredAt + chat.handleMs, async () => {
            await ok(
              tk.request('POST', `/api/v1/conversations/${chat.id}/end`, {}, agentToken),
              200,
              'end',
            );
          });
        }
        if (Number.isFinite(chat.patienceMs)) {
          schedule(chat.arrivedAt + chat.patienceMs, async () => {
            if (chat.answeredAt !== undefined) return;
            const gone = await tk.request(
              'POST',
              `/api/v1/conversations/${chat.id}/end`,
              { reason: 'abandoned' },
              chat.token!,
            );
            if (gone.status === 200 && gone.body.state === 'ended' && chat.answeredAt === undefined)
              chat.abandoned = true;
          });
        }
      });
      next += exp(random, meanGapMs);
    }

    while (events.size > 0) {
      const e = events.peek()!;
      if (e.at >= end) break;
      events.remove(e);
      const wait = Math.floor(e.at) - tk.clock.now();
      if (wait > 0) await tk.clock.advance(wait);
      await e.run();
    }
    if (end > tk.clock.now()) await tk.clock.advance(end - tk.clock.now());
    sub.dispose();

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
      serviceLevel: withinSl.length / Math.max(1, chats.length),
      averageSpeedOfAnswerS: asa,
      abandonmentRate: abandoned.length / Math.max(1, chats.length),
      occupancy: busyMs / (servers * (end - start)),
      erlangC: erlangC(offered, servers, o.handleTimeS, o.slThresholdS),
      wallSeconds: (Date.now() - wall) / 1000,
    };
  } finally {
    await tk.stop();
  }
}

function parseArgs(argv: string[]): { options: SimOptions; json: boolean } {
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
    `Ran in ${r.wallSeconds.toFixed(1)} s of wall time.`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { options, json } = parseArgs(process.argv.slice(2));
  const report = await simulate(options);
  process.stdout.write((json ? JSON.stringify(report, null, 2) : formatReport(report)) + '\n');
  process.exit(0);
}
