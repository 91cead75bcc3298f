import { randomUUID } from 'node:crypto';
import { InputError, NotFoundError, type Clock, type PluginDatabase } from '@switchboard/sdk';
import { BillboardLimits } from '../common/limits.js';
import type { ActiveBillboard, Billboard, BillboardKind } from '../common/types.js';
import { imageUrl } from './image-store.js';
import { isUniqueViolation } from './unique-violation.js';

/** A row of `billboards_items`. */
export interface ItemRow {
  id: string;
  tenant_id: string;
  site_id: string;
  window_key: string;
  slot: number;
  position: number;
  kind: BillboardKind;
  text: string;
  link_url: string | null;
  image_id: string | null;
  enabled: boolean | number;
  interval_seconds: number | null;
  starts_at: number | string | null;
  ends_at: number | string | null;
  created_at: number | string;
  updated_at: number | string;
}

/** The fields a manager sets (validated before they reach the store). */
export interface BillboardFields {
  kind: BillboardKind;
  text: string;
  linkUrl: string | null;
  imageId: string | null;
  enabled: boolean;
  intervalSeconds: number | null;
  startsAt: number | null;
  endsAt: number | null;
}

const numOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toBillboard(r: ItemRow): Billboard {
  return {
    id: r.id,
    siteId: r.site_id,
    window: r.window_key === '' ? null : r.window_key,
    kind: r.kind,
    text: r.text,
    linkUrl: r.link_url,
    imageId: r.image_id,
    imageUrl: r.image_id ? imageUrl(r.image_id) : null,
    enabled: Boolean(r.enabled),
    intervalSeconds: r.interval_seconds === null ? null : Number(r.interval_seconds),
    startsAt: numOrNull(r.starts_at),
    endsAt: numOrNull(r.ends_at),
    position: Number(r.position),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

const toColumns = (f: Partial<BillboardFields>) => {
  const out: Partial<ItemRow> = {};
  if (f.kind !== undefined) out.kind = f.kind;
  if (f.text !== undefined) out.text = f.text;
  if (f.linkUrl !== undefined) out.link_url = f.linkUrl;
  if (f.imageId !== undefined) out.image_id = f.imageId;
  if (f.enabled !== undefined) out.enabled = f.enabled;
  if (f.intervalSeconds !== undefined) out.interval_seconds = f.intervalSeconds;
  if (f.startsAt !== undefined) out.starts_at = f.startsAt;
  if (f.endsAt !== undefined) out.ends_at = f.endsAt;
  return out;
};

/** Billboards of each tenant's sites and chat windows, in the plugin's own table. */
export class BillboardStore {
  constructor(
    private readonly db: PluginDatabase,
    private readonly clock: Clock,
  ) {}

  private scope(tenantId: string, siteId: string, window: string | null) {
    return this.db
      .table<ItemRow>('items')
      .where({ tenant_id: tenantId, site_id: siteId, window_key: window ?? '' });
  }

  /** The tenant's billboards, optionally of one site (and window), in display order. */
  async list(tenantId: string, siteId?: string, window?: string | null): Promise<Billboard[]> {
    const q = this.db.table<ItemRow>('items').where({ tenant_id: tenantId });
    if (siteId) q.andWhere({ site_id: siteId });
    if (window !== undefined) q.andWhere({ window_key: window ?? '' });
    const rows = (await q.orderBy([
      'site_id',
      'window_key',
      'position',
      'created_at',
    ])) as ItemRow[];
    return rows.map(toBillboard);
  }

  async row(tenantId: string, id: string): Promise<ItemRow> {
    const row = (await this.db
      .table<ItemRow>('items')
      .where({ tenant_id: tenantId, id })
      .first()) as ItemRow | undefined;
    if (!row) throw new NotFoundError(`No billboard ${id}.`, 'BILLBOARDS_NOT_FOUND');
    return row;
  }

  async get(tenantId: string, id: string): Promise<Billboard> {
    return toBillboard(await this.row(tenantId, id));
  }

  /**
   * Adds a billboard at the end of its site/window. The ten places (`slot` 0–9) are unique in the
   * database, so two managers creating the 10th and 11th at once cannot both succeed.
   */
  async create(
    tenantId: string,
    siteId: string,
    window: string | null,
    fields: BillboardFields,
  ): Promise<Billboard> {
    for (let attempt = 0; ; attempt++) {
      const taken = (await this.scope(tenantId, siteId, window).select('slot', 'position')) as {
        slot: number;
        position: number;
      }[];
      const used = new Set(taken.map((t) => Number(t.slot)));
      const slot = [...Array(BillboardLimits.perScope).keys()].find((s) => !used.has(s));
      if (slot === undefined) throw limitReached(window);
      const now = this.clock.now();
      const row: ItemRow = {
        id: randomUUID(),
        tenant_id: tenantId,
        site_id: siteId,
        window_key: window ?? '',
        slot,
        position: taken.reduce((max, t) => Math.max(max, Number(t.position) + 1), 0),
        kind: fields.kind,
        text: fields.text,
        link_url: fields.linkUrl,
        image_id: fields.imageId,
        enabled: fields.enabled,
        interval_seconds: fields.intervalSeconds,
        starts_at: fields.startsAt,
        ends_at: fields.endsAt,
        created_at: now,
        updated_at: now,
      };
      try {
        await this.db.table('items').insert(row);
        return toBillboard(row);
      } catch (error) {
        if (!isUniqueViolation(error) || attempt > BillboardLimits.perScope) throw error;
      }
    }
  }

  async update(tenantId: string, id: string, fields: Partial<BillboardFields>): Promise<Billboard> {
    await this.db
      .table('items')
      .where({ tenant_id: tenantId, id })
      .update({ ...toColumns(fields), updated_at: this.clock.now() });
    return this.get(tenantId, id);
  }

  /** Deletes the billboard and its counts; answers the row it was. */
  async remove(tenantId: string, id: string): Promise<ItemRow> {
    const row = await this.row(tenantId, id);
    await this.db.knex.transaction(async (trx) => {
      await trx(this.db.tableName('events'))
        .where({ tenant_id: tenantId, billboard_id: id })
        .delete();
      await trx(this.db.tableName('items')).where({ tenant_id: tenantId, id }).delete();
    });
    return row;
  }

  /** Sets the display order of a site/window: `ids` must list each of its billboards once. */
  async reorder(
    tenantId: string,
    siteId: string,
    window: string | null,
    ids: readonly string[],
  ): Promise<Billboard[]> {
    const current = (await this.scope(tenantId, siteId, window).select('id')) as { id: string }[];
    const known = new Set(current.map((r) => r.id));
    const unknown = ids.filter((id) => !known.has(id));
    const missing = [...known].filter((id) => !ids.includes(id));
    if (unknown.length > 0 || missing.length > 0) {
      const where = window ? `chat window "${window}"` : 'the site';
      throw new InputError(
        `List every billboard of ${where} exactly once, in the new order` +
          (missing.length > 0 ? `; missing: ${missing.join(', ')}` : '') +
          (unknown.length > 0 ? `; not billboards of ${where}: ${unknown.join(', ')}` : '') +
          '.',
        { missing, unknown },
        'BILLBOARDS_ORDER_INVALID',
      );
    }
    const now = this.clock.now();
    await this.db.knex.transaction(async (trx) => {
      for (const [position, id] of ids.entries()) {
        await trx(this.db.tableName('items'))
          .where({ tenant_id: tenantId, id })
          .update({ position, updated_at: now });
      }
    });
    return this.list(tenantId, siteId, window);
  }

  /**
   * What a visitor of `siteId` sees now: enabled billboards inside their date window, in order.
   * A chat window with active billboards of its own shows those; otherwise the site's set.
   */
  async active(
    tenantId: string,
    siteId: string,
    window: string | null,
    defaultIntervalSeconds: number,
  ): Promise<{ window: string | null; billboards: ActiveBillboard[] }> {
    const now = this.clock.now();
    const keys = window ? ['', window] : [''];
    const rows = (await this.db
      .table<ItemRow>('items')
      .where({ tenant_id: tenantId, site_id: siteId, enabled: true })
      .whereIn('window_key', keys)
      .andWhere((q) => q.whereNull('starts_at').orWhere('starts_at', '<=', now))
      .andWhere((q) => q.whereNull('ends_at').orWhere('ends_at', '>', now))
      .orderBy(['position', 'created_at'])) as ItemRow[];
    const own = window ? rows.filter((r) => r.window_key === window) : [];
    const chosen = own.length > 0 ? own : rows.filter((r) => r.window_key === '');
    return {
      window: own.length > 0 ? window : null,
      billboards: chosen.map((r) => ({
        id: r.id,
        kind: r.kind,
        text: r.text,
        linkUrl: r.link_url,
        imageUrl: r.image_id ? imageUrl(r.image_id) : null,
        intervalSeconds:
          r.interval_seconds === null ? defaultIntervalSeconds : Number(r.interval_seconds),
      })),
    };
  }
}

function limitReached(window: string | null): InputError {
  const max = BillboardLimits.perScope;
  const where = window ? `Chat window "${window}"` : 'This site';
  return new InputError(
    `${where} already has ${max} billboards, the most allowed; delete one (or edit one instead) before adding another.`,
    { max },
    'BILLBOARDS_LIMIT_REACHED',
  );
}
