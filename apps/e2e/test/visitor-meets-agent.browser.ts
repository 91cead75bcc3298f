import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import {
  accountsTestConfig,
  createTenantWithAdmin,
  createUser,
} from '../../../core/test/support/accounts.js';
import { history, listItem, signIn } from '../../console/test/support/console.js';
import {
  hostPage,
  startHostSite,
  widgetFrame,
  type HostSite,
} from '../../widget/test/support/widget-env.js';
import { launchBrowser, openPage, screenshot } from './support/browser.js';

/**
 * The whole product in two browsers: a visitor on a customer's page (another origin) chats
 * through the widget with an agent signed into the console in another browser context.
 */
describe('A visitor on a customer’s site and an agent in the console chat live', function () {
  this.timeout(120_000);
  let tk: TestKernel;
  let site: HostSite;
  let browser: Browser;

  before(async () => {
    tk = await createTestKernel({
      config: { ...accountsTestConfig, realtime: { heartbeatMs: 600_000 } },
    });
    site = await startHostSite();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await tk?.stop();
  });

  it('exchanges messages both ways, live, and shows each side the other’s typing', async () => {
    const tenant = await createTenantWithAdmin(tk, { siteName: 'Shop' });
    const agent = await createUser(tk, tenant.admin.token, { role: 'agent', name: 'Alice Agent' });
    const patched = await tk.request(
      'PATCH',
      `/api/v1/sites/${tenant.siteId}`,
      {
        allowedOrigins: [site.origin],
        branding: {
          prechatFields: [{ name: 'name', label: 'Your name', type: 'text', required: true }],
        },
      },
      tenant.admin.token,
    );
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    site.page('/', hostPage({ server: tk.url, embedKey: tenant.embedKey, title: 'Shop home' }));

    // The agent signs in and goes online.
    const console_ = await signIn(browser, tk, agent.email, agent.password);
    const agentPage: Page = console_.page;
    await agentPage.getByLabel('Presence').selectOption('online');

    // The visitor opens the widget on the shop's page and asks for a chat.
    const visitorSide = await openPage(browser);
    const visitorPage = visitorSide.page;
    await visitorPage.goto(site.url('/'));
    const frame = await widgetFrame(visitorPage);
    await frame.getByRole('button', { name: 'Chat with us' }).click();
    await frame.getByLabel('Your name').fill('Grace <img src=x onerror="window.__pwned=1">');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame
      .getByRole('status')
      .getByText(/next in line/)
      .waitFor();

    // The chat appears in the console as waiting; the agent takes it.
    const queue = await tk.request('GET', '/api/v1/queue', undefined, agent.token);
    const conversationId = queue.body.queue[0].id as string;
    const item = listItem(agentPage, conversationId);
    await item.waitFor();
    expect(await item.getAttribute('data-colour')).to.equal('red');
    await item.click();
    await agentPage.getByRole('button', { name: 'Take chat' }).click();
    const conversation = frame.getByRole('list', { name: 'Conversation' });
    await conversation.getByText(/Alice Agent joined/).waitFor();

    // Visitor → agent, with the agent seeing the visitor type first.
    const visitorBox = frame.getByLabel('Message', { exact: true });
    await visitorBox.pressSequentially('Where is my parcel?');
    await agentPage.getByText(/is typing/).waitFor();
    await visitorBox.press('Enter');
    await history(agentPage).getByText('Where is my parcel?').waitFor();

    // Agent → visitor.
    const composer = agentPage.getByRole('textbox', { name: 'Message' });
    await composer.pressSequentially('It ships today.');
    await frame.getByText(/is typing/).waitFor();
    await composer.press('Enter');
    await conversation.getByText('It ships today.').waitFor();

    await screenshot(agentPage, 'e2e-console-chatting');
    await screenshot(visitorPage, 'e2e-widget-chatting');

    // The visitor's markup stayed text on both sides and ran nowhere.
    for (const page of [agentPage, visitorPage]) {
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).to.equal(
        undefined,
      );
    }
    expect(console_.errors).to.deep.equal([]);
    expect(visitorSide.errors).to.deep.equal([]);
    await console_.close();
    await visitorSide.context.close();
  });
});
