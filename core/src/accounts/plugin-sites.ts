import type { SiteSnapshot, SitesService } from '@switchboard/sdk';
import type { SiteRecord, SiteService } from './site-service.js';

/**
 * The tenant's sites as plugins see them (`ChatTokens.Sites`): read-only, scoped by tenant, and
 * without the embed key, so a plugin that lists sites cannot hand out a working widget key.
 */
export function sitesServiceFor(sites: SiteService): SitesService {
  return {
    async list(tenantId) {
      return (await sites.list(tenantId)).map(toSiteSnapshot);
    },
    async get(tenantId, siteId) {
      const site = await sites.get(tenantId, siteId);
      return site ? toSiteSnapshot(site) : null;
    },
  };
}

function toSiteSnapshot(site: SiteRecord): SiteSnapshot {
  return {
    id: site.id,
    tenantId: site.tenantId,
    name: site.name,
    domains: site.domains,
    allowedOrigins: site.allowedOrigins,
    branding: site.branding,
    createdAt: site.createdAt,
  };
}
