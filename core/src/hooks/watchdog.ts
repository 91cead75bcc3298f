import { performance } from 'node:perf_hooks';

/** A guarded call in flight. */
export interface Watched {
  deadline: number;
  settled: boolean;
  expire(): void;
}

/**
 * Enforces tap time budgets with one shared timer instead of one timer per call: a timer per
 * call would cost more than the tap itself. Budgets are wall time, not the kernel clock, since
 * they protect the process from real stalls.
 */
export class Watchdog {
  private readonly inflight = new Set<Watched>();
  private timer: NodeJS.Timeout | null = null;
  private idleTicks = 0;

  constructor(private readonly tickMs = 10) {}

  now(): number {
    return performance.now();
  }

  watch(entry: Watched): void {
    this.inflight.add(entry);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref();
    }
  }

  release(entry: Watched): void {
    this.inflight.delete(entry);
  }

  private tick(): void {
    if (this.inflight.size === 0) {
      // Keep the timer for a few idle ticks so bursts of calls don't start and stop it each time.
      if (++this.idleTicks > 5) this.stop();
      return;
    }
    this.idleTicks = 0;
    const now = this.now();
    for (const entry of this.inflight) {
      if (entry.deadline <= now) {
        this.inflight.delete(entry);
        entry.expire();
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.idleTicks = 0;
  }
}
