/** The console's routes, all under `/console/`. */
export type Route =
  | { readonly view: 'conversations'; readonly conversationId: string | null }
  | { readonly view: 'visitors'; readonly visitorId: string | null }
  | { readonly view: 'queue' }
  | { readonly view: 'supervisor' }
  | { readonly view: 'admin'; readonly tab: string | null }
  | { readonly view: 'plugin'; readonly pluginId: string; readonly element: string };

export const BASE = '/console/';

/** Reads a path such as `/console/conversations/cnv_1` (anything unknown is the inbox). */
export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '';
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'visitors':
      return { view: 'visitors', visitorId: parts[1] ?? null };
    case 'queue':
      return { view: 'queue' };
    case 'supervisor':
      return { view: 'supervisor' };
    case 'admin':
      return { view: 'admin', tab: parts[1] ?? null };
    case 'plugins':
      if (parts[1] && parts[2]) return { view: 'plugin', pluginId: parts[1], element: parts[2] };
      break;
    case 'conversations':
      return { view: 'conversations', conversationId: parts[1] ?? null };
  }
  return { view: 'conversations', conversationId: null };
}

export function routePath(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.view) {
    case 'conversations':
      return route.conversationId ? `${BASE}conversations/${enc(route.conversationId)}` : BASE;
    case 'visitors':
      return route.visitorId ? `${BASE}visitors/${enc(route.visitorId)}` : `${BASE}visitors`;
    case 'plugin':
      return `${BASE}plugins/${enc(route.pluginId)}/${enc(route.element)}`;
    case 'admin':
      return route.tab ? `${BASE}admin/${enc(route.tab)}` : `${BASE}admin`;
    default:
      return `${BASE}${route.view}`;
  }
}

/**
 * Client-side routing with `history.pushState`: the server answers every extension-less path
 * under `/console/` with the app page, so deep links survive a reload.
 */
export class Router {
  route: Route = parseRoute(location.pathname);
  private readonly listeners = new Set<() => void>();
  private readonly onPop = () => {
    this.route = parseRoute(location.pathname);
    this.emit();
  };

  constructor() {
    window.addEventListener('popstate', this.onPop);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Goes to `route` (a new history entry, or a replaced one). */
  go(route: Route, replace = false): void {
    const path = routePath(route);
    if (path !== location.pathname) {
      if (replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    this.route = route;
    this.emit();
  }

  dispose(): void {
    window.removeEventListener('popstate', this.onPop);
    this.listeners.clear();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
