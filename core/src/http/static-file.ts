import { createReadStream, statSync } from 'node:fs';
import { extname, sep } from 'node:path';
import type { Context } from 'koa';
import { NotFoundError } from '@switchboard/sdk';

/** Content types of the files the server hands out; anything else is never served. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.map': 'application/json',
};

/**
 * Streams `file` (an absolute, resolved path) when it lies below one of `roots`, has a type in
 * the list above (or in `types`, when given) and exists; else 404 `message`. Sets the type,
 * length, `nosniff` and `cacheControl`.
 */
export function sendFile(
  ctx: Context,
  file: string,
  roots: readonly string[],
  options: { cacheControl: string; message: string; types?: readonly string[] },
): void {
  const ext = extname(file);
  const type = !options.types || options.types.includes(ext) ? TYPES[ext] : undefined;
  let size = -1;
  try {
    const inside = roots.some((root) => file.startsWith(root + sep));
    size = inside && type ? statSync(file).size : -1;
  } catch {
    size = -1;
  }
  if (size < 0) throw new NotFoundError(options.message, 'NOT_FOUND');
  ctx.type = type!;
  ctx.length = size;
  ctx.set('Cache-Control', options.cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = createReadStream(file);
}
