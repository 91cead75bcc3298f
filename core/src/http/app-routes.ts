import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import Router from '@koa/router';
import type { Context } from 'koa';
import { NotFoundError } from '@switchboard/sdk';
import { CONSOLE_CSP, widgetFrameCsp } from './content-security.js';
import { sendFile } from './static-file.js';

/** Where the built apps are, and how the widget frame learns which sites may embed it. */
export interface AppRoutesOptions {
  /** `apps/console/dist`, or null when the console is not installed. */
  readonly consoleDir: string | null;
  /** `apps/widget/dist`, or null. */
  readonly widgetDir: string | null;
  /** The allowed origins of the site using `embedKey` (empty: any), or null for an unknown key. */
  readonly embedOrigins: (embedKey: string) => Promise<readonly string[] | null>;
}

/**
 * Finds a built app: the configured folder, else the `dist` folder of its package. Null when
 * neither exists (the server still runs; the app's routes say how to build it).
 */
export function findAppDir(configured: string | undefined, packageName: string): string | null {
  if (configured) return resolve(configured);
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve(`${packageName}/package.json`)), 'dist');
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

/**
 * Serves the console at `/console/` and the widget at `/widget/`. Hashed assets are cached for a
 * year; HTML and the embed loader are revalidated on every load so a deploy reaches browsers at
 * once. Every HTML page carries a strict Content-Security-Policy.
 */
export function appRoutes(options: AppRoutesOptions): Router {
  const router = new Router();

  router.get('/', (ctx) => {
    ctx.redirect('/console/');
  });
  router.get('/console{/*path}', (ctx) => {
    if (ctx.path === '/console') return ctx.redirect('/console/');
    const dir = requireBuilt(options.consoleDir, 'console');
    const path = pathParam(ctx);
    // Client-side routes (no extension) all get the app's page.
    const file = extname(path) ? path : 'index.html';
    serveFile(ctx, dir, file);
    if (file === 'index.html') ctx.set('Content-Security-Policy', CONSOLE_CSP);
  });

  router.get('/widget{/*path}', async (ctx) => {
    const dir = requireBuilt(options.widgetDir, 'widget');
    const path = pathParam(ctx) || 'frame.html';
    serveFile(ctx, dir, path);
    if (path.endsWith('.html')) {
      const key = typeof ctx.query.key === 'string' ? ctx.query.key : '';
      const origins = key ? await options.embedOrigins(key) : null;
      // An unknown key gets a frame no site can embed; it shows its own error when opened alone.
      ctx.set('Content-Security-Policy', widgetFrameCsp(origins ?? ["'none'"]));
    }
    // The loader is fetched cross-origin by customers' pages with a plain <script> tag.
    if (path === 'loader.js') ctx.set('Access-Control-Allow-Origin', '*');
  });

  return router;
}

function pathParam(ctx: Context): string {
  const raw = (ctx as unknown as { params: { path?: string | string[] } }).params.path;
  return Array.isArray(raw) ? raw.join('/') : (raw ?? '');
}

function requireBuilt(dir: string | null, app: string): string {
  if (!dir || !existsSync(dir)) {
    throw new NotFoundError(
      `The ${app} is not built. Run \`npm run build\` (npm start does it for you).`,
      'APP_NOT_BUILT',
    );
  }
  return dir;
}

function serveFile(ctx: Context, dir: string, path: string): void {
  const file = resolve(dir, normalize(path));
  // Hashed bundles never change under their name; pages and the loader must be revalidated.
  const hashed = file.includes(`${sep}assets${sep}`);
  sendFile(ctx, file, [dir], {
    cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    message: 'No such file.',
  });
  ctx.set('Referrer-Policy', 'strict-origin-when-cross-origin');
}
