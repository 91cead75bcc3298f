import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  STACK_FRAME,
  isolatedEnv,
  makeTempDir,
  removeTempDir,
  requireBuiltCli,
  runCli,
  writeConfig,
  type RunResult,
} from './run-cli.js';

/** A refused run: non-zero exit, nothing on stdout, a message on stderr and no stack trace. */
function expectRefused(result: RunResult): string {
  expect(result.code, `stderr: ${result.stderr}`).to.not.equal(0);
  expect(result.stdout).to.equal('');
  expect(result.stderr).to.not.match(STACK_FRAME);
  return result.stderr.trim();
}

describe('switchboard CLI with a bad config', () => {
  let dir: string;

  before(() => {
    requireBuiltCli();
    dir = makeTempDir('cli-config');
  });
  after(() => removeTempDir(dir));

  it('names every invalid key of the config file and points at the docs, in one line', async () => {
    const config = writeConfig(dir, 'keys.json', { port: 99999, bogus: true, plugins: [] });
    const message = expectRefused(await runCli(['--config', config, 'plugins'], { cwd: dir }));
    expect(message.split('\n')).to.have.length(1);
    expect(message)
      .to.contain(config)
      .and.contain('unknown property "bogus"; remove it')
      .and.contain('/port must be <= 65535')
      .and.contain('docs/configuration.md');
  });

  it('says a config file is not valid JSON, naming the file and the fix', async () => {
    const config = writeConfig(dir, 'syntax.json', '{ "port": 8080, }');
    const message = expectRefused(await runCli(['--config', config, 'migrate'], { cwd: dir }));
    expect(message.split('\n')).to.have.length(1);
    expect(message)
      .to.contain(config)
      .and.contain('is not valid JSON')
      .and.contain('Fix the syntax');
  });

  it('says a --config file does not exist and how to do without it', async () => {
    const missing = join(dir, 'missing.json');
    const message = expectRefused(await runCli(['--config', missing, 'start'], { cwd: dir }));
    expect(message.split('\n')).to.have.length(1);
    expect(message).to.contain(missing).and.contain('does not exist').and.contain('drop --config');
  });

  it('names a bad value coming from an environment override', async () => {
    const config = writeConfig(dir, 'env.json', { plugins: [] });
    const message = expectRefused(
      await runCli(['--config', config, 'plugins'], {
        cwd: dir,
        env: isolatedEnv({ LOG_LEVEL: 'loud' }),
      }),
    );
    expect(message).to.contain('/logLevel must be one of').and.contain('LOG_LEVEL');
  });

  it('refuses an admin token shorter than 24 characters', async () => {
    const config = writeConfig(dir, 'token.json', { plugins: [] });
    const message = expectRefused(
      await runCli(['--config', config, 'plugins'], {
        cwd: dir,
        env: isolatedEnv({ SWITCHBOARD_ADMIN_TOKEN: 'too-short' }),
      }),
    );
    expect(message).to.contain('/adminToken').and.contain('24');
  });

  it('names an unknown plugin and the ways to make it found', async () => {
    const config = writeConfig(dir, 'unknown.json', { plugins: ['no-such-plugin'] });
    const message = expectRefused(await runCli(['--config', config, 'plugins'], { cwd: dir }));
    expect(message)
      .to.contain('Plugin "no-such-plugin"')
      .and.contain('not found')
      .and.contain('Fix:')
      .and.contain('pluginDirs');
  });

  it('lists every problem of an invalid plugin manifest at once, with the fix', async () => {
    const pluginDir = join(dir, 'broken-plugin');
    mkdirSync(pluginDir, { recursive: true });
    writeFileSync(
      join(pluginDir, 'package.json'),
      JSON.stringify({
        name: 'broken-plugin',
        version: '1.0.0',
        main: 'index.js',
        switchboard: { id: 'broken-plugin' },
      }),
    );
    const config = writeConfig(dir, 'broken.json', { plugins: ['./broken-plugin'] });
    const message = expectRefused(await runCli(['--config', config, 'migrate'], { cwd: dir }));
    expect(message)
      .to.contain('Plugin "broken-plugin"')
      .and.contain('"engines"')
      .and.contain('"displayName"')
      .and.contain('Fix:');
  });

  it('exits non-zero without a stack trace when a command is missing its argument', async () => {
    const result = await runCli(['plugin', 'new'], { cwd: dir });
    expectRefused(result);
    expect(result.stderr).to.contain("missing required argument 'id'");
  });
});
