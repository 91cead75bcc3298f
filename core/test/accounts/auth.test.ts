import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { PasswordHasher } from '../../src/auth/password.js';
import { ChatTopics, type RevokedPublished } from '../../src/chat/chat-events.js';
import {
  accountsTestConfig,
  createTenantWithAdmin,
  createUser,
  login,
  strongPassword,
  uniqueEmail,
  type TestTenant,
} from '../support/accounts.js';
import { kernelOf } from '../support/kernel.js';

const HOUR = 3_600_000;

describe('Signing in and out', () => {
  let tk: TestKernel;
  let acme: TestTenant;

  before(async () => {
    tk = await createTestKernel({ config: accountsTestConfig });
    acme = await createTenantWithAdmin(tk, { name: 'Acme' });
  });
  after(() => tk.stop());

  /** Every event published on `ChatTopics.revoked` while `fn` runs. */
  async function revocationsDuring(fn: () => Promise<unknown>): Promise<RevokedPublished[]> {
    const seen: RevokedPublished[] = [];
    const subscription = kernelOf(tk).events.subscribe(ChatTopics.revoked, (payload) => {
      seen.push(payload as RevokedPublished);
    });
    try {
      await fn();
    } finally {
      subscription.dispose();
    }
    return seen;
  }

  describe('auth.login', () => {
    it('answers a recognisable user token, its expiry and the user, never the password hash', async () => {
      const agent = await createUser(tk, acme.admin.token, { role: 'agent' });
      const res = await tk.request(
        'POST',
        '/api/v1/auth/login',
        { email: agent.email, password: agent.password },
        null,
      );
      expect(res.status).to.equal(200);
      expect(res.body.token).to.match(/^sbu_[A-Za-z0-9_-]{43}$/);
      expect(res.body.expiresAt).to.equal(tk.clock.now() + 12 * HOUR);
      expect(res.body.user).to.include({ id: agent.id, email: agent.email, role: 'agent' });
      expect(JSON.stringify(res.body)).not.to.match(/password|scrypt/i);
      const me = await tk.request('GET', '/api/v1/auth/me', undefined, res.body.token);
      expect(me.status).to.equal(200);
      expect(me.body.user.id).to.equal(agent.id);
      expect(me.body.tenant).to.deep.equal({ id: acme.tenantId, name: 'Acme' });
      expect(me.body.permissions).to.include('conversation.reply').and.not.include('users.manage');
    });

    it('matches the email whatever its case', async () => {
      const res = await tk.request(
        'POST',
        '/api/v1/auth/login',
        { email: acme.admin.email.toUpperCase(), password: acme.admin.password },
        null,
      );
      expect(res.status).to.equal(200);
    });

    it('stores only the SHA-256 of a token', async () => {
      const { token } = await login(tk, acme.admin.email, acme.admin.password);
      const rows = await tk.knex('core_auth_tokens').select('token_hash');
      const hashes = rows.map((r) => r.token_hash as string);
      expect(hashes.every((h) => /^[0-9a-f]{64}$/.test(h))).to.equal(true);
      expect(JSON.stringify(rows)).not.to.contain(token.slice(4));
    });

    it('answers the same 401 for an unknown email, a wrong password and a disabled user', async () => {
      const disabled = await createUser(tk, acme.admin.token, { role: 'agent' });
      const off = await tk.request(
        'PATCH',
        `/api/v1/users/${disabled.id}`,
        { disabled: true },
        acme.admin.token,
      );
      expect(off.status).to.equal(200);
      const attempts = [
        { email: uniqueEmail('nobody'), password: strongPassword() },
        { email: acme.admin.email, password: strongPassword() },
        { email: disabled.email, password: disabled.password },
      ];
      const errors = [];
      for (const body of attempts) {
        const res = await tk.request('POST', '/api/v1/auth/login', body, null);
        expect(res.status).to.equal(401);
        errors.push({ code: res.body.error.code, message: res.body.error.message });
      }
      expect(errors[0]!.code).to.equal('AUTH_LOGIN_FAILED');
      expect(errors[1]).to.deep.equal(errors[0]);
      expect(errors[2]).to.deep.equal(errors[0]);
    });

    it('asks for the tenant when the email and password open accounts in two tenants', async () => {
      const email = uniqueEmail('twin');
      const password = strongPassword();
      const other = await createTenantWithAdmin(tk, { name: 'Other' });
      await createUser(tk, acme.admin.token, { role: 'agent', email, password });
      const second = await createUser(tk, other.admin.token, { role: 'agent', email, password });

      const ambiguous = await tk.request('POST', '/api/v1/auth/login', { email, password }, null);
      expect(ambiguous.status).to.equal(400);
      expect(ambiguous.body.error.code).to.equal('AUTH_TENANT_REQUIRED');
      expect(ambiguous.body.error.message).to.contain('tenantId');
      expect(ambiguous.body.error.details.tenants.map((t: { id: string }) => t.id)).to.have.members(
        [acme.tenantId, other.tenantId],
      );

      const picked = await login(tk, email, password, other.tenantId);
      expect(picked.user.id).to.equal(second.id);
    });

    it('refuses unknown fields with 400', async () => {
      const res = await tk.request(
        'POST',
        '/api/v1/auth/login',
        { email: acme.admin.email, password: acme.admin.password, remember: true },
        null,
      );
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.contain('unknown property "remember"');
    });
  });

  describe('tokens', () => {
    it('stop working when they expire (virtual time)', async () => {
      const agent = await createUser(tk, acme.admin.token, { role: 'agent' });
      expect((await tk.request('GET', '/api/v1/auth/me', undefined, agent.token)).status).to.equal(
        200,
      );
      await tk.clock.advance(12 * HOUR - 1000);
      expect((await tk.request('GET', '/api/v1/auth/me', undefined, agent.token)).status).to.equal(
        200,
      );
      await tk.clock.advance(1000);
      const expired = await tk.request('GET', '/api/v1/auth/me', undefined, agent.token);
      expect(expired.status).to.equal(401);
      expect(expired.body.error.code).to.equal('AUTH_TOKEN_INVALID');
      // The other accounts of the suite sign in again after the jump.
      acme = { ...acme, admin: { ...acme.admin, ...(await relogin(acme.admin)) } };
    });

    it('end with logout, which answers 204 and publishes the revocation', async () => {
      const { token } = await login(tk, acme.admin.email, acme.admin.password);
      const me = await tk.request('GET', '/api/v1/auth/me', undefined, token);
      const sessionId = me.body.sessionId as string;
      const events = await revocationsDuring(async () => {
        const res = await tk.request('POST', '/api/v1/auth/logout', undefined, token);
        expect(res.status).to.equal(204);
      });
      expect(events).to.deep.equal([{ tenantId: acme.tenantId, tokenIds: [sessionId] }]);
      const after = await tk.request('GET', '/api/v1/auth/me', undefined, token);
      expect(after.status).to.equal(401);
      // The admin's other session is untouched.
      expect(
        (await tk.request('GET', '/api/v1/auth/me', undefined, acme.admin.token)).status,
      ).to.equal(200);
    });

    it('are refused at once when their user is disabled, even just after use (no stale cache)', async () => {
      const agent = await createUser(tk, acme.admin.token, { role: 'agent' });
      expect((await tk.request('GET', '/api/v1/auth/me', undefined, agent.token)).status).to.equal(
        200,
      );
      const events = await revocationsDuring(async () => {
        const res = await tk.request(
          'PATCH',
          `/api/v1/users/${agent.id}`,
          { disabled: true },
          acme.admin.token,
        );
        expect(res.status).to.equal(200);
      });
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ tenantId: acme.tenantId, userId: agent.id });
      const res = await tk.request('GET', '/api/v1/auth/me', undefined, agent.token);
      expect(res.status).to.equal(401);
    });
  });

  describe('auth.changePassword', () => {
    it('revokes every token of the user at once and answers a fresh one', async () => {
      const agent = await createUser(tk, acme.admin.token, { role: 'agent' });
      const second = await login(tk, agent.email, agent.password);
      const newPassword = strongPassword();
      let fresh = '';
      const events = await revocationsDuring(async () => {
        const res = await tk.request(
          'POST',
          '/api/v1/auth/password',
          { currentPassword: agent.password, newPassword },
          agent.token,
        );
        expect(res.status).to.equal(200);
        expect(res.body.user.id).to.equal(agent.id);
        fresh = res.body.token;
      });
      expect(events).to.have.length(1);
      expect(events[0]!.tokenIds).to.have.length(2);
      expect(events[0]!.userId).to.equal(undefined);
      for (const old of [agent.token, second.token]) {
        expect((await tk.request('GET', '/api/v1/auth/me', undefined, old)).status).to.equal(401);
      }
      expect((await tk.request('GET', '/api/v1/auth/me', undefined, fresh)).status).to.equal(200);
      const oldLogin = await tk.request(
        'POST',
        '/api/v1/auth/login',
        { email: agent.email, password: agent.password },
        null,
      );
      expect(oldLogin.status).to.equal(401);
      await login(tk, agent.email, newPassword);
    });

    it('refuses a wrong current password and a too short new one, changing nothing', async () => {
      const agent = await createUser(tk, acme.admin.token, { role: 'agent' });
      const wrong = await tk.request(
        'POST',
        '/api/v1/auth/password',
        { currentPassword: strongPassword(), newPassword: strongPassword() },
        agent.token,
      );
      expect(wrong.status).to.equal(400);
      expect(wrong.body.error.code).to.equal('AUTH_PASSWORD_WRONG');
      const short = await tk.request(
        'POST',
        '/api/v1/auth/password',
        { currentPassword: agent.password, newPassword: 'short' },
        agent.token,
      );
      expect(short.status).to.equal(400);
      expect(short.body.error.code).to.equal('AUTH_PASSWORD_POLICY');
      expect(short.body.error.message).to.contain('10 to 200 characters');
      expect((await tk.request('GET', '/api/v1/auth/me', undefined, agent.token)).status).to.equal(
        200,
      );
    });

    it('records the change in the audit log without the passwords', async () => {
      const agent = await createUser(tk, acme.admin.token, { role: 'agent' });
      const newPassword = strongPassword();
      const res = await tk.request(
        'POST',
        '/api/v1/auth/password',
        { currentPassword: agent.password, newPassword },
        agent.token,
      );
      expect(res.status).to.equal(200);
      const rows = await tk
        .knex('core_audit_log')
        .where({ action: 'user.password_change', target_id: agent.id });
      expect(rows).to.have.length(1);
      expect(rows[0].actor_id).to.equal(agent.id);
      expect(JSON.stringify(rows)).not.to.contain(newPassword).and.not.contain(agent.password);
    });
  });

  async function relogin(account: { email: string; password: string }) {
    return { token: (await login(tk, account.email, account.password)).token };
  }
});

describe('The login rate limit', () => {
  let tk: TestKernel;

  before(async () => {
    tk = await createTestKernel({ config: { auth: { scryptLog2N: 12, loginPerMinute: 3 } } });
  });
  after(() => tk.stop());

  it('answers 429 with Retry-After once an address has spent its attempts', async () => {
    const body = { email: uniqueEmail(), password: strongPassword() };
    for (let i = 0; i < 3; i++) {
      expect((await tk.request('POST', '/api/v1/auth/login', body, null)).status).to.equal(401);
    }
    const limited = await tk.request('POST', '/api/v1/auth/login', body, null);
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
  });
});

describe('Password hashes', () => {
  it('use scrypt at the OWASP cost (N = 2^17, r = 8, p = 1) by default', async () => {
    const tk = await createTestKernel();
    try {
      const tenant = await tk.request('POST', '/api/v1/tenants', { name: 'Cost' });
      const email = uniqueEmail('cost');
      const password = strongPassword();
      const created = await tk.request('POST', '/api/v1/users', {
        tenantId: tenant.body.id,
        email,
        name: 'Cost',
        role: 'admin',
        password,
      });
      expect(created.status).to.equal(201);
      const row = await tk.knex('core_users').where({ id: created.body.id }).first();
      expect(row.password_hash).to.match(/^scrypt\$17\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
      expect(row.password_hash).not.to.contain(password);
      await login(tk, email, password);
    } finally {
      await tk.stop();
    }
  });

  it('are re-hashed at the current cost on the next login after the cost changed', async () => {
    const tk = await createTestKernel({ config: accountsTestConfig });
    try {
      const { tenantId, admin } = await createTenantWithAdmin(tk);
      // As if stored by a server configured with a lower cost.
      const old = await new PasswordHasher(10).hash(admin.password);
      await tk.knex('core_users').where({ id: admin.id }).update({ password_hash: old });
      await login(tk, admin.email, admin.password, tenantId);
      const after = (await tk.knex('core_users').where({ id: admin.id }).first()).password_hash;
      expect(after).to.match(/^scrypt\$12\$8\$1\$/);
      await login(tk, admin.email, admin.password, tenantId);
    } finally {
      await tk.stop();
    }
  });
});
