import { createToken, type Disposable, type RoutingRequest } from '@switchboard/sdk';

/** A candidate as the ACD ranks it. */
export interface AcdCandidate {
  readonly agentId: string;
  readonly load: number;
  readonly capacity: number;
  readonly idleMs: number;
  readonly skills: readonly string[];
  readonly groups: readonly string[];
  readonly departmentIds: readonly string[];
}

/**
 * A score term: called per eligible candidate of a chat; a number adds to the candidate's score
 * (higher wins, before the load ratio, idle time and id rules), `undefined` adds nothing. Runs on
 * the routing path for every candidate: keep it synchronous and cheap (no I/O).
 */
export type ScoreTerm = (candidate: AcdCandidate, request: RoutingRequest) => number | undefined;

/** Hooks the ACD owns. Created on first use; taps are named after the tapping plugin. */
export interface AcdHooks {
  readonly score: {
    tap(name: string, term: ScoreTerm): Disposable;
    isUsed(): boolean;
  };
}

/** One agent considered for a chat, as recorded in a decision. */
export interface DecisionCandidate {
  readonly agentId: string;
  readonly load: number;
  readonly capacity: number;
  readonly idleMs: number;
  /** How the agent matched the chat's target (`any`, `skill:billing`, `fallback:group:x`...). */
  readonly match: string;
  readonly score: number;
}

/** Why a chat went to an agent. */
export interface Decision {
  readonly id: string;
  readonly conversationId: string;
  readonly agentId: string;
  readonly mode: 'assign' | 'offer';
  /** `only-candidate`, `lowest-load-ratio`, `longest-idle`, `tie-break-agent-id`, `score`, `specific-agent`. */
  readonly rule: string;
  readonly queue: string;
  readonly priority: number;
  /** How many agents were eligible. */
  readonly eligible: number;
  /** The best `decisionCandidates` of them, best first (the winner first). */
  readonly candidates: readonly DecisionCandidate[];
  readonly decidedAt: number;
}

/** Counters of this process's routing, for benchmarks and operations. */
export interface AcdMetrics {
  readonly passes: number;
  readonly decisions: number;
  readonly committed: number;
  readonly conflicts: number;
  /** Time (ms) spent deciding in memory (index lookups and decision records), without I/O. */
  readonly decideMs: number;
  /**
   * Decision latencies (ms) of the most recent committed decisions: from the moment the router
   * started deciding the chat to the commit of its group (assignment and decision row durable).
   * Time spent waiting in the queue before that is not in it; benchmarks measure that from
   * arrival (see docs/benchmarks.md).
   */
  readonly latenciesMs: readonly number[];
}

/** The ACD's public service: `ctx.use(AcdService)` in a plugin with `"dependencies": ["acd"]`. */
export interface AcdService {
  readonly hooks: AcdHooks;
  decisions(tenantId: string, conversationId: string): Promise<Decision[]>;
  metrics(): AcdMetrics;
  resetMetrics(): void;
}

export const AcdService = createToken<AcdService>('acd', 'AcdService');
