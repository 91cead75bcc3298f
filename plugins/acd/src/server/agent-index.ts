import type { AgentState, RoutingTarget } from '@switchboard/sdk';
import { IndexedHeap } from './indexed-heap.js';

/** An agent with room, as one routing pass sees them. */
export interface AgentEntry {
  readonly agentId: string;
  load: number;
  readonly capacity: number;
  /** Start of the current idle time: last assignment, last ended chat or coming online. */
  since: number;
  readonly skills: readonly string[];
  readonly groups: readonly string[];
  readonly departmentIds: readonly string[];
}

/** Ahead: lower load/capacity ratio, then longer idle (earlier `since`), then smaller id. */
export function ranksBefore(a: AgentEntry, b: AgentEntry): boolean {
  // a.load/a.capacity < b.load/b.capacity without division (capacities are positive).
  const left = a.load * b.capacity;
  const right = b.load * a.capacity;
  if (left !== right) return left < right;
  if (a.since !== b.since) return a.since < b.since;
  return a.agentId < b.agentId;
}

/** The rule that puts `winner` ahead of `runnerUp`. */
export function decidingRule(winner: AgentEntry, runnerUp: AgentEntry | undefined): string {
  if (!runnerUp) return 'only-candidate';
  if (winner.load * runnerUp.capacity !== runnerUp.load * winner.capacity) {
    return 'lowest-load-ratio';
  }
  if (winner.since !== runnerUp.since) return 'longest-idle';
  return 'tie-break-agent-id';
}

/** Queue key of a target: `any`, `skill:<s>`, `group:<g>`, `department:<id>`, `agent:<id>`. */
export function queueKey(target: RoutingTarget): string {
  return target.kind === 'any' ? 'any' : `${target.kind}:${target.value ?? ''}`;
}

/** The target in force: a specific agent falls back to its group after the configured wait. */
export function effectiveTarget(
  target: RoutingTarget,
  waitingSince: number,
  now: number,
): { target: RoutingTarget; fallback: boolean } {
  if (
    target.kind === 'agent' &&
    target.fallback &&
    target.fallbackAfterMs !== undefined &&
    now - waitingSince >= target.fallbackAfterMs
  ) {
    return { target: target.fallback, fallback: true };
  }
  return { target, fallback: false };
}

function matches(target: RoutingTarget, a: AgentEntry): boolean {
  switch (target.kind) {
    case 'any':
      return true;
    case 'skill':
      return target.value !== undefined && a.skills.includes(target.value);
    case 'group':
      return target.value !== undefined && a.groups.includes(target.value);
    case 'department':
      return target.value !== undefined && a.departmentIds.includes(target.value);
    case 'agent':
      return target.value === a.agentId;
  }
}

/**
 * Online agents with room, one heap per queue key in use, all kept in order as loads change:
 * picking the best agent for a chat is O(log n), not a scan of every agent.
 */
export class AgentIndex {
  readonly byId = new Map<string, AgentEntry>();
  private readonly heaps = new Map<
    string,
    { target: RoutingTarget; heap: IndexedHeap<AgentEntry> }
  >();

  constructor(agents: readonly AgentState[], now: number) {
    for (const a of agents) {
      if (a.presence !== 'online' || a.capacity <= 0 || a.load >= a.capacity) continue;
      this.byId.set(a.agentId, {
        agentId: a.agentId,
        load: a.load,
        capacity: a.capacity,
        since: now - a.idleMs,
        skills: a.skills,
        groups: a.groups,
        departmentIds: a.departmentIds,
      });
    }
  }

  get empty(): boolean {
    return this.byId.size === 0;
  }

  /** The heap of agents matching `target` (built on first use). */
  heapFor(target: RoutingTarget): IndexedHeap<AgentEntry> {
    const key = queueKey(target);
    let entry = this.heaps.get(key);
    if (!entry) {
      const heap = new IndexedHeap<AgentEntry>(ranksBefore);
      for (const a of this.byId.values()) if (matches(target, a)) heap.push(a);
      entry = { target, heap };
      this.heaps.set(key, entry);
    }
    return entry.heap;
  }

  /** One more chat (or offer) for `agent`: their rank moves, or they leave when full. */
  took(agent: AgentEntry, now: number): void {
    agent.load += 1;
    agent.since = now;
    if (agent.load >= agent.capacity) this.drop(agent);
    else for (const { heap } of this.heaps.values()) heap.update(agent);
  }

  /** Takes an agent out of this pass (full, or found full by the database). */
  drop(agent: AgentEntry): void {
    this.byId.delete(agent.agentId);
    for (const { heap } of this.heaps.values()) heap.remove(agent);
  }
}
