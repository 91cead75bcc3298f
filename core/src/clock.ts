import { toDisposable, type Clock, type Disposable, DisposableCollection } from '@switchboard/sdk';

/** The real clock. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): Disposable {
    const handle = setTimeout(fn, ms);
    return toDisposable(() => clearTimeout(handle));
  }
  setInterval(fn: () => void, ms: number): Disposable {
    const handle = setInterval(fn, ms);
    return toDisposable(() => clearInterval(handle));
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/**
 * A plugin's view of the kernel clock: every timer it creates is tracked in the plugin's
 * disposables, so disabling the plugin cancels them.
 */
export class ScopedClock implements Clock {
  constructor(
    private readonly clock: Clock,
    private readonly owner: DisposableCollection,
  ) {}
  now(): number {
    return this.clock.now();
  }
  setTimeout(fn: () => void, ms: number): Disposable {
    // Once fired, the timer leaves the plugin's disposables so they don't grow without bound.
    const slot: { tracked?: Disposable } = {};
    const timer = this.clock.setTimeout(() => {
      slot.tracked?.dispose();
      fn();
    }, ms);
    slot.tracked = this.owner.add(timer);
    return slot.tracked;
  }
  setInterval(fn: () => void, ms: number): Disposable {
    return this.owner.add(this.clock.setInterval(fn, ms));
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }
}
