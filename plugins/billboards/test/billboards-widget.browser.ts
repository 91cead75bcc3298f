import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { TestKernel } from '@switchboard/sdk/testing';
import { launchBrowser, openPage, screenshot } from '../../../apps/e2e/test/support/browser.js';
import {
  hostPage,
  startHostSite,
  widgetFrame,
  type HostSite,
} from '../../../apps/widget/test/support/widget-env.js';
import { createTenantWithAdmin, createUser } from '../../../core/test/support/accounts.js';
import { boot, ok } from './support.js';

const API = '/api/v1/plugins/billboards';

/** End to end through the real widget (apps/widget), which mounts `widget.waiting` in its queue view. */
describe('billboards in the real widget (browser)', function () {
  this.timeout(60_000);
  let tk: TestKernel;
  let site: HostSite;
  let browser: Browser;

  before(async () => {
    tk = await boot();
    site = await startHostSite();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await tk?.stop();
  });

  it('rotates billboards while the visitor waits and removes them once the agent answers', async () => {
    const tenant = await createTenantWithAdmin(tk, { siteName: 'Acme shop' });
    const agent = await createUser(tk, tenant.admin.token, { role: 'agent', name: 'Ada' });
    await ok(tk.request('POST', '/api/v1/presence', { presence: 'online' }, agent.token), 200);
    await ok(
      tk.request(
        'PATCH',
        `/api/v1/sites/${tenant.siteId}`,
        {
          allowedOrigins: [site.origin],
          branding: {
            prechatFields: [{ name: 'name', label: 'Your name', type: 'text', required: true }],
          },
        },
        tenant.admin.token,
      ),
      200,
    );
    const made = [];
    for (const text of ['Free shipping this week', 'New: gift cards']) {
      made.push(
        await ok(
          tk.request(
            'POST',
            `${API}/billboards`,
            { siteId: tenant.siteId, kind: 'text', text, intervalSeconds: 3 },
            tenant.admin.token,
          ),
          201,
        ),
      );
    }
    site.page('/', hostPage({ server: tk.url, embedKey: tenant.embedKey, title: 'Shop' }));
    const { context, page, errors } = await openPage(browser);
    await page.goto(site.url('/'));
    const frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Chat with us' }).click();
    await frame.getByLabel('Your name').fill('Grace');
    await frame.getByRole('button', { name: 'Start chat' }).click();

    const region = frame.getByRole('region', { name: 'Announcements' });
    await region.getByText('Free shipping this week').waitFor({ timeout: 10_000 });
    await region.getByText('New: gift cards').waitFor({ timeout: 6_000 });
    await screenshot(page, 'billboards-widget-waiting');

    const queue = await ok(tk.request('GET', '/api/v1/queue', undefined, agent.token), 200);
    const conversationId = queue.queue[0].id as string;
    await ok(
      tk.request('POST', `/api/v1/conversations/${conversationId}/pick`, {}, agent.token),
      200,
    );
    await ok(
      tk.request(
        'POST',
        `/api/v1/conversations/${conversationId}/messages`,
        { body: 'Hi Grace, how can I help?' },
        agent.token,
      ),
      201,
    );
    await frame.getByText('Hi Grace, how can I help?', { exact: true }).waitFor();
    await region.waitFor({ state: 'hidden' });
    expect(await frame.getByText('Free shipping this week').count()).to.equal(0);

    const report = await ok(tk.request('GET', `${API}/report`, undefined, tenant.admin.token), 200);
    expect(report.billboards.map((r: any) => r.impressions)).to.deep.equal([1, 1]);
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
