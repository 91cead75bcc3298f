import type { Knex } from 'knex';
import type sqlite3 from 'sqlite3';
import type { Logger } from '@switchboard/sdk';

/** Tuning of the background checkpointer; the defaults suit the chat core's group commits. */
export interface WalCheckpointerOptions {
  /** Pause between two passes, ms. */
  readonly intervalMs?: number;
  /**
   * WAL length (frames, one page each) at which a pass makes sure the log starts over: it waits
   * for the current transaction, copies what is left and lets the next commit rewind the log.
   * 16,000 frames are 64 MiB with 4 KiB pages, the `journal_size_limit` the kernel sets.
   */
  readonly restartFrames?: number;
}

interface CheckpointRow {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

/**
 * Copies sqlite's write-ahead log into the database file from a second connection, so the
 * commits on the kernel's connection never pay for it.
 *
 * By default sqlite checkpoints inside the COMMIT that takes the log past 1,000 pages: that
 * commit (and every transaction queued behind it on the single connection) waits 15–40 ms while
 * the pages are copied, and under a steady stream of group commits that was most of the tail
 * latency of messages and routing. Here the kernel's connection runs with `wal_autocheckpoint`
 * off, and this class runs PASSIVE checkpoints on its own connection (so on another libuv pool
 * thread) every `intervalMs`. A passive checkpoint never blocks a writer, and copies each page
 * once however many commits rewrote it since the last pass.
 *
 * The log only starts over when a transaction begins while every frame is already copied. Under
 * continuous writes that race is lost every time, and the file would grow without bound. So
 * when the log passes `restartFrames`, one pass holds the kernel's connection (a knex
 * transaction: it waits for the current one and keeps the next one queued) while it copies the
 * few frames left; the next commit then rewinds the log. That costs the writers one short wait
 * every few thousand pages instead of a long one every thousand.
 *
 * If a checkpoint fails, the kernel's connection gets its automatic checkpoints back, so the log
 * stays bounded whatever happens to this class.
 */
export class WalCheckpointer {
  private readonly intervalMs: number;
  private readonly restartFrames: number;
  private connection: sqlite3.Database | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly filename: string,
    private readonly knex: Knex,
    private readonly logger: Logger,
    options: WalCheckpointerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 20;
    this.restartFrames = options.restartFrames ?? 16_000;
  }

  /** Opens the second connection and takes the checkpoints over from the kernel's connection. */
  async start(): Promise<void> {
    this.connection = await open(this.filename);
    await run(this.connection, 'PRAGMA busy_timeout = 5000');
    await this.knex.raw('PRAGMA wal_autocheckpoint = 0');
    this.schedule();
  }

  /** Stops the passes and closes the second connection (sqlite checkpoints at the last close). */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    const connection = this.connection;
    this.connection = null;
    if (connection) await new Promise<void>((resolve) => connection.close(() => resolve()));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = null;
        this.schedule();
      });
    }, this.intervalMs);
    // Pending passes never keep the process alive.
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    try {
      const row = await checkpoint(connection);
      if (row.log >= this.restartFrames) {
        // Holding the kernel's only connection, nothing can commit until the copy is complete,
        // so the next transaction finds the log fully copied and starts it over.
        // One more pass first, so the hold only copies what was committed during that pass.
        await checkpoint(connection);
        await this.knex.transaction(async () => {
          await checkpoint(connection);
        });
      }
    } catch (error) {
      this.stopped = true;
      this.logger.error(
        { err: error },
        'background WAL checkpoint failed; sqlite checkpoints at commit again',
      );
      await this.knex.raw('PRAGMA wal_autocheckpoint = 1000').catch(() => undefined);
    }
  }
}

async function open(filename: string): Promise<sqlite3.Database> {
  // Loaded here, as knex loads it: a PostgreSQL deployment never needs the native module.
  const { default: driver } = await import('sqlite3');
  return new Promise((resolve, reject) => {
    const db = new driver.Database(filename, driver.OPEN_READWRITE, (error) =>
      error ? reject(error) : resolve(db),
    );
  });
}

function run(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) =>
    db.run(sql, (error) => (error ? reject(error) : resolve())),
  );
}

function checkpoint(db: sqlite3.Database): Promise<CheckpointRow> {
  return new Promise((resolve, reject) =>
    db.get('PRAGMA wal_checkpoint(PASSIVE)', (error, row) =>
      error ? reject(error) : resolve(row as CheckpointRow),
    ),
  );
}
