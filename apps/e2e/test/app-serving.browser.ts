import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { launchBrowser, openPage } from './support/browser.js';

describe('The server serves the web apps', () => {
  let tk: TestKernel;
  let browser: Browser;

  before(async () => {
    tk = await createTestKernel();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tk?.stop();
  });

  it('serves the console with a strict Content-Security-Policy and no inline script', async () => {
    const res = await fetch(`${tk.url}/console/`);
    expect(res.status).to.equal(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("script-src 'self'");
    expect(csp).not.to.include('unsafe-inline');
    expect(csp).to.include("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('sends the root and client-side routes to the console page', async () => {
    const root = await fetch(`${tk.url}/`, { redirect: 'manual' });
    expect(root.status).to.equal(302);
    expect(root.headers.get('location')).to.equal('/console/');
    const deep = await fetch(`${tk.url}/console/conversations/c_123`);
    expect(deep.status).to.equal(200);
    expect(deep.headers.get('content-type')).to.include('text/html');
  });

  it('refuses paths that climb out of the app folder', async () => {
    const res = await fetch(`${tk.url}/console/..%2f..%2fpackage.json`);
    expect(res.status).to.equal(404);
  });

  it('lets only the site’s allowed origins frame the widget', async () => {
    const site = await tk.request('POST', '/api/v1/sites', {
      tenantId: 'default',
      name: 'Framed',
      allowedOrigins: ['https://shop.example'],
    });
    expect(site.status).to.equal(201);
    const key = site.body.embedKey as string;
    const framed = await fetch(`${tk.url}/widget/frame.html?key=${key}`);
    expect(framed.headers.get('content-security-policy')).to.include(
      'frame-ancestors https://shop.example',
    );
    const unknown = await fetch(`${tk.url}/widget/frame.html?key=nope`);
    expect(unknown.headers.get('content-security-policy')).to.include("frame-ancestors 'none'");
    const loader = await fetch(`${tk.url}/widget/loader.js`);
    expect(loader.status).to.equal(200);
    expect(loader.headers.get('content-type')).to.include('javascript');
  });

  it('renders the console in Chromium without a script error', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(`${tk.url}/console/`);
      await page.waitForFunction(() => customElements.get('sb-console-app') !== undefined);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
