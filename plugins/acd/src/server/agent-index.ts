import type { AgentState, RoutingTarget } from '@switchboard/sdk';
import { IndexedHeap } from './indexed-heap.js';

/** An online agent as the routing index sees them. */
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

/** Whether `a` serves `target` (skills, groups and departments are exact labels). */
export function matches(target: RoutingTarget, a: AgentEntry): boolean {
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

/** An index entry from the kernel's view of an agent at `now`. */
export function entryOf(a: AgentState, now: number): AgentEntry {
  return {
    agentId: a.agentId,
    load: a.load,
    capacity: a.capacity,
    since: now - a.idleMs,
    skills: a.skills,
    groups: a.groups,
    departmentIds: a.departmentIds,
  };
}

/**
 * The online agents, one heap per queue key in use holding those with room, all kept in order as
 * loads change: picking the best agent for a chat is O(log n) (plus the heap's build on a key's
 * first use), taking or freeing a slot O(k log n) for k keys. It lives across routing passes (the
 * router refreshes it from the database when it may be stale) and drives the simulator.
 */
export class AgentIndex {
  /** Every online agent with a positive capacity, full or not. */
  readonly agents = new Map<string, AgentEntry>();
  /** The agents with room (`load < capacity`). */
  readonly byId = new Map<string, AgentEntry>();
  private readonly heaps = new Map<
    string,
    { target: RoutingTarget; heap: IndexedHeap<AgentEntry> }
  >();

  constructor(agents: readonly AgentState[] = [], now = 0) {
    for (const a of agents) {
      if (a.presence === 'online') this.add(entryOf(a, now));
    }
  }

  get empty(): boolean {
    return this.byId.size === 0;
  }

  /** Adds (or replaces) an online agent. Agents without capacity are ignored. */
  add(entry: AgentEntry): void {
    if (this.agents.has(entry.agentId)) this.remove(entry.agentId);
    if (entry.capacity <= 0) return;
    this.agents.set(entry.agentId, entry);
    if (entry.load < entry.capacity) this.enter(entry);
  }

  /** Takes an agent out entirely (went offline or away). */
  remove(agentId: string): void {
    const entry = this.agents.get(agentId);
    if (!entry) return;
    this.leave(entry);
    this.agents.delete(agentId);
  }

  /** The heap of agents with room matching `target` (built on first use). */
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

  /** One more chat (or offer) for `agent`: their rank moves, or they leave the heaps when full. */
  took(agent: AgentEntry, now: number): void {
    agent.load += 1;
    agent.since = now;
    if (agent.load >= agent.capacity) this.leave(agent);
    else for (const { heap } of this.heaps.values()) heap.update(agent);
  }

  /** One chat fewer for `agentId` (it ended): back in the heaps with room, idle from `now`. */
  release(agentId: string, now: number): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.load = Math.max(0, agent.load - 1);
    agent.since = now;
    if (!this.byId.has(agentId)) {
      if (agent.load < agent.capacity) this.enter(agent);
    } else for (const { heap } of this.heaps.values()) heap.update(agent);
  }

  /** The database found `agent` full: out of the heaps until a chat of theirs ends. */
  drop(agent: AgentEntry): void {
    agent.load = Math.max(agent.load, agent.capacity);
    this.leave(agent);
  }

  private enter(agent: AgentEntry): void {
    this.byId.set(agent.agentId, agent);
    for (const { target, heap } of this.heaps.values())
      if (matches(target, agent)) heap.push(agent);
  }

  private leave(agent: AgentEntry): void {
    this.byId.delete(agent.agentId);
    for (const { heap } of this.heaps.values()) heap.remove(agent);
  }
}
