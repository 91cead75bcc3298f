import { Permissions, type VisitorPrincipal } from '@switchboard/sdk';
import { defineOperation, type Operation, type PublicOperationCall } from '../api/operation.js';
import type { ConversationService } from './conversation-service.js';
import { tenantIdField, scopeTenant } from './tenant-scope.js';
import type { VisitorService } from './visitor-service.js';
import { conversationView, ownVisitorView } from './views.js';

const shortText = (max: number) => ({ type: 'string', maxLength: max }) as const;
const id = { type: 'string', minLength: 1, maxLength: 40 } as const;
const customData = { type: 'object', maxProperties: 50 } as const;
const location = {
  type: 'object',
  maxProperties: 10,
  additionalProperties: { type: 'string', maxLength: 100 },
} as const;

/** Operations of visitors (widget) and of agents looking at visitors. */
export function visitorOperations(
  visitors: VisitorService,
  conversations: ConversationService,
  now: () => number,
): Operation[] {
  return [
    defineOperation({
      name: 'visitor.startSession',
      summary:
        "Start or resume a visitor session from a site's embed key; answers a visitor token.",
      permission: null,
      public: true,
      httpOnly: true,
      rateLimit: 'visitorSession',
      http: { method: 'POST', path: '/api/v1/visitor/session', status: 201 },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['embedKey'],
        properties: {
          embedKey: { type: 'string', minLength: 8, maxLength: 64 },
          cookieId: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' },
          name: shortText(200),
          email: { type: 'string', format: 'email', maxLength: 254 },
          language: {
            type: 'string',
            maxLength: 35,
            pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$',
          },
          location,
          customData,
          userAgent: shortText(1000),
        },
      },
      async handler(call) {
        const { input } = call as PublicOperationCall<
          { userAgent?: string } & Parameters<VisitorService['startSession']>[0]
        >;
        const { origin, userAgent: header } = call as PublicOperationCall<unknown>;
        const { userAgent, ...session } = input;
        // The widget may name the browser it runs in; otherwise the request's header tells.
        const result = await visitors.startSession(session, {
          origin,
          userAgent: userAgent ?? header,
        });
        return {
          token: result.token,
          expiresAt: result.expiresAt,
          cookieId: result.cookieId,
          visitor: ownVisitorView(result.visitor),
          site: { id: result.site.id, name: result.site.name },
        };
      },
    }),
    defineOperation({
      name: 'visitor.me',
      summary: 'The calling visitor and their open conversation, if any.',
      permission: Permissions.VisitorChat,
      principals: ['visitor'],
      http: { method: 'GET', path: '/api/v1/visitor' },
      input: { type: 'object', additionalProperties: false, properties: {} },
      async handler(call) {
        const p = call.principal as VisitorPrincipal;
        const visitor = await visitors.require(p.tenantId, p.visitorId);
        const open = await conversations.openOf(p.tenantId, p.visitorId);
        return {
          visitor: ownVisitorView(visitor),
          conversation: open ? conversationView(p, open) : null,
        };
      },
    }),
    defineOperation({
      name: 'visitor.pageView',
      summary:
        'Record a page view (url, title, referrer); closes the previous page’s time on page.',
      permission: Permissions.VisitorChat,
      principals: ['visitor'],
      http: { method: 'POST', path: '/api/v1/visitor/page-views', status: 201 },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: { type: 'string', minLength: 1, maxLength: 2048, pattern: '^https?://' },
          title: shortText(500),
          referrer: shortText(2048),
        },
      },
      async handler(call) {
        const view = await visitors.pageView(
          call.principal as VisitorPrincipal,
          call.input as { url: string },
        );
        return { id: view.id, at: view.at };
      },
    }),
    defineOperation({
      name: 'visitor.setData',
      summary:
        'Merge custom data pushed by the embedding page (null removes a key); `replace` swaps it all.',
      permission: Permissions.VisitorChat,
      principals: ['visitor'],
      http: { method: 'PUT', path: '/api/v1/visitor/data' },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['data'],
        properties: { data: customData, replace: { type: 'boolean', default: false } },
      },
      async handler(call) {
        const { data, replace } = call.input as { data: Record<string, unknown>; replace: boolean };
        const visitor = await visitors.setCustomData(
          call.principal as VisitorPrincipal,
          data,
          replace,
        );
        return ownVisitorView(visitor);
      },
    }),
    defineOperation({
      name: 'visitor.identify',
      summary: 'The visitor gives their name and email (pre-chat form).',
      permission: Permissions.VisitorChat,
      principals: ['visitor'],
      http: { method: 'PATCH', path: '/api/v1/visitor' },
      input: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: shortText(200),
          email: { type: 'string', format: 'email', maxLength: 254 },
        },
      },
      async handler(call) {
        return ownVisitorView(
          await visitors.identify(
            call.principal as VisitorPrincipal,
            call.input as { name?: string },
          ),
        );
      },
    }),
    defineOperation({
      name: 'visitors.list',
      summary: 'Visitors seen recently (live monitoring), most recent first.',
      permission: Permissions.VisitorRead,
      http: { method: 'GET', path: '/api/v1/visitors' },
      input: {
        type: 'object',
        additionalProperties: false,
        properties: {
          tenantId: tenantIdField,
          activeWithinMs: { type: 'integer', minimum: 1000, maximum: 2592000000, default: 1800000 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
        },
      },
      async handler(call) {
        const input = call.input as { tenantId?: string; activeWithinMs: number; limit: number };
        const tenantId = scopeTenant(call.principal!, input.tenantId);
        const since = now() - input.activeWithinMs;
        return { visitors: await visitors.listRecent(tenantId, since, input.limit) };
      },
    }),
    defineOperation({
      name: 'visitors.get',
      summary: 'A visitor with their recent page views and open conversation.',
      permission: Permissions.VisitorRead,
      http: { method: 'GET', path: '/api/v1/visitors/:visitorId' },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['visitorId'],
        properties: { visitorId: id, tenantId: tenantIdField },
      },
      async handler(call) {
        const input = call.input as { visitorId: string; tenantId?: string };
        const tenantId = scopeTenant(call.principal!, input.tenantId);
        const visitor = await visitors.require(tenantId, input.visitorId);
        const [pageViews, open] = await Promise.all([
          visitors.pageViews(tenantId, visitor.id, 100),
          conversations.openOf(tenantId, visitor.id),
        ]);
        return { visitor, pageViews, conversation: open };
      },
    }),
    defineOperation({
      name: 'visitors.history',
      summary: 'Call history: past conversations of this visitor, matched by id, email and cookie.',
      permission: Permissions.VisitorRead,
      http: { method: 'GET', path: '/api/v1/visitors/:visitorId/history' },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['visitorId'],
        properties: {
          visitorId: id,
          tenantId: tenantIdField,
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
        },
      },
      async handler(call) {
        const input = call.input as { visitorId: string; tenantId?: string; limit: number };
        const tenantId = scopeTenant(call.principal!, input.tenantId);
        return { history: await visitors.history(tenantId, input.visitorId, input.limit) };
      },
    }),
  ];
}
