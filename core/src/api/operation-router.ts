import { foreignOrigin } from '../http/foreign-origin.js';
import Router from '@koa/router';
import type { Principal } from '@switchboard/sdk';
import { Deferred, RawResponse } from './operation.js';
import type { OperationRegistry } from './operation-registry.js';

/**
 * Mounts every operation that has an HTTP binding. Input is the JSON body (or, for GET and
 * DELETE, the query string, coerced to the schema's types) plus the path parameters, which win
 * over a body field of the same name so a body can never retarget a route.
 */
export function operationRouter(registry: OperationRegistry): Router {
  const router = new Router();
  for (const operation of registry.list()) {
    const binding = operation.http;
    if (!binding) continue;
    const method = binding.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](binding.path, async (ctx) => {
      const fromQuery = binding.method === 'GET' || binding.method === 'DELETE';
      const source = fromQuery ? { ...ctx.query } : (ctx.request.body ?? {});
      const input =
        typeof source === 'object' && source !== null && !Array.isArray(source)
          ? { ...(source as Record<string, unknown>), ...ctx.params }
          : source;
      let result = await registry.invoke(
        (ctx.state.principal as Principal | null | undefined) ?? null,
        operation.name,
        input,
        {
          ip: ctx.ip,
          origin: foreignOrigin(ctx.headers),
          userAgent: ctx.get('user-agent') || null,
          connectionId: null,
          transport: 'http',
        },
        { coerce: fromQuery },
      );
      if (result instanceof Deferred) result = await result.promise;
      ctx.status = binding.status ?? 200;
      if (result instanceof RawResponse) {
        ctx.type = result.contentType;
        if (result.filename) ctx.attachment(result.filename, { type: 'attachment' });
        ctx.body = result.body;
        return;
      }
      ctx.body = result ?? null;
      if (ctx.status === 204) ctx.body = null;
    });
  }
  return router;
}
