import type { UiContribution, UiRequest } from '@switchboard/sdk';
import { HookBudget } from './budgets.js';
import { GuardedHook, KeyedGuardedHooks, type GuardEnv } from './guarded-hook.js';

type ContributionsHook = GuardedHook<[UiContribution[], UiRequest], UiContribution[]>;

/** The UI assembly hooks, call side. Contracts: docs/hooks.md#ui. */
export interface UiHookCalls {
  readonly contributions: ContributionsHook;
  readonly slot: KeyedGuardedHooks<[UiContribution[], UiRequest], UiContribution[]>;
}

export function createUiHooks(env: GuardEnv): UiHookCalls {
  const args = ['contributions', 'request'];
  return Object.freeze({
    contributions: new GuardedHook('ui.contributions', 'waterfall', args, HookBudget.UI, env),
    slot: new KeyedGuardedHooks(
      (key) => new GuardedHook(`ui.slot[${key}]`, 'waterfall', args, HookBudget.UI, env),
    ),
  }) as UiHookCalls;
}
