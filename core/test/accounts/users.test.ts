import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { ChatTopics, type PresencePublished } from '../../src/chat/chat-events.js';
import {
  accountsTestConfig,
  createTenantWithAdmin,
  createUser,
  login,
  strongPassword,
  uniqueEmail,
  type TestAccount,
  type TestTenant,
} from '../support/accounts.js';
import { kernelOf } from '../support/kernel.js';

describe('Users', () => {
  let tk: TestKernel;
  let acme: TestTenant;
  let globex: TestTenant;
  let agent: TestAccount;
  let supervisor: TestAccount;

  before(async () => {
    tk = await createTestKernel({ config: accountsTestConfig });
    acme = await createTenantWithAdmin(tk, { name: 'Acme' });
    globex = await createTenantWithAdmin(tk, { name: 'Globex' });
    agent = await createUser(tk, acme.admin.token, { role: 'agent' });
    supervisor = await createUser(tk, acme.admin.token, { role: 'supervisor' });
  });
  after(() => tk.stop());

  const shapeOf = (res: { status: number; body: any }, id: string) => ({
    status: res.status,
    code: res.body?.error?.code,
    message: String(res.body?.error?.message).replace(id, '<id>'),
  });
  const newUser = (extra: Record<string, unknown> = {}) => ({
    email: uniqueEmail(),
    name: 'Someone',
    role: 'agent',
    password: strongPassword(),
    ...extra,
  });

  describe('users.create', () => {
    it('creates a user with skills, groups and capacity, and never answers the hash', async () => {
      const res = await tk.request(
        'POST',
        '/api/v1/users',
        newUser({ skills: ['billing', 'french'], groups: ['tier1'], capacity: 5 }),
        acme.admin.token,
      );
      expect(res.status).to.equal(201);
      expect(res.body).to.include({
        tenantId: acme.tenantId,
        role: 'agent',
        capacity: 5,
        presence: 'offline',
        disabled: false,
      });
      expect(res.body.skills).to.deep.equal(['billing', 'french']);
      expect(res.body.groups).to.deep.equal(['tier1']);
      expect(res.body).not.to.have.any.keys('password', 'passwordHash', 'password_hash');
      const audit = await tk.knex('core_audit_log').where({ target_id: res.body.id });
      expect(audit[0]).to.include({ action: 'user.create', actor_id: acme.admin.id });
      expect(audit[0].details).not.to.match(/password|scrypt/i);
    });

    it('is refused to an agent and a supervisor (403)', async () => {
      for (const caller of [agent, supervisor]) {
        const res = await tk.request('POST', '/api/v1/users', newUser(), caller.token);
        expect(res.status).to.equal(403);
        expect(res.body.error.details.permission).to.equal('users.manage');
      }
    });

    it('refuses fields a caller may not set (id, passwordHash) and unknown ones with 400', async () => {
      for (const extra of [
        { id: 'usr_mine' },
        { passwordHash: 'scrypt$1' },
        { presence: 'online' },
      ]) {
        const res = await tk.request('POST', '/api/v1/users', newUser(extra), acme.admin.token);
        expect(res.status, JSON.stringify(extra)).to.equal(400);
        expect(res.body.error.message).to.contain(`unknown property "${Object.keys(extra)[0]}"`);
      }
    });

    it('refuses a short password, a bad capacity and a taken email', async () => {
      const short = await tk.request(
        'POST',
        '/api/v1/users',
        newUser({ password: 'abc' }),
        acme.admin.token,
      );
      expect(short.status).to.equal(400);
      expect(short.body.error.code).to.equal('AUTH_PASSWORD_POLICY');
      const capacity = await tk.request(
        'POST',
        '/api/v1/users',
        newUser({ capacity: 51 }),
        acme.admin.token,
      );
      expect(capacity.status).to.equal(400);
      const taken = await tk.request(
        'POST',
        '/api/v1/users',
        newUser({ email: agent.email.toUpperCase() }),
        acme.admin.token,
      );
      expect(taken.status).to.equal(409);
      expect(taken.body.error.code).to.equal('USER_EMAIL_TAKEN');
      // The same email is free in another tenant.
      const elsewhere = await tk.request(
        'POST',
        '/api/v1/users',
        newUser({ email: agent.email }),
        globex.admin.token,
      );
      expect(elsewhere.status).to.equal(201);
    });

    it('lets the operator create a user in a tenant it names', async () => {
      const res = await tk.request('POST', '/api/v1/users', {
        ...newUser(),
        tenantId: globex.tenantId,
      });
      expect(res.status).to.equal(201);
      expect(res.body.tenantId).to.equal(globex.tenantId);
    });
  });

  describe('users.list and users.get', () => {
    it('are open to supervisors and agents of the tenant, and list only its users', async () => {
      const list = await tk.request('GET', '/api/v1/users', undefined, supervisor.token);
      expect(list.status).to.equal(200);
      const tenants = new Set(list.body.users.map((u: { tenantId: string }) => u.tenantId));
      expect([...tenants]).to.deep.equal([acme.tenantId]);
      expect(JSON.stringify(list.body)).not.to.match(/password|scrypt/i);
      const one = await tk.request('GET', `/api/v1/users/${agent.id}`, undefined, agent.token);
      expect(one.status).to.equal(200);
      expect(one.body.email).to.equal(agent.email);
    });

    it("answer another tenant's user exactly like a missing one (404)", async () => {
      const missingId = 'usr_0000000000000000000000000';
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { name: 'Hijacked' }],
      ] as const) {
        const other = await tk.request(
          method,
          `/api/v1/users/${globex.admin.id}`,
          body,
          acme.admin.token,
        );
        const missing = await tk.request(
          method,
          `/api/v1/users/${missingId}`,
          body,
          acme.admin.token,
        );
        expect(other.status).to.equal(404);
        expect(shapeOf(other, globex.admin.id)).to.deep.equal(shapeOf(missing, missingId));
      }
      const named = await tk.request(
        'GET',
        `/api/v1/users/${globex.admin.id}?tenantId=${globex.tenantId}`,
        undefined,
        acme.admin.token,
      );
      expect(shapeOf(named, globex.admin.id).code).to.equal('USER_NOT_FOUND');
      const list = await tk.request(
        'GET',
        `/api/v1/users?tenantId=${globex.tenantId}`,
        undefined,
        acme.admin.token,
      );
      expect(list.status).to.equal(404);
      const untouched = await tk.request(
        'GET',
        `/api/v1/users/${globex.admin.id}`,
        undefined,
        globex.admin.token,
      );
      expect(untouched.body.name).to.equal('Test admin');
    });
  });

  describe('users.update', () => {
    it('changes skills and capacity without ending the user’s sessions', async () => {
      const user = await createUser(tk, acme.admin.token, { role: 'agent' });
      const res = await tk.request(
        'PATCH',
        `/api/v1/users/${user.id}`,
        { skills: ['sales'], capacity: 0 },
        acme.admin.token,
      );
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ capacity: 0 });
      expect(res.body.skills).to.deep.equal(['sales']);
      expect((await tk.request('GET', '/api/v1/auth/me', undefined, user.token)).status).to.equal(
        200,
      );
    });

    it('ends the user’s sessions when their role or password changes', async () => {
      const user = await createUser(tk, acme.admin.token, { role: 'agent' });
      const promoted = await tk.request(
        'PATCH',
        `/api/v1/users/${user.id}`,
        { role: 'supervisor' },
        acme.admin.token,
      );
      expect(promoted.body.role).to.equal('supervisor');
      expect((await tk.request('GET', '/api/v1/auth/me', undefined, user.token)).status).to.equal(
        401,
      );
      const { token } = await login(tk, user.email, user.password);
      const me = await tk.request('GET', '/api/v1/auth/me', undefined, token);
      expect(me.body.permissions).to.include('conversation.manage');

      const password = strongPassword();
      const reset = await tk.request(
        'PATCH',
        `/api/v1/users/${user.id}`,
        { password },
        acme.admin.token,
      );
      expect(reset.status).to.equal(200);
      expect((await tk.request('GET', '/api/v1/auth/me', undefined, token)).status).to.equal(401);
      await login(tk, user.email, password);
      const audit = await tk
        .knex('core_audit_log')
        .where({ action: 'user.update', target_id: user.id });
      expect(JSON.stringify(audit)).not.to.contain(password);
    });

    it('refuses "Nothing to change" and a role from a non-admin', async () => {
      const empty = await tk.request('PATCH', `/api/v1/users/${agent.id}`, {}, acme.admin.token);
      expect(empty.status).to.equal(400);
      const self = await tk.request(
        'PATCH',
        `/api/v1/users/${agent.id}`,
        { role: 'admin' },
        agent.token,
      );
      expect(self.status).to.equal(403);
    });

    it('never demotes or disables the last enabled admin, and does once there is another', async () => {
      const tenant = await createTenantWithAdmin(tk, { name: 'Solo' });
      const path = `/api/v1/users/${tenant.admin.id}`;
      const demote = await tk.request('PATCH', path, { role: 'agent' }, tenant.admin.token);
      expect(demote.status).to.equal(409);
      expect(demote.body.error.code).to.equal('USER_LAST_ADMIN');
      expect(demote.body.error.message).to.contain('make another user admin first');
      const disable = await tk.request('PATCH', path, { disabled: true }, tenant.admin.token);
      expect(disable.status).to.equal(409);
      const byOperator = await tk.request('PATCH', path, {
        tenantId: tenant.tenantId,
        disabled: true,
      });
      expect(byOperator.status).to.equal(409);

      const second = await createUser(tk, tenant.admin.token, { role: 'admin' });
      const now = await tk.request('PATCH', path, { role: 'agent' }, second.token);
      expect(now.status).to.equal(200);
      expect(now.body.role).to.equal('agent');
      const last = await tk.request(
        'PATCH',
        `/api/v1/users/${second.id}`,
        { disabled: true },
        second.token,
      );
      expect(last.status).to.equal(409);
    });
  });

  describe('presence.set', () => {
    it('sets the caller’s own presence and publishes it', async () => {
      const seen: PresencePublished[] = [];
      const subscription = kernelOf(tk).events.subscribe(ChatTopics.presence, (payload) => {
        seen.push(payload as PresencePublished);
      });
      try {
        await tk.clock.advance(5000);
        const res = await tk.request(
          'POST',
          '/api/v1/presence',
          { presence: 'online' },
          agent.token,
        );
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ presence: 'online', presenceAt: tk.clock.now() });
      } finally {
        subscription.dispose();
      }
      expect(seen).to.deep.equal([
        { tenantId: acme.tenantId, userId: agent.id, presence: 'online' },
      ]);
      const read = await tk.request('GET', `/api/v1/users/${agent.id}`, undefined, agent.token);
      expect(read.body).to.include({ presence: 'online', presenceAt: tk.clock.now() });
    });

    it('refuses an unknown presence and the operator token', async () => {
      const bad = await tk.request('POST', '/api/v1/presence', { presence: 'busy' }, agent.token);
      expect(bad.status).to.equal(400);
      // The operator token holds every permission but is nobody's presence: refused by the policy.
      const system = await tk.request('POST', '/api/v1/presence', { presence: 'online' });
      expect(system.status).to.equal(403);
      expect(system.body.error.code).to.equal('AUTH_FORBIDDEN');
    });

    it('goes offline when the user is disabled', async () => {
      const user = await createUser(tk, acme.admin.token, { role: 'agent' });
      await tk.request('POST', '/api/v1/presence', { presence: 'online' }, user.token);
      const off = await tk.request(
        'PATCH',
        `/api/v1/users/${user.id}`,
        { disabled: true },
        acme.admin.token,
      );
      expect(off.body).to.include({ disabled: true, presence: 'offline' });
    });
  });

  describe('departments', () => {
    it('are created by admins, joined by users, and left when deleted', async () => {
      const sales = await tk.request(
        'POST',
        '/api/v1/departments',
        { name: 'Sales', siteId: acme.siteId },
        acme.admin.token,
      );
      expect(sales.status).to.equal(201);
      expect(sales.body).to.include({ name: 'Sales', siteId: acme.siteId });
      const dup = await tk.request(
        'POST',
        '/api/v1/departments',
        { name: 'Sales' },
        acme.admin.token,
      );
      expect(dup.status).to.equal(409);
      const user = await createUser(tk, acme.admin.token, {
        role: 'agent',
        departmentIds: [sales.body.id],
      });
      const list = await tk.request('GET', '/api/v1/departments', undefined, agent.token);
      expect(list.body.departments.map((d: { name: string }) => d.name)).to.deep.equal(['Sales']);

      const renamed = await tk.request(
        'PATCH',
        `/api/v1/departments/${sales.body.id}`,
        { name: 'Sales EU', siteId: null },
        acme.admin.token,
      );
      expect(renamed.body).to.include({ name: 'Sales EU', siteId: null });

      const removed = await tk.request(
        'DELETE',
        `/api/v1/departments/${sales.body.id}`,
        undefined,
        acme.admin.token,
      );
      expect(removed.status).to.equal(204);
      const read = await tk.request('GET', `/api/v1/users/${user.id}`, undefined, acme.admin.token);
      expect(read.body.departmentIds).to.deep.equal([]);
    });

    it("refuse another tenant's site and department ids", async () => {
      const foreignSite = await tk.request(
        'POST',
        '/api/v1/departments',
        { name: 'Spy', siteId: globex.siteId },
        acme.admin.token,
      );
      expect(foreignSite.status).to.equal(400);
      expect(foreignSite.body.error.code).to.equal('DEPARTMENT_SITE_UNKNOWN');
      const globexDept = await tk.request(
        'POST',
        '/api/v1/departments',
        { name: 'Support' },
        globex.admin.token,
      );
      const join = await tk.request(
        'PATCH',
        `/api/v1/users/${agent.id}`,
        { departmentIds: [globexDept.body.id] },
        acme.admin.token,
      );
      expect(join.status).to.equal(400);
      expect(join.body.error.code).to.equal('USER_DEPARTMENT_UNKNOWN');
      const del = await tk.request(
        'DELETE',
        `/api/v1/departments/${globexDept.body.id}`,
        undefined,
        acme.admin.token,
      );
      expect(del.status).to.equal(404);
      expect(del.body.error.code).to.equal('DEPARTMENT_NOT_FOUND');
      const agentDelete = await tk.request(
        'POST',
        '/api/v1/departments',
        { name: 'Mine' },
        agent.token,
      );
      expect(agentDelete.status).to.equal(403);
    });
  });
});
