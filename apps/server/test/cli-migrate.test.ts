import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import knexFactory from 'knex';
import {
  isolatedEnv,
  makeTempDir,
  removeTempDir,
  repoPlugins,
  requireBuiltCli,
  runCli,
  writeConfig,
} from './run-cli.js';

const CORE_MIGRATION = 'core/20261123000000_create_plugin_tables.js';
const PLUGIN_MIGRATION = 'canned-responses/20261123000100_create_canned_responses_items.js';

describe('switchboard migrate and plugins', () => {
  let dir: string;

  before(() => {
    requireBuiltCli();
    dir = makeTempDir('cli-migrate');
  });
  after(() => removeTempDir(dir));

  it('applies the kernel and plugin migrations to a new sqlite file, then reports it up to date', async () => {
    const filename = join(dir, 'db', 'switchboard.sqlite');
    const config = writeConfig(dir, 'sqlite.json', {
      database: { filename },
      pluginDirs: [repoPlugins],
      plugins: ['canned-responses'],
    });

    const first = await runCli(['--config', config, 'migrate'], { cwd: dir });
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('Applied:').and.contain(CORE_MIGRATION);
    expect(first.stdout).to.contain(PLUGIN_MIGRATION);
    expect(first.stdout.indexOf(CORE_MIGRATION)).to.be.below(
      first.stdout.indexOf(PLUGIN_MIGRATION),
    );
    expect(existsSync(filename)).to.equal(true);

    const second = await runCli(['--config', config, 'migrate'], { cwd: dir });
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout.trim()).to.equal('Database is up to date.');
  });

  it('lists the configured plugins with version and package name', async () => {
    const config = writeConfig(dir, 'list.json', {
      database: { filename: join(dir, 'list.sqlite') },
      pluginDirs: [repoPlugins],
      plugins: ['canned-responses'],
    });
    const result = await runCli(['--config', config, 'plugins'], { cwd: dir });
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).to.match(
      /^canned-responses\s+\d+\.\d+\.\d+\s+@switchboard\/plugin-canned-responses$/,
    );
    expect(lines.at(-1)).to.equal('1 plugin(s) valid.');
  });

  it('uses the defaults when the default config file is absent', async () => {
    const empty = makeTempDir('cli-defaults');
    try {
      const result = await runCli(['plugins'], { cwd: empty });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.contain('No plugins configured.');
    } finally {
      removeTempDir(empty);
    }
  });

  const pgUrl = process.env.DATABASE_URL;
  if (process.env.SWITCHBOARD_TEST_DB === 'postgres' && pgUrl) {
    it('migrates PostgreSQL from DATABASE_URL into the configured schema', async () => {
      const schema = `cli_${randomBytes(6).toString('hex')}`;
      const config = writeConfig(dir, 'pg.json', {
        database: { schema },
        pluginDirs: [repoPlugins],
        plugins: ['canned-responses'],
      });
      const env = isolatedEnv({ DATABASE_URL: pgUrl });
      const knex = knexFactory({ client: 'pg', connection: pgUrl, pool: { min: 0, max: 1 } });
      try {
        const first = await runCli(['--config', config, 'migrate'], { cwd: dir, env });
        expect(first.code, first.stderr).to.equal(0);
        expect(first.stdout).to.contain(CORE_MIGRATION).and.contain(PLUGIN_MIGRATION);
        const tables = (await knex('information_schema.tables')
          .where({ table_schema: schema })
          .pluck('table_name')) as string[];
        expect(tables).to.include.members(['core_plugin_states', 'canned_responses_items']);
        const second = await runCli(['--config', config, 'migrate'], { cwd: dir, env });
        expect(second.code, second.stderr).to.equal(0);
        expect(second.stdout.trim()).to.equal('Database is up to date.');
      } finally {
        await knex.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await knex.destroy();
      }
    });
  }
});
