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
  private cache = new Map<Role, { key: string; set: ReadonlySet<string> }>();

  /** Where plugin permissions come from (the plugin host); called by the kernel. */
  usePluginGrants(source: () => readonly PermissionGrant[]): void {
    this.grants = source;
    this.cache.clear();
  }

  /** Permissions of a role (a shared set, rebuilt only when the plugin grants change). */
  permissionsOf(role: Role): ReadonlySet<string> {
    const extra = this.grants()
      .filter((g) => g.roles.includes(role))
      .map((g) => g.id);
    const key = extra.join(',');
    const cached = this.cache.get(role);
    if (cached && cached.key === key) return cached.set;
    const base = role === 'admin' ? ADMIN : role === 'supervisor' ? SUPERVISOR : AGENT;
    const set: ReadonlySet<string> = new Set([...base, ...extra]);
    this.cache.set(role, { key, set });
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
