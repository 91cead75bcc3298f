import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { createTestKernel } from '@switchboard/sdk/testing';
import {
  accountsTestConfig,
  createTenantWithAdmin,
} from '../../../../core/test/support/accounts.js';
import { launchBrowser } from '../../../e2e/test/support/browser.js';
import { hostPage, startHostSite } from './widget-env.js';

/** The built widget (`npm run build:ui` in apps/widget). */
export const WIDGET_DIST = resolve(import.meta.dirname, '../../dist');

/** Sizes of what a site's visitor downloads before the chat button shows. */
export interface WidgetSizes {
  readonly loaderBytes: number;
  readonly loaderGzipBytes: number;
  /** The scripts frame.html loads at once (entry and module preloads). */
  readonly frameJsFiles: readonly string[];
  readonly frameJsBytes: number;
  readonly frameJsGzipBytes: number;
}

/** What {@link measureWidget} found. Times are medians over the runs, in milliseconds. */
export interface WidgetMeasurement extends WidgetSizes {
  readonly runs: number;
  /** From the loader starting (its first line) to the chat button being interactive. */
  readonly buttonAfterLoaderMs: number;
  /** From navigation start of the host page to the chat button being interactive. */
  readonly buttonAfterNavigationMs: number;
  readonly samples: readonly { afterLoaderMs: number; afterNavigationMs: number }[];
}

const gz = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

/**
 * The scripts a built page loads at once (its entry script and module preloads under `base`),
 * with their raw and gzipped (level 9) sizes. Used for the widget frame and the console.
 */
export function initialJs(
  dist: string,
  page: string,
  base: string,
): { files: string[]; bytes: number; gzip: number } {
  const html = readFileSync(join(dist, page), 'utf8');
  const prefix = base.replace(/[/.]/g, '\\$&');
  const files = [
    ...html.matchAll(new RegExp(`<script[^>]+src="${prefix}([^"]+\\.js)"`, 'g')),
    ...html.matchAll(
      new RegExp(`<link[^>]+rel="modulepreload"[^>]+href="${prefix}([^"]+\\.js)"`, 'g'),
    ),
  ].map((m) => m[1]!);
  const contents = files.map((f) => readFileSync(join(dist, f)));
  return {
    files,
    bytes: contents.reduce((n, b) => n + b.length, 0),
    gzip: contents.reduce((n, b) => n + gz(b), 0),
  };
}

/** Sizes of the built loader and of the frame's initial JavaScript (gzip level 9). */
export function widgetSizes(dist = WIDGET_DIST): WidgetSizes {
  const loader = readFileSync(join(dist, 'loader.js'));
  const frame = initialJs(dist, 'frame.html', '/widget/');
  return {
    loaderBytes: loader.length,
    loaderGzipBytes: gz(loader),
    frameJsFiles: frame.files,
    frameJsBytes: frame.bytes,
    frameJsGzipBytes: frame.gzip,
  };
}

/**
 * Measures the widget as a site's visitor gets it: sizes, and the time from the loader's start
 * (performance mark `switchboard:loader`) to an interactive chat button (`switchboard:ready`,
 * set when the frame reports its button rendered), on a plain host page of another origin, over
 * `runs` cold page loads (a fresh browser context each). Boots its own server and Chromium
 * unless given a browser.
 */
export async function measureWidget(
  options: { runs?: number; browser?: Browser } = {},
): Promise<WidgetMeasurement> {
  const runs = options.runs ?? 5;
  const tk = await createTestKernel({ config: accountsTestConfig });
  const site = await startHostSite();
  const browser = options.browser ?? (await launchBrowser());
  try {
    const tenant = await createTenantWithAdmin(tk);
    site.page('/', hostPage({ server: tk.url, embedKey: tenant.embedKey, title: 'Bench page' }));
    const samples: { afterLoaderMs: number; afterNavigationMs: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const page = await context.newPage();
        await page.goto(site.url('/'));
        await page.waitForFunction(
          () => performance.getEntriesByName('switchboard:ready').length > 0,
          null,
          { timeout: 15_000 },
        );
        samples.push(
          await page.evaluate(() => {
            const start = performance.getEntriesByName('switchboard:loader')[0]!.startTime;
            const ready = performance.getEntriesByName('switchboard:ready')[0]!.startTime;
            return { afterLoaderMs: ready - start, afterNavigationMs: ready };
          }),
        );
      } finally {
        await context.close();
      }
    }
    return {
      ...widgetSizes(),
      runs,
      buttonAfterLoaderMs: median(samples.map((s) => s.afterLoaderMs)),
      buttonAfterNavigationMs: median(samples.map((s) => s.afterNavigationMs)),
      samples,
    };
  } finally {
    if (!options.browser) await browser.close();
    await site.close();
    await tk.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value * 10) / 10;
}
