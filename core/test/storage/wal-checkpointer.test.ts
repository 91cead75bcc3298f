import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/logger.js';
import { openDatabase, type Database } from '../../src/storage/database.js';

/**
 * The background checkpointer (sqlite files only): commits keep their data, the kernel's
 * connection stops checkpointing by itself, and the log still starts over under a steady
 * stream of writes that never leaves it idle.
 */
describe('sqlite WAL checkpoints in the background', function () {
  this.timeout(60_000);
  let dir: string;
  let db: Database | null = null;
  const logger = createLogger('silent');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-wal-'));
  });
  afterEach(async () => {
    await db?.close();
    db = null;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Back-to-back transactions of `rows` rows of ~1 KiB with random index keys each. */
  const writeSteadily = async (database: Database, rounds: number, rows: number) => {
    const body = 'x'.repeat(1000);
    for (let round = 0; round < rounds; round++) {
      await database.knex.transaction(async (trx) => {
        const batch = Array.from({ length: rows }, () => ({ k: Math.random().toString(36), body }));
        await trx('t').insert(batch);
      });
    }
  };
  const createTable = (database: Database) =>
    database.knex.schema.createTable('t', (t) => {
      t.increments('id');
      t.string('k', 40).notNullable();
      t.text('body').notNullable();
      t.index(['k']);
    });

  it('copies the log into the database file while the kernel connection never checkpoints', async () => {
    const file = join(dir, 'db.sqlite');
    db = await openDatabase({ filename: file }, logger);
    const rows = (await db.knex.raw('PRAGMA wal_autocheckpoint')) as Record<string, number>[];
    expect(Object.values(rows[0]!)[0]).to.equal(0);
    await createTable(db);
    await writeSteadily(db, 100, 40);
    // Nothing on the kernel's connection copies the log (its automatic checkpoints are off), so
    // the main file only grows when the background passes copy pages into it.
    const deadline = Date.now() + 5000;
    while (statSync(file).size < 3 * 1024 * 1024 && Date.now() < deadline) await sleep(20);
    expect(statSync(file).size).to.be.above(3 * 1024 * 1024);
    const count = (await db.knex('t').count({ n: '*' }))[0]!.n;
    expect(Number(count)).to.equal(4000);
  });

  it('starts the log over past the restart point, though writers never pause', async () => {
    const file = join(dir, 'db.sqlite');
    const { WalCheckpointer } = await import('../../src/storage/wal-checkpointer.js');
    db = await openDatabase({ filename: file, backgroundCheckpoints: false }, logger);
    await db.knex.raw('PRAGMA wal_autocheckpoint = 0');
    const checkpointer = new WalCheckpointer(file, db.knex, logger, {
      intervalMs: 5,
      restartFrames: 500,
    });
    await checkpointer.start();
    try {
      await createTable(db);
      // About 20 MiB of rows. A log that never started over would hold all of it; one that
      // starts over every 500 frames (2 MiB) stays a few MiB long.
      await writeSteadily(db, 400, 50);
      expect(statSync(`${file}-wal`).size).to.be.below(10 * 1024 * 1024);
      const count = (await db.knex('t').count({ n: '*' }))[0]!.n;
      expect(Number(count)).to.equal(20_000);
    } finally {
      await checkpointer.close();
    }
  });

  it('reopens with every committed row after close', async () => {
    const file = join(dir, 'db.sqlite');
    db = await openDatabase({ filename: file }, logger);
    await db.knex.schema.createTable('t', (t) => {
      t.increments('id');
      t.string('k', 40);
    });
    for (let i = 0; i < 50; i++) await db.knex('t').insert({ k: `row-${i}` });
    await db.close();
    db = await openDatabase({ filename: file }, logger);
    const count = (await db.knex('t').count({ n: '*' }))[0]!.n;
    expect(Number(count)).to.equal(50);
  });
});
