import type {
  AgentState,
  Clock,
  ConversationSnapshot,
  ConversationsService,
  Logger,
  RealtimeService,
} from '@switchboard/sdk';
import type { AcdSettings, QueueSettings } from '../common/settings.js';
import { effectiveTarget, queueKey } from './agent-index.js';

/** The settings of the queue a chat waits in (its own key, else `*`). */
export function queueSettings(settings: AcdSettings, key: string): QueueSettings | undefined {
  return settings.queues[key] ?? settings.queues['*'];
}

export interface QueueRow {
  readonly queue: string;
  readonly length: number;
  readonly oldestWaitMs: number;
}

export interface AgentRow {
  readonly agentId: string;
  readonly name: string;
  readonly presence: AgentState['presence'];
  readonly state: 'offline' | 'away' | 'available' | 'busy' | 'full';
  readonly load: number;
  readonly capacity: number;
  readonly idleMs: number;
}

export interface Scoreboard {
  readonly tenantId: string;
  readonly at: number;
  readonly queues: readonly QueueRow[];
  readonly agents: readonly AgentRow[];
}

/** Each queue's length and oldest wait, each agent's load, idle time and state. */
export function scoreboardOf(
  tenantId: string,
  queue: readonly ConversationSnapshot[],
  agents: readonly AgentState[],
  now: number,
): Scoreboard {
  const queues = new Map<string, { length: number; oldest: number }>();
  for (const c of queue) {
    const key = queueKey(c.target);
    const since = c.waitingSince ?? c.createdAt;
    const row = queues.get(key);
    if (row) {
      row.length++;
      row.oldest = Math.min(row.oldest, since);
    } else queues.set(key, { length: 1, oldest: since });
  }
  return {
    tenantId,
    at: now,
    queues: [...queues]
      .map(([key, q]) => ({
        queue: key,
        length: q.length,
        oldestWaitMs: Math.max(0, now - q.oldest),
      }))
      .sort((a, b) => a.queue.localeCompare(b.queue)),
    agents: agents
      .map((a) => ({
        agentId: a.agentId,
        name: a.name,
        presence: a.presence,
        state:
          a.presence !== 'online'
            ? a.presence
            : a.load >= a.capacity
              ? ('full' as const)
              : a.load > 0
                ? ('busy' as const)
                : ('available' as const),
        load: a.load,
        capacity: a.capacity,
        idleMs: a.idleMs,
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId)),
  };
}

/**
 * What happens to waiting chats over time, once a second per tenant: a safety routing pass (a
 * freed slot is filled within a second even if a trigger was missed, e.g. on another process),
 * overflow of chats past their queue's max wait, queue position and estimated wait pushed to
 * each visitor whose figures changed, and the supervisors' scoreboard when it changed.
 */
export class QueueLife {
  private readonly pushed = new Map<string, string>();
  private readonly boards = new Map<string, string>();
  private readonly state = new Map<
    string,
    { dirty: boolean; due: number; at: number; minGap: number }
  >();

  /** Something happened in the tenant (chat requested, ended, offer lapsed, presence...). */
  touch(tenantId: string): void {
    const s = this.state.get(tenantId);
    if (s) s.dirty = true;
    else this.state.set(tenantId, { dirty: true, due: 0, at: 0, minGap: 0 });
  }

  /**
   * Whether the tenant needs a full tick now: after any change, when a chat reaches its max wait
   * or its fallback, and at least every 10 s (every second while chats wait) as the safety net
   * for changes made by other processes. Quiet tenants cost nothing per second.
   */
  due(tenantId: string, now: number): boolean {
    const s = this.state.get(tenantId);
    if (!s) return true;
    return now >= s.due || (s.dirty && now - s.at >= s.minGap);
  }

  constructor(
    private readonly deps: {
      conversations: ConversationsService;
      realtime: RealtimeService;
      clock: Clock;
      logger: Logger;
      settings: (tenantId: string) => Promise<AcdSettings>;
    },
  ) {}

  async tick(tenantId: string): Promise<void> {
    const { conversations, realtime } = this.deps;
    const mark = this.state.get(tenantId) ?? { dirty: false, due: 0, at: 0, minGap: 0 };
    this.state.set(tenantId, mark);
    mark.dirty = false;
    await conversations.route(tenantId);
    const settings = await this.deps.settings(tenantId);
    const now = this.deps.clock.now();
    const [queue, agents] = await Promise.all([
      conversations.queue(tenantId),
      conversations.agents(tenantId),
    ]);
    const waiting: ConversationSnapshot[] = [];
    for (const c of queue) {
      const limits = queueSettings(settings, queueKey(c.target));
      const since = c.waitingSince ?? c.createdAt;
      if (limits?.maxWaitMs !== undefined && !c.offeredTo && now - since >= limits.maxWaitMs) {
        await this.overflow(tenantId, c, 'max-wait', limits.overflowMessage);
      } else waiting.push(c);
    }
    // Positions within each queue, in the kernel's order (priority, then longest waiting).
    const position = new Map<string, number>();
    for (const c of waiting) {
      const key = queueKey(effectiveTarget(c.target, c.waitingSince ?? c.createdAt, now).target);
      const n = (position.get(key) ?? 0) + 1;
      position.set(key, n);
      const slots = servingSlots(agents, key);
      const estimatedWaitMs = Math.round((n * settings.averageHandleTimeMs) / Math.max(1, slots));
      // Near the head every step counts; further back, a change of about 10 % is news.
      const figure =
        n <= 10
          ? `${n}:${Math.round(estimatedWaitMs / 5000)}`
          : `~${bucket(n)}:${bucket(estimatedWaitMs)}`;
      if (this.pushed.get(c.id) === figure) continue;
      this.pushed.set(c.id, figure);
      await realtime.toVisitor(tenantId, c.visitorId, {
        type: 'plugin.acd.queue',
        conversationId: c.id,
        position: n,
        estimatedWaitMs,
      });
    }
    // Long queues: positions move slowly; refresh them every 10 s, unless a deadline comes first.
    let due = now + (waiting.length > 0 && waiting.length < 500 ? 1000 : 10_000);
    for (const c of waiting) {
      const since = c.waitingSince ?? c.createdAt;
      const limits = queueSettings(settings, queueKey(c.target));
      if (limits?.maxWaitMs !== undefined) due = Math.min(due, since + limits.maxWaitMs);
      if (c.target.fallbackAfterMs !== undefined && now < since + c.target.fallbackAfterMs) {
        due = Math.min(due, since + c.target.fallbackAfterMs);
      }
    }
    mark.due = due;
    mark.at = now;
    mark.minGap = waiting.length < 500 ? 0 : 10_000;
    const live = new Set(waiting.map((c) => c.id));
    for (const id of this.pushed.keys()) if (!live.has(id)) this.pushed.delete(id);
    const board = scoreboardOf(tenantId, waiting, agents, now);
    const key = JSON.stringify({
      q: board.queues,
      a: board.agents.map((a) => [a.agentId, a.state, a.load, a.capacity]),
    });
    if (this.boards.get(tenantId) !== key) {
      this.boards.set(tenantId, key);
      await realtime.toStaff(tenantId, { type: 'plugin.acd.scoreboard', ...board });
    }
  }

  /** Ends a chat that cannot be served, telling the visitor to leave a message instead. */
  async overflow(
    tenantId: string,
    c: ConversationSnapshot,
    reason: 'max-wait' | 'queue-full' | 'closed',
    message: string | undefined,
  ): Promise<void> {
    const text = message ?? 'Sorry, nobody could answer in time. Please leave us a message.';
    await this.deps.conversations.postSystemMessage(tenantId, c.id, {
      body: text,
      visibility: 'public',
      metadata: { acd: 'overflow', reason, offer: 'offline-message' },
    });
    await this.deps.realtime.toVisitor(tenantId, c.visitorId, {
      type: 'plugin.acd.overflow',
      conversationId: c.id,
      reason,
      offer: 'offline-message',
      message: text,
    });
    await this.deps.conversations.end(tenantId, c.id, `overflow:${reason}`);
    this.pushed.delete(c.id);
  }
}

/** Chat slots of the online agents who serve a queue (its key), for the estimated wait. */
function servingSlots(agents: readonly AgentState[], key: string): number {
  const [kind, value] = key.includes(':')
    ? [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)]
    : [key, ''];
  let slots = 0;
  for (const a of agents) {
    if (a.presence !== 'online') continue;
    const serves =
      kind === 'any' ||
      (kind === 'skill' && a.skills.includes(value)) ||
      (kind === 'group' && a.groups.includes(value)) ||
      (kind === 'department' && a.departmentIds.includes(value)) ||
      (kind === 'agent' && a.agentId === value);
    if (serves) slots += a.capacity;
  }
  return slots;
}

/** Logarithmic bucket: values in one bucket differ by less than about 10 %. */
function bucket(value: number): number {
  return Math.round(Math.log(Math.max(1, value)) / Math.log(1.1));
}
