import type { PluginDatabase } from '@switchboard/sdk';

/** A site of the tenant with the names of its branded chat windows. */
export interface SiteInfo {
  readonly id: string;
  readonly name: string;
  readonly windows: readonly string[];
}

interface SiteRow {
  id: string;
  name: string;
  branding: string | null;
}

/**
 * Reads the tenant's sites. The sdk offers no sites service yet, so this reads the core's
 * `core_sites` table (read-only, always scoped by tenant); it is the plugin's only coupling to
 * the core schema and goes once the sdk exposes sites.
 */
export class SiteDirectory {
  constructor(private readonly db: PluginDatabase) {}

  async list(tenantId: string): Promise<SiteInfo[]> {
    const rows = (await this.db
      .knex('core_sites')
      .select('id', 'name', 'branding')
      .where({ tenant_id: tenantId })
      .orderBy('name')) as SiteRow[];
    return rows.map(toSite);
  }

  /** The site when it belongs to the tenant, else null (another tenant's site is unknown here). */
  async get(tenantId: string, siteId: string): Promise<SiteInfo | null> {
    const row = (await this.db
      .knex('core_sites')
      .select('id', 'name', 'branding')
      .where({ tenant_id: tenantId, id: siteId })
      .first()) as SiteRow | undefined;
    return row ? toSite(row) : null;
  }
}

function toSite(row: SiteRow): SiteInfo {
  let windows: string[] = [];
  try {
    const branding = JSON.parse(row.branding ?? '{}') as { chatWindows?: Record<string, unknown> };
    windows = Object.keys(branding.chatWindows ?? {}).sort();
  } catch {
    windows = [];
  }
  return { id: row.id, name: row.name, windows };
}
