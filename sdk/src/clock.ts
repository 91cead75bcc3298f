import type { Disposable } from './disposable.js';

/**
 * The source of time for the kernel and every plugin.
 *
 * Inject it (`Tokens.Clock`, or `ctx.clock`) instead of calling `Date.now()` or `setTimeout`, so that
 * tests and load simulations can run on virtual time.
 * @public
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; dispose to cancel. */
  setTimeout(fn: () => void, ms: number): Disposable;
  /** Runs `fn` every `ms` milliseconds; dispose to cancel. */
  setInterval(fn: () => void, ms: number): Disposable;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}
