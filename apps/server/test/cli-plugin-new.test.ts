import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  STACK_FRAME,
  isolatedEnv,
  makeTempDir,
  removeTempDir,
  repoNodeModules,
  requireBuiltCli,
  runCli,
  runNode,
  writeConfig,
} from './run-cli.js';

const ID = 'visitor-notes';

describe('switchboard plugin new', function () {
  // Building and testing the scaffold runs tsc and a nested mocha: allow for a slow machine.
  this.timeout(90_000);

  let parent: string;
  let pluginDir: string;

  before(async () => {
    requireBuiltCli();
    parent = makeTempDir('plugin-new');
    pluginDir = join(parent, ID);
    const result = await runCli(['plugin', 'new', ID, '--dir', parent], { cwd: parent });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.contain(`Created plugin "${ID}" in ${pluginDir}`);
    // Link the repository's modules instead of installing: the sdk, core, tsc, mocha and tsx.
    symlinkSync(repoNodeModules, join(pluginDir, 'node_modules'), 'dir');
  });
  after(() => removeTempDir(parent));

  it('writes a package with a manifest, sources, a migration, a test and a mocha config', () => {
    const pkg = JSON.parse(readFileSync(join(pluginDir, 'package.json'), 'utf8')) as {
      main: string;
      engines: { switchboard: string };
      switchboard: { id: string; contributes: { migrations: string } };
    };
    expect(pkg.switchboard.id).to.equal(ID);
    expect(pkg.engines.switchboard).to.equal('^1.0.0');
    expect(pkg.main).to.equal('dist/server/index.js');
    for (const file of [
      'src/server/index.ts',
      `test/${ID}.test.ts`,
      '.mocharc.json',
      'tsconfig.json',
      'README.md',
      pkg.switchboard.contributes.migrations,
    ]) {
      expect(existsSync(join(pluginDir, file)), file).to.equal(true);
    }
  });

  it('builds with tsc', async () => {
    const tsc = join(pluginDir, 'node_modules/typescript/bin/tsc');
    const result = await runNode(tsc, ['-p', '.'], { cwd: pluginDir, timeoutMs: 80_000 });
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(existsSync(join(pluginDir, 'dist/server/index.js'))).to.equal(true);
  });

  it('passes its own test, on the database this run uses', async () => {
    const mocha = join(pluginDir, 'node_modules/mocha/bin/mocha.js');
    // Keep SWITCHBOARD_TEST_DB and DATABASE_URL: the scaffold's test runs on PostgreSQL too.
    const env = { ...process.env };
    delete env.SB_TEST_STATS;
    const result = await runNode(mocha, [], { cwd: pluginDir, env, timeoutMs: 80_000 });
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.match(/[1-9]\d* passing/);
    expect(result.stdout).to.not.contain('failing');
  });

  it('is accepted by the kernel as a plugin', async () => {
    const config = writeConfig(parent, 'switchboard.config.json', {
      database: { filename: join(parent, 'check.sqlite') },
      plugins: [`./${ID}`],
    });
    const result = await runCli(['--config', config, 'plugins'], { cwd: parent });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(
      new RegExp(`^${ID}\\s+0\\.1\\.0\\s+switchboard-plugin-${ID}$`, 'm'),
    );
  });

  it('refuses an id that is not kebab-case, with an example, creating nothing', async () => {
    const result = await runCli(['plugin', 'new', 'Bad_Id', '--dir', parent], {
      cwd: parent,
      env: isolatedEnv(),
    });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.contain('"Bad_Id" is not a valid plugin id').and.contain('kebab-case');
    expect(result.stderr).to.contain('"visitor-notes"');
    expect(result.stderr).to.not.match(STACK_FRAME);
    expect(existsSync(join(parent, 'Bad_Id'))).to.equal(false);
  });

  it('refuses to overwrite an existing folder', async () => {
    const result = await runCli(['plugin', 'new', ID, '--dir', parent], { cwd: parent });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.contain(pluginDir).and.contain('already exists');
    expect(result.stderr).to.not.match(STACK_FRAME);
  });
});
