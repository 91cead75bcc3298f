import { ForbiddenError, NotFoundError, type Principal } from '@switchboard/sdk';
import type { TenantService } from './tenant-service.js';

/** The 404 for a tenant that does not exist, or that the caller may not know about. */
export function tenantNotFound(tenantId: string): NotFoundError {
  return new NotFoundError(`No tenant "${tenantId}".`, 'TENANT_NOT_FOUND');
}

/**
 * The tenant an operation acts on. A user always acts on their own tenant: naming another one
 * answers `notFound()`, exactly as a missing resource would, so ids of other tenants reveal
 * nothing. The system principal belongs to no tenant and must name one (`tenantId`), which must
 * exist (`notFound()` otherwise).
 */
export async function scopeTenant(
  tenants: TenantService,
  principal: Principal,
  requested: string | undefined,
  notFound: () => Error = () => tenantNotFound(requested ?? ''),
): Promise<string> {
  if (principal.kind !== 'system') {
    if (requested !== undefined && requested !== principal.tenantId) throw notFound();
    return principal.tenantId;
  }
  if (!requested) {
    throw new ForbiddenError(
      'Name the tenant: add the "tenantId" field (a query parameter on GET and DELETE).',
      'TENANT_REQUIRED',
    );
  }
  if (!(await tenants.get(requested))) throw notFound();
  return requested;
}
