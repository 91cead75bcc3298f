import { expect } from 'chai';
import type { Browser, ConsoleMessage } from 'playwright-core';
import type { SwitchboardClient } from '@switchboard/sdk/client';
import { launchBrowser, openPage, screenshot } from '../../e2e/test/support/browser.js';
import { widgetSizes } from './support/measure.js';
import {
  agentClient,
  eventually,
  hostPage,
  nextEvent,
  setPresence,
  startHostSite,
  startWidgetDesk,
  updateSite,
  widgetBox,
  widgetFrame,
  type HostSite,
  type WidgetDesk,
} from './support/widget-env.js';

/** Runs in the page before the loader: breaks the built-ins a careless script would use. */
const PATCH_BEFORE = `
  (function () {
    var boom = function () { throw new Error('hostile page: patched built-in'); };
    Array.prototype.map = boom;
    Array.prototype.forEach = boom;
    Array.prototype.push = boom;
    JSON.stringify = boom;
    JSON.parse = boom;
    window.fetch = boom;
    Element.prototype.addEventListener = boom;
    Object.prototype.sb = 'polluted';
  })();`;

/**
 * Runs at `load`: after the loader captured what it needs, before it builds the widget (it
 * waits for load and an idle moment). Realistic breakage: DOM helpers and timers replaced.
 */
const PATCH_AFTER = `
  window.onload = function () {
    var boom = function () { throw new Error('hostile page: patched later'); };
    Node.prototype.appendChild = boom;
    Document.prototype.createElement = boom;
    Element.prototype.attachShadow = boom;
    Element.prototype.remove = boom;
    EventTarget.prototype.addEventListener = boom;
    window.setTimeout = boom;
    window.setInterval = boom;
    window.requestIdleCallback = boom;
    Reflect.apply = boom;
    window.encodeURIComponent = boom;
    console.warn = boom;
  };`;

const HOSTILE_CSS = `
  * { all: unset !important; display: block !important; font-size: 50px !important; }
  iframe { display: none !important; }
  switchboard-widget { width: 1px !important; height: 1px !important; position: static !important; }
  head, script, style, title { display: none !important; }`;

describe('The embed loader', function () {
  let desk: WidgetDesk;
  let site: HostSite;
  let stranger: HostSite;
  let deadServer: HostSite;
  let browser: Browser;
  let agent: SwitchboardClient;

  before(async () => {
    desk = await startWidgetDesk();
    site = await startHostSite('127.0.0.1');
    // Another origin, not in the site's allowed origins.
    stranger = await startHostSite('localhost');
    // A "chat server" that served the loader but whose frame does not load (down, 502).
    deadServer = await startHostSite('127.0.0.1');
    await updateSite(desk, { allowedOrigins: [site.origin] });
    await setPresence(desk, 'online');
    const server = desk.tk.url;
    const csp = [
      "default-src 'self'",
      `script-src 'self' ${server}`,
      `frame-src ${server}`,
      "style-src 'self'",
    ].join('; ');
    site.script('/patch-before.js', PATCH_BEFORE);
    site.script('/patch-after.js', PATCH_AFTER);
    site.css('/hostile.css', HOSTILE_CSS);
    site.page(
      '/hostile',
      hostPage({
        server,
        embedKey: desk.embedKey,
        title: 'Hostile shop',
        head:
          '<link rel="stylesheet" href="/hostile.css"><script src="/patch-before.js"></script>' +
          '<script src="/patch-after.js"></script>',
      }),
      { 'content-security-policy': csp },
    );
    // A page script that keeps the frame's window when the frame first writes to the page: the
    // only way a page can reach it (the iframe is in a closed shadow root, not in window.frames).
    site.script(
      '/spy.js',
      `addEventListener('message', function (e) {
         if (e.data && e.data.sb) window.sbFrame = e.source;
       });`,
    );
    site.page(
      '/plain',
      hostPage({
        server,
        embedKey: desk.embedKey,
        title: 'Plain page',
        head: '<script src="/spy.js"></script>',
      }),
    );
    stranger.page('/', hostPage({ server, embedKey: desk.embedKey, title: 'Stranger' }));
    deadServer.script(
      '/widget/loader.js',
      await (await fetch(`${server}/widget/loader.js`)).text(),
    );
    site.page(
      '/server-down',
      hostPage({ server: deadServer.origin, embedKey: desk.embedKey, title: 'Server down' }),
    );
    site.page(
      '/no-server',
      hostPage({ server: 'http://127.0.0.1:9', embedKey: desk.embedKey, title: 'No server' }),
    );
    browser = await launchBrowser();
    agent = await agentClient(desk);
  });

  after(async () => {
    await agent?.close();
    await browser?.close();
    await Promise.all([site?.close(), stranger?.close(), deadServer?.close()]);
    await desk?.tk.stop();
  });

  it('stays under 2 KB gzipped', () => {
    const sizes = widgetSizes();
    console.log(`      loader.js: ${sizes.loaderBytes} B, ${sizes.loaderGzipBytes} B gzipped`);
    expect(sizes.loaderGzipBytes).to.be.below(2048);
  });

  it('works on a hostile page: patched built-ins, aggressive CSS and a strict CSP', async () => {
    const { context, page, errors } = await openPage(browser);
    const violations: string[] = [];
    page.on('console', (m: ConsoleMessage) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    try {
      await page.goto(site.url('/hostile'));
      const frame = await widgetFrame(page);
      const box = await widgetBox(page);
      expect(box).to.deep.equal({ x: 1280 - 12 - 72, y: 800 - 12 - 72, width: 72, height: 72 });
      // One global, nothing else (read as a string: this page broke Array and JSON).
      expect(
        await page.evaluate(() =>
          Object.keys(window)
            .filter((k) => /switchboard/i.test(k))
            .join(','),
        ),
      ).to.equal('Switchboard');

      await frame.getByRole('button', { name: 'Chat with us' }).click();
      await frame.getByRole('button', { name: 'Start chat' }).click();
      const queue = await desk.tk.request('GET', '/api/v1/queue', undefined, desk.agent.token);
      const conversationId = await eventually(async () => {
        const res = await desk.tk.request('GET', '/api/v1/queue', undefined, desk.agent.token);
        return (res.body as { queue: { id: string }[] }).queue[0]?.id;
      });
      expect(queue.status).to.equal(200);
      await desk.tk.request(
        'POST',
        `/api/v1/conversations/${conversationId}/pick`,
        {},
        desk.agent.token,
      );
      const received = nextEvent<{ message: { body: string } }>(
        agent,
        'message.created',
        (e) => e.message.body === 'Hello from a hostile page',
      );
      await frame.getByLabel('Message', { exact: true }).fill('Hello from a hostile page');
      await frame.getByLabel('Message', { exact: true }).press('Enter');
      await received;
      await agent.call('conversation.send', { conversationId, body: 'Loud and clear.' });
      await frame.getByText('Loud and clear.', { exact: true }).waitFor();
      // Every message, including the one that came before the request was answered.
      expect(await frame.getByRole('list', { name: 'Conversation' }).innerText()).to.match(
        /^Chat requested\.\nAda joined the chat\./,
      );
      // The page's API still works, with JSON and Array methods broken (structured clone).
      await page.evaluate(() =>
        (window as unknown as { Switchboard: { set(d: unknown): void } }).Switchboard.set({
          plan: 'hostile',
        }),
      );
      const visitorId = (
        await desk.tk.request(
          'GET',
          `/api/v1/conversations/${conversationId}`,
          undefined,
          desk.agent.token,
        )
      ).body.visitorId as string;
      await eventually(async () => {
        const res = await desk.tk.request(
          'GET',
          `/api/v1/visitors/${visitorId}`,
          undefined,
          desk.agent.token,
        );
        return res.body.visitor.customData.plan === 'hostile';
      });
      await screenshot(page, 'widget-hostile-page');
      await frame.getByRole('button', { name: 'End chat' }).click();
      await frame.getByRole('button', { name: 'End', exact: true }).click();
      await frame.getByRole('paragraph').filter({ hasText: 'The chat has ended.' }).waitFor();
      expect(errors).to.deep.equal([]);
      expect(violations).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('leaves the page untouched when the chat server is down', async () => {
    const { context, page, errors } = await openPage(browser);
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning' && /Switchboard/.test(m.text())) warnings.push(m.text());
    });
    try {
      // The loader itself cannot load: nothing happens at all.
      await page.goto(site.url('/no-server'));
      expect(await page.title()).to.equal('No server');
      // The loader loads, but its server does not answer for the frame: gone after ~10 s.
      await page.goto(site.url('/server-down'));
      await page.waitForFunction(() => document.querySelector('switchboard-widget') !== null);
      await page.waitForFunction(
        () => document.querySelector('switchboard-widget') === null,
        null,
        {
          timeout: 15_000,
        },
      );
      expect(page.frames()).to.have.length(1);
      expect(errors).to.deep.equal([]);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include('could not load');
    } finally {
      await context.close();
    }
  });

  it('cannot be embedded or start a session from an origin the site does not allow', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(stranger.url('/'));
      await page.waitForFunction(() => document.querySelector('switchboard-widget') !== null);
      const answer = await page.evaluate(
        async (args) => {
          try {
            const res = await fetch(`${args.server}/api/v1/visitor/session`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ embedKey: args.key }),
            });
            return { status: res.status, body: await res.text() };
          } catch (error) {
            return { status: 0, body: String(error) };
          }
        },
        { server: desk.tk.url, key: desk.embedKey },
      );
      expect(answer.status).to.equal(403);
      expect(answer.body).to.include('EMBED_REFUSED');
      // The browser refuses to show the frame (frame-ancestors); the loader gives up and cleans up.
      await page.waitForFunction(
        () => document.querySelector('switchboard-widget') === null,
        null,
        {
          timeout: 15_000,
        },
      );
      const frame = page.frames().find((f) => f.url().includes('/widget/frame.html'));
      expect(frame).to.equal(undefined);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('ignores forged messages: wrong shapes from the page, anything from another window', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(site.url('/plain'));
      const frame = await widgetFrame(page);
      const forge = (messages: unknown[]) =>
        page.evaluate((list) => {
          const target = (window as unknown as { sbFrame?: Window }).sbFrame;
          if (!target) throw new Error('no frame window');
          for (const m of list) target.postMessage(m, '*');
        }, messages);
      // From the embedding page, in shapes the frame does not accept.
      await forge([
        { type: 'open' },
        { sb: 'switchboard-widget/0', type: 'open' },
        { sb: 'switchboard-widget/1', type: 'OPEN' },
        { sb: 'switchboard-widget/1', type: 'set', data: ['array'] },
        { sb: 'switchboard-widget/1', type: 'page', data: { url: 'javascript:alert(1)' } },
        'switchboard-widget/1 open',
        null,
      ]);
      // From another window: the frame itself (a stand-in for any window that is not its parent).
      await frame.evaluate(() => {
        window.postMessage({ sb: 'switchboard-widget/1', type: 'open' }, '*');
        window.postMessage(
          { sb: 'switchboard-widget/1', type: 'set', data: { forged: true } },
          '*',
        );
      });
      // A popup of the page, same origin, is not the frame's parent either.
      const popup = await context.newPage();
      await popup.goto(site.url('/plain'));
      await popup.evaluate(() => {
        const opener = window.opener as { sbFrame?: Window } | null;
        opener?.sbFrame?.postMessage({ sb: 'switchboard-widget/1', type: 'open' }, '*');
      });
      await popup.close();
      await new Promise((r) => setTimeout(r, 500));
      expect(await frame.getByRole('button', { name: 'Minimize chat' }).count()).to.equal(0);
      expect(await frame.getByRole('button', { name: 'Chat with us' }).count()).to.equal(1);
      // The real API still works: the channel was not disturbed.
      await page.evaluate(() =>
        (window as unknown as { Switchboard: { open(): void } }).Switchboard.open(),
      );
      await frame.getByRole('button', { name: 'Minimize chat' }).waitFor();
      const visitors = await desk.tk.request('GET', '/api/v1/visitors', undefined, desk.adminToken);
      const all = (visitors.body as { visitors: { customData: Record<string, unknown> }[] })
        .visitors;
      expect(all.some((v) => 'forged' in v.customData)).to.equal(false);
      const views = await Promise.all(
        all.map(async (v: any) =>
          (
            await desk.tk.request('GET', `/api/v1/visitors/${v.id}`, undefined, desk.adminToken)
          ).body.pageViews.map((p: { url: string }) => p.url),
        ),
      );
      expect(views.flat().some((u: string) => u.startsWith('javascript:'))).to.equal(false);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
