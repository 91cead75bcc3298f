import type { IncomingHttpHeaders } from 'node:http';

/**
 * The `Origin` of a request when it comes from another site, else null. Our own pages (the
 * console, and the widget frame, which is served by us and framed only by a site's allowed
 * origins through `frame-ancestors`) are same-origin and need no per-site origin check.
 */
export function foreignOrigin(headers: IncomingHttpHeaders): string | null {
  const origin = typeof headers.origin === 'string' ? headers.origin : null;
  if (!origin || origin === 'null') return origin;
  const host = headers.host;
  try {
    return new URL(origin).host === host ? null : origin;
  } catch {
    return origin;
  }
}
