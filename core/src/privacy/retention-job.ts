import type { Knex } from 'knex';
import type { Clock, Logger, Principal } from '@switchboard/sdk';
import type { AuditLog } from '../audit/audit-log.js';
import type { AttachmentStore } from '../chat/attachment-store.js';
import { readJson } from '../chat/json-column.js';
import type { PersonalDataRegistry, PersonalDataTable } from './personal-data-registry.js';
import { deleteFiles, filesOf, type StoredFile } from './visitor-eraser.js';

/** Delay of the first scheduled pass after start-up. */
export const FIRST_PASS_MS = 60 * 60 * 1000;
/** One day in ms: the job's period and the unit of `retentionDays`. */
export const DAY_MS = 86_400_000;

/** What one tenant's retention pass removed. */
export interface RetentionRun {
  readonly tenantId: string;
  readonly retentionDays: number;
  /** Epoch ms: data older than this went. */
  readonly cutoff: number;
  /** Rows deleted, by table name. */
  readonly tables: Readonly<Record<string, number>>;
  readonly attachmentFiles: number;
}

/** A whole pass: one run per tenant, and tenants whose pass failed (logged). */
export interface RetentionReport {
  readonly runs: readonly RetentionRun[];
  readonly failedTenants: readonly string[];
}

export interface RetentionOptions {
  /** Only this tenant; default every tenant. */
  readonly tenantId?: string;
  /** Who asked (null for the daily schedule). */
  readonly actor?: Principal | null;
  /** `schedule` audits only passes that removed something; `request` audits every pass. */
  readonly trigger?: 'schedule' | 'request';
}

export interface RetentionDeps {
  readonly knex: Knex;
  readonly dialect: 'sqlite' | 'postgres';
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: PersonalDataRegistry;
  readonly audit: AuditLog;
  readonly attachments: AttachmentStore;
  /** Default retention when a tenant sets none (config `chat.retentionDays`). */
  readonly defaultRetentionDays: number;
  /** Conversations, visitors or rows per transaction; default 500. */
  readonly batchSize?: number;
}

/**
 * Deletes what is older than each tenant's retention period (`retentionDays` in the tenant's
 * settings, else the configured default of 396 days, about 13 months):
 *
 * 1. conversations that ended before the cutoff, with their messages, attachment rows and files;
 * 2. page views older than the cutoff;
 * 3. rows of plugin tables whose declared `createdAtColumn` is older than the cutoff;
 * 4. visitors last seen before the cutoff who have no conversation left, with every row of theirs
 *    in the core and plugin tables.
 *
 * Work goes in small transactions (`batchSize`), so a large backlog never holds a long write lock,
 * and files are deleted after each commit. Each tenant's pass leaves a `retention.run` audit
 * entry with row counts. Passes never overlap: a second request waits for the first.
 */
export class RetentionJob {
  private readonly batch: number;
  private queue: Promise<unknown> = Promise.resolve();
  /** Set on stop: a pass in progress ends after its current batch. */
  private stopping = false;

  constructor(private readonly deps: RetentionDeps) {
    this.batch = Math.max(1, deps.batchSize ?? 500);
  }

  /** Runs a pass now (after any pass in progress). */
  run(options: RetentionOptions = {}): Promise<RetentionReport> {
    const next = this.queue.then(() => this.pass(options));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs a pass once a day on the kernel clock; the returned function stops it and waits. */
  start(): () => Promise<void> {
    const pass = () => {
      this.run({ trigger: 'schedule' }).catch((error: unknown) => {
        this.deps.logger.error({ err: error }, 'retention: scheduled pass failed');
      });
    };
    // A first pass an hour after start, then daily: a server restarted every night still runs it.
    const first = this.deps.clock.setTimeout(pass, FIRST_PASS_MS);
    const timer = this.deps.clock.setInterval(pass, DAY_MS);
    return async () => {
      first.dispose();
      timer.dispose();
      this.stopping = true;
      await this.queue;
    };
  }

  private async pass(options: RetentionOptions): Promise<RetentionReport> {
    const { knex, logger } = this.deps;
    const query = knex('core_tenants').select('id', 'settings').orderBy('id');
    if (options.tenantId !== undefined) query.where('id', options.tenantId);
    const tenants = (await query) as { id: string; settings: unknown }[];
    const tables = await this.deps.registry.tables('installed');
    const now = this.deps.clock.now();
    const runs: RetentionRun[] = [];
    const failedTenants: string[] = [];
    for (const tenant of tenants) {
      if (this.stopping) break;
      try {
        runs.push(await this.tenantPass(tenant.id, this.daysOf(tenant), now, tables, options));
      } catch (error) {
        failedTenants.push(tenant.id);
        logger.error({ err: error, tenantId: tenant.id }, 'retention: tenant pass failed');
      }
    }
    return { runs, failedTenants };
  }

  private daysOf(tenant: { id: string; settings: unknown }): number {
    const value = readJson<Record<string, unknown>>(tenant.settings, {}).retentionDays;
    if (value === undefined) return this.deps.defaultRetentionDays;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 36500) {
      return value;
    }
    this.deps.logger.warn(
      { tenantId: tenant.id, retentionDays: value },
      'retention: tenant setting retentionDays is not a whole number of days from 1 to 36500; using the default',
    );
    return this.deps.defaultRetentionDays;
  }

  private async tenantPass(
    tenantId: string,
    retentionDays: number,
    now: number,
    tables: readonly PersonalDataTable[],
    options: RetentionOptions,
  ): Promise<RetentionRun> {
    const cutoff = now - retentionDays * DAY_MS;
    const counts: Record<string, number> = {};
    const add = (table: string, n: number) => {
      if (n > 0) counts[table] = (counts[table] ?? 0) + n;
    };
    const trigger = options.trigger ?? 'request';
    let files = 0;
    let failed = false;
    try {
      await this.endedConversations(tenantId, cutoff, tables, add, (n) => (files += n));
      await this.pageViews(tenantId, cutoff, add);
      for (const table of tables) {
        if (table.owner !== 'core' && table.createdAtColumn) {
          await this.oldPluginRows(tenantId, cutoff, table, table.createdAtColumn, add);
        }
      }
      await this.goneVisitors(tenantId, cutoff, tables, add);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // Committed batches stay deleted when a later one fails: the entry records them too.
      const removed = Object.keys(counts).length > 0 || files > 0;
      if (removed || failed || trigger === 'request') {
        await this.deps.audit.record({
          tenantId,
          actor: options.actor ?? null,
          action: 'retention.run',
          details: {
            retentionDays,
            cutoff,
            trigger,
            tables: counts,
            attachmentFiles: files,
            ...(failed ? { failed: true } : {}),
          },
        });
      }
      if (removed) this.deps.logger.info({ tenantId, tables: counts, files }, 'retention pass');
    }
    return { tenantId, retentionDays, cutoff, tables: counts, attachmentFiles: files };
  }

  /** Step 1: ended conversations, their messages and files (counted through `addFiles`). */
  private async endedConversations(
    tenantId: string,
    cutoff: number,
    tables: readonly PersonalDataTable[],
    add: (table: string, n: number) => void,
    addFiles: (n: number) => void,
  ): Promise<void> {
    const { knex, dialect } = this.deps;
    const children = tables.filter((t) => t.link === 'conversation').reverse();
    const expired = (q: Knex.QueryBuilder) =>
      q.where('tenant_id', tenantId).whereNotNull('ended_at').where('ended_at', '<', cutoff);
    for (;;) {
      const ids = (await expired(knex('core_conversations'))
        .orderBy('ended_at')
        .limit(this.batch)
        .pluck('id')) as string[];
      if (ids.length === 0 || this.stopping) break;
      // Counted only once committed: a batch that rolls back removed nothing.
      const done: Record<string, number> = {};
      const gone: StoredFile[] = await knex.transaction(async (trx) => {
        const confirm = expired(trx('core_conversations')).whereIn('id', ids);
        if (dialect === 'postgres') confirm.forUpdate();
        const confirmed = (await confirm.pluck('id')) as string[];
        if (confirmed.length === 0) return [];
        const stored = await filesOf(trx, confirmed);
        for (const table of children) {
          done[table.table] = await trx(table.table).whereIn(table.linkColumn, confirmed).delete();
        }
        done.core_conversations = await trx('core_conversations').whereIn('id', confirmed).delete();
        return stored;
      });
      for (const [table, n] of Object.entries(done)) add(table, n);
      await deleteFiles(this.deps.attachments, gone, this.deps.logger);
      addFiles(gone.length);
      if (ids.length < this.batch) break;
    }
  }

  /** Step 2: page views older than the cutoff. */
  private async pageViews(
    tenantId: string,
    cutoff: number,
    add: (table: string, n: number) => void,
  ): Promise<void> {
    const { knex } = this.deps;
    for (;;) {
      const ids = (await knex('core_page_views')
        .where('tenant_id', tenantId)
        .where('viewed_at', '<', cutoff)
        .limit(this.batch)
        .pluck('id')) as string[];
      if (ids.length === 0 || this.stopping) break;
      add('core_page_views', await knex('core_page_views').whereIn('id', ids).delete());
      if (ids.length < this.batch) break;
    }
  }

  /**
   * Step 3: a plugin table's rows older than the cutoff, oldest first. Plugin tables need no
   * primary key: each batch ends at the creation time of its `batchSize`-th oldest row.
   */
  private async oldPluginRows(
    tenantId: string,
    cutoff: number,
    table: PersonalDataTable,
    createdAt: string,
    add: (table: string, n: number) => void,
  ): Promise<void> {
    const { knex } = this.deps;
    const old = () => {
      const q = knex(table.table).where(createdAt, '<', cutoff);
      if (table.tenantColumn) q.where(table.tenantColumn, tenantId);
      else {
        q.whereIn(
          table.linkColumn,
          knex('core_visitors').select('id').where('tenant_id', tenantId),
        );
      }
      return q;
    };
    while (!this.stopping) {
      const edge = (await old()
        .orderBy(createdAt)
        .offset(this.batch - 1)
        .first(createdAt)) as Record<string, unknown> | undefined;
      const batch = old();
      if (edge) batch.where(createdAt, '<=', edge[createdAt] as number);
      const n = await batch.delete();
      add(table.table, n);
      if (!edge || n === 0) break;
    }
  }

  /** Step 4: visitors last seen before the cutoff with no conversation left, and all their rows. */
  private async goneVisitors(
    tenantId: string,
    cutoff: number,
    tables: readonly PersonalDataTable[],
    add: (table: string, n: number) => void,
  ): Promise<void> {
    const { knex, dialect } = this.deps;
    const byVisitor = tables.filter((t) => t.link === 'visitor').reverse();
    const gone = (k: Knex | Knex.Transaction) =>
      k('core_visitors as v')
        .where('v.tenant_id', tenantId)
        .where('v.last_seen_at', '<', cutoff)
        .whereNotExists(
          k('core_conversations as c').select('c.id').whereRaw('c.visitor_id = v.id'),
        );
    for (;;) {
      const ids = ((await gone(knex).limit(this.batch).select('v.id')) as { id: string }[]).map(
        (r) => r.id,
      );
      if (ids.length === 0 || this.stopping) break;
      const done: Record<string, number> = {};
      await knex.transaction(async (trx) => {
        const confirm = gone(trx).whereIn('v.id', ids).select('v.id');
        if (dialect === 'postgres') confirm.forUpdate();
        const confirmed = ((await confirm) as { id: string }[]).map((r) => r.id);
        if (confirmed.length === 0) return;
        for (const table of byVisitor) {
          const q = trx(table.table).whereIn(table.linkColumn, confirmed);
          if (table.tenantColumn) q.where(table.tenantColumn, tenantId);
          done[table.table] = await q.delete();
        }
      });
      for (const [table, n] of Object.entries(done)) add(table, n);
      if (ids.length < this.batch) break;
    }
  }
}
