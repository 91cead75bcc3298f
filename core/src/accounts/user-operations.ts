import {
  ForbiddenError,
  InputError,
  Permissions,
  type PresenceState,
  type Principal,
  type UserSnapshot,
} from '@switchboard/sdk';
import { defineOperation, type Operation } from '../api/operation.js';
import type { AccountsContext } from './accounts-context.js';
import {
  capacitySchema,
  emailSchema,
  idSchema,
  labelsSchema,
  nameSchema,
  passwordSchema,
  presenceSchema,
  roleSchema,
  tenantIdField,
} from './schemas.js';
import { scopeTenant } from './tenant-scope.js';
import { userNotFound, type NewUser, type UserPatch } from './user-service.js';

const userFields = {
  email: emailSchema,
  name: nameSchema,
  role: roleSchema,
  password: passwordSchema,
  skills: labelsSchema,
  groups: labelsSchema,
  departmentIds: { type: 'array', maxItems: 50, uniqueItems: true, items: idSchema },
  capacity: capacitySchema,
} as const;

/** Fields of a user that an audit entry may show before and after (never the password). */
const AUDITED: readonly (keyof UserSnapshot & keyof UserPatch)[] = [
  'email',
  'name',
  'role',
  'skills',
  'groups',
  'departmentIds',
  'capacity',
  'disabled',
];

/**
 * Only an admin (or the operator) sets roles. `users.manage` is an admin permission today; this
 * check keeps it so if a policy ever hands `users.manage` to another role.
 */
function checkMaySetRole(principal: Principal): void {
  if (principal.kind === 'user' && principal.role !== 'admin') {
    throw new ForbiddenError('Only an admin can set a role.', 'AUTH_FORBIDDEN', { field: 'role' });
  }
}

/** Users: read with `users.read`, changed with `users.manage`; presence by the user themself. */
export function userOperations(ctx: AccountsContext): Operation[] {
  const list = defineOperation<{ tenantId?: string }, { users: UserSnapshot[] }>({
    name: 'users.list',
    summary: "The tenant's users with their presence and capacity.",
    permission: Permissions.UsersRead,
    input: { type: 'object', additionalProperties: false, properties: { ...tenantIdField } },
    http: { method: 'GET', path: '/api/v1/users' },
    async handler({ principal, input }) {
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId);
      return { users: await ctx.users.list(tenantId) };
    },
  });

  const create = defineOperation<NewUser & { tenantId?: string }, UserSnapshot>({
    name: 'users.create',
    summary: 'Create a console user (admin, supervisor or agent) with a password.',
    permission: Permissions.UsersManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['email', 'name', 'role', 'password'],
      properties: { ...tenantIdField, ...userFields },
    },
    http: { method: 'POST', path: '/api/v1/users', status: 201 },
    async handler({ principal, input }) {
      checkMaySetRole(principal!);
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId);
      const { tenantId: _t, ...fields } = input;
      const user = await ctx.users.create(tenantId, fields);
      await ctx.audit.record({
        tenantId,
        actor: principal,
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        details: { email: user.email, name: user.name, role: user.role },
      });
      return user;
    },
  });

  const get = defineOperation<{ tenantId?: string; userId: string }, UserSnapshot>({
    name: 'users.get',
    summary: 'One user of the tenant.',
    permission: Permissions.UsersRead,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['userId'],
      properties: { ...tenantIdField, userId: idSchema },
    },
    http: { method: 'GET', path: '/api/v1/users/:userId' },
    async handler({ principal, input }) {
      const notFound = () => userNotFound(input.userId);
      const tenantId = await scopeTenant(ctx.tenants, principal!, input.tenantId, notFound);
      const user = await ctx.users.get(tenantId, input.userId);
      if (!user) throw notFound();
      return user;
    },
  });

  const update = defineOperation<UserPatch & { tenantId?: string; userId: string }, UserSnapshot>({
    name: 'users.update',
    summary: 'Change a user. Changing role or password, or disabling, ends their sessions at once.',
    permission: Permissions.UsersManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['userId'],
      properties: {
        ...tenantIdField,
        userId: idSchema,
        ...userFields,
        disabled: { type: 'boolean' },
      },
    },
    http: { method: 'PATCH', path: '/api/v1/users/:userId' },
    async handler({ principal, input }) {
      const { tenantId: requested, userId, ...patch } = input;
      if (Object.keys(patch).length === 0) {
        throw new InputError(
          `Nothing to change: send at least one of ${[...Object.keys(userFields), 'disabled'].join(', ')}.`,
        );
      }
      if (patch.role !== undefined) checkMaySetRole(principal!);
      const notFound = () => userNotFound(userId);
      const tenantId = await scopeTenant(ctx.tenants, principal!, requested, notFound);
      const { before, after } = await ctx.users.update(tenantId, userId, patch);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of AUDITED) {
        if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
          changes[key] = { from: before[key], to: after[key] };
        }
      }
      await ctx.audit.record({
        tenantId,
        actor: principal,
        action: 'user.update',
        targetType: 'user',
        targetId: userId,
        details: { changes, passwordChanged: patch.password !== undefined },
      });
      return after;
    },
  });

  const presence = defineOperation<
    { presence: PresenceState },
    { presence: PresenceState; presenceAt: number }
  >({
    name: 'presence.set',
    summary: 'Set your own presence: online, away or offline.',
    permission: Permissions.PresenceSet,
    principals: ['user'],
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['presence'],
      properties: { presence: presenceSchema },
    },
    http: { method: 'POST', path: '/api/v1/presence' },
    async handler({ principal, input }) {
      const p = principal!;
      if (p.kind !== 'user') {
        throw new InputError(
          'Presence belongs to console users; the operator token has none.',
          undefined,
          'AUTH_NOT_A_USER',
        );
      }
      const user = await ctx.users.setPresence(p.tenantId, p.userId, input.presence);
      return { presence: user.presence, presenceAt: user.presenceAt };
    },
  });

  return [list, create, get, update, presence];
}
