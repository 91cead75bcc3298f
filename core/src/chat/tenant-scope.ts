import { ForbiddenError, NotFoundError, type Principal } from '@switchboard/sdk';

/**
 * The tenant a call acts on. Users and visitors always act on their own tenant; naming another
 * answers like a missing resource (so tenant ids cannot be probed). The operator's system
 * principal must name one with `tenantId`.
 */
export function scopeTenant(principal: Principal, requested: string | undefined): string {
  if (principal.kind === 'system') {
    if (!requested) throw new ForbiddenError('Name the tenant: add "tenantId".', 'TENANT_REQUIRED');
    return requested;
  }
  if (requested !== undefined && requested !== principal.tenantId) {
    throw new NotFoundError(`No tenant "${requested}".`, 'TENANT_NOT_FOUND');
  }
  return principal.tenantId;
}

/** JSON Schema of the optional `tenantId` input field. */
export const tenantIdField = { type: 'string', minLength: 1, maxLength: 40 } as const;
