import type { Clock, Disposable } from '@switchboard/sdk';
import type { Connection } from './connection.js';

/**
 * The `hello` deadline of every new socket, with one timer for all: sockets wait in accept
 * order (their deadlines are in the same order, the timeout being one setting), and the timer is
 * armed for the oldest. Sockets that said hello meanwhile are simply skipped when their turn
 * comes, so nothing has to be cancelled per socket.
 */
export class HelloDeadlines {
  private queue: (Connection | undefined)[] = [];
  private head = 0;
  private timer: Disposable | null = null;

  constructor(
    private readonly clock: Clock,
    /** Called for each socket still waiting for `hello` at its deadline. */
    private readonly expire: (conn: Connection) => void,
  ) {}

  add(conn: Connection): void {
    this.queue.push(conn);
    this.arm();
  }

  dispose(): void {
    this.timer?.dispose();
    this.timer = null;
    this.queue = [];
    this.head = 0;
  }

  private arm(): void {
    if (this.timer || this.head >= this.queue.length) return;
    const first = this.queue[this.head]!;
    const wait = Math.max(0, first.helloDeadline - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.run();
    }, wait);
  }

  private run(): void {
    const now = this.clock.now();
    const queue = this.queue;
    while (this.head < queue.length) {
      const conn = queue[this.head]!;
      if (conn.state === 'hello' && conn.helloDeadline > now) break;
      queue[this.head++] = undefined;
      if (conn.state === 'hello') this.expire(conn);
    }
    if (this.head === queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    this.arm();
  }
}
