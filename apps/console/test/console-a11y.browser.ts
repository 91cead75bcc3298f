import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { TestKernel } from '@switchboard/sdk/testing';
import {
  consoleDesk,
  consoleKernel,
  eventually,
  focusedTag,
  goOnline,
  history,
  launchBrowser,
  listItem,
  openConsolePage,
  requestChat,
  screenshot,
  startVisitor,
} from './support/console.js';

const AXE = resolve(createRequire(import.meta.url).resolve('axe-core'), '../axe.min.js');

/** Serious and critical axe violations of the page as it is (WCAG 2 A/AA rules). */
async function axeViolations(page: Page): Promise<{ id: string; targets: unknown[] }[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const axe = (window as any).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => ({ id: v.id, targets: v.nodes.map((n: any) => n.target) }));
  });
  return result;
}

/** Presses Tab until the deeply focused element matches `selector` (at most `max` times). */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate((sel) => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return !!el?.matches(sel);
    }, selector);
    if (hit) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('The agent console: accessibility', () => {
  let tk: TestKernel;
  let browser: Browser;

  before(async () => {
    tk = await consoleKernel();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tk?.stop();
  });

  it('has no serious axe violations on sign-in, a conversation with messages, and the visitor panel', async () => {
    const desk = await consoleDesk(tk);
    await goOnline(tk, desk.agent.token);
    const visitor = await startVisitor(tk, desk.embedKey, { name: 'Axel' });
    await tk.request(
      'POST',
      '/api/v1/visitor/page-views',
      { url: 'https://shop.test/', title: 'Home', referrer: 'https://search.test/' },
      visitor.token,
    );
    await tk.request(
      'PUT',
      '/api/v1/visitor/data',
      { data: { cart: { total: 3 } } },
      visitor.token,
    );
    const conversationId = await requestChat(tk, visitor.token);
    await tk.request('POST', `/api/v1/conversations/${conversationId}/pick`, {}, desk.agent.token);
    await visitor.client.call('conversation.send', { conversationId, body: 'Can you help me?' });
    await tk.request(
      'POST',
      `/api/v1/conversations/${conversationId}/messages`,
      { body: 'Checking the order', visibility: 'internal' },
      desk.agent.token,
    );

    // axe is injected as a script, which the console's CSP forbids: this context bypasses it.
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 1280, height: 800 },
    });
    await context.clock.setSystemTime(tk.clock.now());
    const page = await context.newPage();
    try {
      await page.goto(`${tk.url}/console/`);
      await page.getByLabel('Email').waitFor();
      expect(await axeViolations(page), 'sign-in').to.deep.equal([]);

      await page.getByLabel('Email').fill(desk.agent.email);
      await page.getByLabel('Password').fill(desk.agent.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await listItem(page, conversationId).click();
      await history(page).getByText('Can you help me?').waitFor();
      await page.locator('sb-visitor-panel').getByRole('region', { name: 'Custom data' }).waitFor();
      await eventually(
        () =>
          page
            .locator('sb-visitor-panel')
            .getByRole('region', { name: 'Current page' })
            .innerText(),
        (v) => expect(v).to.contain('Home'),
      );
      expect(await axeViolations(page), 'conversation and visitor panel').to.deep.equal([]);

      // The transfer dialog and the preferences menu too.
      await page.getByRole('button', { name: 'Transfer' }).click();
      await page.getByRole('dialog', { name: 'Transfer conversation' }).waitFor();
      expect(await axeViolations(page), 'transfer dialog').to.deep.equal([]);
      await page.keyboard.press('Escape');
      await eventually(
        () => page.getByRole('dialog').count(),
        (n) => expect(n).to.equal(0),
      );
      await page.getByRole('button', { name: 'Preferences' }).click();
      expect(await axeViolations(page), 'preferences').to.deep.equal([]);
      await screenshot(page, 'console-a11y');
    } finally {
      await visitor.client.close();
      await context.close();
    }
  });

  it('works from the keyboard alone: sign in, tab to a conversation, open it, send with Enter', async () => {
    const desk = await consoleDesk(tk);
    await goOnline(tk, desk.agent.token);
    const visitor = await startVisitor(tk, desk.embedKey, { name: 'Kim Keys' });
    const received: string[] = [];
    visitor.client.on('message.created', (e: any) => received.push(e.message.body));
    const conversationId = await requestChat(tk, visitor.token);
    await tk.request('POST', `/api/v1/conversations/${conversationId}/pick`, {}, desk.agent.token);

    const { context, page, errors } = await openConsolePage(browser, tk);
    try {
      await page.goto(`${tk.url}/console/`);
      await page.getByLabel('Email').waitFor();
      expect(await focusedTag(page)).to.equal('INPUT'); // the email field has focus
      await page.keyboard.type(desk.agent.email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(desk.agent.password);
      await page.keyboard.press('Enter');
      await listItem(page, conversationId).waitFor();

      await tabTo(page, `button[data-conversation="${conversationId}"]`);
      await page.keyboard.press('Enter');
      await eventually(
        () => focusedTag(page),
        (tag) => expect(tag).to.equal('TEXTAREA'),
      );
      await page.keyboard.type('Typed without a mouse');
      await page.keyboard.press('Enter');
      await eventually(
        () => received,
        (r) => expect(r).to.include('Typed without a mouse'),
      );

      // Transfer from the keyboard: the modal dialog takes focus, Escape closes it and gives
      // focus back; then back to the queue.
      await tabTo(page, 'header .actions button:not(.danger)');
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
      await dialog.waitFor();
      expect(await focusedTag(page)).to.equal('INPUT');
      await page.keyboard.press('Escape');
      await eventually(
        () => dialog.count(),
        (n) => expect(n).to.equal(0),
      );
      await eventually(
        () => focusedTag(page),
        (tag) => expect(tag).to.equal('BUTTON'),
      );
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await dialog.getByRole('radio', { name: 'Back to the queue' }).check();
      await dialog.getByRole('button', { name: 'Transfer' }).click();
      await eventually(
        async () =>
          (
            await tk.request(
              'GET',
              `/api/v1/conversations/${conversationId}`,
              undefined,
              desk.agent.token,
            )
          ).body,
        (c) => expect(c.state).to.equal('waiting'),
      );
      await eventually(
        () => page.getByTestId('conversation-state').innerText(),
        (v) => expect(v).to.contain('Waiting for chat'),
      );
      expect(errors).to.deep.equal([]);
    } finally {
      await visitor.client.close();
      await context.close();
    }
  });
});
