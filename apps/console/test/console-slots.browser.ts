import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { TestKernel } from '@switchboard/sdk/testing';
import {
  FIXTURE_PLUGINS,
  consoleDesk,
  consoleKernel,
  eventually,
  goOnline,
  history,
  launchBrowser,
  listItem,
  requestChat,
  screenshot,
  signIn,
  startVisitor,
} from './support/console.js';

describe('The agent console: plugin slots', () => {
  let tk: TestKernel;
  let browser: Browser;

  before(async () => {
    tk = await consoleKernel(FIXTURE_PLUGINS);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tk?.stop();
  });

  it('mounts plugin elements, contains the ones that fail, and keeps working', async () => {
    const desk = await consoleDesk(tk);
    await goOnline(tk, desk.agent.token);
    const visitor = await startVisitor(tk, desk.embedKey, { name: 'Vera' });
    const received: string[] = [];
    visitor.client.on('message.created', (e: any) => received.push(e.message.body));
    const conversationId = await requestChat(tk, visitor.token);
    await visitor.client.call('conversation.send', { conversationId, body: 'Hello?' });

    const { page, errors, close } = await signIn(
      browser,
      tk,
      desk.agent.email,
      desk.agent.password,
    );
    try {
      await listItem(page, conversationId).click();
      await page.getByRole('button', { name: 'Take chat' }).click();
      await history(page).getByText('Hello?').waitFor();

      // The good plugin renders in each of its slots, with the context it needs.
      await page.getByRole('button', { name: 'Insert greeting' }).waitFor();
      await page.getByText('Fixture card for Vera').waitFor();
      await eventually(
        () => page.locator('.fixture-message-tag').allInnerTexts(),
        (tags) => expect(tags).to.include('seq 1'),
      );

      // Each failure is a small inline status in its own slot: import, connectedCallback,
      // constructor, context setter.
      const header = page.locator('sb-slot[name="conversation.header"]');
      await header
        .getByRole('status')
        .filter({ hasText: 'Plugin fixture-broken failed to show' })
        .waitFor();
      await header
        .getByRole('status')
        .filter({ hasText: 'Plugin fixture-throws failed to show' })
        .waitFor();
      await page
        .locator('sb-slot[name="conversation.sidebar"]')
        .getByRole('status')
        .filter({ hasText: 'Plugin fixture-throws failed to show' })
        .waitFor();
      await page
        .locator('sb-slot[name="visitor.panel"]')
        .getByRole('status')
        .filter({ hasText: 'Plugin fixture-throws failed to show' })
        .waitFor();
      expect(
        await page.locator('fixture-throws-connected, fixture-throws-constructor').count(),
      ).to.equal(0);
      await screenshot(page, 'console-slots');

      // The console still works: the plugin inserts text, Enter sends it, the visitor gets it.
      await page.getByRole('button', { name: 'Insert greeting' }).click();
      const composer = page.getByRole('textbox', { name: 'Message' });
      expect(await composer.inputValue()).to.equal('Hello from the plugin');
      await composer.press('Enter');
      await eventually(
        () => received,
        (r) => expect(r).to.include('Hello from the plugin'),
      );

      // console.nav: an entry in the top bar whose element fills the main area.
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('link', { name: 'Fixture view' })
        .click();
      await page.getByRole('heading', { name: 'Fixture plugin view' }).waitFor();
      expect(new URL(page.url()).pathname).to.equal(
        '/console/plugins/fixture-good/fixture-nav-view',
      );

      // A disabled plugin's elements go away when the console looks again.
      const off = await tk.request('PUT', '/api/v1/plugins/fixture-good/state', { enabled: false });
      expect(off.status, JSON.stringify(off.body)).to.equal(200);
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('link', { name: /Queue/ })
        .click();
      await eventually(
        () => page.getByRole('button', { name: 'Insert greeting' }).count(),
        (n) => expect(n).to.equal(0),
      );
      expect(await page.getByRole('link', { name: 'Fixture view' }).count()).to.equal(0);

      // Only the plugins' own errors reached the page.
      expect(errors.filter((e) => !e.includes('fixture:'))).to.deep.equal([]);
    } finally {
      await visitor.client.close();
      await close();
    }
  });
});
