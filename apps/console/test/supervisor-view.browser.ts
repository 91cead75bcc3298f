import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { accountsTestConfig } from '../../../core/test/support/accounts.js';
import { setupDesk, visitorWithChat, type Desk } from '../../../core/test/support/chat.js';
import { launchBrowser, openPage, screenshot } from '../../e2e/test/support/browser.js';

const require = createRequire(import.meta.url);

/** Signs in as `email` on the console's login page, then opens the supervisor view. */
async function openSupervisor(page: Page, url: string, email: string, password: string) {
  await page.goto(`${url}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Supervisor' }).click();
  await page.getByRole('heading', { name: 'Supervision' }).waitFor();
}

/** axe on `tag` (found through the shadow roots); answers serious and critical violations. */
async function seriousAxeViolations(page: Page, tag: string): Promise<unknown[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  }
  return page.evaluate(async (target) => {
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

describe('The supervisor view of the console', () => {
  let tk: TestKernel;
  let browser: Browser;
  let desk: Desk;
  let admin: { email: string; password: string };

  before(async () => {
    tk = await createTestKernel({ config: accountsTestConfig });
    desk = await setupDesk(tk, 2, 3);
    // setupDesk keeps the admin's password to itself: give the admin a known one.
    const password = 'supervisor passphrase';
    const me = await tk.request(
      'GET',
      `/api/v1/users/${desk.admin.id}`,
      undefined,
      desk.admin.token,
    );
    const set = await tk.request(
      'PATCH',
      `/api/v1/users/${desk.admin.id}`,
      { password },
      desk.admin.token,
    );
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    admin = { email: me.body.email as string, password };
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tk?.stop();
  });

  it('shows each agent’s load against capacity and updates live as a chat waits and is taken', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await openSupervisor(page, tk.url, admin.email, admin.password);
      await page.evaluate(() => {
        document.addEventListener(
          'sb-open-conversation',
          (e) => {
            (window as unknown as { opened: string }).opened = (
              e as CustomEvent<{ conversationId: string }>
            ).detail.conversationId;
            e.stopImmediatePropagation();
          },
          { capture: true },
        );
      });
      await page.getByRole('tab', { name: 'Agents' }).click();
      const row = page.getByRole('row').filter({ hasText: 'Agent 1' });
      await row.getByText('0 / 3').waitFor();
      expect(await row.getByText('Online').count()).to.equal(1);
      const meter = row.getByRole('meter', { name: 'Load of Agent 1' });
      expect(await meter.getAttribute('aria-valuetext')).to.equal('0 of 3 chats');

      // A visitor asks for a chat: it waits (no routing plugin), live in the queues.
      const chat = await visitorWithChat(tk, desk.embedKey);
      await page.getByRole('tab', { name: 'Queues' }).click();
      const queueRow = page.getByRole('row').filter({ hasText: 'No department' });
      await queueRow.getByRole('cell', { name: '1', exact: true }).first().waitFor();

      // Agent 1 takes it (over REST, as their console would): their load goes up at once.
      const pick = await tk.request(
        'POST',
        `/api/v1/conversations/${chat.conversationId}/pick`,
        {},
        desk.agents[0]!.token,
      );
      expect(pick.status, JSON.stringify(pick.body)).to.equal(200);
      await page.getByRole('tab', { name: 'Agents' }).click();
      await row.getByText('1 / 3').waitFor({ timeout: 5000 });
      expect(await meter.getAttribute('aria-valuetext')).to.equal('1 of 3 chats');
      await screenshot(page, 'supervisor-agents');

      await page.getByRole('tab', { name: 'Live chats' }).click();
      const chatRow = page.locator(`tr[data-conversation="${chat.conversationId}"]`);
      await chatRow.getByText('Agent 1').waitFor();
      await chatRow.getByRole('button', { name: /^Open chat with/ }).click();
      expect(await page.evaluate(() => (window as unknown as { opened?: string }).opened)).to.equal(
        chat.conversationId,
      );
      await screenshot(page, 'supervisor-chats');

      // The visitor leaves: the chat is gone and the load back to 0, without a reload.
      const end = await tk.request(
        'POST',
        `/api/v1/conversations/${chat.conversationId}/end`,
        {},
        desk.agents[0]!.token,
      );
      expect(end.status, JSON.stringify(end.body)).to.equal(200);
      await page.getByText('No open chats right now.').waitFor({ timeout: 5000 });
      await page.getByRole('tab', { name: 'Agents' }).click();
      await row.getByText('0 / 3').waitFor({ timeout: 5000 });

      // Presence changes arrive live too.
      await tk.request('POST', '/api/v1/presence', { presence: 'away' }, desk.agents[1]!.token);
      await page.getByRole('row').filter({ hasText: 'Agent 2' }).getByText('Away').waitFor({
        timeout: 5000,
      });
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('has no serious or critical axe violations', async () => {
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 1280, height: 800 },
    });
    try {
      const page = await context.newPage();
      const waiting = await visitorWithChat(tk, desk.embedKey);
      await openSupervisor(page, tk.url, admin.email, admin.password);
      await page.locator(`tr[data-conversation="${waiting.conversationId}"]`).waitFor();
      expect(await seriousAxeViolations(page, 'sb-supervisor-view')).to.deep.equal([]);
      await page.getByRole('tab', { name: 'Agents' }).click();
      expect(await seriousAxeViolations(page, 'sb-supervisor-view')).to.deep.equal([]);
      await page.getByRole('tab', { name: 'Queues' }).click();
      expect(await seriousAxeViolations(page, 'sb-supervisor-view')).to.deep.equal([]);
      await screenshot(page, 'supervisor-queues');
    } finally {
      await context.close();
    }
  });
});
