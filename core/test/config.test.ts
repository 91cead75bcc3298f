import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfigFile, resolveConfig } from '@switchboard/core';

/** The ConfigError `fn` throws. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).code).to.equal('CONFIG_INVALID');
    return error as ConfigError;
  }
  throw new Error('the config was accepted');
}

describe('Kernel configuration', () => {
  const base = { baseDir: '/srv/switchboard', env: {} };

  it('fills in a default for every key left out', () => {
    const config = resolveConfig({}, base);
    expect(config).to.deep.include({
      port: 8080,
      host: '0.0.0.0',
      plugins: [],
      pluginDirs: ['plugins'],
      logLevel: 'info',
      baseDir: '/srv/switchboard',
    });
    expect(config.http).to.deep.equal({
      bodyLimitBytes: 1048576,
      maxJsonDepth: 32,
      trustProxy: false,
    });
    expect(config.faults).to.deep.equal({
      threshold: 5,
      windowMs: 60000,
      lifecycleBudgetMs: 30000,
    });
    expect(config.adminToken).to.equal(undefined);
  });

  it('names every bad key at once, and how to fix them', () => {
    const error = configError(() =>
      resolveConfig(
        {
          port: 70000,
          colour: 'blue',
          database: { url: 'mysql://db/switchboard' },
          faults: { threshold: 0 },
          logLevel: 'loud',
        },
        base,
      ),
    );
    expect(error.message)
      .to.match(/^Invalid config: /)
      .and.contain('/port must be <= 65535')
      .and.contain('has unknown property "colour"; remove it')
      .and.contain('/database/url must match pattern')
      .and.contain('/faults/threshold must be >= 1')
      .and.contain('/logLevel must be one of "fatal"')
      .and.contain('Fix these keys')
      .and.contain('see docs/configuration.md');
  });

  it('names a bad key inside a nested section', () => {
    const error = configError(() => resolveConfig({ http: { bodyLimit: 10 } }, base));
    expect(error.message).to.contain('/http has unknown property "bodyLimit"');
  });

  it('refuses the same plugin listed twice, and an admin token shorter than 24 characters', () => {
    const error = configError(() =>
      resolveConfig({ plugins: ['a', 'a'], adminToken: 'short' }, base),
    );
    expect(error.message).to.contain('/plugins must NOT have duplicate items');
    expect(error.message).to.contain('/adminToken must NOT have fewer than 24 characters');
  });

  it('lets environment variables override the file', () => {
    const config = resolveConfig(
      { port: 80, database: { poolMax: 4 }, logLevel: 'debug' },
      {
        baseDir: '/srv',
        env: {
          PORT: '9090',
          HOST: '127.0.0.1',
          DATABASE_URL: 'postgres://switchboard@db/switchboard',
          SWITCHBOARD_ADMIN_TOKEN: 'a-token-of-at-least-24-characters',
          LOG_LEVEL: 'warn',
        },
      },
    );
    expect(config).to.deep.include({
      port: 9090,
      host: '127.0.0.1',
      adminToken: 'a-token-of-at-least-24-characters',
      logLevel: 'warn',
    });
    expect(config.database).to.deep.equal({
      poolMax: 4,
      url: 'postgres://switchboard@db/switchboard',
    });
  });

  it('names the key a bad environment override lands on, and the variable in the fix', () => {
    const error = configError(() =>
      resolveConfig({}, { baseDir: '/srv', env: { PORT: 'eighty' } }),
    );
    expect(error.message).to.contain('/port must be integer');
    expect(error.message).to.contain('environment variables PORT, HOST');
  });

  it('does not change the object it was given', () => {
    const raw = { plugins: ['a'] };
    resolveConfig(raw, base);
    expect(raw).to.deep.equal({ plugins: ['a'] });
  });

  describe('from a file', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('resolves relative paths from the file’s folder and names the file in errors', () => {
      const file = join(dir, 'switchboard.config.json');
      writeFileSync(file, JSON.stringify({ port: 8081 }));
      const config = loadConfigFile(file, { required: true, env: {} });
      expect(config).to.deep.include({ port: 8081, baseDir: dir });
      writeFileSync(file, JSON.stringify({ port: -1 }));
      const error = configError(() => loadConfigFile(file, { required: true, env: {} }));
      expect(error.message).to.contain(`Invalid ${file}: /port must be >= 0`);
    });

    it('names a file that is not JSON, and one that is required but missing', () => {
      const file = join(dir, 'broken.json');
      writeFileSync(file, '{ "port": 80, }');
      const broken = configError(() => loadConfigFile(file, { required: true, env: {} }));
      expect(broken.message).to.contain(`Config file ${file} is not valid JSON`);
      expect(broken.message).to.contain('Fix the syntax.');
      const missing = join(dir, 'missing.json');
      const absent = configError(() => loadConfigFile(missing, { required: true, env: {} }));
      expect(absent.message).to.equal(
        `Config file ${missing} does not exist. Create it or drop --config to use defaults.`,
      );
      expect(loadConfigFile(missing, { required: false, env: {} }).port).to.equal(8080);
    });
  });
});
