import { createReadStream, statSync } from 'node:fs';
import { extname, normalize, resolve, sep } from 'node:path';
import Router from '@koa/router';
import { InputError, NotFoundError, type Principal } from '@switchboard/sdk';
import type { PluginHost } from '../plugins/plugin-host.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

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
    const allowed = roots.some((root) => file.startsWith(root + sep));
    const type = TYPES[extname(file)];
    let size = -1;
    try {
      size = allowed && type ? statSync(file).size : -1;
    } catch {
      size = -1;
    }
    if (size < 0) throw new NotFoundError('No such UI file.', 'NOT_FOUND');
    ctx.type = type!;
    ctx.length = size;
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = createReadStream(file);
  });

  return router;
}
