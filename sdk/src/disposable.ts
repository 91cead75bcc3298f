/**
 * Something that can be undone: a hook tap, a route, a timer, a subscription.
 *
 * Every registration a plugin makes returns one, and the kernel collects them so a plugin can be
 * disabled at run time without a restart.
 * @public
 */
export interface Disposable {
  dispose(): void;
}

/**
 * Wraps a function as a {@link Disposable} that runs it at most once.
 * @public
 */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/**
 * A collection of disposables, disposed in reverse order of registration.
 *
 * One throwing element does not stop the others; the errors are reported to `onError`.
 * A disposable added after the collection was disposed is disposed at once, and `onLateAdd`
 * is told, since that usually means a plugin registered something after it was stopped.
 * @public
 */
export class DisposableCollection implements Disposable {
  private readonly items: Disposable[] = [];
  private disposedFlag = false;

  constructor(
    private readonly onError: (error: unknown) => void = () => {},
    private readonly onLateAdd: () => void = () => {},
  ) {}

  /** True once {@link DisposableCollection.dispose} has run. */
  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** Number of live disposables held. */
  get size(): number {
    return this.items.length;
  }

  /** Adds a disposable; returns one that removes (and disposes) just that element. */
  add(item: Disposable): Disposable {
    if (this.disposedFlag) {
      this.onLateAdd();
      this.safeDispose(item);
      return toDisposable(() => {});
    }
    this.items.push(item);
    return toDisposable(() => {
      const index = this.items.indexOf(item);
      if (index >= 0) this.items.splice(index, 1);
      this.safeDispose(item);
    });
  }

  /** Disposes every element, last added first. Safe to call twice. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    while (this.items.length > 0) {
      this.safeDispose(this.items.pop()!);
    }
  }

  private safeDispose(item: Disposable): void {
    try {
      item.dispose();
    } catch (error) {
      this.onError(error);
    }
  }
}
