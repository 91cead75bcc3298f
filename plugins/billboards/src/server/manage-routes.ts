import {
  InputError,
  NotFoundError,
  requirePermission,
  tenantOf,
  type PluginContext,
  type Principal,
} from '@switchboard/sdk';
import { createBillboardSchema, orderSchema, updateBillboardSchema } from '../common/schemas.js';
import type { BillboardKind, BillboardsSettings } from '../common/types.js';
import type { BillboardFields, BillboardStore } from './billboard-store.js';
import { billboardProblems, throwProblems, type Problem } from './check-billboard.js';
import type { EventStore } from './event-store.js';
import type { ImageStore } from './image-store.js';
import type { SiteDirectory } from './site-directory.js';

/** What the routes work with. */
export interface BillboardServices {
  readonly store: BillboardStore;
  readonly images: ImageStore;
  readonly events: EventStore;
  readonly sites: SiteDirectory;
}

/** The part of a koa context the helpers read. */
export interface RequestLike {
  state: { principal?: Principal | null };
  query: Record<string, unknown>;
}

/** The tenant the caller acts on (`?tenant=` for the operator token). */
export const tenantFor = (k: RequestLike): string =>
  tenantOf(k.state.principal as Principal, k.query.tenant as string | undefined);

const MANAGE = 'billboards.manage';
const REPORT = 'billboards.report';

interface CreateBody {
  siteId: string;
  window?: string | null;
  kind: BillboardKind;
  text: string;
  linkUrl?: string | null;
  imageId?: string | null;
  enabled?: boolean;
  intervalSeconds?: number | null;
  startsAt?: number | null;
  endsAt?: number | null;
}

type UpdateBody = Partial<Omit<CreateBody, 'siteId' | 'window'>>;

/** Trims text and links so stray spaces from a paste are not an error. */
function tidy<T extends { text?: string; linkUrl?: string | null }>(body: T): T {
  return {
    ...body,
    ...(body.text !== undefined ? { text: body.text.trim() } : {}),
    ...(typeof body.linkUrl === 'string' ? { linkUrl: body.linkUrl.trim() } : {}),
  };
}

/** A time from the query: epoch milliseconds or an ISO 8601 date; null when absent. */
export function queryTime(value: unknown, name: string): number | null {
  if (value === undefined || value === '') return null;
  const text = String(value);
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new InputError(
      `?${name}=${text} is not a time; send epoch milliseconds or an ISO date such as 2026-12-01T00:00:00Z.`,
      { parameter: name },
      'BILLBOARDS_INVALID',
    );
  }
  return ms;
}

/** `?window=`: a chat window name, or null (absent or empty). */
export function queryWindow(value: unknown): string | null {
  if (value === undefined || value === '') return null;
  const text = String(value);
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(text)) {
    throw new InputError(
      `?window=${text} is not a chat window name (lower-case letters, digits and dashes, e.g. "sales").`,
      { parameter: 'window' },
      'BILLBOARDS_INVALID',
    );
  }
  return text;
}

/** Routes for the tenant's managers: sites, billboards, order, report. */
export function registerManageRoutes(
  ctx: PluginContext<BillboardsSettings>,
  s: BillboardServices,
): void {
  const router = ctx.router;

  /** The site when it is the tenant's; 404 otherwise (another tenant's site looks unknown). */
  const siteOf = async (tenantId: string, siteId: string) => {
    const site = await s.sites.get(tenantId, siteId);
    if (!site) throw new NotFoundError(`No site ${siteId}.`, 'BILLBOARDS_SITE_NOT_FOUND');
    return site;
  };

  /** Problems of references the schema cannot see: the window and the image. */
  const referenceProblems = async (
    tenantId: string,
    windows: readonly string[] | null,
    window: string | null,
    imageId: string | null,
  ): Promise<Problem[]> => {
    const problems: Problem[] = [];
    if (windows && window !== null && !windows.includes(window)) {
      const known = windows.length > 0 ? `: ${windows.join(', ')}` : '; it has none';
      problems.push({
        path: '/window',
        message: `"${window}" is not a chat window of this site; use null for every window or one of its windows${known}`,
      });
    }
    if (imageId !== null && !(await s.images.exists(tenantId, imageId))) {
      problems.push({
        path: '/imageId',
        message: `"${imageId}" is not an uploaded image; upload it with POST /api/v1/plugins/billboards/images and use the id it answers`,
      });
    }
    return problems;
  };

  router.get('/sites', requirePermission(MANAGE), async (k) => {
    k.body = { sites: await s.sites.list(tenantFor(k)) };
  });

  router.get('/billboards', requirePermission(MANAGE), async (k) => {
    const tenant = tenantFor(k);
    const siteId = k.query.siteId ? String(k.query.siteId) : undefined;
    const window = k.query.window === undefined ? undefined : queryWindow(k.query.window);
    k.body = { billboards: await s.store.list(tenant, siteId, window) };
  });

  router.post('/billboards', requirePermission(MANAGE), async (k) => {
    const tenant = tenantFor(k);
    const body = tidy(ctx.validate<CreateBody>(createBillboardSchema, k.request.body));
    const site = await siteOf(tenant, body.siteId);
    const window = body.window ?? null;
    const fields: BillboardFields = {
      kind: body.kind,
      text: body.text,
      linkUrl: body.linkUrl ?? null,
      imageId: body.imageId ?? null,
      enabled: body.enabled ?? true,
      intervalSeconds: body.intervalSeconds ?? null,
      startsAt: body.startsAt ?? null,
      endsAt: body.endsAt ?? null,
    };
    throwProblems([
      ...billboardProblems(fields),
      ...(await referenceProblems(tenant, site.windows, window, fields.imageId)),
    ]);
    k.status = 201;
    k.body = await s.store.create(tenant, site.id, window, fields);
  });

  router.get('/billboards/:id', requirePermission(MANAGE), async (k) => {
    k.body = await s.store.get(tenantFor(k), k.params.id!);
  });

  router.patch('/billboards/:id', requirePermission(MANAGE), async (k) => {
    const tenant = tenantFor(k);
    const body = tidy(ctx.validate<UpdateBody>(updateBillboardSchema, k.request.body));
    const current = await s.store.get(tenant, k.params.id!);
    const merged: BillboardFields = {
      kind: body.kind ?? current.kind,
      text: body.text ?? current.text,
      linkUrl: body.linkUrl !== undefined ? body.linkUrl : current.linkUrl,
      imageId: body.imageId !== undefined ? body.imageId : current.imageId,
      enabled: body.enabled ?? current.enabled,
      intervalSeconds:
        body.intervalSeconds !== undefined ? body.intervalSeconds : current.intervalSeconds,
      startsAt: body.startsAt !== undefined ? body.startsAt : current.startsAt,
      endsAt: body.endsAt !== undefined ? body.endsAt : current.endsAt,
    };
    const newImage = merged.imageId !== current.imageId ? merged.imageId : null;
    throwProblems([
      ...billboardProblems(merged),
      ...(await referenceProblems(tenant, null, null, newImage)),
    ]);
    const updated = await s.store.update(tenant, current.id, merged);
    if (current.imageId !== updated.imageId) await s.images.removeIfUnused(tenant, current.imageId);
    k.body = updated;
  });

  router.delete('/billboards/:id', requirePermission(MANAGE), async (k) => {
    const tenant = tenantFor(k);
    const row = await s.store.remove(tenant, k.params.id!);
    await s.images.removeIfUnused(tenant, row.image_id);
    k.status = 204;
  });

  router.put('/order', requirePermission(MANAGE), async (k) => {
    const tenant = tenantFor(k);
    const body = ctx.validate<{ siteId: string; window?: string | null; ids: string[] }>(
      orderSchema,
      k.request.body,
    );
    const site = await siteOf(tenant, body.siteId);
    k.body = {
      billboards: await s.store.reorder(tenant, site.id, body.window ?? null, body.ids),
    };
  });

  router.get('/report', requirePermission(REPORT), async (k) => {
    const tenant = tenantFor(k);
    const from = queryTime(k.query.from, 'from');
    const to = queryTime(k.query.to, 'to');
    if (from !== null && to !== null && to <= from) {
      throw new InputError(
        '?to= is not after ?from=; the range is from (inclusive) to (exclusive).',
        { from, to },
        'BILLBOARDS_INVALID',
      );
    }
    const siteId = k.query.siteId ? String(k.query.siteId) : undefined;
    const window = k.query.window === undefined ? undefined : queryWindow(k.query.window);
    const billboards = await s.store.list(tenant, siteId, window);
    k.body = await s.events.report(tenant, billboards, from, to);
  });
}
