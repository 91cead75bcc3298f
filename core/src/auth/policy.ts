import {
  ALL_PERMISSIONS,
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
const SUPERVISOR: readonly string[] = [...AGENT, P.ConversationManage, P.AuditRead];
const ADMIN: readonly string[] = [
  ...SUPERVISOR,
  P.UsersManage,
  P.SitesManage,
  P.TenantManage,
  P.PluginsManage,
  P.PrivacyManage,
];

/**
 * The one access policy, shared by every HTTP route and every WebSocket frame: roles map to
 * permissions here and nowhere else. Plugin permissions (`contributes.permissions`) go to
 * supervisors and admins by default; agents get a plugin permission when the plugin lists it in
 * `agentPermissions` of this policy (see docs/protocol.md#permissions).
 */
export class AccessPolicy {
  private pluginPermissions = new Set<string>();
  private pluginAgentPermissions = new Set<string>();
  private cache = new Map<Role, ReadonlySet<string>>();

  /** Called by the kernel when the set of active plugins changes. */
  setPluginPermissions(all: Iterable<string>, forAgents: Iterable<string> = []): void {
    this.pluginPermissions = new Set(all);
    this.pluginAgentPermissions = new Set(forAgents);
    this.cache.clear();
  }

  /** Permissions of a role (shared frozen set; cheap to call per request). */
  permissionsOf(role: Role): ReadonlySet<string> {
    let set = this.cache.get(role);
    if (!set) {
      const base = role === 'admin' ? ADMIN : role === 'supervisor' ? SUPERVISOR : AGENT;
      const extra =
        role === 'agent' ? [...this.pluginAgentPermissions] : [...this.pluginPermissions];
      set = new Set([...base, ...extra]);
      this.cache.set(role, set);
    }
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
    if (!rule.principals.includes(principal.kind) && !principal.permissions.has(ALL_PERMISSIONS)) {
      throw new ForbiddenError(
        `This is not available to a ${principal.kind} session.`,
        'AUTH_FORBIDDEN',
        { allowed: rule.principals },
      );
    }
    if (rule.permission && !hasPermission(principal, rule.permission)) {
      throw new ForbiddenError(`This needs the "${rule.permission}" permission.`, 'AUTH_FORBIDDEN', {
        permission: rule.permission,
      });
    }
  }
}

const VISITOR_PERMISSIONS: ReadonlySet<string> = new Set([P.VisitorChat]);
