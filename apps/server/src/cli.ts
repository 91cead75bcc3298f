import { Command, Option } from 'commander';
import { ROLES } from './account-commands.js';
import { runCommand } from './commands.js';

const program = new Command()
  .name('switchboard')
  .description('Switchboard live chat and contact center server')
  .option('-c, --config <file>', 'config file (JSON)', 'switchboard.config.json');

program
  .command('start')
  .description('migrate the database, activate the configured plugins and serve HTTP')
  .action(() => runCommand('start', program.opts()));

program
  .command('migrate')
  .description('apply pending migrations of the kernel and every configured plugin')
  .action(() => runCommand('migrate', program.opts()));

program
  .command('plugins')
  .description('list the configured plugins and check their manifests')
  .action(() => runCommand('plugins', program.opts()));

program
  .command('plugin')
  .description('plugin development tools')
  .command('new <id>')
  .description('scaffold a plugin package that builds and passes its own test')
  .option('-d, --dir <folder>', 'parent folder of the new package', 'plugins')
  .action((id: string, options: { dir: string }) =>
    runCommand('plugin-new', { ...program.opts(), ...options, id }),
  );

const users = program.command('users').description('manage console users (no server needed)');
users
  .command('create')
  .description('create a console user; prints a generated password once unless --password-stdin')
  .requiredOption('--email <email>', 'sign-in email')
  .requiredOption('--name <name>', 'display name')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
  .option('--tenant <id>', 'tenant id', 'default')
  .option('--password-stdin', 'read the password from stdin instead of generating one', false)
  .action(
    (options: {
      email: string;
      name: string;
      role: 'admin' | 'supervisor' | 'agent';
      tenant: string;
      passwordStdin: boolean;
    }) => runCommand('users-create', { ...program.opts(), user: options }),
  );

program
  .command('tenants')
  .description('tenant tools')
  .command('list')
  .description('list the tenants with their sites and users counted')
  .action(() => runCommand('tenants-list', program.opts()));

await program.parseAsync(process.argv);
