import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { createTenantWithAdmin } from '../../../core/test/support/accounts.js';
import {
  setupDesk,
  startVisitor,
  visitorWithChat,
  type Desk,
} from '../../../core/test/support/chat.js';
import { boot, ok, textBillboard } from './support.js';

const API = '/api/v1/plugins/billboards';

/** What visitors see and do: the active set, impressions and clicks, and the report. */
describe('billboards for visitors', () => {
  let tk: TestKernel;
  let t: Desk;

  before(async () => {
    tk = await boot();
    t = await setupDesk(tk, 1);
  });
  after(() => tk.stop());

  const create = (body: Record<string, unknown>, tenant = t) =>
    ok(tk.request('POST', `${API}/billboards`, body, tenant.admin.token), 201, 'create billboard');
  const newSite = async (name: string, branding?: unknown) =>
    (await ok(
      tk.request(
        'POST',
        '/api/v1/sites',
        { name, ...(branding ? { branding } : {}) },
        t.admin.token,
      ),
      201,
      'create site',
    )) as { id: string; embedKey: string };
  const active = (token: string, query = '') =>
    ok(tk.request('GET', `${API}/active${query}`, undefined, token), 200, 'active');

  it("shows a visitor only their own site's enabled billboards inside their dates, in order", async () => {
    const site = await newSite('Shop');
    const otherSite = await newSite('Blog');
    const now = tk.clock.now();
    const first = await create(textBillboard(site.id, 'First'));
    const later = await create(
      textBillboard(site.id, 'Starts in a minute', { startsAt: now + 60_000 }),
    );
    await create(textBillboard(site.id, 'Switched off', { enabled: false }));
    const ending = await create(
      textBillboard(site.id, 'Ends in two minutes', { endsAt: now + 120_000, intervalSeconds: 4 }),
    );
    await create(textBillboard(otherSite.id, 'Blog only'));
    await ok(
      tk.request(
        'PUT',
        `${API}/order`,
        {
          siteId: site.id,
          ids: [ending.id, first.id, later.id, (await list(site.id))[2].id],
        },
        t.admin.token,
      ),
      200,
    );
    const visitor = await startVisitor(tk, site.embedKey);
    const before = await active(visitor.token);
    expect(before.siteId).to.equal(site.id);
    expect(before.billboards.map((b: any) => b.text)).to.deep.equal([
      'Ends in two minutes',
      'First',
    ]);
    expect(before.billboards[0]).to.deep.equal({
      id: ending.id,
      kind: 'text',
      text: 'Ends in two minutes',
      linkUrl: null,
      imageUrl: null,
      intervalSeconds: 4,
    });
    expect(before.billboards[1].intervalSeconds, 'the tenant default').to.equal(8);
    await tk.clock.advance(60_000);
    expect((await active(visitor.token)).billboards.map((b: any) => b.text)).to.deep.equal([
      'Ends in two minutes',
      'First',
      'Starts in a minute',
    ]);
    await tk.clock.advance(60_000);
    expect((await active(visitor.token)).billboards.map((b: any) => b.text)).to.deep.equal([
      'First',
      'Starts in a minute',
    ]);
    const blogVisitor = await startVisitor(tk, otherSite.embedKey);
    expect((await active(blogVisitor.token)).billboards.map((b: any) => b.text)).to.deep.equal([
      'Blog only',
    ]);
  });

  async function list(siteId: string): Promise<any[]> {
    return (
      await ok(
        tk.request('GET', `${API}/billboards?siteId=${siteId}`, undefined, t.admin.token),
        200,
      )
    ).billboards;
  }

  it("shows a chat window's own set when it has one, else the site's", async () => {
    const site = await newSite('Windows', { chatWindows: { sales: {}, support: {} } });
    await create(textBillboard(site.id, 'Everyone'));
    await create(textBillboard(site.id, 'Sales only', { window: 'sales' }));
    const visitor = await startVisitor(tk, site.embedKey);
    const sales = await active(visitor.token, '?window=sales');
    expect(sales.window).to.equal('sales');
    expect(sales.billboards.map((b: any) => b.text)).to.deep.equal(['Sales only']);
    const support = await active(visitor.token, '?window=support');
    expect(support.window).to.equal(null);
    expect(support.billboards.map((b: any) => b.text)).to.deep.equal(['Everyone']);
    expect((await active(visitor.token)).billboards.map((b: any) => b.text)).to.deep.equal([
      'Everyone',
    ]);
    const bad = await tk.request('GET', `${API}/active?window=Bad Name`, undefined, visitor.token);
    expect(bad.status).to.equal(400);
  });

  it('lets a manager preview a site and refuses agents and anonymous callers', async () => {
    const preview = await active(t.admin.token, `?siteId=${t.siteId}`);
    expect(preview.siteId).to.equal(t.siteId);
    const noSite = await tk.request('GET', `${API}/active`, undefined, t.admin.token);
    expect(noSite.status).to.equal(404);
    expect((await tk.request('GET', `${API}/active`, undefined, null)).status).to.equal(401);
  });

  it('counts one impression and one click per billboard and conversation, and reports CTR', async () => {
    const site = await newSite('Counted');
    const a = await create({
      siteId: site.id,
      kind: 'link',
      text: 'Offer',
      linkUrl: 'https://example.com/a',
    });
    const b = await create(textBillboard(site.id, 'Hello'));
    const seen = (v: { token: string; conversationId: string }, id: string) =>
      ok(
        tk.request(
          'POST',
          `${API}/billboards/${id}/impressions`,
          { conversationId: v.conversationId },
          v.token,
        ),
        200,
        'impression',
      );
    const click = (v: { token: string; conversationId: string }, id: string) =>
      ok(
        tk.request(
          'POST',
          `${API}/billboards/${id}/clicks`,
          { conversationId: v.conversationId },
          v.token,
        ),
        200,
        'click',
      );
    const v1 = await visitorWithChat(tk, site.embedKey);
    const v2 = await visitorWithChat(tk, site.embedKey);
    expect(await seen(v1, a.id)).to.deep.equal({ counted: true });
    expect(await seen(v1, a.id)).to.deep.equal({ counted: false });
    await seen(v1, b.id);
    await seen(v2, a.id);
    expect(await click(v1, a.id)).to.deep.equal({
      counted: true,
      linkUrl: 'https://example.com/a',
    });
    expect(await click(v1, a.id)).to.include({ counted: false });
    const report = await ok(
      tk.request('GET', `${API}/report?siteId=${site.id}`, undefined, t.admin.token),
      200,
    );
    const byId = Object.fromEntries(report.billboards.map((r: any) => [r.id, r]));
    expect(byId[a.id]).to.include({ impressions: 2, clicks: 1, ctr: 0.5 });
    expect(byId[b.id]).to.include({ impressions: 1, clicks: 0, ctr: 0 });
    expect(report.totals).to.deep.equal({ impressions: 3, clicks: 1, ctr: 0.3333 });

    await tk.clock.advance(3_600_000);
    const later = tk.clock.now();
    const v3 = await visitorWithChat(tk, site.embedKey);
    await seen(v3, b.id);
    const recent = await ok(
      tk.request(
        'GET',
        `${API}/report?siteId=${site.id}&from=${new Date(later).toISOString()}`,
        undefined,
        t.admin.token,
      ),
      200,
    );
    expect(recent.from).to.equal(later);
    expect(recent.totals).to.deep.equal({ impressions: 1, clicks: 0, ctr: 0 });
    const earlier = await ok(
      tk.request('GET', `${API}/report?siteId=${site.id}&to=${later}`, undefined, t.admin.token),
      200,
    );
    expect(earlier.totals.impressions).to.equal(3);
    const backwards = await tk.request(
      'GET',
      `${API}/report?from=${later}&to=${later - 1}`,
      undefined,
      t.admin.token,
    );
    expect(backwards.status).to.equal(400);
    const garbage = await tk.request(
      'GET',
      `${API}/report?from=yesterday`,
      undefined,
      t.admin.token,
    );
    expect(garbage.status).to.equal(400);
    expect(garbage.body.error.message).to.contain('ISO date');
  });

  it("refuses to count for another visitor's conversation, another site's billboard, or staff", async () => {
    const site = await newSite('Guarded');
    const mine = await create(textBillboard(site.id, 'Mine'));
    const elsewhere = await create(textBillboard(t.siteId, 'Elsewhere'));
    const v1 = await visitorWithChat(tk, site.embedKey);
    const v2 = await visitorWithChat(tk, site.embedKey);
    const stolen = await tk.request(
      'POST',
      `${API}/billboards/${mine.id}/impressions`,
      { conversationId: v2.conversationId },
      v1.token,
    );
    expect(stolen.status).to.equal(404);
    expect(stolen.body.error.code).to.equal('BILLBOARDS_CONVERSATION_NOT_FOUND');
    const otherSite = await tk.request(
      'POST',
      `${API}/billboards/${elsewhere.id}/clicks`,
      { conversationId: v1.conversationId },
      v1.token,
    );
    expect(otherSite.status).to.equal(404);
    expect(otherSite.body.error.code).to.equal('BILLBOARDS_NOT_FOUND');
    const staff = await tk.request(
      'POST',
      `${API}/billboards/${mine.id}/impressions`,
      { conversationId: v1.conversationId },
      t.admin.token,
    );
    expect(staff.status).to.equal(403);
    const foreign = await setupDesk(tk, 1);
    const fv = await visitorWithChat(tk, foreign.embedKey);
    const crossTenant = await tk.request(
      'POST',
      `${API}/billboards/${mine.id}/impressions`,
      { conversationId: fv.conversationId },
      fv.token,
    );
    expect(crossTenant.status).to.equal(404);
    const report = await ok(
      tk.request('GET', `${API}/report?siteId=${site.id}`, undefined, t.admin.token),
      200,
    );
    expect(report.totals.impressions).to.equal(0);
  });

  it('follows the tenant settings: default interval, and hidden from visitors when switched off', async () => {
    const site = await newSite('Configured');
    await create(textBillboard(site.id, 'Configured'));
    const visitor = await startVisitor(tk, site.embedKey);
    const settings = `/api/v1/plugins/billboards/settings`;
    await ok(tk.request('PUT', settings, { defaultIntervalSeconds: 12 }, t.admin.token), 200);
    expect((await active(visitor.token)).billboards[0].intervalSeconds).to.equal(12);
    const bad = await tk.request('PUT', settings, { defaultIntervalSeconds: 1 }, t.admin.token);
    expect(bad.status).to.equal(400);
    await ok(tk.request('PUT', settings, { showToVisitors: false }, t.admin.token), 200);
    expect((await active(visitor.token)).billboards).to.deep.equal([]);
    await ok(tk.request('PUT', settings, {}, t.admin.token), 200);
    expect((await active(visitor.token)).billboards).to.have.length(1);
  });

  it("declares its events table so a visitor's erase removes their counts", async () => {
    const tables = await ok(tk.request('GET', '/api/v1/privacy/tables'), 200);
    expect(JSON.stringify(tables)).to.contain('billboards_events');
    const site = await newSite('Erased');
    const b = await create(textBillboard(site.id, 'Erase me'));
    const v = await visitorWithChat(tk, site.embedKey);
    await ok(
      tk.request(
        'POST',
        `${API}/billboards/${b.id}/impressions`,
        { conversationId: v.conversationId },
        v.token,
      ),
      200,
    );
    await ok(
      tk.request('DELETE', `/api/v1/visitors/${v.visitorId}`, undefined, t.admin.token),
      200,
      'erase',
    );
    const rows = await tk.knex('billboards_events').where({ visitor_id: v.visitorId });
    expect(rows).to.have.length(0);
  });
});

describe('billboards plugin switched off at run time', () => {
  let tk: TestKernel;
  before(async () => {
    tk = await boot();
  });
  after(() => tk.stop());

  it('answers 404 on its routes and leaves no UI contribution, and comes back when enabled', async () => {
    const t = await createTenantWithAdmin(tk);
    const billboard = await ok(
      tk.request(
        'POST',
        `${API}/billboards`,
        textBillboard(t.siteId, 'Still here later'),
        t.admin.token,
      ),
      201,
    );
    const visitor = await startVisitor(tk, t.embedKey);
    const widget = async () =>
      (
        await ok(
          tk.request('GET', '/api/v1/ui/contributions?surface=widget', undefined, visitor.token),
          200,
        )
      ).contributions as any[];
    expect((await widget()).map((c) => c.element)).to.include('sb-billboards-rotator');
    const console = await ok(
      tk.request('GET', '/api/v1/ui/contributions?surface=console', undefined, t.admin.token),
      200,
    );
    expect(console.contributions.map((c: any) => c.element)).to.include('sb-billboards-admin');

    await ok(tk.request('PUT', '/api/v1/plugins/billboards/state', { enabled: false }), 200);
    for (const path of ['/active', '/billboards', '/report', `/billboards/${billboard.id}`]) {
      const res = await tk.request('GET', `${API}${path}`, undefined, visitor.token);
      expect(res.status, path).to.equal(404);
    }
    expect((await widget()).filter((c) => c.pluginId === 'billboards')).to.deep.equal([]);
    const module = await fetch(`${tk.url}/ui/plugins/billboards/dist/ui/billboards-rotator.js`);
    expect(module.status).to.equal(404);

    await ok(tk.request('PUT', '/api/v1/plugins/billboards/state', { enabled: true }), 200);
    const back = await ok(tk.request('GET', `${API}/active`, undefined, visitor.token), 200);
    expect(back.billboards.map((b: any) => b.text)).to.deep.equal(['Still here later']);
  });
});
