import { SwitchboardClientError } from './client-error.js';

/** A call waiting to be sent or answered. */
export interface PendingCall {
  readonly id: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

interface Entry extends PendingCall {
  resolve(result: unknown): void;
  reject(error: SwitchboardClientError): void;
  timer: ReturnType<typeof setTimeout> | null;
  /** Sent once already on a socket that dropped before the answer. */
  retried: boolean;
}

/**
 * The client's calls: queued while there is no connection, in flight once sent, settled by
 * their answer, a timeout, or the client closing. Every call settles exactly once.
 */
export class PendingCalls {
  private readonly queue: Entry[] = [];
  private readonly inFlight = new Map<string, Entry>();
  private nextId = 0;

  constructor(
    /** No answer after this long fails with `CLIENT_TIMEOUT`; 0 = never. */
    private readonly timeoutMs: number,
    /** Most calls waiting at once; beyond, `CLIENT_QUEUE_FULL`. */
    private readonly max: number,
  ) {}

  /** A new call, queued; `settled` resolves with its result or rejects. */
  create<T>(
    type: string,
    data: Readonly<Record<string, unknown>>,
  ): { call: PendingCall; settled: Promise<T> } {
    if (this.queue.length + this.inFlight.size >= this.max) {
      const error = new SwitchboardClientError(
        'CLIENT_QUEUE_FULL',
        `${this.max} calls are already waiting; wait for answers before sending more.`,
      );
      return { call: { id: '', type, data }, settled: Promise.reject(error) };
    }
    let entry!: Entry;
    const settled = new Promise<T>((resolve, reject) => {
      entry = {
        id: `c${++this.nextId}`,
        type,
        data,
        resolve: resolve as (result: unknown) => void,
        reject,
        timer: null,
        retried: false,
      };
    });
    if (this.timeoutMs > 0) entry.timer = setTimeout(() => this.timedOut(entry), this.timeoutMs);
    this.queue.push(entry);
    return { call: entry, settled };
  }

  /** Takes every queued call, oldest first, marking them in flight. */
  takeQueued(): PendingCall[] {
    const taken = this.queue.splice(0);
    for (const entry of taken) this.inFlight.set(entry.id, entry);
    return taken;
  }

  /** Settles the call of an `ack` or `error` frame; false when the id is not ours. */
  answer(id: string, error: SwitchboardClientError | null, result: unknown): boolean {
    const entry = this.inFlight.get(id);
    if (!entry) return false;
    this.inFlight.delete(id);
    this.settle(entry, error, result);
    return true;
  }

  /**
   * The socket dropped: calls in flight go back to the front of the queue to be sent again,
   * once; a call that already went out twice fails with `CLIENT_DISCONNECTED`.
   */
  requeueInFlight(): void {
    const again: Entry[] = [];
    for (const entry of this.inFlight.values()) {
      if (entry.retried) {
        const error = new SwitchboardClientError(
          'CLIENT_DISCONNECTED',
          `The connection dropped twice before "${entry.type}" was answered.`,
        );
        this.settle(entry, error, undefined);
      } else {
        entry.retried = true;
        again.push(entry);
      }
    }
    this.inFlight.clear();
    this.queue.unshift(...again);
  }

  /** Fails every call, queued or in flight. */
  failAll(error: SwitchboardClientError): void {
    const all = [...this.inFlight.values(), ...this.queue.splice(0)];
    this.inFlight.clear();
    for (const entry of all) this.settle(entry, error, undefined);
  }

  private timedOut(entry: Entry): void {
    entry.timer = null;
    const index = this.queue.indexOf(entry);
    if (index >= 0) this.queue.splice(index, 1);
    this.inFlight.delete(entry.id);
    const error = new SwitchboardClientError(
      'CLIENT_TIMEOUT',
      `"${entry.type}" got no answer within ${this.timeoutMs} ms.`,
    );
    entry.reject(error);
  }

  private settle(entry: Entry, error: SwitchboardClientError | null, result: unknown): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    if (error) entry.reject(error);
    else entry.resolve(result);
  }
}
