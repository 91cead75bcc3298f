import type { Knex } from 'knex';
import type { Clock, Logger } from '@switchboard/sdk';
import { pipelinedSqliteTransaction } from '../storage/sqlite-pipelined-transaction.js';
import type { Appended, MessageLog, NewMessage } from './message-log.js';

interface Pending {
  readonly message: NewMessage;
  resolve(outcome: Appended): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 256;

/**
 * Group commit: messages sent while a transaction is in flight are stored together in the next
 * one. Each caller still gets its own outcome, and nothing is acknowledged before its transaction
 * commits. Under load this turns hundreds of commits (each an fsync on sqlite) into a few, which
 * is most of the chat core's message throughput. When a whole batch fails (say, a concurrent
 * process stored the same client message id), its messages are retried one by one so one bad
 * message cannot fail its neighbours.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly knex: Knex,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly log: MessageLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  write(message: NewMessage): Promise<Appended> {
    return new Promise<Appended>((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.flushing) this.flushSoon();
    });
  }

  private flushSoon(): void {
    this.flushing = true;
    // Let the current tick's sends join the batch.
    setImmediate(() => {
      this.flush().catch((error: unknown) =>
        this.logger.error({ err: error }, 'message flush failed'),
      );
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.commit(batch);
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.flushSoon();
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const messages = batch.map((p) => p.message);
      const now = this.clock.now();
      // On sqlite BEGIN goes out with the batch's reads: one wait for the database fewer.
      const outcomes =
        this.dialect === 'sqlite'
          ? await pipelinedSqliteTransaction(this.knex, (sql) =>
              this.log.appendMany(sql, messages, now),
            )
          : await this.knex.transaction((trx) => this.log.appendMany(trx, messages, now));
      outcomes.forEach((outcome, i) => {
        if (outcome instanceof Error) batch[i]!.reject(outcome);
        else batch[i]!.resolve(outcome);
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const pending of batch) {
        try {
          pending.resolve(await this.log.append(pending.message, this.clock.now()));
        } catch (single) {
          pending.reject(single);
        }
      }
    }
  }
}
