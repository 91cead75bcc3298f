import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { TestKernel } from '@switchboard/sdk/testing';
import {
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

describe('The agent console: visitors', () => {
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

  it('shows the visitor’s pages, custom data and earlier chats with their transcripts, live', async () => {
    const desk = await consoleDesk(tk);
    await goOnline(tk, desk.agent.token);
    const visitor = await startVisitor(tk, desk.embedKey, {
      name: 'Petra Page',
      location: { country: 'NL', city: 'Utrecht' },
    });
    const view = (url: string, title: string, referrer?: string) =>
      tk.request('POST', '/api/v1/visitor/page-views', { url, title, referrer }, visitor.token);
    expect(
      (await view('https://shop.test/', 'Home', 'https://search.test/?q=shoes')).status,
    ).to.equal(201);
    expect((await view('https://shop.test/cart', 'Your cart')).status).to.equal(201);
    const data = await tk.request(
      'PUT',
      '/api/v1/visitor/data',
      { data: { plan: 'gold', cart: { total: 42.5, items: [{ sku: 'SHOE-1', qty: 2 }] } } },
      visitor.token,
    );
    expect(data.status, JSON.stringify(data.body)).to.equal(200);
    // An earlier chat, ended, then a new one.
    const first = await requestChat(tk, visitor.token);
    await visitor.client.call('conversation.send', {
      conversationId: first,
      body: 'First visit question',
    });
    expect(
      (await tk.request('POST', `/api/v1/conversations/${first}/end`, {}, visitor.token)).status,
    ).to.equal(200);
    const second = await requestChat(tk, visitor.token);

    const { page, errors, close } = await signIn(
      browser,
      tk,
      desk.agent.email,
      desk.agent.password,
    );
    try {
      await listItem(page, second).click();
      const panel = page.locator('sb-visitor-panel');
      await panel.getByRole('heading', { name: 'Petra Page' }).waitFor();
      const current = panel.getByRole('region', { name: 'Current page' });
      await eventually(
        () => current.innerText(),
        (v) => expect(v).to.contain('Your cart'),
      );
      const pages = panel.getByRole('region', { name: /Pages visited/ });
      await eventually(
        () => pages.innerText(),
        (v) => {
          expect(v).to.contain('Home');
          expect(v).to.contain('https://shop.test/cart');
        },
      );
      const origin = await panel.getByRole('region', { name: 'Referrer and location' }).innerText();
      expect(origin).to.contain('https://search.test/?q=shoes');
      expect(origin).to.contain('Utrecht');
      const custom = panel.getByRole('region', { name: 'Custom data' });
      const customText = await custom.innerText();
      for (const text of ['plan', 'gold', 'cart', 'total', '42.5', 'SHOE-1']) {
        expect(customText).to.contain(text);
      }
      expect(await custom.locator('dd dl').count()).to.be.greaterThan(0); // nested as a definition list

      // Live: a new page view and new data reach the open panel.
      await view('https://shop.test/checkout', 'Checkout');
      await eventually(
        () => current.innerText(),
        (v) => expect(v).to.contain('Checkout'),
      );
      await tk.request(
        'PUT',
        '/api/v1/visitor/data',
        { data: { plan: 'platinum' } },
        visitor.token,
      );
      await eventually(
        () => custom.innerText(),
        (v) => expect(v).to.contain('platinum'),
      );

      // Call history: the earlier chat, whose transcript opens in the dock.
      const earlier = panel.getByRole('region', { name: 'Previous conversations' });
      const link = earlier.getByRole('link', { name: /Transcript of/ });
      await link.waitFor();
      expect(await link.getAttribute('href')).to.equal(`/console/conversations/${first}`);
      await screenshot(page, 'console-visitor-panel');
      await link.click();
      await history(page).getByText('First visit question').waitFor();
      await page.getByText('This conversation has ended.').waitFor();
      expect(new URL(page.url()).pathname).to.equal(`/console/conversations/${first}`);
      expect(errors).to.deep.equal([]);
    } finally {
      await visitor.client.close();
      await close();
    }
  });

  it('renders visitor-supplied markup as text everywhere and never runs it', async () => {
    const desk = await consoleDesk(tk);
    await goOnline(tk, desk.agent.token);
    const img = (n: number) => `<img src=x onerror="window.__pwned=${n}">`;
    const script = (n: number) => `<script>window.__pwned=${n}</script>`;
    const visitor = await startVisitor(tk, desk.embedKey, { name: img(1) });
    const identified = await tk.request(
      'PATCH',
      '/api/v1/visitor',
      { name: `${img(2)}Mallory` },
      visitor.token,
    );
    expect(identified.status, JSON.stringify(identified.body)).to.equal(200);
    const viewed = await tk.request(
      'POST',
      '/api/v1/visitor/page-views',
      {
        url: `https://evil.test/?q=${encodeURIComponent(script(3))}`,
        title: script(4),
        referrer: img(5),
      },
      visitor.token,
    );
    expect(viewed.status, JSON.stringify(viewed.body)).to.equal(201);
    const pushed = await tk.request(
      'PUT',
      '/api/v1/visitor/data',
      { data: { [img(6)]: script(7), nested: { html: img(8) } } },
      visitor.token,
    );
    expect(pushed.status, JSON.stringify(pushed.body)).to.equal(200);
    const conversationId = await requestChat(tk, visitor.token, { prechat: { name: img(9) } });
    await visitor.client.call('conversation.send', {
      conversationId,
      body: `${script(10)}${img(11)}`,
    });
    const upload = await fetch(
      `${tk.url}/api/v1/conversations/${conversationId}/attachments?filename=${encodeURIComponent(
        `${img(12)}.txt`,
      )}&contentType=text/plain`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${visitor.token}`,
          'content-type': 'application/octet-stream',
        },
        body: 'hello',
      },
    );
    expect(upload.status).to.equal(201);

    const { page, errors, close } = await signIn(
      browser,
      tk,
      desk.agent.email,
      desk.agent.password,
    );
    try {
      await listItem(page, conversationId).click();
      await page.getByRole('button', { name: 'Take chat' }).click();
      const messages = history(page);
      await messages.getByText(`${script(10)}${img(11)}`).waitFor();
      await messages.getByRole('link', { name: /Download/ }).waitFor();
      const panel = page.locator('sb-visitor-panel');
      await panel.getByRole('heading', { name: `${img(2)}Mallory` }).waitFor();
      await eventually(
        async () => (await panel.locator('section').allInnerTexts()).join('\n'),
        (v) => {
          expect(v).to.contain(script(4));
          expect(v).to.contain(img(5));
          expect(v).to.contain(img(6));
          expect(v).to.contain(script(7));
          expect(v).to.contain(img(8));
        },
      );
      await screenshot(page, 'console-xss-as-text');
      // Nothing ran, and no element came from the payloads.
      expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).to.equal(
        undefined,
      );
      const injected = await page.evaluate(() => {
        const found: string[] = [];
        const roots: (Document | ShadowRoot)[] = [document];
        for (let root = roots.pop(); root; root = roots.pop()) {
          for (const el of Array.from(root.querySelectorAll('*'))) {
            if (el.shadowRoot) roots.push(el.shadowRoot);
            if (
              el.tagName === 'IMG' ||
              (el.tagName === 'SCRIPT' && !(el as HTMLScriptElement).src)
            ) {
              found.push(el.outerHTML);
            }
          }
        }
        return found;
      });
      expect(injected).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    } finally {
      await visitor.client.close();
      await close();
    }
  });
});
