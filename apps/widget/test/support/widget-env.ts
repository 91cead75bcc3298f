import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { SwitchboardClient, type WebSocketConstructorLike } from '@switchboard/sdk/client';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import {
  accountsTestConfig,
  createTenantWithAdmin,
  createUser,
} from '../../../../core/test/support/accounts.js';

/** A customer's web site: pages served from another origin than the Switchboard server. */
export interface HostSite {
  readonly origin: string;
  url(path: string): string;
  /** Serves `html` at `path` with extra response headers (e.g. a CSP). */
  page(path: string, html: string, headers?: Record<string, string>): void;
  /** Serves a script file at `path`. */
  script(path: string, js: string): void;
  /** Serves a style sheet at `path`. */
  css(path: string, css: string): void;
  close(): Promise<void>;
}

/** Starts a small web server for host pages on an ephemeral port of `host`. */
export async function startHostSite(host = '127.0.0.1'): Promise<HostSite> {
  const files = new Map<string, { body: string; type: string; headers: Record<string, string> }>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = files.get(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, ...file.headers }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;
  return {
    origin,
    url: (path) => origin + path,
    page: (path, body, headers = {}) =>
      void files.set(path, { body, type: 'text/html; charset=utf-8', headers }),
    script: (path, body) =>
      void files.set(path, { body, type: 'text/javascript; charset=utf-8', headers: {} }),
    css: (path, body) => void files.set(path, { body, type: 'text/css', headers: {} }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A host page with the embed snippet; `head` and `body` are extra markup (no inline script). */
export function hostPage(opts: {
  server: string;
  embedKey: string;
  title?: string;
  head?: string;
  body?: string;
  window?: string;
}): string {
  const win = opts.window ? ` data-window="${opts.window}"` : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title ?? 'Shop'}</title>${opts.head ?? ''}</head>
<body><h1>${opts.title ?? 'Shop'}</h1>${opts.body ?? ''}
<script async src="${opts.server}/widget/loader.js" data-key="${opts.embedKey}"${win}></script>
</body></html>`;
}

/** A server for the widget tests: a tenant with a site that allows `origins`, and one agent. */
export interface WidgetDesk {
  readonly tk: TestKernel;
  readonly tenantId: string;
  readonly siteId: string;
  readonly embedKey: string;
  readonly adminToken: string;
  readonly agent: { id: string; token: string; name: string };
}

export async function startWidgetDesk(): Promise<WidgetDesk> {
  const tk = await createTestKernel({ config: accountsTestConfig });
  const tenant = await createTenantWithAdmin(tk, { siteName: 'Acme shop' });
  const agent = await createUser(tk, tenant.admin.token, { role: 'agent', name: 'Ada' });
  return {
    tk,
    tenantId: tenant.tenantId,
    siteId: tenant.siteId,
    embedKey: tenant.embedKey,
    adminToken: tenant.admin.token,
    agent: { id: agent.id, token: agent.token, name: 'Ada' },
  };
}

/** Changes the site (allowed origins, branding) over the REST API, as an admin would. */
export async function updateSite(desk: WidgetDesk, patch: Record<string, unknown>): Promise<void> {
  const res = await desk.tk.request(
    'PATCH',
    `/api/v1/sites/${desk.siteId}`,
    patch,
    desk.adminToken,
  );
  if (res.status !== 200)
    throw new Error(`sites.update: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Sets the agent's presence (online agents make chats queue; none online: offline form). */
export async function setPresence(
  desk: WidgetDesk,
  presence: 'online' | 'offline' | 'away',
): Promise<void> {
  const res = await desk.tk.request('POST', '/api/v1/presence', { presence }, desk.agent.token);
  if (res.status !== 200) throw new Error(`presence: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The agent's real-time client (Node, `ws`). */
export async function agentClient(desk: WidgetDesk): Promise<SwitchboardClient> {
  const client = new SwitchboardClient({
    url: desk.tk.url,
    token: desk.agent.token,
    WebSocket: WebSocket as unknown as WebSocketConstructorLike,
  });
  await client.connect();
  return client;
}

/** Resolves with the first event of `type` that `match` accepts (rejects after `ms`). */
export function nextEvent<T>(
  client: SwitchboardClient,
  type: string,
  match: (event: T) => boolean = () => true,
  ms = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} event within ${ms} ms`));
    }, ms);
    const off = client.on(type, (event: unknown) => {
      if (!match(event as T)) return;
      clearTimeout(timer);
      off();
      resolve(event as T);
    });
  });
}

/** Polls `fn` until it answers something truthy. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, ms = 10_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The widget's frame in `page` (the iframe lives in a closed shadow root, so by frame URL). */
export async function widgetFrame(page: Page, ms = 10_000): Promise<Frame> {
  return eventually(async () => {
    const frame = page.frames().find((f) => f.url().includes('/widget/frame.html'));
    if (!frame) return null;
    try {
      await frame
        .getByRole('button', { name: /Chat with us|Minimize chat/ })
        .first()
        .waitFor({
          timeout: 500,
        });
      return frame;
    } catch {
      return null;
    }
  }, ms);
}

/**
 * The host element's box on the page (what the loader's shadow styles make of it), read from
 * Playwright's isolated world, so it works on pages that broke their own built-ins.
 */
export async function widgetBox(page: Page) {
  const host = page.locator('switchboard-widget');
  if ((await host.count()) === 0) return null;
  return host.boundingBox();
}

/**
 * Whether this server already has the lead's `GET /api/v1/conversations/:id/queue` and
 * `POST …/survey` routes (a probe with the visitor's token on a missing conversation: the route
 * answers CONVERSATION_NOT_FOUND, a missing route something else).
 */
export async function hasRoute(
  tk: TestKernel,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<boolean> {
  const res = await tk.request(method, path, body, token);
  return res.status !== 404 || (res.body as any)?.error?.code === 'CONVERSATION_NOT_FOUND';
}

/** `TAG#id` of the focused element inside the frame, through shadow roots. */
export function deepFocus(frame: Frame): Promise<string> {
  return frame.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 50));
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? `${el.tagName}${el.id ? `#${el.id}` : ''}` : '';
  });
}
