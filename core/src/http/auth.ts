import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import {
  ALL_PERMISSIONS,
  UnauthorizedError,
  type Principal,
  type SystemPrincipal,
} from '@switchboard/sdk';

/**
 * Turns a bearer token into a principal, or answers null when the token is not its kind.
 * Resolvers are tried in order; the chat core adds user and visitor token resolvers.
 */
export type PrincipalResolver = (token: string) => Promise<Principal | null> | Principal | null;

/** The system principal of the operator's bootstrap token. */
export const SYSTEM_PRINCIPAL: SystemPrincipal = Object.freeze({
  kind: 'system',
  tenantId: null,
  permissions: new Set([ALL_PERMISSIONS]),
});

/** Resolves `SWITCHBOARD_ADMIN_TOKEN` (compared in constant time) to the system principal. */
export function adminTokenResolver(adminToken: string | undefined): PrincipalResolver {
  if (!adminToken) return () => null;
  const expected = digest(adminToken);
  return (token) => (timingSafeEqual(digest(token), expected) ? SYSTEM_PRINCIPAL : null);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Reads the bearer token from the Authorization header. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1]! : null;
}

/**
 * Sets `ctx.state.principal` for every request: null without a token. A token that no resolver
 * accepts is refused with 401 rather than treated as anonymous, so a stale token is noticed.
 */
export function authMiddleware(resolvers: readonly PrincipalResolver[]): Middleware {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('authorization') || undefined);
    let principal: Principal | null = null;
    if (token) {
      for (const resolve of resolvers) {
        principal = await resolve(token);
        if (principal) break;
      }
      if (!principal) {
        throw new UnauthorizedError(
          'The bearer token is unknown or expired; sign in again.',
          'AUTH_TOKEN_INVALID',
        );
      }
    }
    ctx.state.principal = principal;
    await next();
  };
}
