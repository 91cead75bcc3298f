import type { Middleware } from 'koa';
import { ForbiddenError, UnauthorizedError } from './errors.js';
import { hasPermission, type Principal } from './principal.js';

declare module 'koa' {
  interface Request {
    /** Parsed JSON body (set by the kernel for `application/json` requests). */
    body?: unknown;
  }
  interface DefaultState {
    /** Who is asking; null when no (valid) token was sent. */
    principal?: Principal | null;
  }
}

/**
 * Koa middleware for plugin routes: 401 without credentials, 403 without `permission`.
 * @example `ctx.router.post('/notes', requirePermission('notes.write'), handler)`
 * @public
 */
export function requirePermission(permission: string): Middleware {
  return async (koaCtx, next) => {
    const principal = koaCtx.state.principal as Principal | null | undefined;
    if (!principal) throw new UnauthorizedError();
    if (!hasPermission(principal, permission)) {
      throw new ForbiddenError(`This needs the "${permission}" permission.`, 'AUTH_FORBIDDEN', {
        permission,
      });
    }
    await next();
  };
}

/**
 * The tenant a request acts on: the caller's own tenant, or for the system principal the
 * `tenant` query parameter. Visitors and users can never name another tenant.
 * @public
 */
export function tenantOf(principal: Principal, requested?: string | null): string {
  if (principal.kind === 'system') {
    if (!requested)
      throw new ForbiddenError('Name the tenant: add ?tenant=<id>.', 'TENANT_REQUIRED');
    return requested;
  }
  return principal.tenantId;
}
