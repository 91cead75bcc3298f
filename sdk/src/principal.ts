/** Role of a console user. @public */
export type Role = 'admin' | 'supervisor' | 'agent';

/**
 * Who is asking: resolved by the kernel from the bearer token on every request and socket frame,
 * and handed to plugin routes as `koaCtx.state.principal`.
 * @public
 */
export type Principal = SystemPrincipal | UserPrincipal | VisitorPrincipal;

/** The operator's bootstrap token (`SWITCHBOARD_ADMIN_TOKEN`): every permission, no tenant. @public */
export interface SystemPrincipal {
  readonly kind: 'system';
  readonly tenantId: null;
  readonly permissions: ReadonlySet<string>;
}

/** A console user (agent, supervisor or admin) of one tenant. @public */
export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly permissions: ReadonlySet<string>;
  /** Id of the sign-in token this principal came from (absent when built another way). */
  readonly sessionId?: string;
}

/** A visitor of one site, holding a visitor session token. @public */
export interface VisitorPrincipal {
  readonly kind: 'visitor';
  readonly visitorId: string;
  readonly tenantId: string;
  readonly siteId: string;
  readonly permissions: ReadonlySet<string>;
  /** Id of the visitor session token this principal came from. */
  readonly sessionId?: string;
}

/** The wildcard permission held by the system principal. @public */
export const ALL_PERMISSIONS = '*';

/** True when `principal` holds `permission` (or the wildcard). @public */
export function hasPermission(
  principal: Principal | null | undefined,
  permission: string,
): boolean {
  if (!principal) return false;
  return principal.permissions.has(ALL_PERMISSIONS) || principal.permissions.has(permission);
}
