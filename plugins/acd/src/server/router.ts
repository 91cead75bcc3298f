import { randomBytes } from 'node:crypto';
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
import type { AcdMetrics, Decision } from '../common/acd-service.js';
import type { AcdSettings } from '../common/settings.js';
import { AgentIndex, type AgentEntry } from './agent-index.js';
import { decide, decisionIds, type Scorer } from './decide.js';
import type { DecisionStore } from './decision-store.js';
import type { ScoreHooks } from './score-hooks.js';

/**
 * Largest group commit: one `assignMany` transaction of five statements whatever its size.
 * Bigger groups amortise the statements and the commit (32 per group halve the kernel's rate),
 * smaller ones bound the decision latency, which is about two groups' commit time.
 */
export const MAX_BATCH = 256;
/** Group commits in flight at once: the next one is decided and queued while one commits. */
export const IN_FLIGHT = 2;
/** How long (clock ms) the agent index is trusted before it is read again (other processes). */
export const INDEX_TTL_MS = 1000;
const LATENCY_RING = 200_000;

interface Pending {
  readonly conversation: ConversationSnapshot;
  readonly decision: Decision;
  /** `performance.now()` when deciding it started: its decision latency runs from here. */
  readonly decidedAt: number;
}

/**
 * One routing pass per call, run by the kernel (`routeWith`), never two at once per tenant.
 * Keeps an in-memory agent index per tenant across passes (read again after `INDEX_TTL_MS`, after
 * any refusal and after changes it cannot apply itself), reads the head of the queue, decides
 * every chat in memory against per-target heaps (lowest load/capacity, longest idle, agent id; or
 * the score terms first when a plugin taps `acd.hooks.score`), and commits assignments in group
 * commits through `assignMany`, where the database re-checks every one: a stale index can cost a
 * retry, never an over-capacity agent.
 */
export class AcdRouter {
  private passes = 0;
  private decisions = 0;
  private committed = 0;
  private conflicts = 0;
  private decideMs = 0;
  private latencies = new Float64Array(LATENCY_RING);
  private latencyCount = 0;
  private readonly indexes = new Map<string, { index: AgentIndex; at: number }>();
  private readonly generations = new Map<string, number>();
  private readonly nextId = decisionIds(() => randomBytes(5).toString('hex'));

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

  /** Something the index cannot follow by itself changed: the next pass reads the agents again. */
  invalidate(tenantId: string): void {
    this.indexes.delete(tenantId);
    this.changed(tenantId);
  }

  /** A chat held by `agentId` ended: their slot is free in the index at once. */
  released(tenantId: string, agentId: string): void {
    this.indexes.get(tenantId)?.index.release(agentId, this.deps.clock.now());
    this.changed(tenantId);
  }

  /** A read of the agents that was under way when this happened is not kept. */
  private changed(tenantId: string): void {
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1);
  }

  /** The tenant's index and whether it was read from the database just now. */
  private async indexFor(
    tenantId: string,
    now: number,
  ): Promise<{ index: AgentIndex; fresh: boolean }> {
    if (this.indexes.has(tenantId)) {
      // A presence change reaches the kernel's subscription (which starts this pass) before
      // ours (which invalidates): let the publish that started the pass finish first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const cached = this.indexes.get(tenantId);
      if (cached && now - cached.at < INDEX_TTL_MS && now >= cached.at) {
        return { index: cached.index, fresh: false };
      }
    }
    const generation = this.generations.get(tenantId) ?? 0;
    const index = new AgentIndex(await this.deps.conversations.agents(tenantId), now);
    // Kept for later passes only if nothing changed while it was read.
    if ((this.generations.get(tenantId) ?? 0) === generation) {
      this.indexes.set(tenantId, { index, at: now });
    }
    return { index, fresh: true };
  }

  async pass(tenantId: string): Promise<void> {
    this.passes++;
    const { conversations } = this.deps;
    const settings = await this.deps.settings(tenantId);
    const now = this.deps.clock.now();
    const { index, fresh } = await this.indexFor(tenantId, now);
    // A pass on a cached index that leaves a chat waiting is not trusted: slots may have been
    // freed on another process. The agents are read again and the pass runs once more.
    const recheck = () => {
      if (fresh) return false;
      this.invalidate(tenantId);
      return true;
    };
    // Nobody has room: nothing to read.
    if (index.empty) {
      if (recheck()) void conversations.route(tenantId);
      return;
    }
    // The head of the queue is enough while it fills the free slots; if it does not (targets
    // nobody free serves), the rest is read too, so no chat waits while an eligible agent has room.
    let room = 0;
    for (const a of index.byId.values()) room += a.capacity - a.load;
    const head = Math.min(10_000, Math.max(200, room * 20));
    let queue = await conversations.queue(tenantId, { limit: head });
    if (queue.length === 0) return;
    const excluded = await this.exclusions(tenantId);
    const scorer = this.scorer();
    let batch: Pending[] = [];
    const inFlight: Promise<boolean>[] = [];
    let retry = false;
    const flush = async (max: number) => {
      if (batch.length > 0) {
        inFlight.push(this.commit(tenantId, batch, index));
        batch = [];
      }
      while (inFlight.length > max) retry = (await inFlight.shift()!) || retry;
    };
    const seen = new Set<string>();
    let unplaced = false;
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
      if (index.empty) {
        unplaced = true;
        break;
      }
      if (conversation.offeredTo) continue;
      const started = performance.now();
      const decision = decide(
        index,
        conversation,
        excluded.get(conversation.id),
        settings,
        now,
        this.nextId(now),
        scorer,
      );
      this.decideMs += performance.now() - started;
      if (!decision) {
        unplaced = true;
        continue;
      }
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
          this.invalidate(tenantId);
          if ((error as { code?: string }).code === 'AGENT_AT_CAPACITY') index.drop(winner);
        }
        continue;
      }
      batch.push({ conversation, decision, decidedAt: started });
      // A full batch goes at once; while IN_FLIGHT are committing, deciding waits for the oldest.
      if (batch.length >= MAX_BATCH) await flush(IN_FLIGHT - 1);
    }
    await flush(0);
    if (unplaced && recheck()) retry = true;
    // Something was found stale (another process, a pick by hand): look again after this pass.
    if (retry) void conversations.route(tenantId);
  }

  /** Score terms of other plugins, when any is tapped. */
  private scorer(): Scorer<ConversationSnapshot> | undefined {
    const hooks = this.deps.hooks;
    if (!hooks.score.isUsed()) return undefined;
    return {
      isUsed: () => true,
      score: (entry, conversation, target, now) =>
        hooks.evaluate(candidateOf(entry, now), requestOf(conversation, target)),
    };
  }

  /**
   * Commits one group: the assignments and their decision rows in one `assignMany` transaction.
   * True when some item was refused (stale index: it is read again next pass).
   */
  private async commit(tenantId: string, items: Pending[], index: AgentIndex): Promise<boolean> {
    let refused = false;
    try {
      const byConversation = new Map(items.map((p) => [p.conversation.id, p.decision]));
      const outcomes = await this.deps.conversations.assignMany(
        tenantId,
        items.map((p) => ({
          conversationId: p.conversation.id,
          agentId: p.decision.agentId,
          reason: `acd:${p.decision.rule}`,
        })),
        {
          inTransaction: (trx, committed) =>
            this.deps.store.insert(
              tenantId,
              committed.map((c) => byConversation.get(c.conversationId)!),
              trx,
            ),
        },
      );
      const end = performance.now();
      outcomes.forEach((o, i) => {
        if (o.code === null) {
          this.committed++;
          this.latency(end - items[i]!.decidedAt);
          return;
        }
        refused = true;
        this.conflicts++;
        if (o.code !== 'CONVERSATION_TAKEN') {
          const agent = index.agents.get(o.agentId);
          if (agent) index.drop(agent);
        }
      });
      if (refused) this.invalidate(tenantId);
    } catch (error) {
      this.deps.logger.error({ err: error, tenantId }, 'ACD batch commit failed');
      this.invalidate(tenantId);
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
      decideMs: this.decideMs,
      latenciesMs: Array.from(this.latencies.subarray(0, n)),
    };
  }

  resetMetrics(): void {
    this.passes = this.decisions = this.committed = this.conflicts = 0;
    this.decideMs = 0;
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
