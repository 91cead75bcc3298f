import type { Knex } from 'knex';
import {
  isSwitchboardError,
  type Clock,
  type Disposable,
  type Logger,
  type RoutingCandidate,
  type RoutingTarget,
} from '@switchboard/sdk';
import type { HookCatalogue } from '../hooks/hook-catalogue.js';
import { routingRequestOf, type ConversationRecord } from './conversation-record.js';
import type { ConversationService } from './conversation-service.js';
import { num, numOrNull, readJson } from './json-column.js';

/**
 * Places waiting chats with agents through the routing hooks. The kernel keeps the queue and
 * assigns atomically; plugins (the ACD) filter and score candidates and pick the agent. With no
 * `routing.select` tap the core assigns nothing: agents pick chats from the queue by hand.
 * Runs per tenant, one pass at a time, whenever something may have freed or added capacity.
 */
export class RoutingDispatcher {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly timers = new Set<Disposable>();
  private stopped = false;
  /** A plugin that runs whole passes itself (the ACD); replaces the hook-by-hook pass. */
  private router: ((tenantId: string) => Promise<void>) | null = null;

  constructor(
    private readonly deps: {
      knex: Knex;
      clock: Clock;
      logger: Logger;
      hooks: HookCatalogue;
      conversations: ConversationService;
    },
  ) {}

  /**
   * Lets one plugin run each routing pass itself (an ACD with its own in-memory index that
   * commits through `assignMany`). The kernel still decides when passes run and that they never
   * overlap per tenant. Throws when another router is registered.
   */
  routeWith(router: (tenantId: string) => Promise<void>): Disposable {
    if (this.router) throw new Error('Another plugin already runs the routing passes.');
    this.router = router;
    return {
      dispose: () => {
        if (this.router === router) this.router = null;
      },
    };
  }

  /** Asks for a routing pass over `tenantId`'s queue; passes never overlap per tenant. */
  kick(tenantId: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.router && !this.deps.hooks.routing.select.isUsed()) return Promise.resolve();
    const current = this.running.get(tenantId);
    if (current) {
      this.again.add(tenantId);
      return current;
    }
    const run = (async () => {
      try {
        do {
          this.again.delete(tenantId);
          const router = this.router;
          await (router ? router(tenantId) : this.pass(tenantId));
        } while (this.again.has(tenantId) && !this.stopped);
      } catch (error) {
        this.deps.logger.error({ err: error, tenantId }, 'routing pass failed');
      } finally {
        this.running.delete(tenantId);
      }
    })();
    this.running.set(tenantId, run);
    return run;
  }

  /** One pass: each waiting chat in priority/FIFO order gets one placement attempt. */
  private async pass(tenantId: string): Promise<void> {
    const queue = await this.deps.conversations.queue(tenantId, 500);
    for (const conversation of queue) {
      if (conversation.offeredTo) continue;
      const candidates = await this.candidates(conversation);
      if (candidates.length === 0) continue;
      const request = routingRequestOf(conversation);
      const filtered =
        (await this.deps.hooks.routing.candidates.call(candidates, request)) ?? candidates;
      const allowed = new Set(candidates.map((c) => c.agentId));
      const final = Array.isArray(filtered)
        ? filtered.filter((c) => c && allowed.has(c.agentId))
        : candidates;
      if (final.length === 0) continue;
      const selection = await this.deps.hooks.routing.select.call(final, request);
      if (!selection || !allowed.has(selection.agentId)) continue;
      try {
        if (selection.offerTimeoutMs !== undefined) {
          await this.offer(tenantId, conversation.id, selection.agentId, selection.offerTimeoutMs);
        } else {
          await this.deps.conversations.assign(
            tenantId,
            conversation.id,
            selection.agentId,
            selection.reason,
          );
        }
      } catch (error) {
        // Taken meanwhile or the agent filled up: the next pass sees the new state.
        if (!isSwitchboardError(error)) throw error;
      }
    }
  }

  /** Offers a chat and arms the lapse timer; a lapsed offer goes back to the queue. */
  async offer(tenantId: string, id: string, agentId: string, timeoutMs: number): Promise<void> {
    const expiresAt = this.deps.clock.now() + timeoutMs;
    await this.deps.conversations.offer(tenantId, id, agentId, expiresAt);
    const timer = this.deps.clock.setTimeout(() => {
      this.timers.delete(timer);
      void this.withdraw(tenantId, id, agentId, 'offer-timeout');
    }, timeoutMs);
    this.timers.add(timer);
  }

  /** Withdraws an offer (declined, lapsed, agent gone) and routes again. */
  async withdraw(
    tenantId: string,
    id: string,
    agentId: string,
    reason: 'offer-declined' | 'offer-timeout' | 'agent-left',
  ): Promise<boolean> {
    try {
      const record = await this.deps.conversations.withdrawOffer(tenantId, id, agentId, reason);
      if (record) await this.kick(tenantId);
      return record !== null;
    } catch (error) {
      this.deps.logger.error({ err: error, conversationId: id }, 'withdrawing an offer failed');
      return false;
    }
  }

  /** An agent went offline, away or lost their last socket: their open offers go back. */
  async agentGone(tenantId: string, agentId: string): Promise<void> {
    for (const offered of await this.deps.conversations.offersTo(tenantId, agentId)) {
      await this.withdraw(tenantId, offered.id, agentId, 'agent-left');
    }
  }

  /** Withdraws offers whose timer was lost (a restart, another process). */
  async sweepLapsedOffers(): Promise<void> {
    for (const c of await this.deps.conversations.lapsedOffers(this.deps.clock.now())) {
      if (c.offeredTo) await this.withdraw(c.tenantId, c.id, c.offeredTo, 'offer-timeout');
    }
  }

  /**
   * Shutdown: cancels lapse timers, starts no more passes, and waits for the ones under way, so
   * none is cut off by the database closing under it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) timer.dispose();
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Online, enabled agents of the tenant who match the target and have room. */
  async candidates(conversation: ConversationRecord): Promise<RoutingCandidate[]> {
    const now = this.deps.clock.now();
    const users = (await this.deps
      .knex('core_users')
      .where({ tenant_id: conversation.tenantId, presence: 'online' })
      .andWhereNot('disabled', true)) as Record<string, unknown>[];
    if (users.length === 0) return [];
    const loads = (await this.deps
      .knex('core_conversations')
      .where({ tenant_id: conversation.tenantId })
      .whereNull('ended_at')
      .whereNotNull('assigned_agent_id')
      .groupBy('assigned_agent_id')
      .select('assigned_agent_id')
      .count({ n: '*' })) as { assigned_agent_id: string; n: number | string }[];
    const loadOf = new Map(loads.map((l) => [l.assigned_agent_id, Number(l.n)]));
    // A standing offer holds a slot, as it does in the atomic capacity check.
    const offers = (await this.deps
      .knex('core_conversations')
      .where({ tenant_id: conversation.tenantId, state: 'waiting' })
      .whereNotNull('offered_to')
      .groupBy('offered_to')
      .select('offered_to')
      .count({ n: '*' })) as { offered_to: string; n: number | string }[];
    for (const o of offers) loadOf.set(o.offered_to, (loadOf.get(o.offered_to) ?? 0) + Number(o.n));
    const target = effectiveTarget(conversation, now);
    const out: RoutingCandidate[] = [];
    for (const u of users) {
      const skills = readJson<string[]>(u.skills, []);
      const groups = readJson<string[]>(u.groups, []);
      const departments = readJson<string[]>(u.department_ids, []);
      if (!matches(target, u.id as string, skills, groups, departments)) continue;
      const load = loadOf.get(u.id as string) ?? 0;
      const capacity = num(u.capacity);
      if (load >= capacity) continue;
      const since = Math.max(
        numOrNull(u.last_assigned_at) ?? 0,
        numOrNull(u.last_ended_at) ?? 0,
        num(u.presence_at),
      );
      out.push({
        agentId: u.id as string,
        load,
        capacity,
        idleMs: Math.max(0, now - since),
        skills,
        groups,
        scores: {},
      });
    }
    return out;
  }
}

function effectiveTarget(c: ConversationRecord, now: number): RoutingTarget {
  const t = c.target;
  if (t.kind === 'agent' && t.fallback && t.fallbackAfterMs !== undefined) {
    const since = c.waitingSince ?? c.createdAt;
    if (now - since >= t.fallbackAfterMs) return t.fallback;
  }
  return t;
}

function matches(
  t: RoutingTarget,
  id: string,
  skills: string[],
  groups: string[],
  departments: string[],
): boolean {
  switch (t.kind) {
    case 'any':
      return true;
    case 'skill':
      return t.value !== undefined && skills.includes(t.value);
    case 'group':
      return t.value !== undefined && groups.includes(t.value);
    case 'department':
      return t.value !== undefined && departments.includes(t.value);
    case 'agent':
      return t.value === id;
  }
}
