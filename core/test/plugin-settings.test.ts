import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel } from './support/kernel.js';

// fixtures/tuned declares { greeting: string (default "Hello"), limit: 1..10 (default 3) } with no
// other keys, reads its settings in GET /greeting?tenant= and lists the changes it heard about.

describe('Plugin settings', () => {
  let tk: TestKernel;
  const url = (tenant?: string) =>
    `/api/v1/plugins/tuned/settings${tenant ? `?tenant=${tenant}` : ''}`;

  before(async () => {
    tk = await bootKernel(['tuned', 'toggle']);
  });
  after(() => tk.stop());

  it('answers a tenant’s settings with the schema and its defaults filled in', async () => {
    const res = await tk.request('GET', url('t1'));
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ plugin: 'tuned', tenant: 't1' });
    expect(res.body.value).to.deep.equal({ greeting: 'Hello', limit: 3 });
    expect(res.body.schema.properties.greeting).to.include({ type: 'string', default: 'Hello' });
  });

  it('stores valid settings for one tenant only, and the plugin reads them', async () => {
    const set = await tk.request('PUT', url('t1'), { greeting: 'Bonjour' });
    expect(set.status).to.equal(200);
    expect(set.body.value).to.deep.equal({ greeting: 'Bonjour', limit: 3 });
    expect((await tk.request('GET', url('t1'))).body.value.greeting).to.equal('Bonjour');
    expect((await tk.request('GET', url('t2'))).body.value.greeting).to.equal('Hello');
    const read = await tk.request('GET', '/api/v1/plugins/tuned/greeting?tenant=t1');
    expect(read.body).to.deep.equal({ greeting: 'Bonjour', limit: 3 });
    const rows = await tk.knex('core_plugin_settings').select('tenant_id', 'plugin_id');
    expect(rows).to.deep.equal([{ tenant_id: 't1', plugin_id: 'tuned' }]);
  });

  it('tells the plugin about each change', async () => {
    await tk.request('PUT', url('t2'), { greeting: 'Hallo', limit: 5 });
    const res = await tk.request('GET', '/api/v1/plugins/tuned/changes');
    expect(res.body.changes).to.deep.equal([
      { tenantId: 't1', greeting: 'Bonjour', limit: 3 },
      { tenantId: 't2', greeting: 'Hallo', limit: 5 },
    ]);
  });

  it('refuses invalid settings with 400 naming every bad field, and keeps the stored value', async () => {
    const res = await tk.request('PUT', url('t1'), { greeting: '', limit: 99, colour: 'red' });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('REQUEST_INVALID');
    expect(res.body.error.message)
      .to.contain('settings for plugin "tuned"')
      .and.contain('/greeting')
      .and.contain('/limit')
      .and.contain('"colour"');
    expect(res.body.error.details.problems).to.have.length(3);
    expect((await tk.request('GET', url('t1'))).body.value.greeting).to.equal('Bonjour');
  });

  it('refuses a settings body that is not an object', async () => {
    const res = await tk.request('PUT', url('t1'), ['Bonjour']);
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.contain('must be object');
  });

  it('accepts any object for a plugin that declares no settings schema', async () => {
    const res = await tk.request('PUT', '/api/v1/plugins/toggle/settings?tenant=t1', { a: 1 });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ schema: null, value: { a: 1 } });
  });

  it('needs the tenant named when the operator asks', async () => {
    const res = await tk.request('GET', url());
    expect(res.status).to.equal(403);
    expect(res.body.error).to.include({
      code: 'TENANT_REQUIRED',
      message: 'Name the tenant: add ?tenant=<id>.',
    });
  });

  it('answers 404 for a plugin that is not configured, and 401 without a token', async () => {
    const unknown = await tk.request('GET', '/api/v1/plugins/ghost/settings?tenant=t1');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('PLUGIN_NOT_FOUND');
    const anonymous = await tk.request('GET', url('t1'), undefined, null);
    expect(anonymous.status).to.equal(401);
  });
});
