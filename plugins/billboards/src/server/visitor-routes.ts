import {
  ChatTokens,
  ForbiddenError,
  hasPermission,
  NotFoundError,
  UnauthorizedError,
  type PluginContext,
  type Principal,
  type VisitorPrincipal,
} from '@switchboard/sdk';
import { eventSchema } from '../common/schemas.js';
import type { ActiveBillboards, BillboardsSettings } from '../common/types.js';
import type { BillboardEventKind } from './event-store.js';
import { queryWindow, tenantFor, type BillboardServices } from './manage-routes.js';

const visitorOnly = (principal: Principal | null | undefined): VisitorPrincipal => {
  if (!principal) throw new UnauthorizedError();
  if (principal.kind !== 'visitor') {
    throw new ForbiddenError(
      "Only a visitor's widget records impressions and clicks; use a visitor session token.",
      'BILLBOARDS_VISITOR_ONLY',
    );
  }
  return principal;
};

/** Routes the widget calls with the visitor's token: what to show, and what was seen or clicked. */
export function registerVisitorRoutes(
  ctx: PluginContext<BillboardsSettings>,
  s: BillboardServices,
): void {
  const router = ctx.router;
  const conversations = ctx.use(ChatTokens.Conversations);

  /**
   * Active billboards of the visitor's own site (optionally `?window=`), in order. Managers may
   * preview a site with `?siteId=`.
   */
  router.get('/active', async (k) => {
    const principal = k.state.principal as Principal | null | undefined;
    if (!principal) throw new UnauthorizedError();
    let tenantId: string;
    let siteId: string;
    if (principal.kind === 'visitor') {
      tenantId = principal.tenantId;
      siteId = principal.siteId;
    } else {
      if (!hasPermission(principal, 'billboards.manage')) {
        throw new ForbiddenError(
          'This needs the "billboards.manage" permission.',
          'AUTH_FORBIDDEN',
          {
            permission: 'billboards.manage',
          },
        );
      }
      tenantId = tenantFor(k);
      const site = await s.sites.get(tenantId, String(k.query.siteId ?? ''));
      if (!site) {
        throw new NotFoundError(
          'Name a site of the tenant to preview: add ?siteId=<id>.',
          'BILLBOARDS_SITE_NOT_FOUND',
        );
      }
      siteId = site.id;
    }
    const window = queryWindow(k.query.window);
    const settings = await ctx.settings.get(tenantId);
    const active = settings.showToVisitors
      ? await s.store.active(tenantId, siteId, window, settings.defaultIntervalSeconds)
      : { window: null, billboards: [] };
    k.set('Cache-Control', 'no-store');
    k.body = { siteId, ...active } satisfies ActiveBillboards;
  });

  const events: readonly (readonly [string, BillboardEventKind])[] = [
    ['impressions', 'impression'],
    ['clicks', 'click'],
  ];
  for (const [path, kind] of events) {
    router.post(`/billboards/:id/${path}`, async (k) => {
      const visitor = visitorOnly(k.state.principal as Principal | null | undefined);
      const body = ctx.validate<{ conversationId: string }>(eventSchema, k.request.body);
      const row = await s.store.row(visitor.tenantId, k.params.id!).catch(() => null);
      if (!row || row.site_id !== visitor.siteId) {
        throw new NotFoundError(`No billboard ${k.params.id!}.`, 'BILLBOARDS_NOT_FOUND');
      }
      const conversation = await conversations.get(visitor.tenantId, body.conversationId);
      if (!conversation || conversation.visitorId !== visitor.visitorId) {
        throw new NotFoundError(
          `No conversation ${body.conversationId} of yours.`,
          'BILLBOARDS_CONVERSATION_NOT_FOUND',
        );
      }
      const counted = await s.events.record(
        visitor.tenantId,
        row.id,
        conversation.id,
        visitor.visitorId,
        kind,
      );
      k.body = kind === 'click' ? { counted, linkUrl: row.link_url } : { counted };
    });
  }
}
