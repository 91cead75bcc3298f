import { AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook } from 'tapable';
import { toDisposable, type Disposable, type TapOptions } from '@switchboard/sdk';
import { HookTapError } from './fault-tracker.js';
import type { Watchdog, Watched } from './watchdog.js';

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
  tapAsync(options: { name: string; stage: number }, fn: AnyFn): void;
};

/** Tapable's callback for a `tapAsync` tap; the guard never passes an error. */
type TapCallback = (error: null, result?: unknown) => void;

/** The hidden last argument of every tapable call: the {@link HookRun} of that call. */
const RUN_ARG = '__guardedRun';

const nativeThen = Promise.prototype.then;

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
 *
 * Cost: the guard must not cost more than the taps. Taps are registered as callback-style
 * (`tapAsync`) taps, so the guard answers tapable straight from the plugin promise's reaction
 * (one reaction per tap, as a raw `tapPromise` tap has) instead of through a promise of its own.
 * Each call carries one {@link HookRun} (a hidden last tapable argument) that tracks the one tap
 * in flight, so the watchdog sees one entry per call, not per tap.
 */
export class GuardedHook<TArgs extends unknown[] = unknown[], TResult = unknown> {
  private records: TapRecord[] = [];
  private raw: RawHook;
  private activator: (() => Promise<void>) | null = null;
  private readonly guardContext: GuardContext;

  constructor(
    readonly name: string,
    readonly kind: HookKind,
    readonly argNames: readonly string[],
    /** Per-tap time budget in milliseconds. */
    readonly budgetMs: number,
    env: GuardEnv,
  ) {
    this.guardContext = {
      hook: name,
      budgetMs,
      bail: kind === 'bail',
      watchdog: env.watchdog,
      fault: (error) => env.fault(error),
    };
    this.raw = this.build();
  }

  /** Runs the hook: series resolves undefined, bail the decision (or undefined), waterfall the value. */
  call(...args: TArgs): Promise<TResult> {
    if (this.activator) return this.activateThenCall(args);
    if (this.records.length === 0) {
      return Promise.resolve((this.kind === 'waterfall' ? args[0] : undefined) as TResult);
    }
    const run = new HookRun(this.guardContext, this.records.length);
    // The run goes right after the hook's own arguments. No spread on the common arities: a
    // spread call with a trailing argument costs about as much as a tap.
    switch (this.argNames.length) {
      case 1:
        return this.raw.promise(args[0], run) as Promise<TResult>;
      case 2:
        return this.raw.promise(args[0], args[1], run) as Promise<TResult>;
      default:
        return this.raw.promise(...withRun(args, this.argNames.length, run)) as Promise<TResult>;
    }
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
    const names = [...this.argNames, RUN_ARG] as any;
    const raw = (this.kind === 'series'
      ? new AsyncSeriesHook(names)
      : this.kind === 'bail'
        ? new AsyncSeriesBailHook(names)
        : new AsyncSeriesWaterfallHook(names)) as unknown as RawHook;
    for (const record of this.records) {
      record.guarded ??= this.guard(record);
      raw.tapAsync({ name: record.pluginId, stage: record.stage }, record.guarded);
    }
    return raw;
  }

  /**
   * The function tapable calls for one tap: the hook's arguments, the run, then the callback.
   * The plugin's function gets exactly the hook's arguments; the common arities avoid rest arrays.
   */
  private guard(record: TapRecord): AnyFn {
    const tap = new TapGuard(this.guardContext, record.pluginId);
    const { fn } = record;
    const isWaterfall = this.kind === 'waterfall';
    switch (this.argNames.length) {
      case 1:
        return (a: unknown, run: HookRun, callback: TapCallback) => {
          let result: unknown;
          try {
            result = fn(a);
          } catch (error) {
            return run.threw(tap, error, isWaterfall ? a : undefined, callback);
          }
          run.follow(tap, result, isWaterfall ? a : undefined, callback);
        };
      case 2:
        return (a: unknown, b: unknown, run: HookRun, callback: TapCallback) => {
          let result: unknown;
          try {
            result = fn(a, b);
          } catch (error) {
            return run.threw(tap, error, isWaterfall ? a : undefined, callback);
          }
          run.follow(tap, result, isWaterfall ? a : undefined, callback);
        };
      default:
        return (...argsRunCallback: unknown[]) => {
          const callback = argsRunCallback.pop() as TapCallback;
          const run = argsRunCallback.pop() as HookRun;
          const fallback = isWaterfall ? argsRunCallback[0] : undefined;
          let result: unknown;
          try {
            result = fn(...argsRunCallback);
          } catch (error) {
            return run.threw(tap, error, fallback, callback);
          }
          run.follow(tap, result, fallback, callback);
        };
    }
  }
}

/** The first `count` arguments, then the run (a helper: a closure over `args` in `call` would
 * cost a context allocation on every call). */
function withRun(args: readonly unknown[], count: number, run: HookRun): unknown[] {
  const all = args.slice(0, count);
  all.length = count;
  all.push(run);
  return all;
}

/** Answers tapable in a microtask. */
function answerLater(callback: TapCallback, value: unknown): void {
  queueMicrotask(() => callback(null, value));
}

/** What the guard needs of its hook, in one object every call and tap of the hook shares. */
interface GuardContext {
  readonly hook: string;
  readonly budgetMs: number;
  /** A bail hook is over at the first answer other than undefined. */
  readonly bail: boolean;
  readonly watchdog: Watchdog;
  fault(error: HookTapError): void;
}

/** Who a tap is, for its faults. */
class TapGuard {
  constructor(
    private readonly context: GuardContext,
    readonly pluginId: string,
  ) {}

  fault(kind: 'error' | 'timeout', cause: unknown): void {
    this.context.fault(new HookTapError(this.context.hook, this.pluginId, kind, cause));
  }
}

/**
 * One call of a guarded hook. Tapable runs a call's taps one at a time, so this tracks the one
 * tap in flight: whichever comes first of its promise settling and the watchdog expiring it
 * answers tapable, exactly once; the other is ignored. The hook always goes on asynchronously
 * (in a promise reaction or a microtask), as with promise taps.
 *
 * The per-tap methods create no closures themselves (a method that does pays for a context on
 * every call, closure or not); closures live in small helpers on the rarer paths.
 */
class HookRun implements Watched {
  deadline = Number.NaN;
  linked = false;
  prev: Watched | null = null;
  next: Watched | null = null;
  /** The tap in flight, its fallback (what the hook goes on with if it fails) and its callback. */
  private tap: TapGuard | null = null;
  private fallback: unknown = undefined;
  private callback: TapCallback | null = null;
  /** Bumped whenever a tap is abandoned (budget overrun), so its late settlement is ignored. */
  private epoch = 0;
  /** Reactions to native promises, shared by the taps of one epoch. */
  private onValue: ((value: unknown) => void) | null = null;
  private onError: ((error: unknown) => void) | null = null;

  constructor(
    private readonly context: GuardContext,
    /** Taps not answered yet; the call is over when none is left. */
    private remaining: number,
  ) {}

  get budgetMs(): number {
    return this.context.budgetMs;
  }

  get busy(): boolean {
    return this.tap !== null;
  }

  /** The tap threw: a fault, and the hook goes on with the fallback. */
  threw(tap: TapGuard, error: unknown, fallback: unknown, callback: TapCallback): void {
    tap.fault('error', error);
    this.count(fallback);
    answerLater(callback, fallback);
  }

  /** The tap returned: a thenable is watched against the budget, anything else is the result. */
  follow(tap: TapGuard, result: unknown, fallback: unknown, callback: TapCallback): void {
    const then =
      result !== null && (typeof result === 'object' || typeof result === 'function')
        ? (result as PromiseLike<unknown>).then
        : undefined;
    if (typeof then !== 'function') {
      this.count(result);
      answerLater(callback, result);
      return;
    }
    this.tap = tap;
    this.fallback = fallback;
    this.callback = callback;
    this.deadline = Number.NaN;
    if (!this.linked) this.context.watchdog.watch(this);
    if (then !== nativeThen) {
      this.followThenable(then, result);
      return;
    }
    // A native promise runs each reaction once and never synchronously, and taps run one at a
    // time: one pair of reactions per epoch serves every tap, with no closures per tap.
    if (!this.onValue) this.react();
    try {
      then.call(result, this.onValue, this.onError);
    } catch (error) {
      // Only a subclass's species constructor can throw here, before subscribing.
      this.reject(this.epoch, error, true);
    }
  }

  /** Creates the reactions of the current epoch. */
  private react(): void {
    const epoch = this.epoch;
    this.onValue = (value) => this.fulfil(epoch, value, false);
    this.onError = (error: unknown) => this.reject(epoch, error, false);
  }

  /**
   * Any other thenable may call back more than once, or during `then`: handlers of its own, and
   * the hook goes on in a microtask, never inside the thenable's own code.
   */
  private followThenable(then: PromiseLike<unknown>['then'], thenable: unknown): void {
    const epoch = this.epoch;
    let done = false;
    const settle = (fulfilled: boolean, outcome: unknown) => {
      if (done) return;
      done = true;
      if (fulfilled) this.fulfil(epoch, outcome, true);
      else this.reject(epoch, outcome, true);
    };
    try {
      then.call(
        thenable,
        (value: unknown) => settle(true, value),
        (error: unknown) => settle(false, error),
      );
    } catch (error) {
      settle(false, error);
    }
  }

  expire(): void {
    const tap = this.tap;
    if (!tap) return;
    this.abandon();
    tap.fault('timeout', undefined);
    // From the watchdog's tick: the hook goes on in a microtask, not inside the tick.
    this.answer(this.fallback, true);
  }

  private fulfil(epoch: number, value: unknown, defer: boolean): void {
    if (epoch !== this.epoch || !this.tap) return;
    this.answer(value, defer);
  }

  private reject(epoch: number, error: unknown, defer: boolean): void {
    if (epoch !== this.epoch || !this.tap) return;
    this.tap.fault('error', error);
    this.answer(this.fallback, defer);
  }

  /** Ignores whatever the tap in flight does from now on. */
  private abandon(): void {
    this.epoch++;
    this.onValue = this.onError = null;
  }

  private answer(value: unknown, defer: boolean): void {
    const callback = this.callback!;
    this.tap = null;
    this.callback = null;
    this.fallback = undefined;
    this.count(value);
    if (defer) answerLater(callback, value);
    else callback(null, value);
  }

  /** Counts an answer; once the call is over, the watchdog lets go of it at once. */
  private count(value: unknown): void {
    if ((--this.remaining <= 0 || (this.context.bail && value !== undefined)) && this.linked) {
      this.context.watchdog.release(this);
    }
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
