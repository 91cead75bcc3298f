import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { NotFoundError, type Clock, type SiteSnapshot } from '@switchboard/sdk';
import { newId } from '../chat/ids.js';
import { num, readJson, writeJson } from '../chat/json-column.js';
import { checkBranding, type Branding } from './site-branding.js';

/**
 * A site: one web property of a tenant, with its widget embed key and branding. Plugins see the
 * same fields without the key (`SiteSnapshot`, `ChatTokens.Sites`).
 */
export interface SiteRecord extends SiteSnapshot {
  /** Public key of the embed snippet; rotating it retires the old one at once. */
  readonly embedKey: string;
}

export interface NewSite {
  readonly name: string;
  readonly domains?: readonly string[];
  readonly allowedOrigins?: readonly string[];
  readonly branding?: Branding;
}

/** A change to a site; `branding`, when given, replaces the whole branding. */
export type SitePatch = Partial<NewSite>;

/** `sbe_` + 24 random bytes in base64url. */
export const EMBED_KEY_PATTERN = '^sbe_[A-Za-z0-9_-]{32}$';
const EMBED_KEY = new RegExp(EMBED_KEY_PATTERN);

/** The 404 for a site that does not exist in the caller's tenant. */
export function siteNotFound(siteId: string): NotFoundError {
  return new NotFoundError(`No site "${siteId}".`, 'SITE_NOT_FOUND');
}

/** Sites: `core_sites`. Every query is scoped by tenant, except the lookup by embed key. */
export class SiteService {
  constructor(
    private readonly knex: Knex,
    private readonly clock: Clock,
  ) {}

  async create(tenantId: string, input: NewSite, trx?: Knex.Transaction): Promise<SiteRecord> {
    const branding = input.branding ?? {};
    checkBranding(branding);
    const now = this.clock.now();
    const row = {
      id: newId('site', now),
      tenant_id: tenantId,
      name: input.name,
      domains: writeJson(lowerAll(input.domains)),
      allowed_origins: writeJson(lowerAll(input.allowedOrigins)),
      embed_key: newEmbedKey(),
      branding: writeJson(branding),
      created_at: now,
    };
    await (trx ?? this.knex)('core_sites').insert(row);
    return toRecord(row);
  }

  /** The site `siteId` of `tenantId`, or null (also when it belongs to another tenant). */
  async get(
    tenantId: string,
    siteId: string,
    db: Knex | Knex.Transaction = this.knex,
  ): Promise<SiteRecord | null> {
    const row = await db('core_sites').where({ id: siteId, tenant_id: tenantId }).first();
    return row ? toRecord(row) : null;
  }

  /** The site whose widget uses `embedKey`, or null. The key is public: it grants nothing alone. */
  async byEmbedKey(embedKey: string): Promise<SiteRecord | null> {
    if (!EMBED_KEY.test(embedKey)) return null;
    const row = await this.knex('core_sites').where({ embed_key: embedKey }).first();
    return row ? toRecord(row) : null;
  }

  /** Sites of `tenantId`, oldest first. */
  async list(tenantId: string, db: Knex | Knex.Transaction = this.knex): Promise<SiteRecord[]> {
    const rows = await db('core_sites')
      .where({ tenant_id: tenantId })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toRecord);
  }

  /** Applies `patch`; resolves with the site before and after. 404 when not in `tenantId`. */
  async update(
    tenantId: string,
    siteId: string,
    patch: SitePatch,
  ): Promise<{ before: SiteRecord; after: SiteRecord }> {
    if (patch.branding) checkBranding(patch.branding);
    return this.knex.transaction(async (trx) => {
      const before = await this.get(tenantId, siteId, trx);
      if (!before) throw siteNotFound(siteId);
      const changes: Record<string, unknown> = {};
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.domains !== undefined) changes.domains = writeJson(lowerAll(patch.domains));
      if (patch.allowedOrigins !== undefined) {
        changes.allowed_origins = writeJson(lowerAll(patch.allowedOrigins));
      }
      if (patch.branding !== undefined) changes.branding = writeJson(patch.branding);
      if (Object.keys(changes).length > 0) {
        await trx('core_sites').where({ id: siteId, tenant_id: tenantId }).update(changes);
      }
      return { before, after: (await this.get(tenantId, siteId, trx))! };
    });
  }

  /** Gives the site a new embed key; the old one stops working at once. */
  async rotateEmbedKey(tenantId: string, siteId: string): Promise<SiteRecord> {
    const updated = await this.knex('core_sites')
      .where({ id: siteId, tenant_id: tenantId })
      .update({ embed_key: newEmbedKey() });
    if (updated === 0) throw siteNotFound(siteId);
    return (await this.get(tenantId, siteId))!;
  }
}

/** A fresh, random embed key. */
export function newEmbedKey(): string {
  return `sbe_${randomBytes(24).toString('base64url')}`;
}

function lowerAll(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.toLowerCase()))];
}

function toRecord(row: Record<string, unknown>): SiteRecord {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    name: row.name as string,
    domains: readJson<string[]>(row.domains, []),
    allowedOrigins: readJson<string[]>(row.allowed_origins, []),
    embedKey: row.embed_key as string,
    branding: readJson<Branding>(row.branding, {}),
    createdAt: num(row.created_at),
  };
}
