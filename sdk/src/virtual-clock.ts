import type { Clock } from './clock.js';
import { toDisposable, type Disposable } from './disposable.js';

interface Timer {
  id: number;
  at: number;
  every: number | null;
  fn: () => void;
}

/**
 * A {@link Clock} whose time only moves when told to: for tests and simulations.
 *
 * Timers fire in time order (then in creation order) while {@link VirtualClock.advance} or
 * {@link VirtualClock.runUntilIdle} moves time forward. Between timers it yields to pending promise
 * callbacks, so async work scheduled by a timer completes before the next timer fires.
 * @public
 */
export class VirtualClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: Timer[] = [];

  /** @param start - initial time in epoch milliseconds (default 2026-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): Disposable {
    return this.schedule(fn, Math.max(0, ms), null);
  }

  setInterval(fn: () => void, ms: number): Disposable {
    const every = Math.max(1, ms);
    return this.schedule(fn, every, every);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Number of timers still scheduled. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `target` (epoch ms), firing due timers in order. */
  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.current = Math.max(this.current, next.at);
      this.fire(next);
      await settle();
    }
    this.current = Math.max(this.current, target);
  }

  /** Fires timers until none is left or `limit` timers have fired; returns how many fired. */
  async runUntilIdle(limit = 100_000): Promise<number> {
    let fired = 0;
    await settle();
    while (fired < limit) {
      const next = this.earliest();
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      this.fire(next);
      fired++;
      await settle();
    }
    return fired;
  }

  private schedule(fn: () => void, delay: number, every: number | null): Disposable {
    const timer: Timer = { id: this.nextId++, at: this.current + delay, every, fn };
    this.timers.push(timer);
    return toDisposable(() => {
      this.timers = this.timers.filter((t) => t !== timer);
    });
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    }
    return best;
  }

  private fire(timer: Timer): void {
    if (timer.every === null) {
      this.timers = this.timers.filter((t) => t !== timer);
    } else {
      timer.at += timer.every;
    }
    timer.fn();
  }
}

/** Lets already-queued promise callbacks (and one macrotask turn) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
