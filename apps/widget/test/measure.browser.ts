import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../e2e/test/support/browser.js';
import { measureWidget } from './support/measure.js';

describe('Widget benchmark numbers', function () {
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('reports the loader and frame sizes and the time to an interactive chat button', async () => {
    const m = await measureWidget({ runs: 3, browser });
    console.log(
      [
        `      loader.js gzipped:          ${m.loaderGzipBytes} B (${m.loaderBytes} B raw)`,
        `      frame initial JS gzipped:   ${m.frameJsGzipBytes} B (${m.frameJsBytes} B raw, ${m.frameJsFiles.join(', ')})`,
        `      button after loader start:  ${m.buttonAfterLoaderMs} ms (median of ${m.runs})`,
        `      button after navigation:    ${m.buttonAfterNavigationMs} ms`,
      ].join('\n'),
    );
    expect(m.loaderGzipBytes).to.be.below(2048);
    expect(m.buttonAfterLoaderMs).to.be.above(0);
  });
});
