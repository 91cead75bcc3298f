/**
 * ACD routing benchmark (GitHub issue 5), three cases on one kernel per database:
 *
 * - memory: the decision alone (agent index + `decide`, the plugin's own modules) for 10,000
 *   chats over 1,000 agents × 10, no I/O: decisions/s and per-decision p99;
 * - backlog: 1,000 online agents × capacity 10 and 10,000 queued chats, one routing pass started
 *   by the kernel (`ConversationsService.route`). A decision counts once it is durable: its
 *   assignment committed by the kernel's guarded `assignMany` (the kernel's `chat.conversation`
 *   event, published after the commit, is the witness) and its `acd_decisions` row written.
 *   Latency runs from the moment the chats became routable (the pass was asked for) to that
 *   commit, so with 10,000 chats routable at once the p99 is about the time of the whole pass;
 *   the kernel's own ceiling (`assignMany` alone, same batches, no ACD) is measured next to it;
 * - steady: open-loop arrivals (`--rate`/s for `--seconds`), each chat stored and routed as a
 *   chat request would be; latency from the chat being stored to its assignment's commit.
 *
 * The fixture rows are inserted directly, because setting them up is not what is measured.
 *
 * node --import tsx bench/acd-bench.ts [--db=sqlite|postgres|both] [--agents=1000]
 *   [--chats=10000] [--capacity=10] [--rounds=3] [--rate=1000] [--seconds=4] [--memory] [--json]
 * PostgreSQL needs DATABASE_URL (scripts/postgres.sh starts a throw-away server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ChatTokens, type ConversationsService } from '@switchboard/sdk';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { AcdService } from '../plugins/acd/src/common/acd-service.js';
import { AgentIndex } from '../plugins/acd/src/server/agent-index.js';
import { decide } from '../plugins/acd/src/server/decide.js';
import { MAX_BATCH } from '../plugins/acd/src/server/router.js';
import { sqliteFloor } from './support/acd-floor.js';
import { environment, goal, printGoals, printTable, round, writeResults } from './lib.js';

const pluginDir = fileURLToPath(new URL('../plugins/acd', import.meta.url));

interface Options {
  db: 'sqlite' | 'postgres' | 'both';
  agents: number;
  chats: number;
  capacity: number;
  rounds: number;
  rate: number;
  seconds: number;
  memory: boolean;
  json: boolean;
}

function parse(argv: string[]): Options {
  const o: Options = {
    db: 'sqlite',
    agents: 1000,
    chats: 10_000,
    capacity: 10,
    rounds: 3,
    rate: 1000,
    seconds: 4,
    memory: false,
    json: false,
  };
  for (const arg of argv) {
    const [k, v] = arg.replace(/^--/, '').split('=');
    if (k === 'db') o.db = v as Options['db'];
    else if (k === 'agents') o.agents = Number(v);
    else if (k === 'chats') o.chats = Number(v);
    else if (k === 'capacity') o.capacity = Number(v);
    else if (k === 'rounds') o.rounds = Number(v);
    else if (k === 'rate') o.rate = Number(v);
    else if (k === 'seconds') o.seconds = Number(v);
    else if (k === 'memory') o.memory = true;
    else if (k === 'json') o.json = true;
    else throw new Error(`Unknown option ${arg}`);
  }
  return o;
}

export interface Latency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface AcdRound extends Latency {
  /** Decisions durable (assignment committed, decision row written). */
  readonly decisions: number;
  readonly seconds: number;
  /** End to end: durable decisions per second of the pass. */
  readonly decisionsPerSecond: number;
  /** In memory: decisions per second of time spent deciding (no I/O) within the same pass. */
  readonly inMemoryPerSecond: number;
  /** Decision latency: from the router starting to decide a chat to its group's commit. */
  readonly decision: Latency;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * q))]!;
}

function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50Ms: round(quantile(sorted, 0.5), 2),
    p99Ms: round(quantile(sorted, 0.99), 2),
    maxMs: round(sorted.at(-1) ?? Number.NaN, 2),
  };
}

/** The median round by throughput (the figure goals are checked on). */
function medianOf<T extends { decisionsPerSecond: number }>(rounds: readonly T[]): T {
  return [...rounds].sort((a, b) => a.decisionsPerSecond - b.decisionsPerSecond)[
    Math.floor(rounds.length / 2)
  ]!;
}

/**
 * The decision alone: the plugin's agent index and `decide` for `chats` chats in queue order,
 * each taking its slot, no I/O. Per-decision latency timed one by one.
 */
function memoryCase(o: Options) {
  const rounds = [];
  for (let r = 0; r < o.rounds + 1; r++) {
    const now = 1_000_000;
    const index = new AgentIndex();
    for (let i = 0; i < o.agents; i++) {
      index.add({
        agentId: `usr_${pad(i)}`,
        load: 0,
        capacity: o.capacity,
        since: now - (i % 600) * 1000,
        skills: [],
        groups: [],
        departmentIds: [],
      });
    }
    const chats = Array.from({ length: o.chats }, (_, i) => ({
      id: `cnv_${pad(i)}`,
      target: { kind: 'any' as const },
      priority: i % 10 === 0 ? 1 : 0,
      waitingSince: now - (o.chats - i),
      createdAt: now - (o.chats - i),
    }));
    const times = new Float64Array(chats.length);
    let decided = 0;
    const start = performance.now();
    for (const chat of chats) {
      const t = performance.now();
      const d = decide(
        index,
        chat,
        undefined,
        { mode: 'auto', decisionCandidates: 5 },
        now,
        chat.id,
      );
      if (d) index.took(index.byId.get(d.agentId)!, now);
      times[decided++] = performance.now() - t;
    }
    const seconds = (performance.now() - start) / 1000;
    if (r > 0)
      rounds.push({
        decisions: decided,
        seconds: round(seconds, 4),
        decisionsPerSecond: Math.round(decided / seconds),
        ...latency(Array.from(times.subarray(0, decided))),
      });
  }
  return { rounds, median: medianOf(rounds) };
}

/** Commit times (performance.now()) of assignments, from the kernel's post-commit event. */
function commitWatch(tk: TestKernel) {
  const bus = (
    tk.kernel as { events: { subscribe(t: string, f: (p: any) => void): { dispose(): void } } }
  ).events;
  const committed = new Map<string, number>();
  const sub = bus.subscribe('chat.conversation', (p) => {
    const c = p.conversation;
    if (c.state === 'active' && !committed.has(c.id)) committed.set(c.id, performance.now());
  });
  return { committed, dispose: () => sub.dispose() };
}

/** Inserts `n` rows in chunks (sqlite's variable limit). */
async function insertAll(tk: TestKernel, table: string, rows: Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += 50) await tk.knex(table).insert(rows.slice(i, i + 50));
}

const pad = (i: number, w = 6) => String(i).padStart(w, '0');

async function fixture(tk: TestKernel, o: Options, round: number | string, chats = o.chats) {
  const now = tk.clock.now();
  const tenantId = `ten_bench${round}`;
  const siteId = `sit_bench${round}`;
  await tk.knex('core_tenants').insert({ id: tenantId, name: 'Bench', created_at: now });
  await tk.knex('core_sites').insert({
    id: siteId,
    tenant_id: tenantId,
    name: 'Bench',
    embed_key: `bench-${round}-${Date.now()}`,
    created_at: now,
  });
  await insertAll(
    tk,
    'core_users',
    Array.from({ length: o.agents }, (_, i) => ({
      id: `usr_b${round}_${pad(i)}`,
      tenant_id: tenantId,
      email: `agent${i}-${round}@bench.test`,
      name: `Agent ${i}`,
      role: 'agent',
      password_hash: 'x',
      capacity: o.capacity,
      presence: 'online',
      // Staggered so idle times differ, as on a real floor.
      presence_at: now - (i % 600) * 1000,
      created_at: now,
      updated_at: now,
    })),
  );
  await insertAll(
    tk,
    'core_visitors',
    Array.from({ length: chats }, (_, i) => ({
      id: `vis_b${round}_${pad(i)}`,
      tenant_id: tenantId,
      site_id: siteId,
      cookie_id: `c${round}_${i}`,
      last_seen_at: now,
      created_at: now,
    })),
  );
  await insertAll(
    tk,
    'core_conversations',
    Array.from({ length: chats }, (_, i) => ({
      id: `cnv_b${round}_${pad(i)}`,
      tenant_id: tenantId,
      site_id: siteId,
      visitor_id: `vis_b${round}_${pad(i)}`,
      state: 'waiting',
      target: '{"kind":"any"}',
      priority: i % 10 === 0 ? 1 : 0,
      waiting_since: now - (chats - i),
      created_at: now - (chats - i),
      updated_at: now,
    })),
  );
  return { tenantId, siteId };
}

async function runOn(kind: 'sqlite' | 'postgres', o: Options) {
  const dir = mkdtempSync(join(tmpdir(), 'acd-bench-'));
  const database = kind === 'sqlite' && !o.memory ? { filename: join(dir, 'bench.sqlite') } : {};
  const tk = await createTestKernel({ plugins: [pluginDir], database: kind, config: { database } });
  const rounds: AcdRound[] = [];
  const ceiling: { decisionsPerSecond: number; seconds: number }[] = [];
  /** sqlite only: the same statements on the bare driver (see support/acd-floor.ts). */
  const floor: { decisionsPerSecond: number; seconds: number }[] = [];
  let steady:
    (Latency & { offered: number; committed: number; decisionsPerSecond: number }) | null = null;
  const watch = commitWatch(tk);
  try {
    const container = (tk.kernel as { container: { get<T>(t: symbol): T } }).container;
    const conversations = container.get<ConversationsService>(ChatTokens.Conversations);
    const acd = container.get<AcdService>(AcdService);
    const sqlTimes = new Map<string, { n: number; ms: number }>();
    if (process.env.ACD_BENCH_SQL) {
      const started = new Map<string, number>();
      tk.knex.on('query', (q: { __knexQueryUid: string }) =>
        started.set(q.__knexQueryUid, performance.now()),
      );
      tk.knex.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
        const key = q.sql.slice(0, 70);
        const t = sqlTimes.get(key) ?? { n: 0, ms: 0 };
        t.n++;
        t.ms += performance.now() - (started.get(q.__knexQueryUid) ?? 0);
        sqlTimes.set(key, t);
      });
    }
    const expected = Math.min(o.chats, o.agents * o.capacity);
    for (let r = 0; r < o.rounds + 1; r++) {
      // The kernel's ceiling: assignMany alone, the same batches the ACD sends, no ACD.
      const bare = await fixture(tk, o, `k${r}`);
      const ids = (await conversations.queue(bare.tenantId, { limit: 10_000 })).map((c) => c.id);
      const agentIds = Array.from({ length: o.agents }, (_, i) => `usr_bk${r}_${pad(i)}`);
      const kStart = performance.now();
      const inFlight: Promise<unknown>[] = [];
      for (let i = 0; i < expected; i += MAX_BATCH) {
        const items = ids.slice(i, Math.min(expected, i + MAX_BATCH)).map((id, j) => ({
          conversationId: id,
          agentId: agentIds[(i + j) % o.agents]!,
          reason: 'bench',
        }));
        inFlight.push(conversations.assignMany(bare.tenantId, items));
        if (inFlight.length > 1) await inFlight.shift();
      }
      await Promise.all(inFlight);
      const kSeconds = (performance.now() - kStart) / 1000;

      if (kind === 'sqlite') {
        const bareFixture = await fixture(tk, o, `f${r}`);
        const bareIds = (await conversations.queue(bareFixture.tenantId, { limit: 10_000 }))
          .slice(0, expected)
          .map((c) => c.id);
        const bareAgents = Array.from({ length: o.agents }, (_, i) => `usr_bf${r}_${pad(i)}`);
        const bare = await sqliteFloor(
          tk.knex,
          bareFixture.tenantId,
          bareIds,
          bareAgents,
          MAX_BATCH,
        );
        if (r > 0)
          floor.push({
            decisionsPerSecond: bare.decisionsPerSecond,
            seconds: round(bare.seconds, 3),
          });
      }

      const { tenantId } = await fixture(tk, o, r);
      acd.resetMetrics();
      const start = performance.now();
      await conversations.route(tenantId);
      const seconds = (performance.now() - start) / 1000;
      const m = acd.metrics();
      const assigned = await tk
        .knex('core_conversations')
        .where({ tenant_id: tenantId, state: 'active' })
        .select('id');
      const recorded = await tk
        .knex('acd_decisions')
        .where({ tenant_id: tenantId })
        .count({ n: '*' });
      if (assigned.length !== expected || Number(recorded[0]!.n) !== expected) {
        throw new Error(
          `round ${r}: ${assigned.length} assigned, ${recorded[0]!.n} decisions, expected ${expected}`,
        );
      }
      const waits = (assigned as { id: string }[]).map((a) => watch.committed.get(a.id)! - start);
      const row: AcdRound = {
        decisions: m.committed,
        seconds: round(seconds, 3),
        decisionsPerSecond: Math.round(m.committed / seconds),
        inMemoryPerSecond: Math.round(m.decisions / (m.decideMs / 1000)),
        decision: latency(m.latenciesMs),
        ...latency(waits),
      };
      if (r > 0) {
        // round 0 warms the JIT up
        rounds.push(row);
        ceiling.push({
          decisionsPerSecond: Math.round(expected / kSeconds),
          seconds: round(kSeconds, 3),
        });
      }
    }
    steady = await steadyCase(tk, o, conversations, watch.committed);
    if (process.env.ACD_BENCH_SQL) {
      for (const [k, v] of [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
        console.log(round(v.ms, 0), v.n, k);
      }
    }
  } finally {
    watch.dispose();
    await tk.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    database:
      kind === 'sqlite' ? (o.memory ? 'sqlite (memory)' : 'sqlite (file, WAL)') : 'postgres',
    rounds,
    median: medianOf(rounds),
    ceiling,
    ceilingMedian: medianOf(ceiling),
    floor,
    floorMedian: floor.length > 0 ? medianOf(floor) : null,
    steady,
  };
}

/**
 * Open loop: `rate` chats a second for `seconds`, on a wall-clock schedule (a slow server does
 * not slow the arrivals down). Each chat is stored (as the kernel stores a request) and a pass is
 * asked for; latency runs from the stored chat to its assignment's commit.
 */
async function steadyCase(
  tk: TestKernel,
  o: Options,
  conversations: ConversationsService,
  committed: Map<string, number>,
) {
  const { tenantId, siteId } = await fixture(tk, o, 'steady', 0);
  const now = tk.clock.now();
  const total = Math.min(Math.round(o.rate * o.seconds), o.agents * o.capacity);
  const routable = new Map<string, number>();
  const start = performance.now();
  let sent = 0;
  const pending: Promise<void>[] = [];
  // The chats due in one timer turn are stored together (two statements), then routed.
  const arrive = async (from: number, to: number) => {
    const idx = Array.from({ length: to - from }, (_, k) => from + k);
    await tk.knex('core_visitors').insert(
      idx.map((i) => ({
        id: `vis_st_${pad(i)}`,
        tenant_id: tenantId,
        site_id: siteId,
        cookie_id: `st_${i}`,
        last_seen_at: now,
        created_at: now,
      })),
    );
    await tk.knex('core_conversations').insert(
      idx.map((i) => ({
        id: `cnv_st_${pad(i)}`,
        tenant_id: tenantId,
        site_id: siteId,
        visitor_id: `vis_st_${pad(i)}`,
        state: 'waiting',
        target: '{"kind":"any"}',
        priority: 0,
        waiting_since: now + i,
        created_at: now + i,
        updated_at: now,
      })),
    );
    const at = performance.now();
    for (const i of idx) routable.set(`cnv_st_${pad(i)}`, at);
    await conversations.route(tenantId);
  };
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * o.rate));
    // At most 50 chats per statement (sqlite's variable limit with these columns).
    while (sent < due) {
      const to = Math.min(due, sent + 50);
      pending.push(arrive(sent, to));
      sent = to;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  const deadline = performance.now() + 10_000;
  while ([...routable.keys()].some((id) => !committed.has(id)) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const waits = [...routable].map(([id, at]) => (committed.get(id) ?? Infinity) - at);
  const seconds = (performance.now() - start) / 1000;
  const done = waits.filter((w) => Number.isFinite(w)).length;
  return {
    offered: o.rate,
    committed: done,
    decisionsPerSecond: Math.round(done / seconds),
    ...latency(waits),
  };
}

async function main() {
  const o = parse(process.argv.slice(2));
  const kinds: ('sqlite' | 'postgres')[] = o.db === 'both' ? ['sqlite', 'postgres'] : [o.db];
  if (kinds.includes('postgres') && !process.env.DATABASE_URL) {
    throw new Error('PostgreSQL needs DATABASE_URL (bash scripts/postgres.sh prints one).');
  }
  const memory = memoryCase(o);
  const results = [];
  for (const kind of kinds) results.push(await runOn(kind, o));
  console.log(
    `ACD routing: ${o.agents} online agents × capacity ${o.capacity}, ${o.chats} queued chats, group commits of up to ${MAX_BATCH}`,
  );
  printTable(
    ['case', 'round', 'decisions', 's', 'decisions/s', 'p50 ms', 'p99 ms', 'max ms'],
    memory.rounds.map((x, i) => [
      'memory: decide only, no I/O',
      i + 1,
      x.decisions,
      x.seconds,
      x.decisionsPerSecond,
      x.p50Ms,
      x.p99Ms,
      x.maxMs,
    ]),
  );
  console.log();
  printTable(
    [
      'database',
      'round',
      'durable',
      's',
      'durable/s',
      'in-memory/s',
      'kernel assignMany alone/s',
      'bare sqlite floor/s',
      'decision p50 ms',
      'decision p99 ms',
      'routable→durable p50 ms',
      'p99 ms',
    ],
    results.flatMap((r) =>
      r.rounds.map((x, i) => [
        r.database,
        i + 1,
        x.decisions,
        x.seconds,
        x.decisionsPerSecond,
        x.inMemoryPerSecond,
        r.ceiling[i]!.decisionsPerSecond,
        r.floor[i]?.decisionsPerSecond ?? '-',
        x.decision.p50Ms,
        x.decision.p99Ms,
        x.p50Ms,
        x.p99Ms,
      ]),
    ),
  );
  for (const r of results) {
    if (!r.floorMedian) continue;
    console.log(
      `${r.database}: durable decisions at ${Math.round((r.median.decisionsPerSecond / r.floorMedian.decisionsPerSecond) * 100)} % of the bare sqlite floor (the same statements on node-sqlite3 with nothing around them), medians ${r.median.decisionsPerSecond} / ${r.floorMedian.decisionsPerSecond}/s`,
    );
  }
  console.log(
    '(backlog: decision latency runs from the router starting to decide a chat to its durable commit; routable→durable from all 10,000 becoming routable at once, so it includes the queue)',
  );
  console.log();
  printTable(
    ['database', 'steady: offered/s', 'committed', 'committed/s', 'p50 ms', 'p99 ms', 'max ms'],
    results.map((r) => [
      r.database,
      r.steady!.offered,
      r.steady!.committed,
      r.steady!.decisionsPerSecond,
      r.steady!.p50Ms,
      r.steady!.p99Ms,
      r.steady!.maxMs,
    ]),
  );
  const sqlite = results.find((r) => r.database.startsWith('sqlite'));
  const goals = [
    goal(
      'acd.memory.throughput',
      'in memory: seconds per 20,000 decisions (goal ≥ 20,000/s)',
      20_000 / memory.median.decisionsPerSecond,
      1,
      's',
    ),
    goal('acd.memory.p99', 'in memory: p99 per decision', memory.median.p99Ms, 5, 'ms'),
    ...(sqlite
      ? [
          goal(
            'acd.throughput',
            'sqlite: seconds per 20,000 durable decisions (goal ≥ 20,000/s)',
            20_000 / sqlite.median.decisionsPerSecond,
            1,
            's',
          ),
          goal(
            'acd.decision.p99',
            'sqlite: p99 decision latency (decided → durable), backlog',
            sqlite.median.decision.p99Ms,
            5,
            'ms',
          ),
          goal(
            'acd.p99',
            `sqlite: p99 routable → committed at ${o.rate}/s offered`,
            sqlite.steady!.p99Ms,
            5,
            'ms',
          ),
        ]
      : []),
  ];
  printGoals(goals);
  const paths = writeResults(
    'acd',
    { options: o, environment: environment(), memory, results, goals },
    true,
  );
  if (o.json) console.log(JSON.stringify({ memory, results, goals }, null, 2));
  console.log(`Results: ${paths.join(', ')}`);
  if (goals.some((g) => !g.pass)) process.exitCode = 1;
}

await main();
