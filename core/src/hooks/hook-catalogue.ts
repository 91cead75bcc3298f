import type { Disposable, KernelHooks } from '@switchboard/sdk';
import type { FaultTracker, HookTapError } from './fault-tracker.js';
import { GuardedHook, KeyedGuardedHooks, type GuardEnv } from './guarded-hook.js';
import { createRoutingHooks, type RoutingHookCalls } from './routing-hooks.js';
import { createSessionHooks, type SessionHookCalls } from './session-hooks.js';
import { createUiHooks, type UiHookCalls } from './ui-hooks.js';
import { Watchdog } from './watchdog.js';

/**
 * Every hook of the kernel, call side, declared once per group. The kernel calls them;
 * plugins receive a tap-only facade from {@link HookCatalogue.facadeFor}.
 */
export class HookCatalogue {
  readonly session: SessionHookCalls;
  readonly routing: RoutingHookCalls;
  readonly ui: UiHookCalls;
  private readonly watchdog = new Watchdog();

  constructor(faults: Pick<FaultTracker, 'record'>) {
    const env: GuardEnv = {
      watchdog: this.watchdog,
      fault: (error: HookTapError) => faults.record(error),
    };
    this.session = createSessionHooks(env);
    this.routing = createRoutingHooks(env);
    this.ui = createUiHooks(env);
  }

  /** The tap-only hooks for one plugin; every tap's disposable goes to `track`. */
  facadeFor(pluginId: string, track: (d: Disposable) => Disposable): KernelHooks {
    const group = (calls: object) =>
      Object.freeze(
        Object.fromEntries(
          Object.entries(calls).map(([key, hook]) => {
            if (hook instanceof GuardedHook)
              return [key, Object.freeze(hook.facade(pluginId, track))];
            if (hook instanceof KeyedGuardedHooks) {
              return [
                key,
                Object.freeze({
                  for: (k: string) => Object.freeze(hook.for(k).facade(pluginId, track)),
                }),
              ];
            }
            throw new Error(`Unknown hook kind at ${key}`);
          }),
        ),
      );
    return Object.freeze({
      session: group(this.session),
      routing: group(this.routing),
      ui: group(this.ui),
    }) as unknown as KernelHooks;
  }

  /** Looks a hook up by its full name (`session.conversationStarted`), for activation events. */
  find(name: string): GuardedHook | undefined {
    const [groupName, hookName] = name.split('.');
    const groups: Record<string, object> = {
      session: this.session,
      routing: this.routing,
      ui: this.ui,
    };
    const hook = (groups[groupName ?? ''] as Record<string, unknown> | undefined)?.[hookName ?? ''];
    return hook instanceof GuardedHook ? (hook as GuardedHook) : undefined;
  }

  /** Stops the shared budget timer (on kernel shutdown). */
  dispose(): void {
    this.watchdog.stop();
  }
}
