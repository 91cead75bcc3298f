import {
  InputError,
  UnauthorizedError,
  type Principal,
  type UserPrincipal,
  type UserSnapshot,
} from '@switchboard/sdk';
import { defineOperation, type Operation } from '../api/operation.js';
import type { AccountsContext } from './accounts-context.js';
import { idSchema, passwordSchema } from './schemas.js';
import { userNotFound, type LoginCandidate } from './user-service.js';

/** Answer of `auth.login` and `auth.changePassword`. */
export interface SignedIn {
  readonly token: string;
  readonly expiresAt: number;
  readonly user: UserSnapshot;
}

/** Answer of `auth.me`. */
export type Me =
  | {
      readonly kind: 'user';
      readonly user: UserSnapshot;
      readonly tenant: { readonly id: string; readonly name: string };
      readonly permissions: readonly string[];
      readonly sessionId: string | null;
    }
  | { readonly kind: 'system'; readonly permissions: readonly string[] };

/** The one answer to every failed login, whatever the reason. */
function loginFailed(): UnauthorizedError {
  return new UnauthorizedError(
    'Wrong email or password, or the account is disabled.',
    'AUTH_LOGIN_FAILED',
  );
}

/** Throws unless the caller is a console user (the operator token is not one). */
function requireUser(principal: Principal, what: string): UserPrincipal {
  if (principal.kind !== 'user') {
    throw new InputError(
      `${what} is for console users; the operator token is not a user account.`,
      undefined,
      'AUTH_NOT_A_USER',
    );
  }
  return principal;
}

/** Sign-in, sign-out, who-am-I and password change. */
export function authOperations(ctx: AccountsContext): Operation[] {
  const login = defineOperation<{ email: string; password: string; tenantId?: string }, SignedIn>({
    name: 'auth.login',
    summary: 'Sign in with email and password; answers a bearer token.',
    permission: null,
    public: true,
    httpOnly: true,
    rateLimit: 'login',
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['email', 'password'],
      properties: {
        email: { type: 'string', minLength: 1, maxLength: 254 },
        password: passwordSchema,
        tenantId: idSchema,
      },
    },
    http: { method: 'POST', path: '/api/v1/auth/login' },
    async handler({ input }) {
      const candidates = await ctx.users.loginCandidates(input.email, input.tenantId);
      if (candidates.length === 0) {
        // As slow as a wrong password, so the answer time does not tell whether the email exists.
        await ctx.passwords.verifyNothing(input.password);
        throw loginFailed();
      }
      const matches: LoginCandidate[] = [];
      for (const candidate of candidates) {
        if (await ctx.passwords.verify(input.password, candidate.passwordHash)) {
          matches.push(candidate);
        }
      }
      if (matches.length === 0) throw loginFailed();
      if (matches.length > 1) {
        // Only someone holding the password of each account learns that they exist.
        const tenants = await Promise.all(matches.map((m) => ctx.tenants.get(m.tenantId)));
        throw new InputError(
          'This email and password open accounts in several tenants: send "tenantId" too, to pick one.',
          { tenants: tenants.map((t) => ({ id: t!.id, name: t!.name })) },
          'AUTH_TENANT_REQUIRED',
        );
      }
      const match = matches[0]!;
      if (ctx.passwords.needsRehash(match.passwordHash)) {
        await ctx.users.rehash(match, input.password);
      }
      const issued = await ctx.tokens.issue({
        kind: 'user',
        tenantId: match.tenantId,
        userId: match.userId,
      });
      const user = await ctx.users.get(match.tenantId, match.userId);
      if (!user) throw loginFailed();
      return { token: issued.token, expiresAt: issued.expiresAt, user };
    },
  });

  const logout = defineOperation<Record<string, never>, void>({
    name: 'auth.logout',
    summary: 'Sign out: revokes the token of this request.',
    permission: null,
    principals: ['user', 'visitor'],
    input: { type: 'object', additionalProperties: false, properties: {} },
    http: { method: 'POST', path: '/api/v1/auth/logout', status: 204 },
    async handler({ principal }) {
      const p = principal!;
      if (p.kind === 'system' || !p.sessionId) {
        throw new InputError(
          'This token cannot be signed out: the operator token lives in SWITCHBOARD_ADMIN_TOKEN; change it there.',
          undefined,
          'AUTH_NOT_A_USER',
        );
      }
      await ctx.tokens.revoke(p.tenantId, p.sessionId);
    },
  });

  const me = defineOperation<Record<string, never>, Me>({
    name: 'auth.me',
    summary: 'Who the bearer token belongs to: the user, their tenant and permissions.',
    permission: null,
    principals: ['user', 'system'],
    input: { type: 'object', additionalProperties: false, properties: {} },
    http: { method: 'GET', path: '/api/v1/auth/me' },
    async handler({ principal }) {
      const p = principal!;
      const permissions = [...p.permissions].sort();
      if (p.kind === 'system') return { kind: 'system', permissions };
      const user = requireUser(p, 'auth.me');
      const [record, tenant] = await Promise.all([
        ctx.users.get(user.tenantId, user.userId),
        ctx.tenants.get(user.tenantId),
      ]);
      if (!record || !tenant) throw userNotFound(user.userId);
      return {
        kind: 'user',
        user: record,
        tenant: { id: tenant.id, name: tenant.name },
        permissions,
        sessionId: user.sessionId ?? null,
      };
    },
  });

  const changePassword = defineOperation<
    { currentPassword: string; newPassword: string },
    SignedIn
  >({
    name: 'auth.changePassword',
    summary: 'Change your own password: every session of yours ends; answers a fresh token.',
    permission: null,
    principals: ['user'],
    httpOnly: true,
    rateLimit: 'login',
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['currentPassword', 'newPassword'],
      properties: { currentPassword: passwordSchema, newPassword: passwordSchema },
    },
    http: { method: 'POST', path: '/api/v1/auth/password' },
    async handler({ principal, input }) {
      const user = requireUser(principal!, 'auth.changePassword');
      const revoked = await ctx.users.changePassword(
        user.tenantId,
        user.userId,
        input.currentPassword,
        input.newPassword,
      );
      await ctx.audit.record({
        tenantId: user.tenantId,
        actor: user,
        action: 'user.password_change',
        targetType: 'user',
        targetId: user.userId,
        details: { sessionsEnded: revoked.length },
      });
      const issued = await ctx.tokens.issue({
        kind: 'user',
        tenantId: user.tenantId,
        userId: user.userId,
      });
      const record = await ctx.users.get(user.tenantId, user.userId);
      if (!record) throw userNotFound(user.userId);
      return { token: issued.token, expiresAt: issued.expiresAt, user: record };
    },
  });

  return [login, logout, me, changePassword];
}
