/**
 * Content-Security-Policy headers of the web apps. No inline script anywhere: every script is a
 * file served by us, so a message that sneaks markup into the page still cannot run code. Styles
 * come from files or constructable style sheets (Lit's), never from inline `style` attributes.
 */

const COMMON = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
];

/** The console: images may come from anywhere over https (plugin banners, avatars). */
export const CONSOLE_CSP = [
  ...COMMON,
  "img-src 'self' data: blob: https:",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The widget frame. `frame-ancestors` lists the site's allowed origins, so the browser itself
 * refuses to show the chat window inside any other site; `*` when the site names none.
 */
export function widgetFrameCsp(ancestors: readonly string[] | null): string {
  const list = ancestors && ancestors.length > 0 && !ancestors.includes('*') ? ancestors : ['*'];
  return [...COMMON, "img-src 'self' data: blob: https:", `frame-ancestors ${list.join(' ')}`].join(
    '; ',
  );
}
