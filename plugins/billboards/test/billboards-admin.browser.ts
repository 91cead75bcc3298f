import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { TestKernel } from '@switchboard/sdk/testing';
import { launchBrowser, openPage, screenshot } from '../../../apps/e2e/test/support/browser.js';
import { createTenantWithAdmin, type TestTenant } from '../../../core/test/support/accounts.js';
import { boot, ok } from './support.js';

const API = '/api/v1/plugins/billboards';

/** The console's policy (core/src/http/content-security.ts). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "img-src 'self' data: blob: https:; object-src 'none'; base-uri 'none'";

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Admin</title>
<script type="module" src="/ui/plugins/billboards/dist/ui/billboards-admin.js"></script>
</head><body><main></main></body></html>`;

/** Plain JavaScript (see billboards-rotator.browser.ts for why it is a string). */
const MOUNT = `({ token }) => {
  const el = document.createElement('sb-billboards-admin');
  el.context = {
    pluginId: 'billboards', slot: 'admin.settings', surface: 'console',
    user: null, visitor: null, message: null, conversation: null,
    async api(path, init) {
      const res = await fetch(path, {
        method: init?.method ?? 'GET',
        headers: {
          authorization: 'Bearer ' + token,
          ...(init?.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const body = res.status === 204 ? null : await res.json().catch(() => null);
      if (!res.ok) throw Object.assign(new Error(body?.error?.message), { status: res.status });
      return body;
    },
    call: () => Promise.reject(new Error('no socket')),
    on: () => () => undefined,
  };
  document.querySelector('main').append(el);
}`;

/** The `admin.settings` element: managing billboards through the real API. */
describe('billboards admin element (browser)', function () {
  this.timeout(60_000);
  let tk: TestKernel;
  let browser: Browser;
  let t: TestTenant;

  before(async () => {
    tk = await boot();
    browser = await launchBrowser();
    t = await createTenantWithAdmin(tk);
  });
  after(async () => {
    await browser?.close();
    await tk?.stop();
  });

  async function mount(page: Page): Promise<void> {
    await page.route(`${tk.url}/billboards-admin.html`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        headers: { 'content-security-policy': CSP },
        body: PAGE,
      }),
    );
    await page.goto(`${tk.url}/billboards-admin.html`);
    await page.waitForFunction(() => Boolean(customElements.get('sb-billboards-admin')));
    await page.evaluate(`(${MOUNT})(${JSON.stringify({ token: t.admin.token })})`);
  }

  it('adds, refuses an unsafe link, reorders, disables and deletes billboards', async () => {
    const { context, page, errors } = await openPage(browser);
    page.setDefaultTimeout(10_000);
    page.on('dialog', (dialog) => void dialog.accept());
    await mount(page);
    await page.getByText('No billboards here yet.').waitFor();

    const add = async (kind: string, text: string, link?: string) => {
      await page.getByRole('button', { name: 'Add billboard' }).click();
      const form = page.getByRole('form', { name: 'New billboard' });
      await form.getByLabel('Kind').selectOption(kind);
      await form.getByRole('textbox', { name: 'Text', exact: true }).fill(text);
      if (link !== undefined) await form.getByLabel('Link (http or https)').fill(link);
      await form.getByRole('button', { name: 'Save billboard' }).click();
    };
    await add('text', 'Welcome <b>friend</b>');
    await page.getByRole('status').getByText('Billboard added.').waitFor();
    await add('link', 'Our offer', 'javascript:alert(1)');
    await page
      .getByRole('alert')
      .getByText(/"javascript:" links are refused/)
      .waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await add('link', 'Our offer', 'https://example.com/offer');
    await page.getByRole('button', { name: 'Move up: Our offer' }).waitFor();

    await page.getByRole('button', { name: 'Move up: Our offer' }).click();
    await page.getByRole('status').getByText('Order saved.').waitFor();
    const list = await ok(tk.request('GET', `${API}/billboards`, undefined, t.admin.token), 200);
    expect(list.billboards.map((b: any) => b.text)).to.deep.equal([
      'Our offer',
      'Welcome <b>friend</b>',
    ]);
    expect(
      await page.getByRole('cell', { name: 'Welcome <b>friend</b>', exact: true }).count(),
    ).to.equal(1);

    await page.getByRole('checkbox', { name: 'Enabled: Our offer' }).uncheck();
    await page.getByRole('status').getByText('Billboard disabled.').waitFor();
    const [offer] = (
      await ok(tk.request('GET', `${API}/billboards`, undefined, t.admin.token), 200)
    ).billboards;
    expect(offer.enabled).to.equal(false);
    expect(await page.getByRole('columnheader', { name: 'CTR' }).count()).to.equal(1);
    await screenshot(page, 'billboards-admin');

    await page.getByRole('button', { name: 'Delete: Our offer' }).click();
    await page.getByRole('status').getByText('Billboard deleted.').waitFor();
    const after = await ok(tk.request('GET', `${API}/billboards`, undefined, t.admin.token), 200);
    expect(after.billboards.map((b: any) => b.text)).to.deep.equal(['Welcome <b>friend</b>']);
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
