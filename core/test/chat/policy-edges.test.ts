import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { login, strongPassword, uniqueEmail } from '../support/accounts.js';
import { setupDesk, type Desk } from '../support/chat.js';

const cannedResponses = fileURLToPath(
  new URL('../../../plugins/canned-responses', import.meta.url),
);

describe('The access policy at the edges', () => {
  let tk: TestKernel;
  let desk: Desk;

  beforeEach(async () => {
    tk = await createTestKernel({
      plugins: [cannedResponses],
      config: { auth: { scryptLog2N: 12 } },
    });
    desk = await setupDesk(tk, 1);
  });
  afterEach(() => tk.stop());

  it('refuses the operator token on visitor-only and user-only operations with 403, never 500', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/visitor'],
      ['POST', '/api/v1/visitor/page-views'],
      ['POST', '/api/v1/conversations'],
      ['POST', '/api/v1/conversations/cnv_missing/pick'],
    ] as const) {
      const res = await tk.request(
        method,
        path,
        method === 'GET' ? undefined : { url: 'https://a.example/' },
      );
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(403);
    }
  });

  it('grants plugin permissions to the roles the manifest names, and core plugin rights to admins', async () => {
    const agent = desk.agents[0]!;
    const asAgent = await tk.request(
      'GET',
      '/api/v1/plugins/canned-responses/responses',
      undefined,
      agent.token,
    );
    expect(asAgent.status, JSON.stringify(asAgent.body)).to.equal(200);
    const manage = await tk.request(
      'POST',
      '/api/v1/plugins/canned-responses/responses',
      { shortcut: '/hi', text: 'Hello!' },
      agent.token,
    );
    expect(manage.status).to.equal(403);
    const plugins = await tk.request('GET', '/api/v1/plugins', undefined, desk.admin.token);
    expect(plugins.status).to.equal(200);
    const plugin = await tk.request('GET', '/api/v1/plugins', undefined, agent.token);
    expect(plugin.status).to.equal(403);
  });

  it('lets only the deployment’s own admins and the operator switch plugins, not other tenants’ admins', async () => {
    const toggle = (token: string | undefined) =>
      tk.request('PUT', '/api/v1/plugins/canned-responses/state', { enabled: false }, token);
    const guest = await toggle(desk.admin.token);
    expect(guest.status, JSON.stringify(guest.body)).to.equal(403);
    expect(guest.body.error.details.permission).to.equal('plugins.manage');

    const email = uniqueEmail('home-admin');
    const password = strongPassword();
    const created = await tk.request('POST', '/api/v1/users', {
      tenantId: 'default',
      email,
      password,
      name: 'Home admin',
      role: 'admin',
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const { token } = await login(tk, email, password, 'default');
    expect((await toggle(token)).status).to.equal(200);
    const state = await tk.request('GET', '/api/v1/plugins/canned-responses', undefined, token);
    expect(state.body.state).to.equal('disabled');
  });

  it('withdraws a plugin’s permissions while it is disabled', async () => {
    const agent = desk.agents[0]!;
    await tk.request('PUT', '/api/v1/plugins/canned-responses/state', { enabled: false });
    const me = await tk.request('GET', '/api/v1/auth/me', undefined, agent.token);
    expect(JSON.stringify(me.body)).not.to.contain('canned-responses.use');
    await tk.request('PUT', '/api/v1/plugins/canned-responses/state', { enabled: true });
    const again = await tk.request(
      'GET',
      '/api/v1/plugins/canned-responses/responses',
      undefined,
      agent.token,
    );
    expect(again.status).to.equal(200);
  });

  it('answers CORS preflights so the widget can call the API from a customer’s page', async () => {
    const res = await fetch(`${tk.url}/api/v1/visitor/session`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get('access-control-allow-origin')).to.equal('https://shop.example');
    expect(res.headers.get('access-control-allow-headers')).to.match(/Authorization/);
  });

  it('records the browser from the User-Agent header of the session request', async () => {
    const res = await fetch(`${tk.url}/api/v1/visitor/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (Test)' },
      body: JSON.stringify({ embedKey: desk.embedKey }),
    });
    const body = (await res.json()) as { visitor: { id: string } };
    const seen = await tk.request(
      'GET',
      `/api/v1/visitors/${body.visitor.id}`,
      undefined,
      desk.agents[0]!.token,
    );
    expect(seen.body.visitor.userAgent).to.equal('Mozilla/5.0 (Test)');
  });
});
