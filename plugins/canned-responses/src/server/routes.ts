import { requirePermission, tenantOf, type PluginContext, type Principal } from '@switchboard/sdk';
import { createResponseSchema, type CannedResponsesSettings } from '../common/schemas.js';
import type { CannedResponseStore } from './canned-response-store.js';

/** REST routes under /api/v1/plugins/canned-responses. */
export function registerRoutes(
  ctx: PluginContext<CannedResponsesSettings>,
  store: CannedResponseStore,
): void {
  const router = ctx.router;
  const tenant = (k: { state: { principal?: Principal | null }; query: Record<string, unknown> }) =>
    tenantOf(k.state.principal as Principal, k.query.tenant as string | undefined);

  router.get('/responses', requirePermission('canned-responses.use'), async (k) => {
    k.body = { responses: await store.list(tenant(k)) };
  });

  router.post('/responses', requirePermission('canned-responses.manage'), async (k) => {
    const body = ctx.validate<{ shortcut: string; text: string }>(
      createResponseSchema,
      k.request.body,
    );
    k.status = 201;
    k.body = await store.create(tenant(k), body.shortcut, body.text);
  });

  router.delete('/responses/:id', requirePermission('canned-responses.manage'), async (k) => {
    await store.remove(tenant(k), k.params.id!);
    k.status = 204;
  });
}
