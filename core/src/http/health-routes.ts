import Router from '@koa/router';
import type { Knex } from 'knex';

/** `GET /api/v1/health`: liveness plus a database round trip. Open to anyone (load balancers). */
export function healthRoutes(knex: Knex, version: string, startedAt: number): Router {
  const router = new Router();
  router.get('/api/v1/health', async (ctx) => {
    let database: 'ok' | 'unavailable' = 'ok';
    try {
      await knex.raw('select 1');
    } catch {
      database = 'unavailable';
    }
    ctx.status = database === 'ok' ? 200 : 503;
    ctx.body = {
      status: database === 'ok' ? 'ok' : 'degraded',
      version,
      database,
      uptimeMs: Date.now() - startedAt,
    };
  });
  return router;
}
