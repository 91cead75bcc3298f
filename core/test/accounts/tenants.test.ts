import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { createAccounts } from '@switchboard/core';
import {
  accountsTestConfig,
  createTenantWithAdmin,
  createUser,
  login,
  type TestTenant,
} from '../support/accounts.js';
import { kernelOf } from '../support/kernel.js';

describe('Tenants', () => {
  let tk: TestKernel;
  let acme: TestTenant;
  let globex: TestTenant;

  before(async () => {
    tk = await createTestKernel({ config: accountsTestConfig });
    acme = await createTenantWithAdmin(tk, { name: 'Acme' });
    globex = await createTenantWithAdmin(tk, { name: 'Globex' });
  });
  after(() => tk.stop());

  /** Error code and message, without the request id. */
  const errorOf = (res: { status: number; body: any }) => ({
    status: res.status,
    code: res.body?.error?.code,
    message: res.body?.error?.message,
  });

  describe('on first start', () => {
    it('exist as "default" with a "Default site" and its embed key', async () => {
      const res = await tk.request('GET', '/api/v1/tenants');
      expect(res.status).to.equal(200);
      expect(res.body.tenants[0]).to.include({ id: 'default', name: 'Default', disabled: false });
      const sites = await tk.request('GET', '/api/v1/sites?tenantId=default');
      expect(sites.body.sites).to.have.length(1);
      expect(sites.body.sites[0].name).to.equal('Default site');
      expect(sites.body.sites[0].embedKey).to.match(/^sbe_[A-Za-z0-9_-]{32}$/);
    });

    it('are not created again once a tenant exists', async () => {
      const chat = kernelOf(tk).chat;
      const accounts = createAccounts({ ...chat.deps, policy: chat.policy, audit: chat.audit });
      try {
        const again = await accounts.ensureDefaultTenant();
        const sites = await tk.request('GET', '/api/v1/sites?tenantId=default');
        expect(again).to.deep.equal({
          tenantId: 'default',
          siteId: sites.body.sites[0].id,
          embedKey: sites.body.sites[0].embedKey,
          created: false,
        });
        expect((await tk.request('GET', '/api/v1/tenants')).body.tenants).to.have.length(3);
      } finally {
        accounts.dispose();
      }
    });
  });

  describe('tenants.create and tenants.list', () => {
    it('are for the operator only: an admin gets 403', async () => {
      const create = await tk.request(
        'POST',
        '/api/v1/tenants',
        { name: 'Mine' },
        acme.admin.token,
      );
      expect(create.status).to.equal(403);
      const list = await tk.request('GET', '/api/v1/tenants', undefined, acme.admin.token);
      expect(list.status).to.equal(403);
    });

    it('create a tenant with settings and record it in the audit log', async () => {
      const res = await tk.request('POST', '/api/v1/tenants', {
        name: 'Initech',
        settings: { retentionDays: 30 },
      });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ name: 'Initech', disabled: false });
      expect(res.body.settings).to.deep.equal({ retentionDays: 30 });
      expect(res.body.effectiveSettings).to.deep.equal({ retentionDays: 30, defaultCapacity: 3 });
      const audit = await tk.knex('core_audit_log').where({ target_id: res.body.id }).first();
      expect(audit).to.include({ action: 'tenant.create', actor_kind: 'system' });
    });

    it('refuse an id or other unknown field with 400', async () => {
      const res = await tk.request('POST', '/api/v1/tenants', { name: 'X', id: 'chosen' });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.contain('unknown property "id"');
    });
  });

  describe('tenants.get and tenants.update', () => {
    it('let an admin read and change their own tenant', async () => {
      const got = await tk.request(
        'GET',
        `/api/v1/tenants/${acme.tenantId}`,
        undefined,
        acme.admin.token,
      );
      expect(got.status).to.equal(200);
      expect(got.body.name).to.equal('Acme');
      const changed = await tk.request(
        'PATCH',
        `/api/v1/tenants/${acme.tenantId}`,
        { name: 'Acme Corp', settings: { defaultCapacity: 7, retentionDays: 90 } },
        acme.admin.token,
      );
      expect(changed.status).to.equal(200);
      expect(changed.body.name).to.equal('Acme Corp');
      expect(changed.body.effectiveSettings).to.deep.equal({
        retentionDays: 90,
        defaultCapacity: 7,
      });

      // New users get the tenant's default capacity.
      const user = await createUser(tk, acme.admin.token, { role: 'agent' });
      const read = await tk.request('GET', `/api/v1/users/${user.id}`, undefined, acme.admin.token);
      expect(read.body.capacity).to.equal(7);

      // null goes back to the server default (chat.retentionDays, 396 days).
      const reset = await tk.request(
        'PATCH',
        `/api/v1/tenants/${acme.tenantId}`,
        { settings: { retentionDays: null } },
        acme.admin.token,
      );
      expect(reset.body.settings).to.deep.equal({ defaultCapacity: 7 });
      expect(reset.body.effectiveSettings.retentionDays).to.equal(396);
    });

    it("answer another tenant's id exactly like a missing one (404)", async () => {
      const other = await tk.request(
        'GET',
        `/api/v1/tenants/${globex.tenantId}`,
        undefined,
        acme.admin.token,
      );
      const missing = await tk.request(
        'GET',
        '/api/v1/tenants/ten_doesnotexist',
        undefined,
        acme.admin.token,
      );
      expect(other.status).to.equal(404);
      expect({ ...errorOf(other), message: '' }).to.deep.equal({
        ...errorOf(missing),
        message: '',
      });
      expect(other.body.error.code).to.equal('TENANT_NOT_FOUND');
      const patch = await tk.request(
        'PATCH',
        `/api/v1/tenants/${globex.tenantId}`,
        { name: 'Hijacked' },
        acme.admin.token,
      );
      expect(patch.status).to.equal(404);
      const globexNow = await tk.request('GET', `/api/v1/tenants/${globex.tenantId}`);
      expect(globexNow.body.name).to.equal('Globex');
    });

    it('need tenant.manage: an agent gets 403', async () => {
      const agent = await createUser(tk, acme.admin.token, { role: 'agent' });
      const res = await tk.request(
        'GET',
        `/api/v1/tenants/${acme.tenantId}`,
        undefined,
        agent.token,
      );
      expect(res.status).to.equal(403);
      expect(res.body.error.details.permission).to.equal('tenant.manage');
    });

    it('let only the operator disable a tenant, which ends its sessions and hides its widget', async () => {
      const tenant = await createTenantWithAdmin(tk, { name: 'Doomed' });
      const byAdmin = await tk.request(
        'PATCH',
        `/api/v1/tenants/${tenant.tenantId}`,
        { disabled: true },
        tenant.admin.token,
      );
      expect(byAdmin.status).to.equal(403);

      const byOperator = await tk.request('PATCH', `/api/v1/tenants/${tenant.tenantId}`, {
        disabled: true,
      });
      expect(byOperator.status).to.equal(200);
      expect(byOperator.body.disabled).to.equal(true);
      const me = await tk.request('GET', '/api/v1/auth/me', undefined, tenant.admin.token);
      expect(me.status).to.equal(401);
      const again = await tk.request(
        'POST',
        '/api/v1/auth/login',
        { email: tenant.admin.email, password: tenant.admin.password },
        null,
      );
      expect(again.status).to.equal(401);
      const widget = await tk.request(
        'GET',
        `/api/v1/widget/config?embedKey=${tenant.embedKey}`,
        undefined,
        null,
      );
      expect(widget.status).to.equal(404);

      await tk.request('PATCH', `/api/v1/tenants/${tenant.tenantId}`, { disabled: false });
      await login(tk, tenant.admin.email, tenant.admin.password);
    });

    it('ask the operator to name the tenant on tenant-scoped routes', async () => {
      const res = await tk.request('GET', '/api/v1/users');
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('TENANT_REQUIRED');
      const unknown = await tk.request('GET', '/api/v1/users?tenantId=ten_nope');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('TENANT_NOT_FOUND');
    });
  });
});
