/**
 * Small DOM helpers shared by the whisper plugin's slot elements. Plain DOM, no imports at run
 * time: the console loads these files as they are. User text always goes in as text nodes.
 */

/** Where the plugin's routes live. */
export const BASE = '/api/v1/plugins/whisper';

/** Creates an element with properties, attributes (`aria-*`, `data-*`, `role`) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | number | boolean>> = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === 'class') node.className = String(value);
    else if (key.startsWith('aria-') || key.startsWith('data-') || key === 'role') {
      node.setAttribute(key, String(value));
    } else (node as unknown as Record<string, unknown>)[key] = value;
  }
  for (const child of children) {
    if (child !== null) node.append(child);
  }
  return node;
}

/** A constructable stylesheet (allowed by the pages' CSP, unlike inline `<style>`). */
export function sheetOf(css: string): () => CSSStyleSheet {
  let sheet: CSSStyleSheet | null = null;
  return () => {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    return sheet;
  };
}

/** The message of a failed `context.api` call, for an alert. */
export function errorText(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'Something went wrong.';
}

/** Asks the app to announce `message` (toast + screen reader). */
export function notify(from: HTMLElement, message: string): void {
  from.dispatchEvent(
    new CustomEvent('sb-notify', { detail: { message }, bubbles: true, composed: true }),
  );
}

/** Shared look of the plugin's controls. */
export const BASE_CSS = `
:host { display: block; font: inherit; color: inherit; }
:host([hidden]) { display: none; }
button { font: inherit; min-height: 28px; padding: 2px 10px; border: 1px solid #98a2b3;
  border-radius: 6px; background: #f9fafb; color: #1d2939; cursor: pointer; }
button[aria-pressed="true"] { background: #1d2939; color: #fff; }
button:disabled { opacity: 0.6; cursor: default; }
button:focus-visible, textarea:focus-visible { outline: 2px solid #175cd3; outline-offset: 2px; }
textarea { font: inherit; width: 100%; box-sizing: border-box; min-height: 3.5em;
  border: 1px solid #98a2b3; border-radius: 6px; padding: 4px 6px; resize: vertical; }
.row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.error { color: #b42318; margin: 4px 0 0; }
.error:empty { display: none; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** Event the badge fires on `document` to open a thread in the sidebar. */
export const OPEN_THREAD_EVENT = 'sb-whisper-open-thread';
