import type {
  Assignment,
  OverflowDecision,
  OverflowEvent,
  RoutingCandidate,
  RoutingRequest,
  RoutingSelection,
} from '@switchboard/sdk';
import { HookBudget } from './budgets.js';
import { GuardedHook, type GuardEnv } from './guarded-hook.js';

/** The routing hooks, call side. Contracts: docs/hooks.md#routing. */
export interface RoutingHookCalls {
  readonly enqueue: GuardedHook<[RoutingRequest], void>;
  readonly candidates: GuardedHook<[RoutingCandidate[], RoutingRequest], RoutingCandidate[]>;
  readonly select: GuardedHook<[RoutingCandidate[], RoutingRequest], RoutingSelection | undefined>;
  readonly assigned: GuardedHook<[Assignment], void>;
  readonly requeued: GuardedHook<[RoutingRequest, string], void>;
  readonly overflow: GuardedHook<[OverflowEvent], OverflowDecision | undefined>;
}

export function createRoutingHooks(env: GuardEnv): RoutingHookCalls {
  const { NOTIFY, ROUTE, DECIDE } = HookBudget;
  return Object.freeze({
    enqueue: new GuardedHook('routing.enqueue', 'series', ['request'], NOTIFY, env),
    candidates: new GuardedHook(
      'routing.candidates',
      'waterfall',
      ['candidates', 'request'],
      ROUTE,
      env,
    ),
    select: new GuardedHook('routing.select', 'bail', ['candidates', 'request'], ROUTE, env),
    assigned: new GuardedHook('routing.assigned', 'series', ['assignment'], NOTIFY, env),
    requeued: new GuardedHook('routing.requeued', 'series', ['request', 'reason'], NOTIFY, env),
    overflow: new GuardedHook('routing.overflow', 'bail', ['event'], DECIDE, env),
  }) as RoutingHookCalls;
}
