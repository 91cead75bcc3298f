import { AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook } from 'tapable';
import { toDisposable, type Disposable, type TapOptions } from '@switchboard/sdk';
import { HookTapError } from './fault-tracker.js';
import type { Watchdog } from './watchdog.js';

/** Series notifies, bail decides, waterfall transforms. */
export type HookKind = 'series' | 'bail' | 'waterfall';

/** What every guarded hook shares: the watchdog and where faults go. */
export interface GuardEnv {
  readonly watchdog: Watchdog;
  fault(error: HookTapError): void;
}

type AnyFn = (...args: any[]) => any;
type RawHook = {
  promise(...args: unknown[]): Promise<unknown>;
  tapPromise(options: { name: string; stage: number }, fn: AnyFn): void;
};

interface TapRecord {
  readonly pluginId: string;
  readonly fn: AnyFn;
  readonly stage: number;
  guarded?: AnyFn;
}

/** Tap-only facade of one hook, as plugins see it. */
export interface TapOnly {
  tap(fn: AnyFn, options?: TapOptions): Disposable;
  isUsed(): boolean;
}

/**
 * One hook of the catalogue: a tapable hook the kernel rebuilds from its tap records whenever a
 * plugin taps or is removed (tapable has no untap). Every tap runs inside the guard: an exception
 * or a budget overrun is reported as a fault of that plugin and the hook goes on as if the tap
 * had returned nothing (a waterfall keeps the value it had).
 */
export class GuardedHook<TArgs extends unknown[] = unknown[], TResult = unknown> {
  private records: TapRecord[] = [];
  private raw: RawHook;
  private activator: (() => Promise<void>) | null = null;

  constructor(
    readonly name: string,
    readonly kind: HookKind,
    readonly argNames: readonly string[],
    /** Per-tap time budget in milliseconds. */
    readonly budgetMs: number,
    private readonly env: GuardEnv,
  ) {
    this.raw = this.build();
  }

  /** Runs the hook: series resolves undefined, bail the decision (or undefined), waterfall the value. */
  call(...args: TArgs): Promise<TResult> {
    if (this.activator) return this.activateThenCall(args);
    if (this.records.length === 0) {
      return Promise.resolve((this.kind === 'waterfall' ? args[0] : undefined) as TResult);
    }
    return this.raw.promise(...args) as Promise<TResult>;
  }

  /** True when some plugin tapped this hook. */
  isUsed(): boolean {
    return this.records.length > 0;
  }

  /** Plugin ids with taps here, in call order. */
  tappedBy(): string[] {
    return [...this.records].sort((a, b) => a.stage - b.stage).map((r) => r.pluginId);
  }

  /** The tap-only view for one plugin; each tap's disposable goes to `track`. */
  facade(pluginId: string, track: (d: Disposable) => Disposable): TapOnly {
    return {
      tap: (fn, options) => {
        if (typeof fn !== 'function') {
          throw new TypeError(`Plugin "${pluginId}" tapped ${this.name} with a non-function.`);
        }
        const record: TapRecord = { pluginId, fn, stage: options?.stage ?? 0 };
        this.records.push(record);
        this.rebuild();
        return track(
          toDisposable(() => {
            this.records = this.records.filter((r) => r !== record);
            this.rebuild();
          }),
        );
      },
      isUsed: () => this.isUsed(),
    };
  }

  /**
   * Sets a one-shot activation to await before the next call (activation events `onHook:` and
   * `onConversation`). Cleared once it has run.
   */
  activateBeforeNextCall(activate: () => Promise<void>): void {
    const previous = this.activator;
    this.activator = previous ? () => previous().then(activate) : activate;
  }

  private async activateThenCall(args: TArgs): Promise<TResult> {
    const activate = this.activator;
    this.activator = null;
    if (activate) await activate();
    return this.call(...args);
  }

  private rebuild(): void {
    this.raw = this.build();
  }

  private build(): RawHook {
    // tapable's typings want literal tuples of names; ours are computed.
    const names = [...this.argNames] as any;
    const raw = (this.kind === 'series'
      ? new AsyncSeriesHook(names)
      : this.kind === 'bail'
        ? new AsyncSeriesBailHook(names)
        : new AsyncSeriesWaterfallHook(names)) as unknown as RawHook;
    for (const record of this.records) {
      record.guarded ??= this.guard(record);
      raw.tapPromise({ name: record.pluginId, stage: record.stage }, record.guarded);
    }
    return raw;
  }

  private guard(record: TapRecord): AnyFn {
    const { env, name, budgetMs } = this;
    const { fn, pluginId } = record;
    const isWaterfall = this.kind === 'waterfall';
    return (...args: unknown[]) => {
      const fallback = isWaterfall ? args[0] : undefined;
      let result: any;
      try {
        result = fn(...args);
      } catch (error) {
        env.fault(new HookTapError(name, pluginId, 'error', error));
        return Promise.resolve(fallback);
      }
      if (result === null || typeof result !== 'object' || typeof result.then !== 'function') {
        return Promise.resolve(result);
      }
      return new Promise((resolve) => {
        const watched = {
          deadline: env.watchdog.now() + budgetMs,
          settled: false,
          expire() {
            if (watched.settled) return;
            watched.settled = true;
            env.fault(new HookTapError(name, pluginId, 'timeout', undefined));
            resolve(fallback);
          },
        };
        env.watchdog.watch(watched);
        (result as Promise<unknown>).then(
          (value) => {
            if (watched.settled) return;
            watched.settled = true;
            env.watchdog.release(watched);
            resolve(value);
          },
          (error: unknown) => {
            if (watched.settled) return;
            watched.settled = true;
            env.watchdog.release(watched);
            env.fault(new HookTapError(name, pluginId, 'error', error));
            resolve(fallback);
          },
        );
      });
    };
  }
}

/** Hooks keyed by name (tapable's HookMap), each a guarded hook created on first use. */
export class KeyedGuardedHooks<TArgs extends unknown[] = unknown[], TResult = unknown> {
  private readonly hooks = new Map<string, GuardedHook<TArgs, TResult>>();

  constructor(private readonly create: (key: string) => GuardedHook<TArgs, TResult>) {}

  for(key: string): GuardedHook<TArgs, TResult> {
    let hook = this.hooks.get(key);
    if (!hook) this.hooks.set(key, (hook = this.create(key)));
    return hook;
  }

  keys(): string[] {
    return [...this.hooks.keys()];
  }
}
