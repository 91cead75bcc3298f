/**
 * The part of the WebSocket API the client uses, met by the browser's `WebSocket` and by the
 * `ws` package's (pass `WebSocket` from `ws` in Node 20, which has no global one).
 * @public
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

/** A WebSocket class. @public */
export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

/** The part of `fetch` the client uses. @public */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ readonly ok: boolean; readonly status: number; text(): Promise<string> }>;
