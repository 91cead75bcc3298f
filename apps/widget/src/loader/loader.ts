/**
 * The embed loader: the one script a site adds to its pages (budget: 2 KB gzipped).
 *
 * ```html
 * <script async src="https://chat.example.com/widget/loader.js" data-key="EMBED_KEY"></script>
 * ```
 *
 * It defines one global, `Switchboard`, and after the page's `load` (when the browser is idle)
 * adds one iframe with the chat window, from the server the script itself came from. Everything
 * else (the chat, the socket, the storage of the visitor's token) runs inside that iframe, in a
 * realm the page cannot patch. The loader itself touches no prototype, captures the few built-ins
 * it needs at start (so a page that patches them later does not break it), uses no Array, JSON or
 * Promise methods at all, and removes the iframe again when the server does not answer.
 */
import { WIDGET_PROTOCOL } from '../common/widget-protocol.js';

type Api = Record<string, (a?: unknown, b?: unknown) => void>;
type Handler = (detail: unknown) => void;

((w: Window & typeof globalThis, d: Document) => {
  const old = (w as unknown as { Switchboard?: Api & { q?: unknown[][]; v?: number } }).Switchboard;
  // Loaded twice: the first copy stays in charge (an own `v`: a page's queue stub has none).
  if (old && Object.prototype.hasOwnProperty.call(old, 'v')) return;

  // Built-ins, captured before any later patch by the page.
  const apply = Reflect.apply;
  const listen = EventTarget.prototype.addEventListener;
  const unlisten = EventTarget.prototype.removeEventListener;
  const setTimer = w.setTimeout;
  const clearTimer = w.clearTimeout;
  const setInterval = w.setInterval;
  const idle = w.requestIdleCallback;
  const perf = w.performance;
  const warn = w.console.warn;
  const Sheet = w.CSSStyleSheet;
  const encode = encodeURIComponent;
  const create = d.createElement;
  const append = Node.prototype.appendChild;
  const attach = Element.prototype.attachShadow;
  const detach = Element.prototype.remove;
  const make = <T extends HTMLElement>(tag: string) => apply(create, d, [tag]) as T;
  const add = <T extends Node>(parent: Node, child: T) => apply(append, parent, [child]) as T;
  const on = (target: EventTarget, type: string, fn: (e: any) => void) =>
    apply(listen, target, [type, fn]);
  const later = (fn: () => void, ms: number) => apply(setTimer, w, [fn, ms]) as unknown as number;
  const mark = (name: string) => {
    try {
      perf.mark('switchboard:' + name);
    } catch {
      // No performance timeline: nothing to measure.
    }
  };
  mark('loader');

  const script = (d.currentScript ||
    d.querySelector('script[data-key][src*="/widget/loader.js"]')) as HTMLScriptElement | null;
  if (!script) return;
  const origin = new URL(script.src).origin;
  const key = script.getAttribute('data-key') || '';
  const name = script.getAttribute('data-window');

  const queue: [string, unknown?][] = [];
  const handlers: Record<string, Handler[]> = {};
  let target: Window | null = null; // The frame's window, once it said `ready`.
  let host: HTMLElement | null = null;
  let frame: HTMLIFrameElement | null = null;
  let sheet: CSSStyleSheet | HTMLStyleElement;
  let constructed = false;
  let side = 'right';
  let lastUrl = '';

  const post = (type: string, data?: unknown) => {
    if (!target) {
      if (queue.length < 100) queue[queue.length] = [type, data];
      return;
    }
    try {
      target.postMessage({ sb: WIDGET_PROTOCOL, type, data }, origin);
    } catch (error) {
      apply(warn, w.console, ['Switchboard: could not send', type, error]);
    }
  };
  const page = () => {
    lastUrl = location.href;
    post('page', { url: lastUrl, title: d.title, referrer: d.referrer });
  };

  const api: Api = {
    set: (data) => post('set', data),
    open: () => post('open'),
    close: () => post('close'),
    on: (event, fn) => {
      if (typeof event !== 'string' || typeof fn !== 'function') return;
      const list = handlers[event] || (handlers[event] = []);
      list[list.length] = fn as Handler;
    },
  };
  const emit = (event: string, detail: unknown) => {
    const list = handlers[event] || [];
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(detail);
      } catch (error) {
        apply(warn, w.console, ['Switchboard: a handler of', event, 'threw', error]);
      }
    }
  };
  Object.defineProperty(api, 'v', { value: 1 });
  (w as unknown as { Switchboard: Api }).Switchboard = api;
  // Calls a page queued before the loader ran (see docs/widget.md): `Switchboard.q`.
  const early = old && old.q;
  if (early)
    for (let i = 0; i < early.length; i++)
      api[early[i]![0] as string]?.(early[i]![1], early[i]![2]);

  // The box: fixed in a corner, button-sized until opened, full screen on phones when open.
  // `!important` in the shadow root wins over the page's `!important`, so no page style reaches it.
  const style = (state: number) =>
    ':host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483647!important;bottom:12px!important;' +
    side +
    ':12px!important;max-width:calc(100vw - 24px)!important;' +
    (state > 1
      ? 'width:380px!important;height:min(640px,calc(100vh - 24px))!important}@media (max-width:480px){:host{bottom:0!important;' +
        side +
        ':0!important;width:100vw!important;height:100%!important;max-width:none!important}}'
      : 'width:72px!important;height:72px!important}') +
    'iframe{all:initial;display:block;border:0;width:100%;height:100%;color-scheme:normal' +
    (state ? '}' : ';visibility:hidden}');
  const restyle = (state: number) => {
    if (constructed) (sheet as CSSStyleSheet).replaceSync(style(state));
    else (sheet as HTMLStyleElement).textContent = style(state);
  };

  const remove = () => {
    if (host) apply(detach, host, []);
    host = frame = target = null;
  };

  const start = () => {
    host = make('switchboard-widget');
    const root = apply(attach, host, [{ mode: 'closed' }]) as ShadowRoot;
    if (Sheet && 'adoptedStyleSheets' in root) {
      constructed = true;
      sheet = new Sheet();
      root.adoptedStyleSheets = [sheet];
    } else {
      sheet = add(root, make<HTMLStyleElement>('style'));
    }
    restyle(0);
    frame = make<HTMLIFrameElement>('iframe');
    frame.title = 'Chat';
    frame.referrerPolicy = 'origin';
    frame.src =
      origin + '/widget/frame.html?key=' + encode(key) + (name ? '&window=' + encode(name) : '');
    add(root, frame);
    // No answer: the server is down or refuses this page. Leave the page as it was.
    const timer = later(() => {
      remove();
      apply(warn, w.console, ['Switchboard: the chat could not load from ' + origin + '.']);
    }, 10000);
    on(w, 'message', (e: MessageEvent) => {
      const m = e.data;
      if (!frame || e.source !== frame.contentWindow || e.origin !== origin) return;
      if (!m || m.sb !== WIDGET_PROTOCOL) return;
      if (m.type === 'ready' && !target) {
        apply(clearTimer, w, [timer]);
        target = e.source as Window;
        if (m.data && m.data.position === 'bottom-left') side = 'left';
        restyle(1);
        mark('ready');
        page();
        for (let i = 0; i < queue.length; i++) post(queue[i]![0], queue[i]![1]);
        queue.length = 0;
        emit('ready', null);
      } else if (m.type === 'resize') {
        restyle(m.data === 'open' ? 2 : 1);
      } else if (m.type === 'event' && m.data) {
        emit(String(m.data.name), m.data.detail);
      }
    });
    add(d.body, host);
    // Single-page apps: report the new page when the address changes (no history patching).
    const check = () => {
      if (target && location.href !== lastUrl) page();
    };
    on(w, 'popstate', check);
    apply(setInterval, w, [check, 1000]);
  };

  const go = () => (idle ? apply(idle, w, [start, { timeout: 2000 }]) : later(start, 1));
  if (d.readyState === 'complete') go();
  else {
    const onLoad = () => {
      apply(unlisten, w, ['load', onLoad]);
      go();
    };
    on(w, 'load', onLoad);
  }
})(window, document);
