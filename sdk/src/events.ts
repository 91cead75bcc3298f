import type { Disposable } from './disposable.js';

/**
 * Publish/subscribe between plugins and the kernel. Payloads must be JSON-serialisable: with
 * several server processes the bus crosses process boundaries.
 * @public
 */
export interface EventBus {
  /** Delivers `payload` to every subscriber of `topic`; resolves when local handlers have run. */
  publish(topic: string, payload: unknown): Promise<void>;
  /** Subscribes; dispose to stop. A throwing handler is logged and does not affect the others. */
  subscribe(topic: string, handler: (payload: unknown) => void | Promise<void>): Disposable;
}
