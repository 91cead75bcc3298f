import { ForbiddenError, Permissions } from '@switchboard/sdk';
import { defineOperation, type Operation } from '../api/operation.js';
import type { AccountsContext } from './accounts-context.js';
import { idSchema, nameSchema } from './schemas.js';
import { scopeTenant, tenantNotFound } from './tenant-scope.js';
import type { TenantPatch, TenantRecord, TenantSettings } from './tenant-service.js';

const retentionDays = { minimum: 1, maximum: 36500 } as const;
const defaultCapacity = { minimum: 0, maximum: 50 } as const;

/** Tenants: created and listed by the operator; read and changed by their own admins. */
export function tenantOperations(ctx: AccountsContext): Operation[] {
  const create = defineOperation<{ name: string; settings?: TenantSettings }, TenantRecord>({
    name: 'tenants.create',
    summary: 'Create a tenant (operator only). Then create its sites and first admin.',
    permission: Permissions.TenantsCreate,
    principals: ['system'],
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: nameSchema,
        settings: {
          type: 'object',
          additionalProperties: false,
          properties: {
            retentionDays: { type: 'integer', ...retentionDays },
            defaultCapacity: { type: 'integer', ...defaultCapacity },
          },
        },
      },
    },
    http: { method: 'POST', path: '/api/v1/tenants', status: 201 },
    async handler({ principal, input }) {
      const tenant = await ctx.tenants.create({ name: input.name, settings: input.settings });
      await ctx.audit.record({
        tenantId: tenant.id,
        actor: principal,
        action: 'tenant.create',
        targetType: 'tenant',
        targetId: tenant.id,
        details: { name: tenant.name, settings: tenant.settings },
      });
      return tenant;
    },
  });

  const list = defineOperation<Record<string, never>, { tenants: TenantRecord[] }>({
    name: 'tenants.list',
    summary: 'Every tenant of the server (operator only).',
    permission: Permissions.TenantsCreate,
    principals: ['system'],
    input: { type: 'object', additionalProperties: false, properties: {} },
    http: { method: 'GET', path: '/api/v1/tenants' },
    async handler() {
      return { tenants: await ctx.tenants.list() };
    },
  });

  const get = defineOperation<{ tenantId: string }, TenantRecord>({
    name: 'tenants.get',
    summary: 'A tenant with its settings (your own tenant, for a user).',
    permission: Permissions.TenantManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['tenantId'],
      properties: { tenantId: idSchema },
    },
    http: { method: 'GET', path: '/api/v1/tenants/:tenantId' },
    async handler({ principal, input }) {
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId);
      const tenant = await ctx.tenants.get(tenantId);
      if (!tenant) throw tenantNotFound(input.tenantId);
      return tenant;
    },
  });

  const update = defineOperation<TenantPatch & { tenantId: string }, TenantRecord>({
    name: 'tenants.update',
    summary: 'Rename a tenant or change its settings; a null setting returns to the default.',
    permission: Permissions.TenantManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['tenantId'],
      properties: {
        tenantId: idSchema,
        name: nameSchema,
        settings: {
          type: 'object',
          additionalProperties: false,
          properties: {
            retentionDays: { type: ['integer', 'null'], ...retentionDays },
            defaultCapacity: { type: ['integer', 'null'], ...defaultCapacity },
          },
        },
        disabled: { type: 'boolean' },
      },
    },
    http: { method: 'PATCH', path: '/api/v1/tenants/:tenantId' },
    async handler({ principal, input }) {
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId);
      if (input.disabled !== undefined && principal!.kind !== 'system') {
        throw new ForbiddenError(
          'Only the operator (admin token) can disable or enable a tenant.',
          'AUTH_FORBIDDEN',
          { field: 'disabled' },
        );
      }
      const { before, after } = await ctx.tenants.update(tenantId, {
        name: input.name,
        settings: input.settings,
        disabled: input.disabled,
      });
      await ctx.audit.record({
        tenantId,
        actor: principal,
        action: 'tenant.update',
        targetType: 'tenant',
        targetId: tenantId,
        details: {
          before: { name: before.name, settings: before.settings, disabled: before.disabled },
          after: { name: after.name, settings: after.settings, disabled: after.disabled },
        },
      });
      return after;
    },
  });

  return [create, list, get, update];
}
