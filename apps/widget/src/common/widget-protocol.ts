/**
 * The messages the embed loader (on the customer's page) and the chat window (the frame, on the
 * Switchboard server's origin) exchange with `postMessage`. Every message is a plain object tagged
 * with {@link WIDGET_PROTOCOL}; each side checks the sender (`event.source` and `event.origin`)
 * first and the shape second, and ignores anything else without a word.
 */

/** Tag of every widget message; the number changes when the shapes do. */
export const WIDGET_PROTOCOL = 'switchboard-widget/1';

/** A page of the embedding site, as the loader reports it. */
export interface HostPage {
  readonly url: string;
  readonly title: string;
  readonly referrer: string;
}

/** Loader → frame. */
export type HostMessage =
  | { readonly type: 'page'; readonly data: HostPage }
  | { readonly type: 'set'; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'open' }
  | { readonly type: 'close' };

/** Events a page can follow with `Switchboard.on(name, fn)`. */
export const WIDGET_EVENTS = [
  'ready',
  'open',
  'close',
  'chat.started',
  'chat.ended',
  'message.received',
] as const;
export type WidgetEventName = (typeof WIDGET_EVENTS)[number];

/** Frame → loader. */
export type FrameMessage =
  | { readonly type: 'ready'; readonly data: { readonly position: 'bottom-right' | 'bottom-left' } }
  | { readonly type: 'resize'; readonly data: 'open' | 'closed' }
  | {
      readonly type: 'event';
      readonly data: { readonly name: WidgetEventName; readonly detail: unknown };
    };

const MAX_TEXT = 2048;

/** A plain data object (not an array, not a class instance after structured cloning). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function text(value: unknown, max = MAX_TEXT): string | null {
  return typeof value === 'string' && value.length <= max ? value : null;
}

/**
 * A loader message from `data` (an `event.data` that came from the right window and origin), or
 * null when it is not one: wrong tag, unknown type, or a payload of the wrong shape.
 */
export function parseHostMessage(data: unknown): HostMessage | null {
  if (!isPlainObject(data) || data.sb !== WIDGET_PROTOCOL) return null;
  switch (data.type) {
    case 'open':
    case 'close':
      return { type: data.type };
    case 'page': {
      const page = data.data;
      if (!isPlainObject(page)) return null;
      const url = text(page.url);
      const title = text(page.title ?? '', 100_000);
      const referrer = text(page.referrer ?? '', 100_000);
      if (url === null || !/^https?:\/\//i.test(url) || title === null || referrer === null) {
        return null;
      }
      return {
        type: 'page',
        data: { url, title: title.slice(0, 500), referrer: referrer.slice(0, MAX_TEXT) },
      };
    }
    case 'set': {
      const payload = data.data;
      if (!isPlainObject(payload) || Object.keys(payload).length > 50) return null;
      return { type: 'set', data: payload };
    }
    default:
      return null;
  }
}
