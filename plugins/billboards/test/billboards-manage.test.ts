import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import {
  createTenantWithAdmin,
  createUser,
  type TestTenant,
} from '../../../core/test/support/accounts.js';
import { boot, ok, PNG_1X1, textBillboard, uploadRaw } from './support.js';

const API = '/api/v1/plugins/billboards';

/** Managing billboards: CRUD, order, limits, validation, images, permissions, tenants. */
describe('billboards management API', () => {
  let tk: TestKernel;
  let t: TestTenant;

  before(async () => {
    tk = await boot();
    t = await createTenantWithAdmin(tk);
  });
  after(() => tk.stop());

  const create = (body: Record<string, unknown>, token = t.admin.token) =>
    tk.request('POST', `${API}/billboards`, body, token);

  it('creates text, link and image billboards and lists them in the order they were added', async () => {
    const site = (
      await ok(tk.request('POST', '/api/v1/sites', { name: 'Order site' }, t.admin.token), 201)
    ).id;
    const a = await ok(create(textBillboard(site, 'Free shipping this week')), 201);
    const b = await ok(
      create({
        siteId: site,
        kind: 'link',
        text: 'See the offer',
        linkUrl: 'https://example.com/offer',
      }),
      201,
    );
    const image = await ok(uploadRaw(tk, t.admin.token, PNG_1X1), 201);
    const c = await ok(
      create({ siteId: site, kind: 'image', text: 'Summer sale banner', imageId: image.id }),
      201,
    );
    expect(a).to.include({ kind: 'text', enabled: true, window: null, position: 0, linkUrl: null });
    expect(b).to.include({ position: 1, linkUrl: 'https://example.com/offer' });
    expect(c).to.include({ position: 2, imageId: image.id, imageUrl: `${API}/images/${image.id}` });
    const list = await ok(
      tk.request('GET', `${API}/billboards?siteId=${site}`, undefined, t.admin.token),
      200,
    );
    expect(list.billboards.map((x: any) => x.id)).to.deep.equal([a.id, b.id, c.id]);
  });

  it('reorders, edits, disables and deletes a billboard', async () => {
    const site = (
      await ok(tk.request('POST', '/api/v1/sites', { name: 'Edit site' }, t.admin.token), 201)
    ).id;
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three'])
      ids.push((await ok(create(textBillboard(site, text)), 201)).id);
    const order = await ok(
      tk.request(
        'PUT',
        `${API}/order`,
        { siteId: site, ids: [ids[2], ids[0], ids[1]] },
        t.admin.token,
      ),
      200,
    );
    expect(order.billboards.map((x: any) => x.text)).to.deep.equal(['three', 'one', 'two']);
    const partial = await tk.request(
      'PUT',
      `${API}/order`,
      { siteId: site, ids: [ids[0]] },
      t.admin.token,
    );
    expect(partial.status).to.equal(400);
    expect(partial.body.error.code).to.equal('BILLBOARDS_ORDER_INVALID');
    expect(partial.body.error.message).to.contain('missing');

    const edited = await ok(
      tk.request(
        'PATCH',
        `${API}/billboards/${ids[0]}`,
        { text: 'uno', enabled: false, intervalSeconds: 5 },
        t.admin.token,
      ),
      200,
    );
    expect(edited).to.include({ text: 'uno', enabled: false, intervalSeconds: 5 });
    await ok(tk.request('DELETE', `${API}/billboards/${ids[1]}`, undefined, t.admin.token), 204);
    const gone = await tk.request('GET', `${API}/billboards/${ids[1]}`, undefined, t.admin.token);
    expect(gone.status).to.equal(404);
    expect(gone.body.error.code).to.equal('BILLBOARDS_NOT_FOUND');
  });

  it('refuses the 11th billboard of a site but lets a chat window have ten of its own', async () => {
    const site = await ok(
      tk.request(
        'POST',
        '/api/v1/sites',
        { name: 'Full site', branding: { chatWindows: { sales: { title: 'Sales' } } } },
        t.admin.token,
      ),
      201,
    );
    const made = await Promise.all(
      Array.from({ length: 10 }, (_, i) => create(textBillboard(site.id, `Message ${i + 1}`))),
    );
    expect(made.map((r) => r.status)).to.deep.equal(Array(10).fill(201));
    const eleventh = await create(textBillboard(site.id, 'Message 11'));
    expect(eleventh.status).to.equal(400);
    expect(eleventh.body.error.code).to.equal('BILLBOARDS_LIMIT_REACHED');
    expect(eleventh.body.error.message).to.match(/already has 10 billboards.*delete one/);
    await ok(create(textBillboard(site.id, 'For sales', { window: 'sales' })), 201);
    const unknownWindow = await create(textBillboard(site.id, 'Nowhere', { window: 'support' }));
    expect(unknownWindow.status).to.equal(400);
    expect(unknownWindow.body.error.details.problems[0].message).to.contain('sales');
  });

  it('refuses the 11th billboard even when many are added at once', async () => {
    const site = (
      await ok(tk.request('POST', '/api/v1/sites', { name: 'Race site' }, t.admin.token), 201)
    ).id;
    const answers = await Promise.all(
      Array.from({ length: 14 }, (_, i) => create(textBillboard(site, `Race ${i}`))),
    );
    expect(answers.filter((r) => r.status === 201)).to.have.length(10);
    expect(answers.filter((r) => r.status === 400).map((r) => r.body.error.code)).to.deep.equal(
      Array(4).fill('BILLBOARDS_LIMIT_REACHED'),
    );
  });

  it('refuses links that are not http(s), saying what to use instead', async () => {
    for (const linkUrl of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'ftp://example.com/file',
      '/relative/path',
      'https://user:secret@example.com/',
      'https://example.com/a b',
    ]) {
      const res = await create({ siteId: t.siteId, kind: 'link', text: 'Click', linkUrl });
      expect(res.status, linkUrl).to.equal(400);
      expect(res.body.error.code).to.equal('BILLBOARDS_INVALID');
      const [problem] = res.body.error.details.problems;
      expect(problem.path, linkUrl).to.equal('/linkUrl');
    }
    const js = await create({
      siteId: t.siteId,
      kind: 'link',
      text: 'Click',
      linkUrl: 'javascript:alert(1)',
    });
    expect(js.body.error.message).to.contain('"javascript:" links are refused');
    expect(js.body.error.message).to.contain('https://');
    const existing = await ok(create(textBillboard(t.siteId, 'Plain')), 201);
    const patched = await tk.request(
      'PATCH',
      `${API}/billboards/${existing.id}`,
      { kind: 'link', linkUrl: 'data:text/html,hi' },
      t.admin.token,
    );
    expect(patched.status).to.equal(400);
    expect(patched.body.error.message).to.contain('"data:" links are refused');
  });

  it('reports every problem at once: long text, bad dates, interval out of bounds, missing pieces', async () => {
    const res = await create({
      siteId: t.siteId,
      kind: 'link',
      text: 'x'.repeat(281),
      intervalSeconds: 2,
      startsAt: 2_000_000,
      endsAt: 1_000_000,
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('BILLBOARDS_INVALID');
    const byPath = Object.fromEntries(
      res.body.error.details.problems.map((p: any) => [p.path, p.message]),
    );
    expect(byPath['/text']).to.match(/281 characters.*at most 280/);
    expect(byPath['/linkUrl']).to.contain('is missing');
    expect(byPath['/intervalSeconds']).to.contain('3 to 60');
    expect(byPath['/endsAt']).to.contain('not after startsAt');
    const tooSlow = await create(textBillboard(t.siteId, 'Slow', { intervalSeconds: 61 }));
    expect(tooSlow.status).to.equal(400);
    const sameTime = await create(textBillboard(t.siteId, 'Instant', { startsAt: 5, endsAt: 5 }));
    expect(sameTime.status).to.equal(400);
    const image = await create({ siteId: t.siteId, kind: 'image', text: 'Banner' });
    expect(image.body.error.details.problems[0]).to.include({ path: '/imageId' });
    const unknownImage = await create({
      siteId: t.siteId,
      kind: 'image',
      text: 'Banner',
      imageId: 'nope',
    });
    expect(unknownImage.body.error.message).to.contain('not an uploaded image');
    const emoji = await create(textBillboard(t.siteId, '🎉'.repeat(280)));
    expect(emoji.status, 'length counts characters, not UTF-16 units').to.equal(201);
  });

  it('stores an uploaded image and serves it with its type and nosniff', async () => {
    const uploaded = await ok(uploadRaw(tk, t.admin.token, PNG_1X1), 201);
    expect(uploaded).to.include({ contentType: 'image/png', size: PNG_1X1.length });
    const res = await fetch(`${tk.url}${uploaded.url}`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('image/png');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG_1X1)).to.equal(true);
    const asJson = await ok(
      tk.request('POST', `${API}/images`, { data: PNG_1X1.toString('base64') }, t.admin.token),
      201,
    );
    expect(asJson.contentType).to.equal('image/png');
  });

  it('refuses images over 256 KB and files that are not PNG, JPEG, GIF or WebP', async () => {
    const big = Buffer.concat([PNG_1X1, Buffer.alloc(256 * 1024)]);
    const tooBig = await uploadRaw(tk, t.admin.token, big);
    expect(tooBig.status).to.equal(400);
    expect(tooBig.body.error.code).to.equal('BILLBOARDS_IMAGE_TOO_LARGE');
    expect(tooBig.body.error.message).to.contain('256 KB');
    const bigJson = await tk.request(
      'POST',
      `${API}/images`,
      { data: big.toString('base64') },
      t.admin.token,
    );
    expect(bigJson.body.error.code).to.equal('BILLBOARDS_IMAGE_TOO_LARGE');
    for (const fake of [
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      Buffer.from('<html><script>alert(1)</script></html>'),
      Buffer.alloc(0),
    ]) {
      const res = await uploadRaw(tk, t.admin.token, fake);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('BILLBOARDS_IMAGE_INVALID');
    }
  });

  it('lets supervisors manage billboards and refuses agents and visitors', async () => {
    const supervisor = await createUser(tk, t.admin.token, { role: 'supervisor' });
    const agent = await createUser(tk, t.admin.token, { role: 'agent' });
    await ok(create(textBillboard(t.siteId, 'By a supervisor'), supervisor.token), 201);
    await ok(tk.request('GET', `${API}/report`, undefined, supervisor.token), 200);
    const refused = await create(textBillboard(t.siteId, 'By an agent'), agent.token);
    expect(refused.status).to.equal(403);
    expect(refused.body.error.details.permission).to.equal('billboards.manage');
    const report = await tk.request('GET', `${API}/report`, undefined, agent.token);
    expect(report.status).to.equal(403);
    const visitor = await ok(
      tk.request('POST', '/api/v1/visitor/session', { embedKey: t.embedKey }, null),
      201,
    );
    expect((await create(textBillboard(t.siteId, 'By a visitor'), visitor.token)).status).to.equal(
      403,
    );
    expect((await tk.request('GET', `${API}/billboards`, undefined, null)).status).to.equal(401);
  });

  it("keeps tenants apart: another tenant's admin can neither see nor change them", async () => {
    const mine = await ok(create(textBillboard(t.siteId, 'Mine')), 201);
    const other = await createTenantWithAdmin(tk, { name: 'Other tenant' });
    const as = other.admin.token;
    const list = await ok(tk.request('GET', `${API}/billboards`, undefined, as), 200);
    expect(list.billboards).to.deep.equal([]);
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { text: 'Theirs now' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await tk.request(method, `${API}/billboards/${mine.id}`, body, as);
      expect(res.status, method).to.equal(404);
      expect(res.body.error.code).to.equal('BILLBOARDS_NOT_FOUND');
    }
    const onMySite = await tk.request(
      'POST',
      `${API}/billboards`,
      textBillboard(t.siteId, 'Intruder'),
      as,
    );
    expect(onMySite.status).to.equal(404);
    expect(onMySite.body.error.code).to.equal('BILLBOARDS_SITE_NOT_FOUND');
    const report = await ok(tk.request('GET', `${API}/report`, undefined, as), 200);
    expect(report.billboards).to.deep.equal([]);
    const reorder = await tk.request(
      'PUT',
      `${API}/order`,
      { siteId: t.siteId, ids: [mine.id] },
      as,
    );
    expect(reorder.status).to.equal(404);
    const sites = await ok(tk.request('GET', `${API}/sites`, undefined, as), 200);
    expect(sites.sites.map((s: any) => s.id)).to.deep.equal([other.siteId]);
    expect(
      (await tk.request('GET', `${API}/billboards/${mine.id}`, undefined, t.admin.token)).body.text,
    ).to.equal('Mine');
  });

  it('needs ?tenant= for the operator token', async () => {
    const res = await tk.request('GET', `${API}/billboards`);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('TENANT_REQUIRED');
    await ok(tk.request('GET', `${API}/billboards?tenant=${t.tenantId}`), 200);
  });
});
