import type { RoutingTarget } from '@switchboard/sdk';
import type { Decision, DecisionCandidate } from '../common/acd-service.js';
import {
  decidingRule,
  effectiveTarget,
  queueKey,
  ranksBefore,
  type AgentEntry,
  type AgentIndex,
} from './agent-index.js';

/** What a decision needs to know about a waiting chat (a `ConversationSnapshot` is one). */
export interface RoutableChat {
  readonly id: string;
  readonly target: RoutingTarget;
  readonly priority: number;
  readonly waitingSince: number | null;
  readonly createdAt: number;
}

/** Score terms of other plugins (`acd.hooks.score`), as the decision sees them. */
export interface Scorer<C extends RoutableChat> {
  isUsed(): boolean;
  /** Sum of the terms for one candidate of `chat`, whose target in force is `target`. */
  score(candidate: AgentEntry, chat: C, target: RoutingTarget, now: number): number;
}

export interface DecideOptions {
  readonly mode: 'auto' | 'offer';
  /** How many of the best candidates the decision lists. */
  readonly decisionCandidates: number;
}

/**
 * Picks the agent for one chat from the index, in memory: the heap top of the chat's target (or,
 * while score terms are tapped, every eligible agent scored); null when nobody eligible has room.
 * Does not change the index: the caller takes the slot (`index.took`) once it acts on the
 * decision. The plugin's router and the simulator both decide with this function.
 */
export function decide<C extends RoutableChat>(
  index: AgentIndex,
  chat: C,
  excluded: ReadonlySet<string> | undefined,
  options: DecideOptions,
  now: number,
  id: string,
  scorer?: Scorer<C>,
): Decision | null {
  const waitingSince = chat.waitingSince ?? chat.createdAt;
  const { target, fallback } = effectiveTarget(chat.target, waitingSince, now);
  const match = (fallback ? 'fallback:' : '') + queueKey(target);
  const limit = options.decisionCandidates;
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
    if (skip) {
      for (const agentId of excluded!) {
        const entry = index.byId.get(agentId);
        if (entry && heap.has(entry)) eligible--;
      }
    }
    if (eligible <= 0) return null;
    if (scorer?.isUsed()) {
      ranked = heap
        .all()
        .filter((a) => !skip?.(a))
        .map((entry) => ({ entry, score: scorer.score(entry, chat, target, now) }))
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
    id,
    conversationId: chat.id,
    agentId: winner.agentId,
    mode: options.mode === 'offer' ? 'offer' : 'assign',
    rule,
    queue: queueKey(chat.target),
    priority: chat.priority,
    eligible,
    candidates,
    decidedAt: now,
  };
}

/**
 * Decision ids that sort by time within a process (cheap, and appended at the end of the
 * primary-key index rather than at random places): `dec_` + time + a per-process random part +
 * a counter.
 */
export function decisionIds(random: () => string): (now: number) => string {
  const prefix = random();
  let counter = 0;
  return (now) =>
    `dec_${Math.max(0, now).toString(36).padStart(9, '0')}${prefix}${(counter++).toString(36).padStart(6, '0')}`;
}
