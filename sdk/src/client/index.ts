/**
 * `@switchboard/sdk/client`: the real-time client. Imports nothing but the protocol module and
 * its own files, so it runs in browsers and in Node alike.
 */
export {
  SwitchboardClient,
  type ClientEvents,
  type ClientState,
  type SwitchboardClientOptions,
  type UnauthorizedEvent,
} from './switchboard-client.js';
export { SwitchboardClientError } from './client-error.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { endpoints } from './endpoints.js';
export { LruMap, LruSet } from './lru.js';
export type { FetchLike, WebSocketConstructorLike, WebSocketLike } from './web-socket-like.js';
export * from '../protocol.js';
