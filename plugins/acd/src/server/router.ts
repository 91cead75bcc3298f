import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type {
  Clock,
  ConversationSnapshot,
  ConversationsService,
  Logger,
  PluginDatabase,
  RoutingRequest,
  RoutingTarget,
} from '@switchboard/sdk';
import type { AcdMetrics, Decision, DecisionCandidate } from '../common/acd-service.js';
import type { AcdSettings } from '../common/settings.js';
import {
  AgentIndex,
  decidingRule,
  effectiveTarget,
  queueKey,
  ranksBefore,
  type AgentEntry,
} from './agent-index.js';
import type { DecisionStore } from './decision-store.js';
import type { ScoreHooks } from './score-hooks.js';

/** Assignments committed per transaction: bounds decision latency (p99) and keeps throughput. */
export const BATCH_SIZE = 64;
const LATENCY_RING = 200_000;

interface Pending {
  readonly conversation: ConversationSnapshot;
  readonly decision: Decision;
  readonly started: number;
}

/**
 * One routing pass per call, run by the kernel (`routeWith`), never two at once per tenant.
 * Reads the queue and the agents once, decides every chat in memory against per-target heaps
 * (lowest load/capacity, longest idle, agent id; or the score terms first when a plugin taps
 * `acd.hooks.score`), and commits assignments in batches through `assignMany`, where the
 * database re-checks every one: a stale index can cost a retry, never an over-capacity agent.
 */
export class AcdRouter {
  private passes = 0;
  private decisions = 0;
  private committed = 0;
  private conflicts = 0;
  private latencies = new Float64Array(LATENCY_RING);
  private latencyCount = 0;

  constructor(
    private readonly deps: {
      conversations: ConversationsService;
      db: PluginDatabase;
      clock: Clock;
      logger: Logger;
      store: DecisionStore;
      hooks: ScoreHooks;
      settings: (tenantId: string) => Promise<AcdSettings>;
    },
  ) {}

  async pass(tenantId: string): Promise<void> {
    this.passes++;
    const { conversations } = this.deps;
    const settings = await this.deps.settings(tenantId);
    const now = this.deps.clock.now();
    const index = new AgentIndex(await conversations.agents(tenantId), now);
    // Nobody has room: nothing to read.
    if (index.empty) return;
    // The head of the queue is enough while it fills the free slots; if it does not (targets
    // nobody free serves), the rest is read too, so no chat waits while an eligible agent has room.
    let room = 0;
    for (const a of index.byId.values()) room += a.capacity - a.load;
    const head = Math.min(10_000, Math.max(200, room * 20));
    let queue = await conversations.queue(tenantId, { limit: head });
    if (queue.length === 0) return;
    const excluded = await this.exclusions(tenantId);
    const batch: Pending[] = [];
    let retry = false;
    const seen = new Set<string>();
    let whole = queue.length < head;
    for (let i = 0; ; i++) {
      if (i >= queue.length) {
        if (whole || index.empty) break;
        // Read the whole queue once and go through it again, skipping what was seen.
        queue = await conversations.queue(tenantId);
        whole = true;
        i = -1;
        continue;
      }
      const conversation = queue[i]!;
      if (seen.has(conversation.id)) continue;
      seen.add(conversation.id);
      if (index.empty) break;
      if (conversation.offeredTo) continue;
      const started = performance.now();
      const decision = this.decide(
        index,
        conversation,
        excluded.get(conversation.id),
        settings,
        now,
      );
      if (!decision) continue;
      this.decisions++;
      const winner = index.byId.get(decision.agentId)!;
      index.took(winner, now);
      if (settings.mode === 'offer') {
        try {
          await conversations.offer(
            tenantId,
            conversation.id,
            winner.agentId,
            settings.offerTimeoutMs,
          );
          await this.deps.store.insert(tenantId, [decision]);
          this.committed++;
          this.latency(performance.now() - started);
        } catch (error) {
          this.conflicts++;
          retry = true;
          if ((error as { code?: string }).code === 'AGENT_AT_CAPACITY') index.drop(winner);
        }
        continue;
      }
      batch.push({ conversation, decision, started });
      if (batch.length >= BATCH_SIZE) retry = (await this.commit(tenantId, batch, index)) || retry;
    }
    if (batch.length > 0) retry = (await this.commit(tenantId, batch, index)) || retry;
    // Something was found stale (another process, a pick by hand): look again after this pass.
    if (retry) void conversations.route(tenantId);
  }

  /** Picks the agent for one chat; null when nobody eligible has room. */
  decide(
    index: AgentIndex,
    conversation: ConversationSnapshot,
    excluded: ReadonlySet<string> | undefined,
    settings: AcdSettings,
    now: number,
  ): Decision | null {
    const waitingSince = conversation.waitingSince ?? conversation.createdAt;
    const { target, fallback } = effectiveTarget(conversation.target, waitingSince, now);
    const match = (fallback ? 'fallback:' : '') + queueKey(target);
    const limit = settings.decisionCandidates;
    let ranked: { entry: AgentEntry; score: number }[];
    let eligible: number;
    let rule: string;
    if (target.kind === 'agent') {
      const entry = target.value === undefined ? undefined : index.byId.get(target.value);
      if (!entry || excluded?.has(entry.agentId)) return null;
      ranked = [{ entry, score: 0 }];
      eligible = 1;
      rule = 'specific-agent';
    } else {
      const heap = index.heapFor(target);
      if (heap.size === 0) return null;
      const skip =
        excluded && excluded.size > 0 ? (a: AgentEntry) => excluded.has(a.agentId) : undefined;
      eligible = heap.size;
      if (excluded) for (const id of excluded) if (heap.has(index.byId.get(id)!)) eligible--;
      if (eligible <= 0) return null;
      if (this.deps.hooks.score.isUsed()) {
        const request = requestOf(conversation, target);
        ranked = heap
          .all()
          .filter((a) => !skip?.(a))
          .map((entry) => ({
            entry,
            score: this.deps.hooks.evaluate(candidateOf(entry, now), request),
          }))
          .sort((a, b) =>
            a.score !== b.score ? b.score - a.score : ranksBefore(a.entry, b.entry) ? -1 : 1,
          )
          .slice(0, limit);
        const [first, second] = ranked;
        rule =
          second && first!.score !== second.score
            ? 'score'
            : decidingRule(first!.entry, second?.entry);
      } else {
        ranked = heap.best(limit, skip).map((entry) => ({ entry, score: 0 }));
        rule = decidingRule(ranked[0]!.entry, ranked[1]?.entry);
      }
    }
    const winner = ranked[0]!.entry;
    const candidates: DecisionCandidate[] = ranked.map(({ entry, score }) => ({
      agentId: entry.agentId,
      load: entry.load,
      capacity: entry.capacity,
      idleMs: Math.max(0, now - entry.since),
      match,
      score,
    }));
    return {
      id: randomUUID(),
      conversationId: conversation.id,
      agentId: winner.agentId,
      mode: settings.mode === 'offer' ? 'offer' : 'assign',
      rule,
      queue: queueKey(conversation.target),
      priority: conversation.priority,
      eligible,
      candidates,
      decidedAt: now,
    };
  }

  /** Commits a batch; true when some item was refused (stale index). Empties `batch`. */
  private async commit(tenantId: string, batch: Pending[], index: AgentIndex): Promise<boolean> {
    const items = batch.splice(0, batch.length);
    let refused = false;
    try {
      const outcomes = await this.deps.conversations.assignMany(
        tenantId,
        items.map((p) => ({
          conversationId: p.conversation.id,
          agentId: p.decision.agentId,
          reason: `acd:${p.decision.rule}`,
        })),
      );
      const done: Pending[] = [];
      outcomes.forEach((o, i) => {
        if (o.code === null) {
          done.push(items[i]!);
          return;
        }
        refused = true;
        this.conflicts++;
        if (o.code !== 'CONVERSATION_TAKEN') {
          const agent = index.byId.get(o.agentId);
          if (agent) index.drop(agent);
        }
      });
      await this.deps.store.insert(
        tenantId,
        done.map((p) => p.decision),
      );
      this.committed += done.length;
      const end = performance.now();
      for (const p of done) this.latency(end - p.started);
    } catch (error) {
      this.deps.logger.error({ err: error, tenantId }, 'ACD batch commit failed');
      return true;
    }
    return refused;
  }

  /** Agents who must not get a chat again (declined, let it lapse, transferred it away). */
  private async exclusions(tenantId: string): Promise<Map<string, Set<string>>> {
    const rows = (await this.deps.db
      .table('exclusions')
      .where({ tenant_id: tenantId })
      .select('conversation_id', 'agent_id')) as { conversation_id: string; agent_id: string }[];
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      let set = out.get(r.conversation_id);
      if (!set) out.set(r.conversation_id, (set = new Set()));
      set.add(r.agent_id);
    }
    return out;
  }

  private latency(ms: number): void {
    this.latencies[this.latencyCount % LATENCY_RING] = ms;
    this.latencyCount++;
  }

  metrics(): AcdMetrics {
    const n = Math.min(this.latencyCount, LATENCY_RING);
    return {
      passes: this.passes,
      decisions: this.decisions,
      committed: this.committed,
      conflicts: this.conflicts,
      latenciesMs: Array.from(this.latencies.subarray(0, n)),
    };
  }

  resetMetrics(): void {
    this.passes = this.decisions = this.committed = this.conflicts = 0;
    this.latencyCount = 0;
  }
}

function candidateOf(a: AgentEntry, now: number) {
  return {
    agentId: a.agentId,
    load: a.load,
    capacity: a.capacity,
    idleMs: Math.max(0, now - a.since),
    skills: a.skills,
    groups: a.groups,
    departmentIds: a.departmentIds,
  };
}

function requestOf(c: ConversationSnapshot, target: RoutingTarget): RoutingRequest {
  return {
    conversation: c,
    target,
    priority: c.priority,
    enqueuedAt: c.waitingSince ?? c.createdAt,
    excludedAgentIds: [],
  };
}
