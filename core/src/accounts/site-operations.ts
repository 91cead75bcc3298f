import { NotFoundError, Permissions } from '@switchboard/sdk';
import { defineOperation, type Operation } from '../api/operation.js';
import type { AccountsContext } from './accounts-context.js';
import { domainSchema, idSchema, nameSchema, originSchema, tenantIdField } from './schemas.js';
import {
  brandingSchema,
  resolveLook,
  WINDOW_NAME_PATTERN,
  type ResolvedLook,
} from './site-branding.js';
import { siteNotFound, type NewSite, type SiteRecord } from './site-service.js';
import { scopeTenant } from './tenant-scope.js';

/** What the widget loads before showing itself: nothing secret. */
export interface WidgetConfig {
  readonly siteId: string;
  readonly name: string;
  /** The window shown, or null for the site's default window. */
  readonly window: string | null;
  readonly branding: ResolvedLook;
  /** Origins that may embed the widget (empty: any); public, as in the frame's `frame-ancestors`. */
  readonly allowedOrigins: readonly string[];
}

const siteFields = {
  name: nameSchema,
  domains: { type: 'array', maxItems: 50, items: domainSchema },
  allowedOrigins: { type: 'array', maxItems: 50, items: originSchema },
  branding: brandingSchema,
} as const;

/** Sites: listed and read by every user of the tenant; changed with `sites.manage`. */
export function siteOperations(ctx: AccountsContext): Operation[] {
  const list = defineOperation<{ tenantId?: string }, { sites: SiteRecord[] }>({
    name: 'sites.list',
    summary: "The tenant's sites.",
    permission: null,
    input: { type: 'object', additionalProperties: false, properties: { ...tenantIdField } },
    http: { method: 'GET', path: '/api/v1/sites' },
    async handler({ principal, input }) {
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId);
      return { sites: await ctx.sites.list(tenantId) };
    },
  });

  const create = defineOperation<NewSite & { tenantId?: string }, SiteRecord>({
    name: 'sites.create',
    summary: 'Create a site; answers it with its embed key.',
    permission: Permissions.SitesManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { ...tenantIdField, ...siteFields },
    },
    http: { method: 'POST', path: '/api/v1/sites', status: 201 },
    async handler({ principal, input }) {
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId);
      const site = await ctx.sites.create(tenantId, {
        name: input.name,
        domains: input.domains,
        allowedOrigins: input.allowedOrigins,
        branding: input.branding,
      });
      await ctx.audit.record({
        tenantId,
        actor: principal,
        action: 'site.create',
        targetType: 'site',
        targetId: site.id,
        details: { name: site.name, domains: site.domains, allowedOrigins: site.allowedOrigins },
      });
      return site;
    },
  });

  const get = defineOperation<{ tenantId?: string; siteId: string }, SiteRecord>({
    name: 'sites.get',
    summary: 'One site of the tenant.',
    permission: null,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['siteId'],
      properties: { ...tenantIdField, siteId: idSchema },
    },
    http: { method: 'GET', path: '/api/v1/sites/:siteId' },
    async handler({ principal, input }) {
      const notFound = () => siteNotFound(input.siteId);
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId, notFound);
      const site = await ctx.sites.get(tenantId, input.siteId);
      if (!site) throw notFound();
      return site;
    },
  });

  const update = defineOperation<
    Partial<NewSite> & { tenantId?: string; siteId: string },
    SiteRecord
  >({
    name: 'sites.update',
    summary: 'Change a site; `branding`, when sent, replaces the whole branding.',
    permission: Permissions.SitesManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['siteId'],
      properties: { ...tenantIdField, siteId: idSchema, ...siteFields },
    },
    http: { method: 'PATCH', path: '/api/v1/sites/:siteId' },
    async handler({ principal, input }) {
      const notFound = () => siteNotFound(input.siteId);
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId, notFound);
      const { siteId, tenantId: _t, ...patch } = input;
      const { after } = await ctx.sites.update(tenantId, siteId, patch);
      await ctx.audit.record({
        tenantId,
        actor: principal,
        action: 'site.update',
        targetType: 'site',
        targetId: siteId,
        details: { changed: Object.keys(patch).sort(), ...patch },
      });
      return after;
    },
  });

  const rotateEmbedKey = defineOperation<{ tenantId?: string; siteId: string }, SiteRecord>({
    name: 'sites.rotateEmbedKey',
    summary: 'Give a site a new embed key; the old one stops working at once.',
    permission: Permissions.SitesManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['siteId'],
      properties: { ...tenantIdField, siteId: idSchema },
    },
    http: { method: 'POST', path: '/api/v1/sites/:siteId/embed-key' },
    async handler({ principal, input }) {
      const notFound = () => siteNotFound(input.siteId);
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId, notFound);
      const site = await ctx.sites.rotateEmbedKey(tenantId, input.siteId);
      await ctx.audit.record({
        tenantId,
        actor: principal,
        action: 'site.embed_key_rotate',
        targetType: 'site',
        targetId: site.id,
      });
      return site;
    },
  });

  const publicConfig = defineOperation<{ embedKey: string; window?: string }, WidgetConfig>({
    name: 'sites.publicConfig',
    summary: 'What the widget of an embed key shows: site name, branding, pre-chat fields.',
    permission: null,
    public: true,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['embedKey'],
      properties: {
        embedKey: { type: 'string', maxLength: 64 },
        window: { type: 'string', pattern: WINDOW_NAME_PATTERN },
      },
    },
    http: { method: 'GET', path: '/api/v1/widget/config' },
    async handler({ input }) {
      const unknown = () =>
        new NotFoundError(
          'No site uses this embed key. Copy the embed snippet again from the console: rotating a key retires the old one.',
          'SITE_NOT_FOUND',
        );
      const site = await ctx.sites.byEmbedKey(input.embedKey);
      const tenant = site ? await ctx.tenants.get(site.tenantId) : null;
      if (!site || !tenant || tenant.disabled) throw unknown();
      const { window, look } = resolveLook(site.branding, site.name, input.window);
      return {
        siteId: site.id,
        name: site.name,
        window,
        branding: look,
        allowedOrigins: site.allowedOrigins,
      };
    },
  });

  return [list, create, get, update, rotateEmbedKey, publicConfig];
}
