import { performance } from 'node:perf_hooks';

/**
 * Something with a budget in flight (one guarded hook call): the watchdog's list node. The owner
 * sets `deadline` to NaN whenever a new budget starts, and releases the entry when it is done;
 * the watchdog stamps the deadline and calls `expire()` once it passes. An entry a tick finds
 * idle (`busy` false) is released too.
 */
export interface Watched {
  /** Budget in milliseconds. */
  readonly budgetMs: number;
  /** Wall time (performance.now()) the budget ends at; NaN until the watchdog stamps it. */
  deadline: number;
  /** Something is in flight; an idle entry is dropped at the next tick. */
  readonly busy: boolean;
  /** Maintained by the watchdog. */
  linked: boolean;
  prev: Watched | null;
  next: Watched | null;
  /** The deadline passed with the entry busy; called from a tick. */
  expire(): void;
}

/**
 * Enforces tap time budgets with one shared timer instead of one timer per call: a timer per
 * call would cost more than the tap itself. Budgets are wall time, not the kernel clock, since
 * they protect the process from real stalls.
 *
 * Watching costs a few field writes: entries sit in an intrusive doubly linked list (no hashing,
 * no allocation), and no clock is read per budget. A budget is stamped by the first tick after it
 * started and counts from that tick, so it never ends early, and ends at most one tick
 * (`tickMs`) later than a clock read at its start would make it (overruns were only ever noticed
 * at a tick anyway).
 */
export class Watchdog {
  /** Newest first; only `head` lives in this (long-lived) object, so linking writes one field. */
  private head: Watched | null = null;
  private timer: NodeJS.Timeout | null = null;
  private idleTicks = 0;

  constructor(private readonly tickMs = 10) {}

  now(): number {
    return performance.now();
  }

  /** Links an entry (not linked yet) until it is released. */
  watch(entry: Watched): void {
    entry.linked = true;
    entry.prev = null;
    entry.next = this.head;
    if (this.head) this.head.prev = entry;
    this.head = entry;
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref();
    }
  }

  /** Unlinks a linked entry. */
  release(entry: Watched): void {
    const { prev, next } = entry;
    if (prev) prev.next = next;
    else this.head = next;
    if (next) next.prev = prev;
    entry.prev = entry.next = null;
    entry.linked = false;
  }

  private tick(): void {
    if (!this.head) {
      // Keep the timer for a few idle ticks so bursts of calls don't start and stop it each time.
      if (++this.idleTicks > 5) this.stop();
      return;
    }
    this.idleTicks = 0;
    const now = this.now();
    let expired: Watched[] | null = null;
    for (let entry: Watched | null = this.head; entry;) {
      const next: Watched | null = entry.next;
      if (!entry.busy) {
        this.release(entry);
      } else if (Number.isNaN(entry.deadline)) {
        // Started since the previous tick: the budget counts from now, never from earlier.
        entry.deadline = now + entry.budgetMs;
      } else if (entry.deadline <= now) {
        (expired ??= []).push(entry);
      }
      entry = next;
    }
    // Expire after the walk, so whatever `expire` sets off cannot disturb the list being walked.
    if (expired) for (const entry of expired) entry.expire();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.idleTicks = 0;
  }
}
