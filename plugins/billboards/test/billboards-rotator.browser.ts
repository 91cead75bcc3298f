import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { TestKernel } from '@switchboard/sdk/testing';
import { launchBrowser, openPage, screenshot } from '../../../apps/e2e/test/support/browser.js';
import { send, setupDesk, visitorWithChat, type Desk } from '../../../core/test/support/chat.js';
import { boot, ok, PNG_1X1, uploadRaw } from './support.js';

const API = '/api/v1/plugins/billboards';

/** The widget's policy (core/src/http/content-security.ts): no inline script or style. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob: https:",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Billboards</title>
<script type="module" src="/ui/plugins/billboards/dist/ui/billboards-rotator.js"></script>
</head><body><main><h1>Waiting for an agent</h1></main></body></html>`;

/**
 * Mounts the element with a slot context (plain JavaScript: code passed to `page.evaluate` as a
 * function would carry tsx's helpers, which the page does not have).
 */
const MOUNT = `({ token, conversationId }) => {
  const handlers = new Map();
  window.emit = (type, event) => handlers.get(type)?.forEach((h) => h(event));
  const el = document.createElement('sb-billboards-rotator');
  el.context = {
    pluginId: 'billboards',
    slot: 'widget.waiting',
    surface: 'widget',
    user: null,
    visitor: null,
    message: null,
    conversation: { id: conversationId, state: 'waiting' },
    async api(path, init) {
      const res = await fetch(path, {
        method: init?.method ?? 'GET',
        headers: {
          authorization: 'Bearer ' + token,
          ...(init?.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw Object.assign(new Error(body?.error?.message), { status: res.status });
      return body;
    },
    call: () => Promise.reject(new Error('no socket in this test')),
    on(type, handler) {
      if (!handlers.has(type)) handlers.set(type, new Set());
      handlers.get(type).add(handler);
      return () => handlers.get(type).delete(handler);
    },
  };
  document.querySelector('main').append(el);
}`;

/** Hands `message` to the element as the widget's socket would deliver it. */
const emitMessage = (page: Page, message: any, author: { kind: string; name: string | null }) =>
  page.evaluate(
    `window.emit('message.created', ${JSON.stringify({
      type: 'message.created',
      conversationId: message.conversationId,
      seq: message.seq,
      message: { ...message, author },
    })})`,
  );

/**
 * The `widget.waiting` element on its own: a page on the kernel's origin (so the element's
 * requests are same-origin, as in the widget frame) under the widget's CSP, with a context
 * whose `api` calls the real server with a visitor token. `context.on` is a small emitter the
 * test drives with the agent's real message.
 */
describe('billboards rotator element (browser)', function () {
  this.timeout(60_000);
  let tk: TestKernel;
  let browser: Browser;
  let desk: Desk;

  before(async () => {
    tk = await boot();
    browser = await launchBrowser();
    desk = await setupDesk(tk, 1);
  });
  after(async () => {
    await browser?.close();
    await tk?.stop();
  });

  async function siteWith(billboards: Record<string, unknown>[]) {
    const site = await ok(
      tk.request('POST', '/api/v1/sites', { name: 'Browser site' }, desk.admin.token),
      201,
    );
    const made = [];
    for (const b of billboards) {
      made.push(
        await ok(
          tk.request('POST', `${API}/billboards`, { siteId: site.id, ...b }, desk.admin.token),
          201,
        ),
      );
    }
    const visitor = await visitorWithChat(tk, site.embedKey);
    return { site, made, visitor };
  }

  async function mount(
    page: Page,
    visitor: { token: string; conversationId: string },
  ): Promise<void> {
    await page.route(`${tk.url}/billboards-test.html`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        headers: { 'content-security-policy': CSP },
        body: PAGE,
      }),
    );
    await page.goto(`${tk.url}/billboards-test.html`);
    await page.waitForFunction(() => Boolean(customElements.get('sb-billboards-rotator')));
    await page.evaluate(`(${MOUNT})(${JSON.stringify(visitor)})`);
  }

  const region = (page: Page) => page.getByRole('region', { name: 'Announcements' });
  const shownText = (page: Page) => region(page).getByRole('group').innerText();

  it('rotates on its interval, pauses while hovered, and records one impression each', async () => {
    const { visitor, made } = await siteWith([
      { kind: 'text', text: 'First message', intervalSeconds: 3 },
      { kind: 'text', text: 'Second message', intervalSeconds: 3 },
    ]);
    const { context, page, errors } = await openPage(browser);
    await mount(page, visitor);
    await region(page).getByRole('group', { name: '1 of 2' }).waitFor();
    expect(await shownText(page)).to.equal('First message');
    await region(page).getByRole('group', { name: '2 of 2' }).waitFor({ timeout: 5_000 });
    expect(await shownText(page)).to.equal('Second message');
    await region(page).hover();
    await page.waitForTimeout(3_500);
    expect(await shownText(page), 'paused while hovered').to.equal('Second message');
    await page.mouse.move(0, 0);
    await region(page).getByRole('group', { name: '1 of 2' }).waitFor({ timeout: 5_000 });
    await region(page).getByRole('button', { name: 'Pause rotation' }).click();
    await page.mouse.move(0, 0);
    await region(page).getByRole('button', { name: 'Resume rotation' }).waitFor();
    await screenshot(page, 'billboards-rotator');
    const report = await ok(tk.request('GET', `${API}/report`, undefined, desk.admin.token), 200);
    const counts = Object.fromEntries(report.billboards.map((r: any) => [r.id, r.impressions]));
    expect(counts[made[0].id], 'shown twice, counted once').to.equal(1);
    expect(counts[made[1].id]).to.equal(1);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('does not rotate by itself with reduced motion, and pages with named buttons', async () => {
    const { visitor } = await siteWith([
      { kind: 'text', text: 'Calm one', intervalSeconds: 3 },
      { kind: 'text', text: 'Calm two', intervalSeconds: 3 },
    ]);
    const { context, page, errors } = await openPage(browser);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await mount(page, visitor);
    await region(page).getByRole('group', { name: '1 of 2' }).waitFor();
    await page.waitForTimeout(3_800);
    expect(await shownText(page)).to.equal('Calm one');
    expect(
      await region(page)
        .getByRole('button', { name: /rotation/ })
        .count(),
    ).to.equal(0);
    await region(page).getByRole('button', { name: 'Next message' }).click();
    expect(await shownText(page)).to.equal('Calm two');
    await region(page).getByRole('button', { name: 'Previous message' }).click();
    expect(await shownText(page)).to.equal('Calm one');
    const animation = await page.evaluate(() => {
      const el = document.querySelector('sb-billboards-rotator')!;
      const slide = el.shadowRoot!.querySelector('[role="group"]')!;
      return getComputedStyle(slide).animationName;
    });
    expect(animation).to.equal('none');
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('shows HTML in a billboard as text', async () => {
    const html = '<img src=x onerror="document.title=\'owned\'"><b>Bold?</b>';
    const { visitor } = await siteWith([{ kind: 'text', text: html }]);
    const { context, page, errors } = await openPage(browser);
    await mount(page, visitor);
    await region(page).waitFor();
    expect(await shownText(page)).to.equal(html);
    const markup = await page.evaluate(() => {
      const el = document.querySelector('sb-billboards-rotator')!;
      return el.shadowRoot!.querySelectorAll('b, img').length;
    });
    expect(markup).to.equal(0);
    expect(await page.title()).to.equal('Billboards');
    expect(await region(page).getByRole('button').count(), 'one billboard: no controls').to.equal(
      0,
    );
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('opens a link in a new tab without opener, counts the click, and shows image banners', async () => {
    const image = await ok(uploadRaw(tk, desk.admin.token, PNG_1X1), 201);
    const { visitor, made } = await siteWith([
      {
        kind: 'link',
        text: 'Read the offer',
        linkUrl: 'https://example.com/offer',
        intervalSeconds: 60,
      },
      {
        kind: 'image',
        text: 'Summer banner',
        imageId: image.id,
        linkUrl: 'https://example.com/summer',
      },
    ]);
    const { context, page, errors } = await openPage(browser);
    await context.route('https://example.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Offer</title>' }),
    );
    await mount(page, visitor);
    const link = region(page).getByRole('link', { name: 'Read the offer' });
    expect(await link.getAttribute('rel')).to.equal('noopener noreferrer');
    expect(await link.getAttribute('target')).to.equal('_blank');
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    expect(popup.url()).to.equal('https://example.com/offer');
    expect(await popup.evaluate(() => window.opener)).to.equal(null);
    await popup.close();
    await region(page).getByRole('button', { name: 'Next message' }).click();
    const banner = region(page).getByRole('img', { name: 'Summer banner' });
    await banner.waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('sb-billboards-rotator')!;
      const img = el.shadowRoot!.querySelector('img');
      return img !== null && img.complete && img.naturalWidth === 1;
    });
    let clicks = 0;
    for (let i = 0; i < 20 && clicks === 0; i++) {
      const report = await ok(tk.request('GET', `${API}/report`, undefined, desk.admin.token), 200);
      clicks = report.billboards.find((r: any) => r.id === made[0].id).clicks;
      if (clicks === 0) await page.waitForTimeout(100);
    }
    expect(clicks).to.equal(1);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("hides once the agent's answer arrives, and stays hidden", async () => {
    const { visitor } = await siteWith([
      { kind: 'text', text: 'While you wait', intervalSeconds: 3 },
      { kind: 'text', text: 'Did you know?', intervalSeconds: 3 },
    ]);
    const { context, page, errors } = await openPage(browser);
    await mount(page, visitor);
    await region(page).waitFor();
    // The visitor's own message does not hide it; the agent's does.
    const own = await send(tk, visitor.token, visitor.conversationId, 'Hello?');
    await emitMessage(page, own, { kind: 'visitor', name: null });
    expect(await region(page).isVisible()).to.equal(true);
    const conversation = await ok(
      tk.request(
        'GET',
        `/api/v1/conversations/${visitor.conversationId}`,
        undefined,
        desk.admin.token,
      ),
      200,
    );
    const agent = desk.agents[0]!;
    if ((conversation.conversation ?? conversation).assignedAgentId !== agent.id) {
      await ok(
        tk.request('POST', `/api/v1/conversations/${visitor.conversationId}/pick`, {}, agent.token),
        200,
      );
    }
    const answer = await send(tk, agent.token, visitor.conversationId, 'Hi, how can I help?');
    await emitMessage(page, answer, { kind: 'agent', name: 'Agent 1' });
    await region(page).waitFor({ state: 'hidden' });
    await page.waitForTimeout(3_500);
    expect(await region(page).isVisible()).to.equal(false);
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
