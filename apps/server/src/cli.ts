import { Command } from 'commander';
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

await program.parseAsync(process.argv);
