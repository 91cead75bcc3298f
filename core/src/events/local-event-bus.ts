import { toDisposable, type Disposable, type EventBus, type Logger } from '@switchboard/sdk';

type Handler = (payload: unknown) => void | Promise<void>;

/**
 * In-process event bus for the embedded deployment. A throwing handler is logged and does not
 * stop the others. (Several processes will put a Redis-backed bus behind the same interface.)
 */
export class LocalEventBus implements EventBus {
  private readonly topics = new Map<string, Set<Handler>>();

  constructor(private readonly logger: Logger) {}

  async publish(topic: string, payload: unknown): Promise<void> {
    const handlers = this.topics.get(topic);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      try {
        await handler(payload);
      } catch (error) {
        this.logger.error({ err: error, topic }, 'event handler failed');
      }
    }
  }

  subscribe(topic: string, handler: Handler): Disposable {
    let handlers = this.topics.get(topic);
    if (!handlers) this.topics.set(topic, (handlers = new Set()));
    const own = (payload: unknown) => handler(payload);
    handlers.add(own);
    return toDisposable(() => {
      handlers.delete(own);
      if (handlers.size === 0) this.topics.delete(topic);
    });
  }
}

/** A plugin's view of the bus: its subscriptions end when the plugin is disabled. */
export class ScopedEventBus implements EventBus {
  constructor(
    private readonly bus: EventBus,
    private readonly track: (d: Disposable) => Disposable,
  ) {}
  publish(topic: string, payload: unknown): Promise<void> {
    return this.bus.publish(topic, payload);
  }
  subscribe(topic: string, handler: Handler): Disposable {
    return this.track(this.bus.subscribe(topic, handler));
  }
}
