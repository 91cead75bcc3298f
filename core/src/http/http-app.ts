import Koa, { type Middleware } from 'koa';
import type Router from '@koa/router';
import type { Logger } from '@switchboard/sdk';
import type { PluginHost } from '../plugins/plugin-host.js';
import { authMiddleware, type PrincipalResolver } from './auth.js';
import { errorMiddleware } from './error-middleware.js';
import { jsonBody, type BodyLimits } from './json-body.js';

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly host: PluginHost;
  readonly resolvers: readonly PrincipalResolver[];
  readonly limits: BodyLimits;
  /** Kernel routers, tried before plugin routers. */
  readonly routers: readonly Router[];
  /** Extra middleware run before routing (static apps, CORS...). */
  readonly before?: readonly Middleware[];
  /** Read client addresses from X-Forwarded-For (behind a reverse proxy). */
  readonly trustProxy?: boolean;
}

const PLUGIN_PATH = /^\/api\/v1\/plugins\/([a-z0-9-]+)(?:\/|$)/;

/** Assembles the koa app: errors → security headers → auth → body → kernel routes → plugin routes. */
export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa({ proxy: options.trustProxy ?? false });
  app.silent = true;
  app.use(errorMiddleware(options.logger));
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
  });
  for (const middleware of options.before ?? []) app.use(middleware);
  app.use(authMiddleware(options.resolvers));
  app.use(jsonBody(options.limits));
  for (const router of options.routers) {
    app.use(router.routes() as unknown as Middleware);
    app.use(router.allowedMethods() as unknown as Middleware);
  }
  // Plugin routers are looked up per request, so a disabled plugin's routes vanish at once.
  app.use(async (ctx, next) => {
    await options.host.activateForPath(ctx.path);
    const id = PLUGIN_PATH.exec(ctx.path)?.[1];
    const routes = id ? options.host.routesOf(id) : null;
    if (routes) return routes(ctx, next);
    return next();
  });
  return app;
}
