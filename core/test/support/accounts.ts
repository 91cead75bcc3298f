import { randomBytes } from 'node:crypto';
import type { Role, UserSnapshot } from '@switchboard/sdk';
import type { TestKernel } from '@switchboard/sdk/testing';

/**
 * Config for test kernels that sign users in: a cheap scrypt cost (2^12 instead of 2^17, so a
 * login takes a millisecond, not a tenth of a second) and a login rate limit no suite reaches.
 * `createTestKernel({ config: accountsTestConfig })`.
 */
export const accountsTestConfig = {
  auth: { scryptLog2N: 12, loginPerMinute: 10_000 },
} as const;

/** A console user created through the API, with a token from a real login. */
export interface TestAccount {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

/** A tenant created through the API: one site and one admin. */
export interface TestTenant {
  readonly tenantId: string;
  readonly siteId: string;
  readonly embedKey: string;
  readonly admin: TestAccount;
}

/** What a signed-in user gets back from `auth.login`. */
export interface LoginAnswer {
  readonly token: string;
  readonly expiresAt: number;
  readonly user: UserSnapshot;
}

/** A unique, valid email address. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.test`;
}

/** A password that meets the policy. */
export function strongPassword(): string {
  return `pw-${randomBytes(12).toString('base64url')}`;
}

/**
 * Creates a tenant with one site and one admin over the REST API, as the operator (system
 * token) would, then signs the admin in.
 */
export async function createTenantWithAdmin(
  tk: TestKernel,
  opts: { name?: string; siteName?: string; email?: string; password?: string } = {},
): Promise<TestTenant> {
  const tenant = await expectStatus(
    tk.request('POST', '/api/v1/tenants', { name: opts.name ?? 'Test tenant' }),
    201,
    'create tenant',
  );
  const tenantId = tenant.id as string;
  const site = await expectStatus(
    tk.request('POST', '/api/v1/sites', { tenantId, name: opts.siteName ?? 'Test site' }),
    201,
    'create site',
  );
  const email = opts.email ?? uniqueEmail('admin');
  const password = opts.password ?? strongPassword();
  const admin = await expectStatus(
    tk.request('POST', '/api/v1/users', {
      tenantId,
      email,
      name: 'Test admin',
      role: 'admin',
      password,
    }),
    201,
    'create admin',
  );
  const { token } = await login(tk, email, password, tenantId);
  return {
    tenantId,
    siteId: site.id as string,
    embedKey: site.embedKey as string,
    admin: { id: admin.id as string, email, password, token },
  };
}

/** Creates a user in the admin's tenant over the REST API, then signs them in. */
export async function createUser(
  tk: TestKernel,
  tenantAdminToken: string,
  opts: {
    role: Role;
    email?: string;
    name?: string;
    password?: string;
    skills?: string[];
    groups?: string[];
    departmentIds?: string[];
    capacity?: number;
  },
): Promise<TestAccount> {
  const email = opts.email ?? uniqueEmail(opts.role);
  const password = opts.password ?? strongPassword();
  const user = await expectStatus(
    tk.request(
      'POST',
      '/api/v1/users',
      { ...opts, email, password, name: opts.name ?? `Test ${opts.role}` },
      tenantAdminToken,
    ),
    201,
    `create ${opts.role}`,
  );
  const { token } = await login(tk, email, password, user.tenantId as string);
  return { id: user.id as string, email, password, token };
}

/** Signs in over `POST /api/v1/auth/login`; throws with the answer when it is not a 200. */
export async function login(
  tk: TestKernel,
  email: string,
  password: string,
  tenantId?: string,
): Promise<LoginAnswer> {
  const body: Record<string, string> = { email, password };
  if (tenantId) body.tenantId = tenantId;
  return (await expectStatus(
    tk.request('POST', '/api/v1/auth/login', body, null),
    200,
    `login ${email}`,
  )) as unknown as LoginAnswer;
}

async function expectStatus(
  pending: Promise<{ status: number; body: any }>,
  status: number,
  what: string,
): Promise<Record<string, unknown>> {
  const res = await pending;
  if (res.status === 429) {
    throw new Error(
      `${what}: 429, the login rate limit was reached. Boot the kernel with ` +
        '`config: accountsTestConfig` (core/test/support/accounts.ts).',
    );
  }
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as Record<string, unknown>;
}
