import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Anything with `subscribe(listener) → unsubscribe`: the store, the router, the preferences. */
export interface Observable {
  subscribe(listener: () => void): () => void;
}

/**
 * Re-renders a Lit element whenever one of its observables changes, subscribing while the
 * element is connected only.
 */
export class StoreController implements ReactiveController {
  private offs: (() => void)[] = [];
  private sources: readonly Observable[] = [];

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Watches these sources instead of the previous ones (call from `willUpdate` when they change). */
  watch(...sources: (Observable | null | undefined)[]): void {
    const next = sources.filter((s): s is Observable => !!s);
    if (next.length === this.sources.length && next.every((s, i) => s === this.sources[i])) return;
    this.unhook();
    this.sources = next;
    this.hook();
  }

  hostConnected(): void {
    this.hook();
  }

  hostDisconnected(): void {
    this.unhook();
  }

  private hook(): void {
    if (this.offs.length > 0) return;
    this.offs = this.sources.map((s) => s.subscribe(() => this.host.requestUpdate()));
  }

  private unhook(): void {
    for (const off of this.offs.splice(0)) off();
  }
}
