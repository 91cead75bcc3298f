import Router from '@koa/router';
import { NotFoundError, requirePermission, tenantOf, type Principal } from '@switchboard/sdk';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { SchemaValidator } from '../validation.js';

const STATE_BODY = {
  type: 'object',
  required: ['enabled'],
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' } },
} as const;

/** Kernel routes about plugins: list, inspect, enable/disable, settings. */
export function pluginRoutes(host: PluginHost, validator: SchemaValidator): Router {
  const router = new Router({ prefix: '/api/v1/plugins' });
  const known = (id: string) => {
    if (!host.has(id))
      throw new NotFoundError(`No plugin "${id}" is configured.`, 'PLUGIN_NOT_FOUND');
    return id;
  };

  router.get('/', requirePermission('plugins.read'), (ctx) => {
    ctx.body = { plugins: host.list() };
  });

  router.get('/:id', requirePermission('plugins.read'), (ctx) => {
    ctx.body = host.get(known(ctx.params.id!));
  });

  router.put('/:id/state', requirePermission('plugins.manage'), async (ctx) => {
    const id = known(ctx.params.id!);
    const body = validator.validate<{ enabled: boolean }>(STATE_BODY, ctx.request.body);
    const principal = ctx.state.principal as Principal;
    const info = await host.setEnabled(id, body.enabled);
    await host.persistEnabled(
      id,
      body.enabled,
      principal.kind === 'user' ? principal.userId : principal.kind,
    );
    ctx.body = info;
  });

  /** The plugin, the tenant the caller acts on, and that plugin's settings store. */
  const settingsTarget = (ctx: {
    params: Record<string, string>;
    state: { principal?: unknown };
    query: Record<string, unknown>;
  }) => {
    const id = known(ctx.params.id!);
    const tenant = tenantOf(
      ctx.state.principal as Principal,
      ctx.query.tenant as string | undefined,
    );
    return { id, tenant, ...host.settingsOf(id) };
  };

  router.get('/:id/settings', requirePermission('plugins.settings'), async (ctx) => {
    const { id, tenant, settings, schema } = settingsTarget(ctx);
    ctx.body = { plugin: id, tenant, schema, value: await settings.get(tenant) };
  });

  router.put('/:id/settings', requirePermission('plugins.settings'), async (ctx) => {
    const { id, tenant, settings, schema } = settingsTarget(ctx);
    ctx.body = {
      plugin: id,
      tenant,
      schema,
      value: await settings.set(tenant, ctx.request.body ?? {}),
    };
  });

  return router;
}
