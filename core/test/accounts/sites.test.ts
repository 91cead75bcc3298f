import { expect } from 'chai';
import { ChatTokens, type SitesService } from '@switchboard/sdk';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import {
  accountsTestConfig,
  createTenantWithAdmin,
  createUser,
  type TestTenant,
} from '../support/accounts.js';

const BRANDING = {
  title: 'Talk to Acme',
  colour: '#ff6600',
  greeting: 'Hello there',
  logoUrl: 'https://cdn.acme.test/logo.png',
  position: 'bottom-left',
  prechatFields: [
    { name: 'email', label: 'Your email', type: 'email', required: true },
    { name: 'topic', label: 'Topic', type: 'select', options: ['Billing', 'Sales'] },
  ],
  offlineMessage: 'We are closed.',
  chatWindows: {
    sales: { title: 'Sales', colour: '#00aa00', prechatFields: [] },
  },
};

describe('Sites', () => {
  let tk: TestKernel;
  let acme: TestTenant;
  let globex: TestTenant;

  before(async () => {
    tk = await createTestKernel({ config: accountsTestConfig });
    acme = await createTenantWithAdmin(tk, { name: 'Acme' });
    globex = await createTenantWithAdmin(tk, { name: 'Globex' });
  });
  after(() => tk.stop());

  /** Status, code and message of an answer, with `id` replaced so two ids compare equal. */
  const shapeOf = (res: { status: number; body: any }, id: string) => ({
    status: res.status,
    code: res.body?.error?.code,
    message: String(res.body?.error?.message).replace(id, '<id>'),
  });

  it('are created with domains, origins and branding, and read back', async () => {
    const created = await tk.request(
      'POST',
      '/api/v1/sites',
      {
        name: 'Shop',
        domains: ['Shop.Acme.test', '*.acme.test'],
        allowedOrigins: ['https://shop.acme.test', 'http://localhost:3000'],
        branding: BRANDING,
      },
      acme.admin.token,
    );
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ tenantId: acme.tenantId, name: 'Shop' });
    expect(created.body.domains).to.deep.equal(['shop.acme.test', '*.acme.test']);
    expect(created.body.branding).to.deep.equal(BRANDING);
    const got = await tk.request(
      'GET',
      `/api/v1/sites/${created.body.id}`,
      undefined,
      acme.admin.token,
    );
    expect(got.body).to.deep.equal(created.body);
    const list = await tk.request('GET', '/api/v1/sites', undefined, acme.admin.token);
    expect(list.body.sites.map((s: { id: string }) => s.id)).to.have.members([
      acme.siteId,
      created.body.id,
    ]);
  });

  it('refuse invalid branding and name every problem', async () => {
    const res = await tk.request(
      'POST',
      '/api/v1/sites',
      {
        name: 'Bad',
        branding: {
          colour: 'red',
          logoUrl: 'http://insecure.test/logo.png',
          position: 'middle',
          prechatFields: [{ name: 'x', label: 'X', type: 'select' }],
        },
      },
      acme.admin.token,
    );
    expect(res.status).to.equal(400);
    const paths = res.body.error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).to.include.members([
      '/branding/colour',
      '/branding/logoUrl',
      '/branding/position',
    ]);

    const select = await tk.request(
      'POST',
      '/api/v1/sites',
      {
        name: 'Bad',
        branding: {
          prechatFields: [
            { name: 'x', label: 'X', type: 'select' },
            { name: 'x', label: 'Again', type: 'text', options: ['a'] },
          ],
        },
      },
      acme.admin.token,
    );
    expect(select.status).to.equal(400);
    expect(select.body.error.code).to.equal('SITE_BRANDING_INVALID');
    expect(select.body.error.details.problems).to.have.length(3);
    expect(select.body.error.message).to.contain('give it "options"');

    const unknown = await tk.request(
      'POST',
      '/api/v1/sites',
      { name: 'Bad', branding: { fontSize: 12 } },
      acme.admin.token,
    );
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.message).to.contain('unknown property "fontSize"');
  });

  it('are changed with PATCH and refuse fields that are not the caller’s to set', async () => {
    const patched = await tk.request(
      'PATCH',
      `/api/v1/sites/${acme.siteId}`,
      { name: 'Main site', allowedOrigins: ['https://www.acme.test'] },
      acme.admin.token,
    );
    expect(patched.status).to.equal(200);
    expect(patched.body).to.include({ name: 'Main site', embedKey: acme.embedKey });
    expect(patched.body.allowedOrigins).to.deep.equal(['https://www.acme.test']);
    for (const field of [{ embedKey: 'sbe_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }, { id: 'other' }]) {
      const res = await tk.request(
        'PATCH',
        `/api/v1/sites/${acme.siteId}`,
        field,
        acme.admin.token,
      );
      expect(res.status).to.equal(400);
    }
    const audit = await tk.knex('core_audit_log').where({ action: 'site.update' });
    expect(audit).to.have.length(1);
  });

  it('need sites.manage to change, not to read', async () => {
    const agent = await createUser(tk, acme.admin.token, { role: 'agent' });
    const list = await tk.request('GET', '/api/v1/sites', undefined, agent.token);
    expect(list.status).to.equal(200);
    const create = await tk.request('POST', '/api/v1/sites', { name: 'Nope' }, agent.token);
    expect(create.status).to.equal(403);
    const rotate = await tk.request(
      'POST',
      `/api/v1/sites/${acme.siteId}/embed-key`,
      undefined,
      agent.token,
    );
    expect(rotate.status).to.equal(403);
  });

  it('are read by plugins through ChatTokens.Sites: per tenant, with branding, without the embed key', async () => {
    const container = (tk.kernel as { container: { get<T>(token: symbol): T } }).container;
    const sites = container.get<SitesService>(ChatTokens.Sites as symbol);
    const created = await tk.request(
      'POST',
      '/api/v1/sites',
      { name: 'Plugin view', domains: ['shop.acme.test'], branding: BRANDING },
      acme.admin.token,
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const site = await sites.get(acme.tenantId, created.body.id);
    expect(site).to.deep.include({
      id: created.body.id,
      tenantId: acme.tenantId,
      name: 'Plugin view',
      domains: ['shop.acme.test'],
    });
    expect(site!.branding.chatWindows).to.have.keys('sales');
    expect(site).to.not.have.property('embedKey');
    expect(JSON.stringify(await sites.list(acme.tenantId))).to.not.include(created.body.embedKey);
    expect((await sites.list(acme.tenantId)).map((x) => x.id)).to.include(created.body.id);
    // Another tenant's site is unknown, exactly like a missing one.
    expect(await sites.get(globex.tenantId, created.body.id)).to.equal(null);
    expect((await sites.list(globex.tenantId)).map((x) => x.id)).to.deep.equal([globex.siteId]);
  });

  it("answer another tenant's site exactly like a missing one", async () => {
    const missingId = 'site_0000000000000000000000000';
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PATCH', '', { name: 'Hijacked' }],
      ['POST', '/embed-key', undefined],
    ] as const) {
      const other = await tk.request(
        method,
        `/api/v1/sites/${globex.siteId}${suffix}`,
        body,
        acme.admin.token,
      );
      const missing = await tk.request(
        method,
        `/api/v1/sites/${missingId}${suffix}`,
        body,
        acme.admin.token,
      );
      expect(other.status, `${method} ${suffix}`).to.equal(404);
      expect(shapeOf(other, globex.siteId)).to.deep.equal(shapeOf(missing, missingId));
    }
    // Naming the other tenant explicitly is no better.
    const named = await tk.request(
      'GET',
      `/api/v1/sites/${globex.siteId}?tenantId=${globex.tenantId}`,
      undefined,
      acme.admin.token,
    );
    expect(shapeOf(named, globex.siteId)).to.deep.equal(
      shapeOf(
        await tk.request('GET', `/api/v1/sites/${missingId}`, undefined, acme.admin.token),
        missingId,
      ),
    );
    const listed = await tk.request(
      'GET',
      `/api/v1/sites?tenantId=${globex.tenantId}`,
      undefined,
      acme.admin.token,
    );
    expect(listed.status).to.equal(404);
    const globexSite = await tk.request(
      'GET',
      `/api/v1/sites/${globex.siteId}`,
      undefined,
      globex.admin.token,
    );
    expect(globexSite.body.name).to.equal('Test site');
    expect(globexSite.body.embedKey).to.equal(globex.embedKey);
  });

  describe('the widget config', () => {
    it('is public and shows the branding and pre-chat fields, nothing secret', async () => {
      const site = await tk.request(
        'POST',
        '/api/v1/sites',
        { name: 'Widget', allowedOrigins: ['https://w.acme.test'], branding: BRANDING },
        acme.admin.token,
      );
      const res = await tk.request(
        'GET',
        `/api/v1/widget/config?embedKey=${site.body.embedKey}`,
        undefined,
        null,
      );
      expect(res.status).to.equal(200);
      expect(res.body).to.have.keys('siteId', 'name', 'window', 'branding', 'allowedOrigins');
      expect(res.body.window).to.equal(null);
      expect(res.body.branding).to.deep.equal({
        title: 'Talk to Acme',
        colour: '#ff6600',
        greeting: 'Hello there',
        logoUrl: 'https://cdn.acme.test/logo.png',
        position: 'bottom-left',
        prechatFields: [
          { name: 'email', label: 'Your email', type: 'email', required: true },
          {
            name: 'topic',
            label: 'Topic',
            type: 'select',
            required: false,
            options: ['Billing', 'Sales'],
          },
        ],
        offlineMessage: 'We are closed.',
      });
      // The allowed origins are public anyway (the widget frame's frame-ancestors header); the
      // frame needs them to refuse messages from other pages.
      expect(res.body.allowedOrigins).to.deep.equal(['https://w.acme.test']);
      expect(JSON.stringify(res.body)).not.to.contain(acme.tenantId);

      const sales = await tk.request(
        'GET',
        `/api/v1/widget/config?embedKey=${site.body.embedKey}&window=sales`,
        undefined,
        null,
      );
      expect(sales.body.window).to.equal('sales');
      expect(sales.body.branding).to.include({
        title: 'Sales',
        colour: '#00aa00',
        greeting: 'Hello there',
      });
      expect(sales.body.branding.prechatFields).to.deep.equal([]);
    });

    it('fills in defaults for a site without branding', async () => {
      const res = await tk.request(
        'GET',
        `/api/v1/widget/config?embedKey=${globex.embedKey}`,
        undefined,
        null,
      );
      expect(res.status).to.equal(200);
      expect(res.body.branding).to.include({ title: 'Test site', position: 'bottom-right' });
      expect(res.body.branding.colour).to.match(/^#[0-9a-f]{6}$/);
    });

    it('follows the embed key: after rotation the old key answers 404 and the new one works', async () => {
      const rotated = await tk.request(
        'POST',
        `/api/v1/sites/${acme.siteId}/embed-key`,
        undefined,
        acme.admin.token,
      );
      expect(rotated.status).to.equal(200);
      expect(rotated.body.embedKey).to.match(/^sbe_/).and.not.equal(acme.embedKey);
      const old = await tk.request(
        'GET',
        `/api/v1/widget/config?embedKey=${acme.embedKey}`,
        undefined,
        null,
      );
      expect(old.status).to.equal(404);
      expect(old.body.error.code).to.equal('SITE_NOT_FOUND');
      const fresh = await tk.request(
        'GET',
        `/api/v1/widget/config?embedKey=${rotated.body.embedKey}`,
        undefined,
        null,
      );
      expect(fresh.status).to.equal(200);
      expect(fresh.body.siteId).to.equal(acme.siteId);
      const audit = await tk.knex('core_audit_log').where({ action: 'site.embed_key_rotate' });
      expect(JSON.stringify(audit)).not.to.contain(rotated.body.embedKey);
    });
  });
});
