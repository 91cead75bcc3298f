import { Permissions } from '@switchboard/sdk';
import { defineOperation, type Operation } from '../api/operation.js';
import type { AccountsContext } from './accounts-context.js';
import { departmentNotFound, type DepartmentRecord } from './department-service.js';
import { idSchema, nameSchema, tenantIdField } from './schemas.js';
import { scopeTenant } from './tenant-scope.js';

const siteIdOrNull = { anyOf: [idSchema, { type: 'null' }] } as const;

/** Departments: listed by every user of the tenant; changed with `sites.manage`. */
export function departmentOperations(ctx: AccountsContext): Operation[] {
  const list = defineOperation<{ tenantId?: string }, { departments: DepartmentRecord[] }>({
    name: 'departments.list',
    summary: "The tenant's departments.",
    permission: null,
    input: { type: 'object', additionalProperties: false, properties: { ...tenantIdField } },
    http: { method: 'GET', path: '/api/v1/departments' },
    async handler({ principal, input }) {
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId);
      return { departments: await ctx.departments.list(tenantId) };
    },
  });

  const create = defineOperation<
    { tenantId?: string; name: string; siteId?: string | null },
    DepartmentRecord
  >({
    name: 'departments.create',
    summary: 'Create a department, for every site or for one.',
    permission: Permissions.SitesManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { ...tenantIdField, name: nameSchema, siteId: siteIdOrNull },
    },
    http: { method: 'POST', path: '/api/v1/departments', status: 201 },
    async handler({ principal, input }) {
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId);
      const department = await ctx.departments.create(tenantId, {
        name: input.name,
        siteId: input.siteId,
      });
      await ctx.audit.record({
        tenantId,
        actor: principal,
        action: 'department.create',
        targetType: 'department',
        targetId: department.id,
        details: { name: department.name, siteId: department.siteId },
      });
      return department;
    },
  });

  const update = defineOperation<
    { tenantId?: string; departmentId: string; name?: string; siteId?: string | null },
    DepartmentRecord
  >({
    name: 'departments.update',
    summary: 'Rename a department or move it to another site (null: every site).',
    permission: Permissions.SitesManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['departmentId'],
      properties: {
        ...tenantIdField,
        departmentId: idSchema,
        name: nameSchema,
        siteId: siteIdOrNull,
      },
    },
    http: { method: 'PATCH', path: '/api/v1/departments/:departmentId' },
    async handler({ principal, input }) {
      const notFound = () => departmentNotFound(input.departmentId);
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId, notFound);
      const { before, after } = await ctx.departments.update(tenantId, input.departmentId, {
        name: input.name,
        siteId: input.siteId,
      });
      await ctx.audit.record({
        tenantId,
        actor: principal,
        action: 'department.update',
        targetType: 'department',
        targetId: after.id,
        details: {
          before: { name: before.name, siteId: before.siteId },
          after: { name: after.name, siteId: after.siteId },
        },
      });
      return after;
    },
  });

  const remove = defineOperation<{ tenantId?: string; departmentId: string }, void>({
    name: 'departments.delete',
    summary: 'Delete a department; its users leave it, past conversations keep its id.',
    permission: Permissions.SitesManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['departmentId'],
      properties: { ...tenantIdField, departmentId: idSchema },
    },
    http: { method: 'DELETE', path: '/api/v1/departments/:departmentId', status: 204 },
    async handler({ principal, input }) {
      const notFound = () => departmentNotFound(input.departmentId);
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId, notFound);
      const removed = await ctx.departments.delete(tenantId, input.departmentId);
      await ctx.audit.record({
        tenantId,
        actor: principal,
        action: 'department.delete',
        targetType: 'department',
        targetId: removed.id,
        details: { name: removed.name },
      });
    },
  });

  return [list, create, update, remove];
}
