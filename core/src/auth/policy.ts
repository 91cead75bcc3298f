import {
  ForbiddenError,
  Permissions,
  UnauthorizedError,
  hasPermission,
  type Principal,
  type Role,
} from '@switchboard/sdk';

const P = Permissions;

const AGENT: readonly string[] = [
  P.ConversationRead,
  P.ConversationPick,
  P.ConversationReply,
  P.ConversationNote,
  P.ConversationTransfer,
  P.ConversationEnd,
  P.VisitorRead,
  P.PresenceSet,
  P.UsersRead,
];
const SUPERVISOR: readonly string[] = [...AGENT, P.ConversationManage, P.AuditRead, P.PluginsRead];
const ADMIN: readonly string[] = [
  ...SUPERVISOR,
  P.UsersManage,
  P.SitesManage,
  P.TenantManage,
  P.PluginsManage,
  P.PluginsSettings,
  P.PrivacyManage,
];

/** The deployment's own tenant: its admins run the deployment (see `permissionsOf`). */
export const HOME_TENANT = 'default';

/** A plugin permission and the roles that hold it. */
export interface PermissionGrant {
  readonly id: string;
  readonly roles: readonly Role[];
}

/**
 * The one access policy, shared by every HTTP route and every WebSocket frame: roles map to
 * permissions here and nowhere else. Plugin permissions come from the manifests of the plugins
 * in service (`contributes.permissions`), read live, so disabling a plugin withdraws them.
 */
export class AccessPolicy {
  private grants: () => readonly PermissionGrant[] = () => [];
  private cache = new Map<string, { key: string; set: ReadonlySet<string> }>();

  /** Where plugin permissions come from (the plugin host); called by the kernel. */
  usePluginGrants(source: () => readonly PermissionGrant[]): void {
    this.grants = source;
    this.cache.clear();
  }

  /**
   * Permissions of a role in a tenant (a shared set, rebuilt only when the plugin grants
   * change). Enabling a plugin acts on the whole deployment, so `plugins.manage` belongs to the
   * admins of the deployment's own tenant (`default`, made on first start) and to the operator,
   * never to the admins of the other tenants a server hosts.
   */
  permissionsOf(role: Role, tenantId: string): ReadonlySet<string> {
    const extra = this.grants()
      .filter((g) => g.roles.includes(role))
      .map((g) => g.id);
    const key = extra.join(',');
    const home = tenantId === HOME_TENANT;
    const cacheKey = `${role}:${home}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.key === key) return cached.set;
    const base = role === 'admin' ? ADMIN : role === 'supervisor' ? SUPERVISOR : AGENT;
    const set = new Set([...base, ...extra]);
    if (!home) set.delete(P.PluginsManage);
    this.cache.set(cacheKey, { key, set });
    return set;
  }

  /** Permissions of a visitor session. */
  visitorPermissions(): ReadonlySet<string> {
    return VISITOR_PERMISSIONS;
  }

  /**
   * Throws 401 without a principal, 403 when its kind is not allowed or it lacks `permission`.
   */
  authorize(
    principal: Principal | null | undefined,
    rule: { permission: string | null; principals: readonly Principal['kind'][] },
  ): asserts principal is Principal {
    if (!principal) throw new UnauthorizedError();
    // The operator's wildcard grants every permission, not every identity: an operation for
    // visitors (or users) only needs a visitor (or user) to act as.
    if (!rule.principals.includes(principal.kind)) {
      throw new ForbiddenError(
        `This is not available to a ${principal.kind} session.`,
        'AUTH_FORBIDDEN',
        { allowed: rule.principals },
      );
    }
    if (rule.permission && !hasPermission(principal, rule.permission)) {
      throw new ForbiddenError(
        `This needs the "${rule.permission}" permission.`,
        'AUTH_FORBIDDEN',
        {
          permission: rule.permission,
        },
      );
    }
  }
}

const VISITOR_PERMISSIONS: ReadonlySet<string> = new Set([P.VisitorChat]);
