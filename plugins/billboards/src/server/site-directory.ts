import type { SiteSnapshot, SitesService } from '@switchboard/sdk';

/** A site of the tenant with the names of its branded chat windows. */
export interface SiteInfo {
  readonly id: string;
  readonly name: string;
  readonly windows: readonly string[];
}

/**
 * The tenant's sites as billboards targets them: each with its branded chat windows, read
 * through the core's `ChatTokens.Sites` (scoped by tenant: another tenant's site is unknown).
 */
export class SiteDirectory {
  constructor(private readonly sites: SitesService) {}

  async list(tenantId: string): Promise<SiteInfo[]> {
    const sites = (await this.sites.list(tenantId)).map(toSite);
    return sites.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** The site when it belongs to the tenant, else null. */
  async get(tenantId: string, siteId: string): Promise<SiteInfo | null> {
    const site = await this.sites.get(tenantId, siteId);
    return site ? toSite(site) : null;
  }
}

function toSite(site: SiteSnapshot): SiteInfo {
  return {
    id: site.id,
    name: site.name,
    windows: Object.keys(site.branding.chatWindows ?? {}).sort(),
  };
}
