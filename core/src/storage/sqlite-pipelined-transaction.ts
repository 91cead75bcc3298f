import type { Knex } from 'knex';

/** What the hot paths need to run plain SQL: `knex.raw` on a transaction fits it too. */
export interface SqlRunner {
  raw(sql: string, bindings: readonly Knex.Value[]): PromiseLike<unknown>;
}

/** The parts of a node-sqlite3 connection used here. */
interface SqliteConnection {
  all(
    sql: string,
    bindings: readonly unknown[],
    callback: (error: Error | null, rows: unknown[]) => void,
  ): void;
  run(sql: string, callback: (error: Error | null) => void): void;
  serialize(callback: () => void): void;
}

/** The two methods of knex's client that lend out its (single, on sqlite) connection. */
interface ConnectionLender {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

/**
 * A transaction on the kernel's sqlite connection whose BEGIN goes out together with the first
 * statements of `work`, instead of one wait for the database ahead of them as with
 * `knex.transaction`. Under load every wait for the database is also a wait for the main thread
 * (the driver's callback runs between the frames it is handling), so the message writer's group
 * commit is one such wait shorter.
 *
 * The statements `work` sends before its first `await` go out with BEGIN and run right after
 * it, in order; they should be reads, since they run even if BEGIN fails (it only can if the
 * connection is already inside a transaction). Every later statement waits for BEGIN and is
 * refused if BEGIN failed, so no write of `work` runs outside its transaction. Any failure
 * rolls back. The connection (the only one that writes) is held from acquire to release, as
 * knex's own transactions hold it, so nothing else runs inside the transaction.
 */
export async function pipelinedSqliteTransaction<T>(
  knex: Knex,
  work: (sql: SqlRunner) => Promise<T>,
): Promise<T> {
  const lender = knex.client as unknown as ConnectionLender;
  const connection = (await lender.acquireConnection()) as SqliteConnection;
  try {
    // Settles with BEGIN's error, or null once BEGIN has run.
    let begun!: Promise<Error | null>;
    let working!: Promise<T>;
    let withBegin = true;
    const sql: SqlRunner = {
      raw: (text, bindings) =>
        withBegin
          ? send(connection, text, bindings)
          : begun.then((failed) =>
              failed ? Promise.reject(failed) : send(connection, text, bindings),
            ),
    };
    // Inside serialize(), node-sqlite3 runs the statements in the order they were sent (outside
    // it, in any order): BEGIN first, then what `work` sends before its first await.
    connection.serialize(() => {
      begun = exec(connection, 'BEGIN').then(
        () => null,
        (error: Error) => error,
      );
      working = work(sql);
    });
    withBegin = false;
    let result: T;
    try {
      result = await working;
      const failed = await begun;
      if (failed) throw failed;
      await exec(connection, 'COMMIT');
    } catch (error) {
      if (!(await begun)) await exec(connection, 'ROLLBACK').catch(() => undefined);
      throw error;
    }
    return result;
  } finally {
    await lender.releaseConnection(connection);
  }
}

/**
 * Plain SQL straight on the sqlite connection a knex transaction holds (`trx`), past knex's
 * per-query work (binding rewrite, runner, events). Statements sent together without awaiting
 * each other run in any order, all inside the transaction: for independent reads, or writes to
 * different rows. A caller that throws rolls back through knex as usual; whatever it had sent
 * runs before the ROLLBACK, which undoes it.
 */
export async function transactionRunner(trx: Knex.Transaction): Promise<SqlRunner> {
  const connection = (await (
    trx.client as unknown as ConnectionLender
  ).acquireConnection()) as SqliteConnection;
  return { raw: (text, bindings) => send(connection, text, bindings) };
}

/**
 * Runs statements that do not depend on each other: all sent at once when `together` (sqlite:
 * one wait for the database), else one after the other (node-postgres deprecates queueing a
 * query on a client while others run). Resolves with their results in order. It settles only
 * once every statement has finished, even when one fails: a ROLLBACK sent after it can then never
 * overtake a statement still queued (node-sqlite3 runs a connection's statements in any order
 * outside `serialize()`), which would let that statement commit on its own.
 */
export async function sendTogether(
  together: boolean,
  work: readonly (() => PromiseLike<unknown>)[],
): Promise<unknown[]> {
  if (!together) {
    const results: unknown[] = [];
    for (const send of work) results.push(await send());
    return results;
  }
  const settled = await Promise.allSettled(work.map((send) => send()));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
}

/** One statement on the connection; answers its rows (none for a write). */
function send(
  connection: SqliteConnection,
  text: string,
  bindings: readonly Knex.Value[],
): Promise<unknown> {
  return new Promise((resolve, reject) =>
    connection.all(text, bindings, (error, rows) => (error ? reject(error) : resolve(rows))),
  );
}

function exec(connection: SqliteConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) =>
    connection.run(sql, (error) => (error ? reject(error) : resolve())),
  );
}
