import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import knexFactory from 'knex';
import {
  cliBin,
  isolatedEnv,
  makeTempDir,
  removeTempDir,
  requireBuiltCli,
  runCli,
  STACK_FRAME,
  writeConfig,
} from './run-cli.js';

/** Output of `switchboard start` up to its last banner line, and its URL. */
interface Started {
  readonly url: string;
  readonly stdout: string;
  stop(): Promise<void>;
}

/**
 * Runs `switchboard start` until its banner is complete (the admin-token notice is its last
 * line, as these configs set no admin token), then hands back the URL; `stop` sends SIGTERM.
 */
function startServer(config: string, cwd: string, env = isolatedEnv()): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, '--config', config, 'start'], { cwd, env });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`start did not finish its banner in time:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes('No SWITCHBOARD_ADMIN_TOKEN is set')) return;
      clearTimeout(timer);
      const url = /listening on (http:\/\/\S+) \(/.exec(stdout)?.[1];
      if (!url) return reject(new Error(`no URL in the banner:\n${stdout}`));
      resolve({
        url,
        stdout,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start exited (${code}) before its banner:\n${stdout}\n${stderr}`));
    });
  });
}

async function signIn(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('switchboard users and tenants', () => {
  let dir: string;

  before(() => {
    requireBuiltCli();
    dir = makeTempDir('cli-accounts');
  });
  after(() => removeTempDir(dir));

  /** A config on a fresh sqlite file; scrypt at 2^12 keeps the runs quick. */
  const freshConfig = (name: string) =>
    writeConfig(dir, `${name}.json`, {
      database: { filename: join(dir, `${name}.sqlite`) },
      port: 0,
      host: '127.0.0.1',
      logLevel: 'warn',
      auth: { scryptLog2N: 12 },
    });

  it('start tells how to create the first admin, users create prints a password once, and it signs in', async () => {
    const config = freshConfig('first');
    const first = await startServer(config, dir);
    await first.stop();
    expect(first.stdout).to.contain('No admin user exists yet');
    expect(first.stdout).to.contain(
      `npx switchboard --config ${config} users create --email you@example.com --name "Your Name" --role admin --tenant default`,
    );
    expect(first.stdout).to.match(/embed key of "default" site site_\w+: sbe_[\w-]{32}/);

    const created = await runCli(
      [
        '--config',
        config,
        'users',
        'create',
        '--email',
        'Ada@Example.com',
        '--name',
        'Ada Lovelace',
        '--role',
        'admin',
      ],
      { cwd: dir },
    );
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.match(
      /^Created admin "Ada Lovelace" <ada@example\.com> \(usr_\w+\) in tenant "default" \(Default\)\.$/m,
    );
    const password = /^Password \(shown once; store it now\): (\S+)$/m.exec(created.stdout)?.[1];
    expect(password).to.be.a('string').with.length.of.at.least(20);

    const second = await startServer(config, dir);
    try {
      expect(second.stdout).not.to.contain('No admin user exists yet');
      const login = await signIn(second.url, 'ada@example.com', password!);
      expect(login.status).to.equal(200);
      expect(login.body.user).to.include({ role: 'admin', tenantId: 'default' });
    } finally {
      await second.stop();
    }

    const list = await runCli(['--config', config, 'tenants', 'list'], { cwd: dir });
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.match(/^default\s+Default\s+1 site\(s\), 1 user\(s\)$/m);
    expect(list.stdout.trim().split('\n').at(-1)).to.equal('1 tenant(s).');
  });

  it('takes the password from stdin with --password-stdin, and prints none', async () => {
    const config = freshConfig('stdin');
    const password = 'correct horse battery staple';
    const created = await runCli(
      [
        '--config',
        config,
        'users',
        'create',
        '--email',
        'bob@example.com',
        '--name',
        'Bob',
        '--role',
        'agent',
        '--password-stdin',
      ],
      { cwd: dir, input: `${password}\n` },
    );
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).not.to.contain('Password').and.not.to.contain(password);
    const server = await startServer(config, dir);
    try {
      // An agent is no admin: the first-admin hint is still shown.
      expect(server.stdout).to.contain('No admin user exists yet');
      expect((await signIn(server.url, 'bob@example.com', password)).status).to.equal(200);
    } finally {
      await server.stop();
    }
  });

  it('refuses a short password, an unknown role or tenant, and a taken email, each in one line', async () => {
    const config = freshConfig('refusals');
    const base = ['--config', config, 'users', 'create', '--name', 'Eve'];
    const short = await runCli(
      [...base, '--email', 'eve@example.com', '--role', 'agent', '--password-stdin'],
      { cwd: dir, input: 'short' },
    );
    expect(short.code).to.equal(1);
    expect(short.stderr).to.contain('10 to 200 characters');

    const role = await runCli([...base, '--email', 'eve@example.com', '--role', 'boss'], {
      cwd: dir,
    });
    expect(role.code).to.not.equal(0);
    expect(role.stderr).to.contain('admin, supervisor, agent');

    const tenant = await runCli(
      [...base, '--email', 'eve@example.com', '--role', 'agent', '--tenant', 'nope'],
      { cwd: dir },
    );
    expect(tenant.code).to.equal(1);
    expect(tenant.stderr).to.contain('No tenant "nope"').and.contain('switchboard tenants list');

    const ok = await runCli([...base, '--email', 'eve@example.com', '--role', 'agent'], {
      cwd: dir,
    });
    expect(ok.code, ok.stderr).to.equal(0);
    const taken = await runCli([...base, '--email', 'EVE@example.com', '--role', 'agent'], {
      cwd: dir,
    });
    expect(taken.code).to.equal(1);
    expect(taken.stderr.trim()).to.equal(
      'switchboard users create: A user with the email "eve@example.com" exists already in this tenant.',
    );
    for (const run of [short, tenant, taken]) expect(run.stderr).not.to.match(STACK_FRAME);
  });

  const pgUrl = process.env.DATABASE_URL;
  if (process.env.SWITCHBOARD_TEST_DB === 'postgres' && pgUrl) {
    it('creates users and lists tenants on PostgreSQL too', async () => {
      const schema = `cli_${randomBytes(6).toString('hex')}`;
      const config = writeConfig(dir, 'pg.json', {
        database: { schema },
        logLevel: 'warn',
        auth: { scryptLog2N: 12 },
      });
      const env = isolatedEnv({ DATABASE_URL: pgUrl });
      const knex = knexFactory({ client: 'pg', connection: pgUrl, pool: { min: 0, max: 1 } });
      try {
        const created = await runCli(
          [
            '--config',
            config,
            'users',
            'create',
            '--email',
            'pg@example.com',
            '--name',
            'Pg',
            '--role',
            'admin',
          ],
          { cwd: dir, env },
        );
        expect(created.code, created.stderr).to.equal(0);
        const list = await runCli(['--config', config, 'tenants', 'list'], { cwd: dir, env });
        expect(list.code, list.stderr).to.equal(0);
        expect(list.stdout).to.match(/^default\s+Default\s+1 site\(s\), 1 user\(s\)$/m);
        const row = await knex(`${schema}.core_users`).where({ email: 'pg@example.com' }).first();
        expect(row.password_hash).to.match(/^scrypt\$12\$8\$1\$/);
      } finally {
        await knex.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await knex.destroy();
      }
    });
  }
});
