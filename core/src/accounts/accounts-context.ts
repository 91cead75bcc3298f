import type { AccessPolicy } from '../auth/policy.js';
import type { PasswordHasher } from '../auth/password.js';
import type { TokenService } from '../auth/token-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { DepartmentService } from './department-service.js';
import type { SiteService } from './site-service.js';
import type { TenantService } from './tenant-service.js';
import type { UserService } from './user-service.js';

/** The services the accounts operations are built on. */
export interface AccountsContext {
  readonly tenants: TenantService;
  readonly sites: SiteService;
  readonly departments: DepartmentService;
  readonly users: UserService;
  readonly tokens: TokenService;
  readonly passwords: PasswordHasher;
  readonly policy: AccessPolicy;
  readonly audit: AuditLog;
}
