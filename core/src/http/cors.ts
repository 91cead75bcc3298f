import type { Middleware } from 'koa';

/**
 * CORS for the API, so the widget on a customer's site can call it from the browser. The API
 * authenticates with bearer tokens, never cookies, so answering any origin grants a page
 * nothing it could not do with a token it already holds; which sites may start visitor
 * sessions is decided per site (allowed origins) at session start and at socket hello.
 */
export function cors(): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    if (!origin || !ctx.path.startsWith('/api/')) return next();
    ctx.vary('Origin');
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Expose-Headers', 'Retry-After, Content-Disposition, X-Request-Id');
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      ctx.set('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    await next();
  };
}
