import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { accountsTestConfig, createTenantWithAdmin } from '../../../core/test/support/accounts.js';
import { launchBrowser, openPage, screenshot } from '../../e2e/test/support/browser.js';

const require = createRequire(import.meta.url);
const cannedResponses = fileURLToPath(
  new URL('../../../plugins/canned-responses', import.meta.url),
);

/** Signs in on the console's login page, then opens Admin → Plugins. */
async function openAdminPlugins(page: Page, url: string, email: string, password: string) {
  await page.goto(`${url}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Admin' }).click();
  await page.getByRole('tab', { name: 'Plugins' }).click();
  await page.getByRole('heading', { name: 'Canned responses' }).waitFor();
}

/**
 * axe on element `tag` (found through the shell's shadow roots) of the current page, whose
 * context must bypass the CSP; answers the serious and critical violations.
 */
async function seriousAxeViolations(page: Page, tag: string): Promise<unknown[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async (target) => {
    // The chain of shadow hosts down to the element, as axe's shadow-DOM selector.
    const queue: { root: Document | ShadowRoot; path: string[] }[] = [{ root: document, path: [] }];
    let include: string[] | null = null;
    while (queue.length > 0 && !include) {
      const { root, path } = queue.shift()!;
      if (root.querySelector(target)) include = [...path, target];
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (el.shadowRoot) queue.push({ root: el.shadowRoot, path: [...path, el.localName] });
      }
    }
    if (!include) throw new Error(`${target} is not on the page`);
    const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<any> } }).axe;
    const result = await axe.run(
      { include: [include.length === 1 ? include[0] : include] },
      { resultTypes: ['violations'] },
    );
    return (result.violations as any[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n: any) => n.target) }));
  }, tag);
}

describe('Admin → Plugins in the console', () => {
  let tk: TestKernel;
  let browser: Browser;
  let admin: { email: string; password: string; token: string };
  let operator: { email: string; password: string };

  const settings = async () => {
    const res = await tk.request(
      'GET',
      '/api/v1/plugins/canned-responses/settings',
      undefined,
      admin.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.value as { trigger: string; expandInMessages: boolean };
  };
  const pluginState = async () => {
    const res = await tk.request('GET', '/api/v1/plugins/canned-responses', undefined, admin.token);
    return res.body.state as string;
  };

  before(async () => {
    tk = await createTestKernel({ plugins: [cannedResponses], config: accountsTestConfig });
    ({ admin } = await createTenantWithAdmin(tk));
    // Turning plugins on and off is for admins of the deployment's own tenant (`default`).
    operator = { email: 'ops@example.test', password: 'deployment admin passphrase' };
    const created = await tk.request('POST', '/api/v1/users', {
      tenantId: 'default',
      name: 'Deployment admin',
      role: 'admin',
      ...operator,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tk?.stop();
  });

  it('edits a plugin setting through the form generated from its schema, refusing an invalid value inline', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      const puts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'PUT' && r.url().includes('/settings')) puts.push(r.url());
      });
      await openAdminPlugins(page, tk.url, admin.email, admin.password);
      await page.getByRole('button', { name: 'Settings' }).click();
      const trigger = page.getByLabel('Trigger');
      await expect(await trigger.inputValue()).to.equal('/');
      expect(
        await page.getByText("Characters that start a shortcut in an agent's message").count(),
      ).to.equal(1);

      await trigger.fill('toolong');
      await page.getByRole('button', { name: 'Save settings' }).click();
      const message = page.getByText('must be at most 3 characters long');
      await message.waitFor();
      expect(await trigger.getAttribute('aria-invalid')).to.equal('true');
      const describedBy = (await trigger.getAttribute('aria-describedby')) ?? '';
      const errorId = await message.getAttribute('id');
      expect(describedBy.split(' ')).to.include(errorId);
      expect(
        await trigger.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el),
      ).to.equal(true);
      await screenshot(page, 'admin-plugin-settings-invalid');
      expect(puts, 'nothing is sent while the form is invalid').to.deep.equal([]);
      expect((await settings()).trigger).to.equal('/');

      await trigger.fill('#');
      await page.getByLabel('Expand in messages').uncheck();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect(await message.count()).to.equal(0);
      expect(await settings()).to.deep.equal({ trigger: '#', expandInMessages: false });
      await screenshot(page, 'admin-plugin-settings-saved');
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('shows the problems of a refused save at the fields the server names', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await openAdminPlugins(page, tk.url, admin.email, admin.password);
      await page.route('**/api/v1/plugins/canned-responses/settings', (route) =>
        route.request().method() === 'PUT'
          ? route.fulfill({
              status: 400,
              contentType: 'application/json',
              body: JSON.stringify({
                error: {
                  code: 'REQUEST_INVALID',
                  message: 'Invalid settings: /trigger is reserved',
                  requestId: 'r1',
                  details: {
                    problems: [{ path: '/trigger', message: 'is reserved by another plugin' }],
                  },
                },
              }),
            })
          : route.continue(),
      );
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByLabel('Trigger').fill('!');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('is reserved by another plugin').waitFor();
      expect(await page.getByLabel('Trigger').getAttribute('aria-invalid')).to.equal('true');
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('lets only an admin of the deployment’s own tenant turn plugins on and off', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await openAdminPlugins(page, tk.url, admin.email, admin.password);
      const toggle = page.getByRole('switch', { name: 'Canned responses enabled' });
      expect(await toggle.isDisabled()).to.equal(true);
      await page.getByText('only admins of the deployment’s own tenant can do it').waitFor();
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('disables a plugin live from the admin UI and enables it again', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await openAdminPlugins(page, tk.url, operator.email, operator.password);
      const toggle = page.getByRole('switch', { name: 'Canned responses enabled' });
      expect(await toggle.getAttribute('aria-checked')).to.equal('true');
      expect(await pluginState()).to.equal('active');

      await toggle.click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Canned responses is now disabled.' })
        .waitFor();
      expect(await toggle.getAttribute('aria-checked')).to.equal('false');
      expect(await pluginState()).to.equal('disabled');
      await screenshot(page, 'admin-plugin-disabled');

      await toggle.click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Canned responses is now active.' })
        .waitFor();
      expect(await toggle.getAttribute('aria-checked')).to.equal('true');
      expect(await pluginState()).to.equal('active');
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('has no serious or critical axe violations on the plugins tab', async () => {
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 1280, height: 800 },
    });
    try {
      const page = await context.newPage();
      await openAdminPlugins(page, tk.url, admin.email, admin.password);
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByLabel('Trigger').waitFor();
      await screenshot(page, 'admin-plugins');
      expect(await seriousAxeViolations(page, 'sb-admin-view')).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
