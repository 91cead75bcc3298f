import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/logger.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { rowsOf } from '../../src/storage/sql-text.js';
import {
  pipelinedSqliteTransaction,
  sendTogether,
  transactionRunner,
} from '../../src/storage/sqlite-pipelined-transaction.js';

/**
 * The message writer's sqlite transaction (BEGIN sent together with the first reads): it commits
 * as a whole, rolls back as a whole, and nothing else on the connection runs inside it.
 */
describe('pipelinedSqliteTransaction', () => {
  let db: Database;

  beforeEach(async () => {
    db = await openDatabase({ filename: ':memory:' }, createLogger('silent'));
    await db.knex.schema.createTable('t', (t) => {
      t.string('k', 20).primary();
      t.integer('n').notNullable();
    });
    await db.knex('t').insert({ k: 'seed', n: 1 });
  });
  afterEach(() => db.close());

  const caught = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a rejection');
  };
  const keys = async () =>
    ((await db.knex('t').select('k').orderBy('k')) as { k: string }[]).map((r) => r.k);

  it('reads what was there, writes, and commits', async () => {
    const read = await pipelinedSqliteTransaction(db.knex, async (sql) => {
      const rows = rowsOf(await sql.raw('select n from t where k = ?', ['seed']));
      await sql.raw('insert into t (k, n) values (?, ?)', ['a', Number(rows[0]!.n) + 1]);
      return rows;
    });
    expect(read).to.deep.equal([{ n: 1 }]);
    expect(await db.knex('t').where({ k: 'a' }).first()).to.deep.equal({ k: 'a', n: 2 });
  });

  it('rolls back every write when one fails, and leaves the connection usable', async () => {
    const failing = pipelinedSqliteTransaction(db.knex, async (sql) => {
      await sql.raw('select 1', []);
      await sql.raw('insert into t (k, n) values (?, ?)', ['a', 1]);
      // The primary key is taken: this statement fails, so the whole transaction must go.
      await sql.raw('insert into t (k, n) values (?, ?)', ['seed', 2]);
    });
    expect((await caught(failing)).message).to.match(/UNIQUE/);
    expect(await keys()).to.deep.equal(['seed']);
    await db.knex('t').insert({ k: 'after', n: 1 });
    expect(await keys()).to.deep.equal(['after', 'seed']);
  });

  it('rolls back when the work throws, even a write sent together with BEGIN', async () => {
    // Many times, with another query keeping the driver's threads busy: the statements sent with
    // BEGIN must run after it every time (the driver runs statements in any order by default).
    for (let i = 0; i < 300; i++) {
      const noise = db.knex.raw('select 1');
      const failing = pipelinedSqliteTransaction(db.knex, async (sql) => {
        await sql.raw('insert into t (k, n) values (?, ?)', [`a${i}`, 1]);
        throw new Error('changed my mind');
      });
      expect((await caught(failing)).message).to.equal('changed my mind');
      await noise;
    }
    expect(await keys()).to.deep.equal(['seed']);
  });

  it('keeps other queries out until it ends, so a rollback never takes their rows', async () => {
    let outside: Promise<unknown> | null = null;
    const failing = pipelinedSqliteTransaction(db.knex, async (sql) => {
      await sql.raw('insert into t (k, n) values (?, ?)', ['inside', 1]);
      outside = db
        .knex('t')
        .insert({ k: 'outside', n: 1 })
        .then(() => 'done');
      await sleep(50);
      throw new Error('roll back');
    });
    expect((await caught(failing)).message).to.equal('roll back');
    expect(await outside).to.equal('done');
    expect(await keys()).to.deep.equal(['outside', 'seed']);
  });

  it('refuses the statements after a BEGIN that failed, so nothing runs outside a transaction', async () => {
    // Leave the connection inside a transaction: the next BEGIN fails.
    const connection = await (
      db.knex.client as { acquireConnection(): Promise<unknown> }
    ).acquireConnection();
    await new Promise<void>((resolve, reject) =>
      (connection as { run(sql: string, cb: (e: Error | null) => void): void }).run('BEGIN', (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    await (db.knex.client as { releaseConnection(c: unknown): Promise<unknown> }).releaseConnection(
      connection,
    );
    const attempt = pipelinedSqliteTransaction(db.knex, async (sql) => {
      await sql.raw('select 1', []);
      await sql.raw('insert into t (k, n) values (?, ?)', ['a', 1]);
    });
    expect((await caught(attempt)).message).to.match(/within a transaction/);
    await db.knex.raw('ROLLBACK');
    expect(await keys()).to.deep.equal(['seed']);
  });

  describe('statements sent together in a knex transaction (transactionRunner, sendTogether)', () => {
    it('commits writes sent together, and answers their results in order', async () => {
      const results = await db.knex.transaction(async (trx) => {
        const sql = await transactionRunner(trx);
        return sendTogether(true, [
          () => sql.raw('insert into t (k, n) values (?, ?)', ['a', 1]),
          () => sql.raw('select n from t where k = ?', ['seed']),
          () => sql.raw('insert into t (k, n) values (?, ?)', ['b', 2]),
        ]);
      });
      expect(results[1]).to.deep.equal([{ n: 1 }]);
      expect(await keys()).to.deep.equal(['a', 'b', 'seed']);
    });

    it('lets no write sent together outlive the rollback when one of them fails', async () => {
      // One insert fails at once on a taken key while slow ones (each counts 100,000 generated
      // rows first) are still queued. Were the rollback sent as soon as that one failed, the
      // driver could run it before them, and they would then commit on their own.
      const slow = (k: string) =>
        'insert into t (k, n) with recursive c(x) as (select 1 union all select x + 1 from c ' +
        `where x < 100000) select '${k}', count(*) from c`;
      for (let round = 0; round < 5; round++) {
        const failing = db.knex.transaction(async (trx) => {
          const sql = await transactionRunner(trx);
          await sendTogether(true, [
            () => sql.raw('insert into t (k, n) values (?, ?)', ['seed', 2]),
            ...Array.from({ length: 6 }, (_, i) => () => sql.raw(slow(`r${round}-${i}`), [])),
          ]);
        });
        expect((await caught(failing)).message).to.match(/UNIQUE/);
      }
      expect(await keys()).to.deep.equal(['seed']);
    });

    it('sends one after the other when not together, stopping at the first failure', async () => {
      const sent: string[] = [];
      const failing = sendTogether(false, [
        async () => void sent.push('a'),
        async () => {
          sent.push('b');
          throw new Error('b failed');
        },
        async () => void sent.push('c'),
      ]);
      expect((await caught(failing)).message).to.equal('b failed');
      expect(sent).to.deep.equal(['a', 'b']);
    });
  });
});
