import type { Operation } from '../api/operation.js';
import type { AuditLog } from '../audit/audit-log.js';
import { PasswordHasher } from '../auth/password.js';
import type { AccessPolicy } from '../auth/policy.js';
import { TokenService } from '../auth/token-service.js';
import type { ChatCoreDeps } from '../chat-core.js';
import type { PrincipalResolver } from '../http/auth.js';
import type { AccountsContext } from './accounts-context.js';
import { authOperations } from './auth-operations.js';
import { departmentOperations } from './department-operations.js';
import { DepartmentService } from './department-service.js';
import { siteOperations } from './site-operations.js';
import { SiteService } from './site-service.js';
import { tenantOperations } from './tenant-operations.js';
import { TenantService } from './tenant-service.js';
import { isUniqueViolation } from './unique-violation.js';
import { userOperations } from './user-operations.js';
import { UserService } from './user-service.js';

export type { SiteRecord, NewSite, SitePatch } from './site-service.js';
export type { Branding, WindowLook, PrechatField, ResolvedLook } from './site-branding.js';
export type { DepartmentRecord } from './department-service.js';
export type { NewUser, UserPatch } from './user-service.js';
export type {
  TenantRecord,
  TenantSettings,
  TenantPatch,
  EffectiveTenantSettings,
} from './tenant-service.js';
export type { IssuedToken, TokenSubject } from '../auth/token-service.js';
export { TenantService, SiteService, DepartmentService, UserService, TokenService, PasswordHasher };

/** Id and name of the tenant created on first start. */
export const DEFAULT_TENANT = { id: 'default', name: 'Default', siteName: 'Default site' } as const;

/** What {@link Accounts.ensureDefaultTenant} found or made. */
export interface DefaultTenant {
  readonly tenantId: string;
  readonly siteId: string;
  readonly embedKey: string;
  /** True when this call created the tenant (first start). */
  readonly created: boolean;
}

/** The accounts & auth area of the chat core. */
export interface Accounts {
  readonly tenants: TenantService;
  readonly sites: SiteService;
  readonly departments: DepartmentService;
  readonly users: UserService;
  readonly tokens: TokenService;
  readonly passwords: PasswordHasher;
  /** Resolves `sbu_` and `sbv_` tokens; push it into `ChatCore.resolvers`. */
  readonly resolver: PrincipalResolver;
  /** Every accounts and auth operation, for the registry. */
  readonly operations: Operation[];
  /**
   * On first start (no tenant at all) creates tenant `default` with a site; otherwise finds the
   * `default` tenant (or the oldest) and its oldest site, creating a site if it has none.
   */
  ensureDefaultTenant(): Promise<DefaultTenant>;
  /** Stops listening for revocation events. */
  dispose(): void;
}

/** Builds the accounts & auth area from the chat core's shared parts. */
export function createAccounts(
  deps: ChatCoreDeps & { policy: AccessPolicy; audit: AuditLog },
): Accounts {
  const { knex, clock, config } = deps;
  const passwords = new PasswordHasher(config.auth.scryptLog2N);
  const tokens = new TokenService({
    knex,
    clock,
    events: deps.events,
    logger: deps.logger,
    policy: deps.policy,
    userTokenTtlMs: config.auth.userTokenTtlMs,
    visitorTokenTtlMs: config.auth.visitorTokenTtlMs,
  });
  const tenants = new TenantService(
    knex,
    clock,
    { retentionDays: config.chat.retentionDays },
    tokens,
  );
  const sites = new SiteService(knex, clock);
  const departments = new DepartmentService(knex, clock, sites);
  const users = new UserService({
    knex,
    clock,
    events: deps.events,
    passwords,
    tokens,
    tenants,
    departments,
  });
  const ctx: AccountsContext = {
    tenants,
    sites,
    departments,
    users,
    tokens,
    passwords,
    policy: deps.policy,
    audit: deps.audit,
  };

  async function ensureDefaultTenant(): Promise<DefaultTenant> {
    let created = false;
    try {
      created = await knex.transaction(async (trx) => {
        if (await tenants.any(trx)) return false;
        await tenants.create({ id: DEFAULT_TENANT.id, name: DEFAULT_TENANT.name }, trx);
        await sites.create(DEFAULT_TENANT.id, { name: DEFAULT_TENANT.siteName }, trx);
        return true;
      });
    } catch (error) {
      // Another process created it at the same moment: use theirs.
      if (!isUniqueViolation(error)) throw error;
    }
    const tenant = (await tenants.get(DEFAULT_TENANT.id)) ?? (await tenants.list())[0];
    if (!tenant) throw new Error('No tenant exists after creating the default one.');
    const site =
      (await sites.list(tenant.id))[0] ??
      (await sites.create(tenant.id, { name: DEFAULT_TENANT.siteName }));
    return { tenantId: tenant.id, siteId: site.id, embedKey: site.embedKey, created };
  }

  return {
    tenants,
    sites,
    departments,
    users,
    tokens,
    passwords,
    resolver: tokens.resolver,
    operations: [
      ...authOperations(ctx),
      ...tenantOperations(ctx),
      ...siteOperations(ctx),
      ...departmentOperations(ctx),
      ...userOperations(ctx),
    ],
    ensureDefaultTenant,
    dispose: () => tokens.dispose(),
  };
}
