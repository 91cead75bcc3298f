/**
 * ACD routing benchmark (GitHub issue 5): decisions/s and decision latency with 1,000 online
 * agents and 10,000 queued chats, every decision persisted (the assignment, its agent.joined
 * event and its acd_decisions row, committed in batches through the kernel's guarded
 * `assignMany`). The real kernel and plugin run in-process (createTestKernel); the fixture rows
 * are inserted directly, because setting them up is not what is measured. The pass is then
 * started by the kernel (`ConversationsService.route`), as a chat request or an agent coming
 * online would. Latency of one decision: from the moment the ACD considers the chat to the
 * commit of the batch that persisted it.
 *
 * node --import tsx bench/acd-bench.ts [--db=sqlite|postgres|both] [--agents=1000]
 *   [--chats=10000] [--capacity=10] [--rounds=3] [--memory] [--json]
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
import { environment, goal, printGoals, printTable, round, writeResults } from './lib.js';

const pluginDir = fileURLToPath(new URL('../plugins/acd', import.meta.url));

interface Options {
  db: 'sqlite' | 'postgres' | 'both';
  agents: number;
  chats: number;
  capacity: number;
  rounds: number;
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
    else if (k === 'memory') o.memory = true;
    else if (k === 'json') o.json = true;
    else throw new Error(`Unknown option ${arg}`);
  }
  return o;
}

export interface AcdRound {
  readonly decisions: number;
  readonly seconds: number;
  readonly decisionsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * q))]!;
}

/** Inserts `n` rows in chunks (sqlite's variable limit). */
async function insertAll(tk: TestKernel, table: string, rows: Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += 50) await tk.knex(table).insert(rows.slice(i, i + 50));
}

const pad = (i: number, w = 6) => String(i).padStart(w, '0');

async function fixture(tk: TestKernel, o: Options, round: number) {
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
    Array.from({ length: o.chats }, (_, i) => ({
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
    Array.from({ length: o.chats }, (_, i) => ({
      id: `cnv_b${round}_${pad(i)}`,
      tenant_id: tenantId,
      site_id: siteId,
      visitor_id: `vis_b${round}_${pad(i)}`,
      state: 'waiting',
      target: '{"kind":"any"}',
      priority: i % 10 === 0 ? 1 : 0,
      waiting_since: now - (o.chats - i),
      created_at: now - (o.chats - i),
      updated_at: now,
    })),
  );
  return tenantId;
}

async function runOn(kind: 'sqlite' | 'postgres', o: Options) {
  const dir = mkdtempSync(join(tmpdir(), 'acd-bench-'));
  const database = kind === 'sqlite' && !o.memory ? { filename: join(dir, 'bench.sqlite') } : {};
  const tk = await createTestKernel({ plugins: [pluginDir], database: kind, config: { database } });
  const rounds: AcdRound[] = [];
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
    for (let r = 0; r < o.rounds + 1; r++) {
      const tenantId = await fixture(tk, o, r);
      acd.resetMetrics();
      const start = performance.now();
      await conversations.route(tenantId);
      const seconds = (performance.now() - start) / 1000;
      const m = acd.metrics();
      const assigned = await tk
        .knex('core_conversations')
        .where({ tenant_id: tenantId, state: 'active' })
        .count({ n: '*' });
      const recorded = await tk
        .knex('acd_decisions')
        .where({ tenant_id: tenantId })
        .count({ n: '*' });
      const expected = Math.min(o.chats, o.agents * o.capacity);
      if (Number(assigned[0]!.n) !== expected || Number(recorded[0]!.n) !== expected) {
        throw new Error(
          `round ${r}: ${assigned[0]!.n} assigned, ${recorded[0]!.n} decisions, expected ${expected}`,
        );
      }
      const sorted = [...m.latenciesMs].sort((a, b) => a - b);
      const row: AcdRound = {
        decisions: m.committed,
        seconds: round(seconds, 3),
        decisionsPerSecond: Math.round(m.committed / seconds),
        p50Ms: round(quantile(sorted, 0.5), 2),
        p99Ms: round(quantile(sorted, 0.99), 2),
        maxMs: round(sorted.at(-1) ?? Number.NaN, 2),
      };
      if (r > 0) rounds.push(row); // round 0 warms the JIT up
    }
    if (process.env.ACD_BENCH_SQL) {
      for (const [k, v] of [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
        console.log(round(v.ms, 0), v.n, k);
      }
    }
  } finally {
    await tk.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const best = [...rounds].sort((a, b) => a.decisionsPerSecond - b.decisionsPerSecond)[
    Math.floor(rounds.length / 2)
  ]!;
  return {
    database:
      kind === 'sqlite' ? (o.memory ? 'sqlite (memory)' : 'sqlite (file, WAL)') : 'postgres',
    rounds,
    median: best,
  };
}

async function main() {
  const o = parse(process.argv.slice(2));
  const kinds: ('sqlite' | 'postgres')[] = o.db === 'both' ? ['sqlite', 'postgres'] : [o.db];
  if (kinds.includes('postgres') && !process.env.DATABASE_URL) {
    throw new Error('PostgreSQL needs DATABASE_URL (bash scripts/postgres.sh prints one).');
  }
  const results = [];
  for (const kind of kinds) results.push(await runOn(kind, o));
  console.log(
    `ACD routing: ${o.agents} online agents × capacity ${o.capacity}, ${o.chats} queued chats, batches of 64`,
  );
  printTable(
    ['database', 'round', 'decisions', 's', 'decisions/s', 'p50 ms', 'p99 ms', 'max ms'],
    results.flatMap((r) =>
      r.rounds.map((x, i) => [
        r.database,
        i + 1,
        x.decisions,
        x.seconds,
        x.decisionsPerSecond,
        x.p50Ms,
        x.p99Ms,
        x.maxMs,
      ]),
    ),
  );
  const sqlite = results.find((r) => r.database.startsWith('sqlite'));
  const goals = sqlite
    ? [
        goal(
          'acd.throughput',
          'sqlite: seconds per 20,000 decisions (goal ≥ 20,000/s)',
          20_000 / sqlite.median.decisionsPerSecond,
          1,
          's',
        ),
        goal('acd.p99', 'sqlite: p99 decision latency', sqlite.median.p99Ms, 5, 'ms'),
      ]
    : [];
  if (goals.length) printGoals(goals);
  const paths = writeResults(
    'acd',
    { options: o, environment: environment(), results, goals },
    true,
  );
  if (o.json) console.log(JSON.stringify({ results, goals }, null, 2));
  console.log(`Results: ${paths.join(', ')}`);
  if (goals.some((g) => !g.pass)) process.exitCode = 1;
}

await main();
