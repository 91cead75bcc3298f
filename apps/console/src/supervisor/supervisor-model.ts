import type { ConversationSnapshot, UserSnapshot } from '@switchboard/sdk';

/** An agent as the supervisor sees them (from `agents.list`, or a user from `users.list`). */
export interface AgentInfo {
  readonly id: string;
  readonly name: string;
  /** Known from `users.list` only. */
  readonly role: UserSnapshot['role'] | null;
  readonly presence: UserSnapshot['presence'];
  readonly capacity: number;
  readonly skills: readonly string[];
  readonly groups: readonly string[];
  readonly departmentIds: readonly string[];
  readonly disabled: boolean;
}

/**
 * An agent from either answer: `agents.list` (`AgentState`: `agentId`, load, idle time; enabled
 * users only) or `users.list` (`UserSnapshot`: `id`, role, disabled).
 */
export function toAgentInfo(raw: Record<string, unknown>): AgentInfo {
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
  return {
    id: String(raw.id ?? raw.agentId),
    name: String(raw.name ?? ''),
    role: (raw.role as AgentInfo['role'] | undefined) ?? null,
    presence: (raw.presence as AgentInfo['presence'] | undefined) ?? 'offline',
    capacity: typeof raw.capacity === 'number' ? raw.capacity : 0,
    skills: list(raw.skills),
    groups: list(raw.groups),
    departmentIds: list(raw.departmentIds),
    disabled: raw.disabled === true,
  };
}

/** One agent row: the agent, their load now and the chats they hold. */
export interface AgentRow {
  readonly agent: AgentInfo;
  readonly load: number;
  readonly chats: readonly ConversationSnapshot[];
  readonly offered: number;
}

/** One queue row: waiting chats of a department (or of a routing target). */
export interface QueueRow {
  readonly key: string;
  readonly label: string;
  readonly waiting: number;
  readonly offered: number;
  /** Longest wait in ms (0 when none wait). */
  readonly longestWaitMs: number;
}

const STATE_ORDER: Record<string, number> = { waiting: 0, active: 1, idle: 2, browsing: 3 };

/**
 * What the supervisor view shows, kept from one load plus the live events: every open
 * conversation of the tenant, the agents and their presence. Load is counted as the server
 * counts it: open conversations assigned to the agent, plus waiting chats offered to them.
 */
export class SupervisorModel {
  readonly conversations = new Map<string, ConversationSnapshot>();
  readonly agents = new Map<string, AgentInfo>();
  readonly departments = new Map<string, string>();
  readonly visitorNames = new Map<string, string>();

  /** Replaces everything with a fresh load. */
  reset(input: {
    conversations: readonly ConversationSnapshot[];
    agents: readonly AgentInfo[];
    departments: readonly { id: string; name: string }[];
  }): void {
    this.conversations.clear();
    for (const c of input.conversations) if (c.state !== 'ended') this.conversations.set(c.id, c);
    this.agents.clear();
    for (const a of input.agents) if (!a.disabled) this.agents.set(a.id, a);
    this.departments.clear();
    for (const d of input.departments) this.departments.set(d.id, d.name);
  }

  /** A `conversation.updated` event: keeps the newest state; an ended chat leaves the view. */
  applyConversation(c: ConversationSnapshot): void {
    const known = this.conversations.get(c.id);
    if (known && known.updatedAt > c.updatedAt) return;
    if (c.state === 'ended') this.conversations.delete(c.id);
    else this.conversations.set(c.id, c);
  }

  /** A `presence` event. Answers false for a user not shown (the view may reload agents). */
  applyPresence(userId: string, presence: AgentInfo['presence']): boolean {
    const agent = this.agents.get(userId);
    if (!agent) return false;
    this.agents.set(userId, { ...agent, presence });
    return true;
  }

  /** Open chats, waiting first (longest first), then by state and age. */
  liveChats(): ConversationSnapshot[] {
    return [...this.conversations.values()].sort((a, b) => {
      const s = (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9);
      if (s !== 0) return s;
      if (a.state === 'waiting') return (a.waitingSince ?? 0) - (b.waitingSince ?? 0);
      return a.createdAt - b.createdAt;
    });
  }

  /** Agents with their live load; online first, then by name. */
  agentRows(): AgentRow[] {
    const chats = new Map<string, ConversationSnapshot[]>();
    const offered = new Map<string, number>();
    for (const c of this.conversations.values()) {
      if (c.assignedAgentId) {
        const list = chats.get(c.assignedAgentId) ?? [];
        list.push(c);
        chats.set(c.assignedAgentId, list);
      } else if (c.state === 'waiting' && c.offeredTo) {
        offered.set(c.offeredTo, (offered.get(c.offeredTo) ?? 0) + 1);
      }
    }
    const rank = { online: 0, away: 1, offline: 2 } as const;
    return [...this.agents.values()]
      .map((agent) => {
        const held = chats.get(agent.id) ?? [];
        const offers = offered.get(agent.id) ?? 0;
        return { agent, chats: held, offered: offers, load: held.length + offers };
      })
      .sort(
        (a, b) =>
          rank[a.agent.presence] - rank[b.agent.presence] ||
          a.agent.name.localeCompare(b.agent.name),
      );
  }

  /** Waiting chats per department (no department: "General"), busiest first. */
  queuesByDepartment(now: number): QueueRow[] {
    return this.group(now, (c) =>
      c.departmentId
        ? { key: c.departmentId, label: this.departments.get(c.departmentId) ?? c.departmentId }
        : { key: '', label: 'No department' },
    );
  }

  /** Waiting chats per routing target (any agent, a skill, a group, …). */
  queuesByTarget(now: number): QueueRow[] {
    return this.group(now, (c) => {
      const t = c.target ?? { kind: 'any' };
      if (t.kind === 'any') return { key: 'any', label: 'Any agent' };
      const value =
        t.kind === 'department'
          ? (this.departments.get(t.value ?? '') ?? t.value)
          : t.kind === 'agent'
            ? (this.agents.get(t.value ?? '')?.name ?? t.value)
            : t.value;
      return { key: `${t.kind}:${t.value ?? ''}`, label: `${capitalise(t.kind)}: ${value ?? ''}` };
    });
  }

  /** Waiting chats in all queues. */
  totals(now: number): QueueRow {
    const rows = this.group(now, () => ({ key: '*', label: 'All queues' }));
    return rows[0] ?? { key: '*', label: 'All queues', waiting: 0, offered: 0, longestWaitMs: 0 };
  }

  agentName(id: string | null): string | null {
    if (!id) return null;
    return this.agents.get(id)?.name ?? null;
  }

  visitorName(c: ConversationSnapshot): string {
    return this.visitorNames.get(c.visitorId) ?? `Visitor ${c.visitorId.slice(-6)}`;
  }

  private group(
    now: number,
    keyOf: (c: ConversationSnapshot) => { key: string; label: string },
  ): QueueRow[] {
    const rows = new Map<
      string,
      { key: string; label: string; waiting: number; offered: number; longestWaitMs: number }
    >();
    for (const c of this.conversations.values()) {
      if (c.state !== 'waiting') continue;
      const { key, label } = keyOf(c);
      const row = rows.get(key) ?? { key, label, waiting: 0, offered: 0, longestWaitMs: 0 };
      row.waiting += 1;
      if (c.offeredTo) row.offered += 1;
      row.longestWaitMs = Math.max(row.longestWaitMs, now - (c.waitingSince ?? c.updatedAt));
      rows.set(key, row);
    }
    return [...rows.values()].sort((a, b) => b.longestWaitMs - a.longestWaitMs);
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `83_000` → "1:23"; an hour or more → "1 h 05 min". */
export function formatWait(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m}:${String(s).padStart(2, '0')}`;
}
