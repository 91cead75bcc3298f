import { WS_PATH } from '../protocol.js';
import { SwitchboardClientError } from './client-error.js';
import type { FetchLike, WebSocketConstructorLike } from './web-socket-like.js';

/** HTTP base and WebSocket URL of a server URL (`http(s)://host` or `ws(s)://host/api/v1/ws`). */
export function endpoints(url: string): { http: string; ws: string } {
  let base = url.trim().replace(/\/+$/, '');
  if (base.endsWith(WS_PATH)) base = base.slice(0, -WS_PATH.length);
  const http = base.replace(/^ws(s?):\/\//i, 'http$1://');
  if (!/^https?:\/\//i.test(http)) {
    throw new TypeError(`SwitchboardClient needs an absolute http(s) or ws(s) URL, not "${url}".`);
  }
  return { http, ws: http.replace(/^http(s?):\/\//i, 'ws$1://') + WS_PATH };
}

/** The global WebSocket class (browsers, Node 22+). */
export function defaultWebSocket(): WebSocketConstructorLike {
  const Ctor = (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (!Ctor) {
    throw new TypeError(
      'No global WebSocket: pass one in the options (in Node 20: `import { WebSocket } from "ws"`).',
    );
  }
  return Ctor;
}

/** The global fetch, callable detached (browsers refuse a fetch whose `this` is not global). */
export function defaultFetch(): FetchLike {
  const fetchFn = (globalThis as { fetch?: FetchLike }).fetch;
  if (!fetchFn) throw new TypeError('No global fetch: pass one in the options.');
  return (url, init) => fetchFn.call(globalThis, url, init);
}

/**
 * One JSON request with a bearer token. Resolves with the parsed body (or its text when it is not
 * JSON); rejects with the server's `{ error: { code, message, details } }` and the status.
 */
export async function restRequest<T>(
  fetchFn: FetchLike,
  url: string,
  token: string,
  method: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: 'application/json',
  };
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchFn(url, { method, headers, body: payload });
  } catch (error) {
    throw new SwitchboardClientError(
      'CLIENT_NETWORK',
      `${method} ${url} failed: ${(error as Error).message}`,
    );
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (an XML transcript, a CSV): hand the text over.
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } })
      ?.error;
    throw new SwitchboardClientError(
      error?.code ?? `HTTP_${res.status}`,
      error?.message ?? `${method} ${url} answered ${res.status}.`,
      error?.details,
      res.status,
    );
  }
  return parsed as T;
}
