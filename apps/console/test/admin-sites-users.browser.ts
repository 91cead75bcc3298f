import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { accountsTestConfig, createTenantWithAdmin } from '../../../core/test/support/accounts.js';
import { launchBrowser, openPage, screenshot } from '../../e2e/test/support/browser.js';

/** Signs in on the console's login page, then opens Admin. */
async function openAdmin(page: Page, url: string, email: string, password: string) {
  await page.goto(`${url}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Admin' }).click();
  await page.getByRole('heading', { name: 'Administration' }).waitFor();
}

describe('Admin → Sites and Users in the console', () => {
  let tk: TestKernel;
  let browser: Browser;
  let admin: { email: string; password: string; token: string };

  const sites = async () =>
    (await tk.request('GET', '/api/v1/sites', undefined, admin.token)).body.sites as {
      name: string;
      embedKey: string;
      allowedOrigins: string[];
      domains: string[];
    }[];

  before(async () => {
    tk = await createTestKernel({ config: accountsTestConfig });
    ({ admin } = await createTenantWithAdmin(tk, { siteName: 'Main site' }));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tk?.stop();
  });

  it('creates a site, shows its embed snippet with its key, and rotates the key after a confirmation', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await openAdmin(page, tk.url, admin.email, admin.password);
      await page.getByRole('button', { name: 'New site' }).click();
      await page.getByLabel('Site name').fill('Shop');
      await page.getByLabel('Domains').fill('shop.example.com');
      await page.getByLabel('Allowed origins').fill('https://shop.example.com/path');
      await page.getByRole('button', { name: 'Create site' }).click();
      await page.getByText('Item 1: must be an origin such as https://shop.example.com').waitFor();
      expect(await page.getByLabel('Allowed origins').getAttribute('aria-invalid')).to.equal(
        'true',
      );
      expect((await sites()).map((s) => s.name)).to.deep.equal(['Main site']);

      await page.getByLabel('Allowed origins').fill('https://shop.example.com');
      await page.getByRole('button', { name: 'Create site' }).click();
      await page.getByRole('heading', { name: 'Embed snippet of Shop' }).waitFor();
      const shop = (await sites()).find((s) => s.name === 'Shop')!;
      expect(shop.allowedOrigins).to.deep.equal(['https://shop.example.com']);
      expect(shop.domains).to.deep.equal(['shop.example.com']);
      const snippet = page.getByLabel('Embed snippet', { exact: true });
      expect(await snippet.inputValue()).to.equal(
        `<script async src="${tk.url}/widget/loader.js" data-key="${shop.embedKey}"></script>`,
      );
      await screenshot(page, 'admin-site-created');

      await page.getByRole('button', { name: 'Rotate embed key…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Rotate the embed key?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect((await sites()).find((s) => s.name === 'Shop')!.embedKey).to.equal(shop.embedKey);

      await page.getByRole('button', { name: 'Rotate embed key…' }).click();
      await dialog.getByRole('button', { name: 'Rotate key' }).click();
      await page.getByRole('status').filter({ hasText: 'The embed key was rotated' }).waitFor();
      const rotated = (await sites()).find((s) => s.name === 'Shop')!.embedKey;
      expect(rotated).not.to.equal(shop.embedKey);
      expect(await snippet.inputValue()).to.include(`data-key="${rotated}"`);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('saves a branded chat window of a site', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await openAdmin(page, tk.url, admin.email, admin.password);
      await page.getByRole('button', { name: 'Main site' }).click();
      const branding = page.getByRole('form', { name: 'Branding' });
      await branding.getByLabel('Accent colour').first().fill('blue');
      await branding.getByRole('button', { name: 'Save branding' }).click();
      await branding.getByText('must be a colour written #rrggbb').waitFor();

      await branding.getByLabel('Accent colour').first().fill('#aa3300');
      await branding.getByRole('button', { name: 'Add chat window' }).click();
      await branding.getByLabel('Name').fill('sales');
      await branding.getByLabel('Title').nth(1).fill('Talk to sales');
      await branding.getByRole('button', { name: 'Add pre-chat field' }).first().click();
      await branding.getByLabel('Key').fill('company');
      await branding.getByLabel('Label shown to the visitor').fill('Company');
      await branding.getByRole('button', { name: 'Save branding' }).click();
      await branding.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      const main = (
        await tk.request('GET', '/api/v1/sites', undefined, admin.token)
      ).body.sites.find((s: { name: string }) => s.name === 'Main site');
      expect(main.branding).to.deep.equal({
        colour: '#aa3300',
        prechatFields: [{ name: 'company', label: 'Company', type: 'text', required: false }],
        chatWindows: { sales: { title: 'Talk to sales' } },
      });
      await screenshot(page, 'admin-site-branding');
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('creates a user with skills, shows the union of skills as chips, and puts a taken email on its field', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await openAdmin(page, tk.url, admin.email, admin.password);
      // The section tabs work from the keyboard (arrow keys move and select).
      await page.getByRole('tab', { name: 'Sites' }).focus();
      await page.keyboard.press('ArrowRight');
      const usersTab = page.getByRole('tab', { name: 'Users' });
      await page.getByRole('button', { name: 'New user' }).waitFor();
      expect(await usersTab.getAttribute('aria-selected')).to.equal('true');
      expect(
        await usersTab.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el),
      ).to.equal(true);
      expect(page.url()).to.match(/\/console\/admin\/users$/);
      await page.getByRole('button', { name: 'New user' }).click();
      const form = page.getByRole('form', { name: 'New user' });
      await form.getByLabel('Name').fill('Una Agent');
      await form.getByLabel('Email').fill('una@example.test');
      await form.getByLabel('Password').fill('a long enough passphrase');
      await form.getByLabel('Capacity').fill('4');
      await form.getByLabel('Skills').fill('billing\nsales');
      await form.getByRole('button', { name: 'Create user' }).click();
      await page.getByRole('status').filter({ hasText: 'User Una Agent created.' }).waitFor();
      const users = (await tk.request('GET', '/api/v1/users', undefined, admin.token)).body.users;
      const una = users.find((u: { email: string }) => u.email === 'una@example.test');
      expect(una).to.include({ name: 'Una Agent', role: 'agent', capacity: 4 });
      expect(una.skills).to.deep.equal(['billing', 'sales']);
      const skills = page.getByRole('region', { name: 'Skills in use' });
      expect(await skills.getByRole('listitem').allTextContents()).to.have.length(2);
      await skills.getByText('billing').waitFor();

      await page.getByRole('button', { name: 'New user' }).click();
      await form.getByLabel('Name').fill('Una Again');
      await form.getByLabel('Email').fill('una@example.test');
      await form.getByLabel('Password').fill('another long passphrase');
      await form.getByRole('button', { name: 'Create user' }).click();
      await form.getByText('exists already in this tenant').waitFor();
      expect(await form.getByLabel('Email').getAttribute('aria-invalid')).to.equal('true');
      await screenshot(page, 'admin-users');

      await page.getByRole('button', { name: 'Edit Una Agent' }).click();
      const edit = page.getByRole('form', { name: 'Edit Una Agent' });
      await edit.getByLabel('Role').selectOption({ label: 'Supervisor' });
      await edit.getByRole('button', { name: 'Save user' }).click();
      await page.getByRole('status').filter({ hasText: 'User Una Agent saved.' }).waitFor();
      const after = (await tk.request('GET', `/api/v1/users/${una.id}`, undefined, admin.token))
        .body;
      expect(after.role).to.equal('supervisor');
      expect(after.skills).to.deep.equal(['billing', 'sales']);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
