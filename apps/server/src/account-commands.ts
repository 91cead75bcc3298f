import { Kernel, SchemaValidator, type KernelConfig } from '@switchboard/core';
// Deep imports until @switchboard/core exports the accounts area from its index.
import { createAccounts, type Accounts } from '@switchboard/core';
import { AuditLog } from '@switchboard/core';
import { checkPasswordPolicy, generatePassword } from '@switchboard/core';
import { AccessPolicy } from '@switchboard/core';
import type { Role } from '@switchboard/sdk';

/** Options of `switchboard users create`. */
export interface CreateUserOptions {
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly tenant: string;
  /** Read the password from stdin instead of generating one. */
  readonly passwordStdin: boolean;
}

/** The role names `users create --role` accepts. */
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent'];

/**
 * The accounts services on a kernel's database, without HTTP: for CLI commands, which run
 * after `kernel.migrate()` (or `start`). Dispose it when done.
 */
export function accountsOf(kernel: Kernel, config: KernelConfig): Accounts {
  const knex = kernel.db.knex;
  return createAccounts({
    knex,
    dialect: kernel.db.dialect,
    clock: kernel.clock,
    logger: kernel.logger,
    events: kernel.events,
    hooks: kernel.hooks,
    config,
    host: kernel.host,
    policy: new AccessPolicy(),
    audit: new AuditLog(knex, kernel.clock),
  });
}

/** Opens the configured database (migrated), runs `fn` with the accounts services, closes. */
async function withAccounts<T>(
  config: KernelConfig,
  fn: (accounts: Accounts, audit: AuditLog) => Promise<T>,
): Promise<T> {
  const kernel = new Kernel({ config });
  try {
    await kernel.migrate();
    const accounts = accountsOf(kernel, config);
    try {
      return await fn(accounts, new AuditLog(kernel.db.knex, kernel.clock));
    } finally {
      accounts.dispose();
    }
  } finally {
    await kernel.stop();
  }
}

const validator = new SchemaValidator();
const EMAIL = { type: 'string', format: 'email', maxLength: 254 } as const;

/**
 * `switchboard users create`: creates a console user straight in the database. Without
 * `--password-stdin` it generates a strong password and prints it once.
 */
export async function createUserCommand(
  config: KernelConfig,
  options: CreateUserOptions,
  readStdin: () => Promise<string> = readAllStdin,
): Promise<void> {
  if (!ROLES.includes(options.role)) {
    throw new Error(`--role must be one of ${ROLES.join(', ')} (got "${options.role}").`);
  }
  if (validator.problems(EMAIL, options.email).length > 0) {
    throw new Error(`--email "${options.email}" is not an email address, e.g. ada@example.com.`);
  }
  const name = options.name.trim();
  if (!name || name.length > 200) throw new Error('--name must be 1 to 200 characters.');
  const generated = !options.passwordStdin;
  const password = generated ? generatePassword() : stripNewline(await readStdin());
  try {
    checkPasswordPolicy(password);
  } catch (error) {
    throw new Error(`the password from stdin is refused: ${(error as Error).message}`);
  }
  await withAccounts(config, async (accounts, audit) => {
    await accounts.ensureDefaultTenant();
    const tenant = await accounts.tenants.get(options.tenant);
    if (!tenant) {
      throw new Error(
        `No tenant "${options.tenant}". See the tenants with "switchboard tenants list", then pass --tenant <id>.`,
      );
    }
    const user = await accounts.users.create(tenant.id, {
      email: options.email,
      name,
      role: options.role,
      password,
    });
    await audit.record({
      tenantId: tenant.id,
      actor: null,
      action: 'user.create',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, name: user.name, role: user.role, via: 'cli' },
    });
    console.log(
      `Created ${user.role} "${user.name}" <${user.email}> (${user.id}) in tenant "${tenant.id}" (${tenant.name}).`,
    );
    if (generated) {
      console.log(`Password (shown once; store it now): ${password}`);
    }
    console.log('Sign in from the console, or: POST /api/v1/auth/login {"email","password"}.');
  });
}

/** `switchboard tenants list`: one line per tenant, with its sites and users counted. */
export async function listTenantsCommand(config: KernelConfig): Promise<void> {
  await withAccounts(config, async (accounts) => {
    const tenants = await accounts.tenants.list();
    if (tenants.length === 0) {
      console.log('No tenants yet: "switchboard start" creates the "default" tenant.');
      return;
    }
    for (const tenant of tenants) {
      const [sites, users] = await Promise.all([
        accounts.sites.list(tenant.id),
        accounts.users.list(tenant.id),
      ]);
      const state = tenant.disabled ? '  (disabled)' : '';
      console.log(
        `${tenant.id.padEnd(32)} ${tenant.name.padEnd(24)} ${sites.length} site(s), ${users.length} user(s)${state}`,
      );
    }
    console.log(`${tenants.length} tenant(s).`);
  });
}

/**
 * What `start` adds to its banner: how to create the first admin while there is none.
 * Resolves with the lines to print (none once an admin exists).
 */
export async function firstStartHints(
  kernel: Kernel,
  config: KernelConfig,
  configFile?: string,
): Promise<string[]> {
  const accounts = accountsOf(kernel, config);
  try {
    if ((await accounts.users.countAdmins()) > 0) return [];
    const first = await accounts.ensureDefaultTenant();
    const configFlag = configFile ? ` --config ${quote(configFile)}` : '';
    return [
      'No admin user exists yet. Create the first one (it prints a generated password once):',
      `  npx switchboard${configFlag} users create --email you@example.com --name "Your Name" --role admin --tenant ${first.tenantId}`,
      `Widget embed key of "${first.tenantId}" site ${first.siteId}: ${first.embedKey}`,
    ];
  } finally {
    accounts.dispose();
  }
}

function quote(value: string): string {
  return /^[\w./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function stripNewline(value: string): string {
  return value.replace(/\r?\n$/, '');
}

async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new Error(
      '--password-stdin reads the password from a pipe, e.g. printf %s "$PW" | npx switchboard users create ...',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
