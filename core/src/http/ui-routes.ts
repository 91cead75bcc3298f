import { normalize, resolve } from 'node:path';
import Router from '@koa/router';
import { InputError, NotFoundError, type Principal } from '@switchboard/sdk';
import type { PluginHost } from '../plugins/plugin-host.js';
import { sendFile } from './static-file.js';

/** Plugin UI folders serve code, styles, data and images only (docs/api.md). */
const UI_TYPES = ['.js', '.mjs', '.css', '.json', '.svg', '.png', '.map'];

/** UI assembly: the contribution list, and the plugin modules it points at. */
export function uiRoutes(host: PluginHost): Router {
  const router = new Router();

  router.get('/api/v1/ui/contributions', async (ctx) => {
    const surface = (ctx.query.surface as string | undefined) ?? 'console';
    if (surface !== 'console' && surface !== 'widget') {
      throw new InputError('surface must be "console" or "widget".', { surface });
    }
    const principal = (ctx.state.principal as Principal | null) ?? null;
    ctx.body = { contributions: await host.contributions({ principal, surface }) };
  });

  // Serves files from the folders holding a plugin's declared UI modules, only while it is in service.
  router.get('/ui/plugins/:id/*path', (ctx) => {
    const id = ctx.params.id!;
    const state = host.stateOf(id);
    const dir = host.dirOf(id);
    if (!dir || (state !== 'active' && state !== 'inactive')) {
      throw new NotFoundError(`Plugin "${id}" serves no UI right now.`, 'PLUGIN_NOT_FOUND');
    }
    const roots = host.uiRootsOf(id);
    const raw = ctx.params.path as unknown;
    const file = resolve(dir, normalize(Array.isArray(raw) ? raw.join('/') : String(raw ?? '')));
    sendFile(ctx, file, roots, {
      cacheControl: 'no-cache',
      message: 'No such UI file.',
      types: UI_TYPES,
    });
  });

  return router;
}
