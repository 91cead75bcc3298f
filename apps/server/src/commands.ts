import { relative } from 'node:path';
import { Kernel, loadConfigFile, pendingMigrations, type KernelConfig } from '@switchboard/core';
import {
  createUserCommand,
  firstStartHints,
  listTenantsCommand,
  type CreateUserOptions,
} from './account-commands.js';
import { scaffoldPlugin } from './scaffold-plugin.js';

/** Options shared by every command. */
export interface CommandOptions {
  config: string;
  dir?: string;
  id?: string;
  /** `users create`. */
  user?: CreateUserOptions;
}

/**
 * Runs one CLI command. Every failure ends in one clear message (naming the key or plugin and
 * the fix) on stderr and a non-zero exit code, never a stack trace.
 */
export async function runCommand(name: string, options: CommandOptions): Promise<void> {
  try {
    switch (name) {
      case 'start':
        return await start(load(options), options);
      case 'migrate':
        return await migrate(load(options));
      case 'plugins':
        return await listPlugins(load(options));
      case 'users-create':
        return await createUserCommand(load(options), options.user!);
      case 'tenants-list':
        return await listTenantsCommand(load(options));
      case 'plugin-new': {
        const dir = await scaffoldPlugin(options.id!, options.dir ?? 'plugins');
        const rel = relative(process.cwd(), dir) || '.';
        console.log(
          `Created plugin "${options.id}" in ${dir}.\n` +
            'Inside the Switchboard repository: run "npm install" at the root (it links the new workspace),\n' +
            `then "npm run build -w ${rel}" and "npm test -w ${rel}", and add "${options.id}" to "plugins"\n` +
            'in switchboard.config.json. As a separate package: npm install, npm run build, npm test.',
        );
        return;
      }
    }
  } catch (error) {
    console.error(`switchboard ${name.replace('-', ' ')}: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

function load(options: CommandOptions): KernelConfig {
  const explicit = options.config !== 'switchboard.config.json';
  return loadConfigFile(options.config, { required: explicit });
}

async function start(config: KernelConfig, options: CommandOptions): Promise<void> {
  const kernel = new Kernel({ config });
  const shutdown = async (signal: string) => {
    kernel.logger.info({ signal }, 'shutting down');
    await kernel.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await kernel.start();
  } catch (error) {
    await kernel.stop().catch(() => undefined);
    throw error;
  }
  console.log(`Switchboard is listening on ${kernel.url} (health: ${kernel.url}/api/v1/health)`);
  console.log(`Console: ${kernel.url}/console/`);
  const explicit = options.config !== 'switchboard.config.json';
  for (const line of await firstStartHints(kernel, config, explicit ? options.config : undefined)) {
    console.log(line);
  }
  if (!config.adminToken) {
    console.log(
      'No SWITCHBOARD_ADMIN_TOKEN is set: operator-only routes (creating tenants) refuse every caller until you set one (24+ characters).',
    );
  }
}

async function migrate(config: KernelConfig): Promise<void> {
  const kernel = new Kernel({ config });
  try {
    const applied = await kernel.migrate();
    console.log(applied.length ? `Applied:\n  ${applied.join('\n  ')}` : 'Database is up to date.');
    const pending = await pendingMigrations(kernel.db.knex, kernel.migrationSets());
    if (pending.length) console.log(`Still pending: ${pending.join(', ')}`);
  } finally {
    await kernel.stop();
  }
}

async function listPlugins(config: KernelConfig): Promise<void> {
  const kernel = new Kernel({ config });
  try {
    await kernel.prepare();
    const rows = kernel.host.list();
    if (rows.length === 0) console.log('No plugins configured.');
    for (const p of rows)
      console.log(`${p.id.padEnd(24)} ${p.version.padEnd(10)} ${p.packageName}`);
    console.log(`${rows.length} plugin(s) valid.`);
  } finally {
    await kernel.stop();
  }
}
