import {
  CloseCodes,
  MAX_RESUME_CONVERSATIONS,
  PROTOCOL_VERSION,
  type ConversationEvent,
  type HeartbeatEvent,
  type HelloResult,
  type MessageEvent,
  type PresenceEvent,
  type ResumeGapEvent,
  type TypingEvent,
  type VisitorEvent,
} from '../protocol.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { SwitchboardClientError } from './client-error.js';
import { defaultFetch, defaultWebSocket, endpoints, restRequest } from './endpoints.js';
import { LruMap, LruSet } from './lru.js';
import { PendingCalls, type PendingCall } from './pending-calls.js';
import type { FetchLike, WebSocketConstructorLike, WebSocketLike } from './web-socket-like.js';

/** Where the client is. @public */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Options of {@link SwitchboardClient}. @public */
export interface SwitchboardClientOptions {
  /** Server base URL, e.g. `https://chat.example.com` (a `ws(s)://…/api/v1/ws` URL works too). */
  readonly url: string;
  /** Bearer token: a user's sign-in token or a visitor session token. */
  readonly token: string;
  /** WebSocket class; default the global one (Node 20 has none: pass `WebSocket` from `ws`). */
  readonly WebSocket?: WebSocketConstructorLike;
  /** `fetch` for {@link SwitchboardClient.rest}; default the global one. */
  readonly fetch?: FetchLike;
  /** Reconnect delays (default 500 ms to 30 s), or `false` to stay closed after a drop. */
  readonly reconnect?: Partial<BackoffOptions> | false;
  /** Heartbeat interval to expect until the server states its own in `hello`; default 15 s. */
  readonly heartbeatMs?: number;
  /** A call without an answer after this long fails with `CLIENT_TIMEOUT`; default 30 s, 0 = never. */
  readonly callTimeoutMs?: number;
  /** Calls waiting for a connection, at most; beyond, `CLIENT_QUEUE_FULL`. Default 1000. */
  readonly maxQueuedCalls?: number;
  /** Message ids remembered to drop duplicates; default 5000. */
  readonly dedupeCapacity?: number;
  /** Random numbers in [0, 1) for the reconnect jitter; default `Math.random`. */
  readonly random?: () => number;
}

/** Why the client stopped for good: the token was refused (4001) or revoked (4003). @public */
export interface UnauthorizedEvent {
  readonly code: number;
  readonly reason: string;
  /** The server's answer to `hello`, when it sent one. */
  readonly error: SwitchboardClientError;
}

/** Events of {@link SwitchboardClient.on}. @public */
export interface ClientEvents {
  'message.created': MessageEvent;
  'conversation.updated': ConversationEvent;
  typing: TypingEvent;
  presence: PresenceEvent;
  'visitor.updated': VisitorEvent;
  heartbeat: HeartbeatEvent;
  /** More was missed than the server replays: refetch the conversation over REST. */
  'resume.gap': ResumeGapEvent;
  /** Every successful `hello` (first connect and each reconnect): refetch state that is not replayed. */
  hello: HelloResult;
  state: ClientState;
  /** The token was refused or revoked: the client is closed; sign in again. */
  unauthorized: UnauthorizedEvent;
}

type Handler = (event: any) => void;

/**
 * The Switchboard real-time client, for the console, the widget, tests and integrators. Works in
 * browsers and in Node 20 (pass `WebSocket` from `ws`).
 *
 * - `call(type, data)` sends a frame and resolves with its ack (rejects with a
 *   {@link SwitchboardClientError}). Calls made while disconnected wait and go out after the
 *   next successful `hello`; a call whose socket dropped before the answer is sent once more.
 *   Delivery of calls is therefore at least once: give sends a `clientMessageId` so the server
 *   can recognise a repeat.
 * - Reconnects on its own with exponential backoff and jitter, and resumes: `hello` carries the
 *   last seq seen per conversation (see {@link SwitchboardClient.track}) and the server replays
 *   what was missed. `message.created` is deduplicated by message id, so each message reaches
 *   the app once; `resume.gap` says when to refetch instead.
 * - A connection silent for 2.5 heartbeats is treated as dead and replaced.
 * - Close codes 4001 and 4003 end it: `unauthorized` is emitted and nothing is retried.
 * @public
 */
export class SwitchboardClient {
  private readonly httpBase: string;
  private readonly wsUrl: string;
  private token: string;
  private readonly reconnectOptions: BackoffOptions | null;
  private heartbeatMs: number;
  private readonly random: () => number;

  private currentState: ClientState = 'idle';
  private socket: WebSocketLike | null = null;
  /** True between `connect()` and `close()` (or a refusal): drops lead to reconnects. */
  private wanted = false;
  private lastHello: HelloResult | null = null;
  private helloId: string | null = null;
  private helloError: SwitchboardClientError | null = null;
  private attempt = 0;
  private helloCount = 0;
  private lastFrameAt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private readonly calls: PendingCalls;
  private readonly seen: LruSet<string>;
  private readonly seqs = new LruMap<string, number>(MAX_RESUME_CONVERSATIONS);
  private readonly handlers = new Map<string, Set<Handler>>();
  private waiters: { resolve(result: HelloResult): void; reject(error: Error): void }[] = [];

  constructor(private readonly options: SwitchboardClientOptions) {
    const { http, ws } = endpoints(options.url);
    this.httpBase = http;
    this.wsUrl = ws;
    this.token = options.token;
    this.reconnectOptions =
      options.reconnect === false
        ? null
        : {
            minDelayMs: options.reconnect?.minDelayMs ?? 500,
            maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
          };
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.calls = new PendingCalls(options.callTimeoutMs ?? 30_000, options.maxQueuedCalls ?? 1000);
    this.seen = new LruSet(options.dedupeCapacity ?? 5000);
    this.random = options.random ?? Math.random;
  }

  get state(): ClientState {
    return this.currentState;
  }

  /** Opens the socket; resolves after the first successful `hello`, rejects when refused or closed. */
  connect(): Promise<HelloResult> {
    if (this.currentState === 'open' && this.lastHello) return Promise.resolve(this.lastHello);
    const ready = new Promise<HelloResult>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
    });
    if (!this.wanted) {
      this.wanted = true;
      this.attempt = 0;
      this.open();
    }
    return ready;
  }

  /** Closes the socket for good; waiting and unanswered calls fail with `CLIENT_CLOSED`. */
  close(): Promise<void> {
    this.wanted = false;
    this.clearTimers();
    const ws = this.socket;
    this.socket = null;
    const error = new SwitchboardClientError('CLIENT_CLOSED', 'The client was closed.');
    this.calls.failAll(error);
    this.failWaiters(error);
    this.setState('closed');
    if (!ws) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 1000);
      ws.onmessage = null;
      ws.onerror = () => {};
      ws.onclose = () => {
        clearTimeout(done);
        resolve();
      };
      try {
        ws.close(1000, 'client closed');
      } catch {
        clearTimeout(done);
        resolve();
      }
    });
  }

  /** Uses `token` from the next `hello` and REST request on (after a refresh). */
  setToken(token: string): void {
    this.token = token;
  }

  /**
   * Sends frame `type` with `data` and resolves with the ack's result. While disconnected the
   * call waits for the next successful `hello` (see the class notes on idempotency).
   */
  call<T = unknown>(type: string, data: Readonly<Record<string, unknown>> = {}): Promise<T> {
    if (!this.wanted && this.currentState === 'closed') {
      return Promise.reject(
        new SwitchboardClientError('CLIENT_CLOSED', 'The client is closed; call connect() first.'),
      );
    }
    const { settled } = this.calls.create<T>(type, data);
    if (this.currentState === 'open' && this.socket) this.flush();
    return settled;
  }

  /**
   * A REST request with the same bearer token: `path` under the server root, e.g.
   * `/api/v1/conversations/c_1/messages`. Resolves with the parsed JSON body (or text); rejects
   * with the server's error.
   */
  rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const fetchFn = this.options.fetch ?? defaultFetch();
    return restRequest<T>(fetchFn, this.httpBase + path, this.token, method, body);
  }

  /** Subscribes to an event (server events by type, plus `hello`, `state`, `unauthorized`). */
  on<K extends keyof ClientEvents>(type: K, handler: (event: ClientEvents[K]) => void): () => void;
  /** Subscribes to an event type this version does not know (e.g. one a plugin pushes). */
  on(type: string, handler: (event: unknown) => void): () => void;
  on(type: string, handler: Handler): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  /**
   * Declares that the app holds conversation `conversationId` up to `lastSeq` (in its own seq
   * space: visitor seqs for visitors), so a reconnect resumes from there. Seqs of delivered
   * `message.created` events are tracked on their own; the most recent
   * {@link MAX_RESUME_CONVERSATIONS} conversations are kept.
   */
  track(conversationId: string, lastSeq: number): void {
    this.noteSeq(conversationId, lastSeq);
  }

  /** Stops resuming a conversation. */
  untrack(conversationId: string): void {
    this.seqs.delete(conversationId);
  }

  /** Last seq seen per tracked conversation (what the next `hello` resumes from). */
  tracked(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, seq] of this.seqs) out[id] = seq;
    return out;
  }

  // --- socket ---

  private open(): void {
    this.clearTimers();
    if (this.currentState === 'idle' || this.currentState === 'closed') this.setState('connecting');
    let ws: WebSocketLike;
    try {
      const Ctor = this.options.WebSocket ?? defaultWebSocket();
      ws = new Ctor(this.wsUrl);
    } catch (error) {
      // No WebSocket class, or a URL it refuses: retrying cannot help.
      this.stop(new SwitchboardClientError('CLIENT_CONFIG', (error as Error).message));
      return;
    }
    this.socket = ws;
    this.helloId = null;
    this.helloError = null;
    this.lastFrameAt = Date.now();
    this.startWatchdog();
    ws.onopen = () => {
      if (this.socket === ws) this.sendHello(ws);
    };
    ws.onmessage = (event: { data: unknown }) => {
      if (this.socket === ws) this.received(event.data);
    };
    ws.onclose = (event: { code?: number; reason?: string }) => {
      if (this.socket === ws) this.dropped(event.code ?? 1006, event.reason ?? '');
    };
    // A close event follows every error.
    ws.onerror = () => {};
  }

  private sendHello(ws: WebSocketLike): void {
    this.helloId = `h${++this.helloCount}`;
    const resume = this.tracked();
    const data: Record<string, unknown> = { token: this.token, protocol: PROTOCOL_VERSION };
    if (Object.keys(resume).length > 0) data.resume = resume;
    ws.send(JSON.stringify({ id: this.helloId, type: 'hello', data }));
  }

  private received(data: unknown): void {
    this.lastFrameAt = Date.now();
    if (typeof data !== 'string') return;
    let frame: { type?: unknown; [key: string]: any };
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== 'string') return;
    switch (frame.type) {
      case 'ack':
      case 'error':
        return this.answered(frame);
      case 'message.created': {
        const id = frame.message?.id;
        if (typeof id === 'string' && !this.seen.add(id)) return;
        if (typeof frame.conversationId === 'string' && typeof frame.seq === 'number') {
          this.noteSeq(frame.conversationId, frame.seq);
        }
        break;
      }
      case 'resume.gap':
        // The app refetches over REST; resuming again from the old seq would only gap again.
        if (typeof frame.conversationId === 'string' && typeof frame.latestSeq === 'number') {
          this.noteSeq(frame.conversationId, frame.latestSeq);
        }
        break;
    }
    this.emit(frame.type, frame);
  }

  private answered(frame: { type?: unknown; id?: unknown; result?: unknown; error?: any }): void {
    const error =
      frame.type === 'error'
        ? new SwitchboardClientError(
            String(frame.error?.code ?? 'UNKNOWN'),
            String(frame.error?.message ?? 'The server refused the frame.'),
            frame.error?.details,
          )
        : null;
    if (typeof frame.id !== 'string') return;
    if (frame.id === this.helloId) {
      if (error) this.helloError = error;
      else this.helloed(frame.result as HelloResult);
      return;
    }
    this.calls.answer(frame.id, error, frame.result);
  }

  private helloed(result: HelloResult): void {
    this.helloId = null;
    this.attempt = 0;
    this.lastHello = result;
    if (typeof result.heartbeatMs === 'number' && result.heartbeatMs > 0) {
      this.heartbeatMs = result.heartbeatMs;
      this.startWatchdog();
    }
    for (const [id, outcome] of Object.entries(result.resumed ?? {})) {
      if ('unknown' in outcome) this.seqs.delete(id);
    }
    this.setState('open');
    this.flush();
    const waiters = this.waiters.splice(0);
    for (const waiter of waiters) waiter.resolve(result);
    this.emit('hello', result);
  }

  /** Sends every queued call, oldest first (calls resent after a drop come first). */
  private flush(): void {
    const ws = this.socket!;
    for (const call of this.calls.takeQueued()) ws.send(frameOf(call));
  }

  /** The socket is gone: retry unanswered calls once, then reconnect unless told not to. */
  private dropped(code: number, reason: string): void {
    this.socket = null;
    this.stopWatchdog();
    this.calls.requeueInFlight();
    if (!this.wanted) {
      this.setState('closed');
      return;
    }
    if (code === CloseCodes.Unauthorized || code === CloseCodes.Revoked) {
      const error =
        this.helloError ??
        (code === CloseCodes.Revoked
          ? new SwitchboardClientError('AUTH_REVOKED', 'The session was revoked; sign in again.')
          : new SwitchboardClientError(
              'AUTH_TOKEN_INVALID',
              'The token was refused; sign in again.',
            ));
      this.stop(error);
      this.emit('unauthorized', { code, reason, error });
      return;
    }
    if (!this.reconnectOptions) {
      this.stop(
        this.helloError ??
          new SwitchboardClientError('CLIENT_DISCONNECTED', `The connection closed (${code}).`),
      );
      return;
    }
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt++, this.reconnectOptions, this.random);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.wanted) this.open();
    }, delay);
  }

  /** Gives up: every waiting call and `connect()` fails with `error`. */
  private stop(error: SwitchboardClientError): void {
    this.wanted = false;
    this.clearTimers();
    this.calls.failAll(error);
    this.failWaiters(error);
    this.setState('closed');
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    const every = Math.max(50, Math.floor(this.heartbeatMs / 2));
    this.watchdog = setInterval(() => this.checkSilence(), every);
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /** No frame for 2.5 heartbeats: the connection is half-open or the server is stuck. */
  private checkSilence(): void {
    const ws = this.socket;
    if (!ws || Date.now() - this.lastFrameAt <= this.heartbeatMs * 2.5) return;
    this.socket = null;
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.onerror = () => {};
    const terminate = (ws as { terminate?: () => void }).terminate;
    try {
      if (typeof terminate === 'function') terminate.call(ws);
      else ws.close(4000, 'no heartbeat');
    } catch {
      // Already closing.
    }
    this.dropped(1006, 'no frame from the server for 2.5 heartbeats');
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopWatchdog();
  }

  private failWaiters(error: Error): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private noteSeq(conversationId: string, seq: number): void {
    const previous = this.seqs.get(conversationId) ?? 0;
    this.seqs.set(conversationId, Math.max(previous, seq));
  }

  private setState(state: ClientState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private emit(type: string, event: unknown): void {
    const set = this.handlers.get(type);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(event);
      } catch (error) {
        // The app's bug, reported as an uncaught error, without breaking the client's state.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

function frameOf(call: PendingCall): string {
  return JSON.stringify({ id: call.id, type: call.type, data: call.data });
}
