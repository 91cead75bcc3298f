import { foreignOrigin } from '../http/foreign-origin.js';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData, type ServerOptions } from 'ws';
import {
  CloseCodes,
  UnauthorizedError,
  WS_PATH,
  type Clock,
  type Disposable,
  type EventBus,
  type Logger,
  type Principal,
} from '@switchboard/sdk';
import type { OperationRegistry } from '../api/operation-registry.js';
import type { AccessPolicy } from '../auth/policy.js';
import type { RevokedPublished } from '../chat/chat-events.js';
import { newId } from '../chat/ids.js';
import type { KernelConfig } from '../config.js';
import type { PrincipalResolver } from '../http/auth.js';
import { SchemaValidator } from '../validation.js';
import { Connection } from './connection.js';
import { encode, revocationMatches, subscribeFanOut, type FanOutTarget } from './fan-out.js';
import { MAX_BAD_FRAMES, answerError, serveFrame, type FrameHost } from './frame-server.js';
import { HelloDeadlines } from './hello-deadlines.js';
import type { ReplaySource } from './replay-source.js';
import { openSession, type OriginCheck, type SessionHost } from './session.js';
import { SocketRegistry } from './socket-registry.js';

export type { OriginCheck };

/** What the gateway is built from (see `ChatCore.attach`). */
export interface RealtimeGatewayDeps {
  /** The kernel's HTTP server; the gateway answers its `upgrade` requests at `WS_PATH`. */
  readonly server: Server;
  /** Every frame type other than the gateway's own is an operation of this registry. */
  readonly registry: OperationRegistry;
  /** The token resolvers of the HTTP edge, in the same order; read at each `hello`. */
  readonly resolvers: Iterable<PrincipalResolver>;
  /** Resume and watch checks; may be given later with `setReplaySource`. */
  readonly replay?: ReplaySource | null;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly config: KernelConfig['realtime'];
  readonly policy: AccessPolicy;
  /** Deepest nesting accepted in frame data (`http.maxJsonDepth`); default 32. */
  readonly maxJsonDepth?: number;
  /** Origin check for visitor sockets; without one, every origin is accepted. */
  readonly checkOrigin?: OriginCheck | null;
  /**
   * Called when the last socket of a visitor or user closes (the chat core fires
   * `session.visitorLeft` after a grace period; routing can react to agents dropping).
   */
  readonly onLastSocketClosed?: ((principal: Principal) => void) | null;
  /** Called when a socket has said hello and is open (presence comes back on reconnect). */
  readonly onSocketOpened?: ((principal: Principal) => void) | null;
}

/** Counters for health checks and benchmarks. */
export interface RealtimeStats {
  /** Accepted sockets whose TCP connection is not closed yet (closing ones included). */
  readonly sockets: number;
  /** Sockets past `hello`. */
  readonly authenticated: number;
  readonly users: number;
  readonly visitors: number;
  readonly system: number;
  /** Conversations watched by at least one socket, and socket-conversation pairs. */
  readonly watchedConversations: number;
  readonly subscriptions: number;
}

/** Which sockets {@link RealtimeGateway.disconnect} closes; every field given must match. */
export interface SocketFilter {
  readonly tenantId?: string | null;
  readonly userId?: string;
  readonly visitorId?: string;
}

/** The WebSocket endpoint: one per server, see docs/protocol.md. */
export interface RealtimeGateway {
  /** Closes every socket with 1001, stops timers, leaves the bus and the HTTP server. */
  close(): Promise<void>;
  stats(): RealtimeStats;
  /** True while the visitor or user behind `principal` has an open socket on this process. */
  hasSocketsOf(principal: Principal): boolean;
  setReplaySource(replay: ReplaySource | null): void;
  setOriginCheck(check: OriginCheck | null): void;
  /**
   * Closes the matching authenticated sockets (default code 1001: clients reconnect and
   * resume). For operators and tests; returns how many were closed.
   */
  disconnect(filter?: SocketFilter, code?: number, reason?: string): number;
}

/** Builds the gateway and starts answering upgrades at `WS_PATH`. */
export function createRealtimeGateway(deps: RealtimeGatewayDeps): RealtimeGateway {
  return new RealtimeGatewayImpl(deps);
}

export { MAX_BAD_FRAMES };
/** Frames waiting to be served on one socket before it is closed with 4002. */
const MAX_INBOX = 256;
/** The socket stops reading at this many waiting frames, and reads again below `RESUME_AT`. */
const PAUSE_AT = 16;
const RESUME_AT = 4;
/** How long a closing socket may take to finish the close handshake before it is destroyed. */
const CLOSE_GRACE_MS = 3000;
/** Revocations remembered for sockets that are still authenticating. */
const REVOCATION_MEMORY = 256;
const TEXT = { binary: false } as const;
/** A corked socket is flushed at once when this many bytes wait in it (see `write`). */
const FLUSH_CORKED_AT = 64 * 1024;

class RealtimeGatewayImpl implements RealtimeGateway, FanOutTarget, SessionHost, FrameHost {
  readonly sockets = new SocketRegistry();
  readonly logger: Logger;
  readonly config: KernelConfig['realtime'];
  readonly clock: Clock;
  readonly validator = new SchemaValidator({ useDefaults: false });
  readonly maxDepth: number;
  readonly registry: OperationRegistry;
  readonly policy: AccessPolicy;
  replay: ReplaySource | null;
  checkOrigin: OriginCheck | null;
  /** Every accepted socket, from upgrade to its `close` event. */
  private readonly all = new Map<WebSocket, Connection>();
  private readonly wss: WebSocketServer;
  private readonly disposables: Disposable[] = [];
  private readonly helloDeadlines: HelloDeadlines;
  /** The heartbeat sweep; runs only while there are sockets, so an idle server has no timer. */
  private heartbeat: Disposable | null = null;
  private revocations: { n: number; revoked: RevokedPublished }[] = [];
  private revocationCount = 0;
  private closing: Promise<void> | null = null;
  private drained: (() => void) | null = null;
  /** Bytes waiting in a corked socket that flush it at once (see `write`). */
  private readonly flushCorkedAt: number;
  /** Sockets corked by `write` in this tick; `uncorkAll` flushes them. */
  private corked: Connection[] = [];
  /** One listener of each kind, shared by every socket: no closures per socket. */
  private readonly listeners: SocketListeners;

  constructor(private readonly deps: RealtimeGatewayDeps) {
    this.logger = deps.logger.child({ area: 'realtime' });
    this.config = deps.config;
    this.clock = deps.clock;
    this.maxDepth = deps.maxJsonDepth ?? 32;
    this.flushCorkedAt = Math.min(FLUSH_CORKED_AT, deps.config.maxBufferedBytes / 2);
    this.registry = deps.registry;
    this.policy = deps.policy;
    this.replay = deps.replay ?? null;
    this.checkOrigin = deps.checkOrigin ?? null;
    const options = {
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: deps.config.maxFrameBytes,
      closeTimeout: CLOSE_GRACE_MS,
    };
    this.wss = new WebSocketServer(options as ServerOptions);
    this.listeners = socketListeners(this);
    this.helloDeadlines = new HelloDeadlines(this.clock, (conn) => {
      const error = new UnauthorizedError(
        `Send "hello" with a token within ${this.config.helloTimeoutMs} ms of connecting.`,
        'REALTIME_HELLO_TIMEOUT',
      );
      this.reject(conn, null, error, CloseCodes.Unauthorized);
    });
    deps.server.on('upgrade', this.onUpgrade);
    this.disposables.push(...subscribeFanOut(deps.events, this));
  }

  // --- public API ---

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** True while the visitor or user behind `principal` has an open socket on this process. */
  hasSocketsOf(principal: Principal): boolean {
    if (principal.kind === 'visitor')
      return (this.sockets.visitorSockets(principal.visitorId)?.size ?? 0) > 0;
    if (principal.kind === 'user')
      return (this.sockets.userSockets(principal.userId)?.size ?? 0) > 0;
    return false;
  }

  stats(): RealtimeStats {
    const counts = this.sockets.counts();
    return {
      sockets: this.all.size,
      authenticated: counts.users + counts.visitors + counts.system,
      users: counts.users,
      visitors: counts.visitors,
      system: counts.system,
      watchedConversations: counts.watched,
      subscriptions: counts.subscriptions,
    };
  }

  setReplaySource(replay: ReplaySource | null): void {
    this.replay = replay;
  }

  setOriginCheck(check: OriginCheck | null): void {
    this.checkOrigin = check;
  }

  disconnect(filter: SocketFilter = {}, code: number = CloseCodes.GoingAway, reason = ''): number {
    let count = 0;
    for (const conn of [...this.all.values()]) {
      const p = conn.principal;
      if (!p || conn.state === 'closed') continue;
      if (filter.tenantId !== undefined && p.tenantId !== filter.tenantId) continue;
      if (filter.userId !== undefined && (p.kind !== 'user' || p.userId !== filter.userId))
        continue;
      if (
        filter.visitorId !== undefined &&
        (p.kind !== 'visitor' || p.visitorId !== filter.visitorId)
      )
        continue;
      this.cut(conn, code, reason);
      count++;
    }
    return count;
  }

  // --- FanOutTarget and SessionHost ---

  deliver(conn: Connection, frame: Buffer, conversationId?: string, seq = 0): void {
    if (conn.state === 'open') {
      this.write(conn, frame);
      return;
    }
    if (conn.state !== 'resuming') return;
    // Held back until the replay is out; bounded like the socket buffer itself.
    (conn.held ??= []).push({ frame, conversationId: conversationId ?? null, seq });
    conn.heldBytes += frame.length;
    if (conn.heldBytes > this.config.maxBufferedBytes) {
      this.cut(conn, CloseCodes.SlowConsumer, 'too far behind');
    }
  }

  /** Sends now, or cuts a socket whose unsent bytes pass `maxBufferedBytes`. False if not sent. */
  write(conn: Connection, frame: Buffer): boolean {
    const ws = conn.ws;
    if (conn.state === 'closed' || ws.readyState !== WebSocket.OPEN) return false;
    // Corked bytes count in `bufferedAmount`: hand a long burst to the kernel now, so only what
    // the client really leaves unread can reach the limit below.
    if (conn.corked && ws.bufferedAmount > this.flushCorkedAt) this.uncork(conn);
    if (ws.bufferedAmount > this.config.maxBufferedBytes) {
      this.cut(conn, CloseCodes.SlowConsumer, 'too far behind');
      return false;
    }
    if (!conn.corked) {
      conn.corked = true;
      conn.socket.cork();
      this.corked.push(conn);
      if (this.corked.length === 1) process.nextTick(this.uncorkAll);
    }
    ws.send(frame, TEXT);
    return true;
  }

  /**
   * Flushes the sockets corked by `write`. It runs once the current tick's callbacks and promise
   * jobs are done (a group commit settles a whole batch of acks and events in one tick), so a
   * socket's frames of that tick leave in one `writev` instead of one system call per frame:
   * no frame waits for a later tick or for I/O.
   */
  private readonly uncorkAll = (): void => {
    const corked = this.corked;
    this.corked = [];
    for (const conn of corked) this.uncork(conn);
  };

  private uncork(conn: Connection): void {
    if (!conn.corked) return;
    conn.corked = false;
    conn.socket.uncork();
  }

  cut(conn: Connection, code: number, reason: string): void {
    if (conn.state === 'closed') return;
    this.forget(conn);
    this.logger.debug({ connectionId: conn.id, code, reason }, 'closing socket');
    // `closeTimeout` destroys the socket if the close handshake does not finish in time.
    conn.ws.close(code, reason);
  }

  noteRevocation(revoked: RevokedPublished): void {
    this.revocations.push({ n: ++this.revocationCount, revoked });
    if (this.revocations.length > REVOCATION_MEMORY) this.revocations.shift();
  }

  /** Number of revocations seen so far: a session notes it before resolving its token. */
  revocationMark(): number {
    return this.revocationCount;
  }

  /** True when a revocation published after `mark` names this socket's session. */
  revokedSince(mark: number, conn: Connection): boolean {
    const oldest = this.revocations[0]?.n ?? this.revocationCount + 1;
    // More revocations than remembered went by: refuse, the client retries with its token.
    if (mark + 1 < oldest && mark < this.revocationCount) return true;
    return this.revocations.some((r) => r.n > mark && revocationMatches(conn, r.revoked));
  }

  async resolve(token: string): Promise<Principal | null> {
    for (const resolver of this.deps.resolvers) {
      const principal = await resolver(token);
      if (principal) return principal;
    }
    return null;
  }

  /** Answers a frame with an error and closes the socket (a failed `hello`). */
  reject(conn: Connection, id: string | null, error: unknown, code: number): void {
    answerError(this, conn, id, error);
    this.cut(conn, code, code === CloseCodes.Unauthorized ? 'unauthorized' : 'refused');
  }

  /** Serves frames that arrived while the socket was authenticating. */
  opened(conn: Connection): void {
    if (conn.inbox) this.drain(conn);
    else if (conn.ws.isPaused) conn.ws.resume();
    if (conn.principal && this.deps.onSocketOpened) {
      try {
        this.deps.onSocketOpened(conn.principal);
      } catch (error) {
        this.logger.error({ err: error }, 'socket-opened callback failed');
      }
    }
  }

  // --- sockets ---

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== WS_PATH) {
      // Leave other paths to other upgrade listeners, if there are any.
      if (this.deps.server.listenerCount('upgrade') === 1) refuseUpgrade(socket, '404 Not Found');
      return;
    }
    if (this.closing) return refuseUpgrade(socket, '503 Service Unavailable');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, socket));
  };

  private accept(ws: WebSocket, req: IncomingMessage, socket: Duplex): void {
    if (this.closing) {
      ws.close(CloseCodes.GoingAway, 'server shutting down');
      return;
    }
    const now = this.clock.now();
    const conn = new Connection(
      ws,
      socket,
      newId('ws', now),
      req.socket.remoteAddress ?? '',
      foreignOrigin(req.headers),
      now + this.config.helloTimeoutMs,
    );
    this.all.set(ws, conn);
    const { listeners } = this;
    ws.on('message', listeners.message);
    ws.on('pong', listeners.pong);
    ws.on('close', listeners.close);
    ws.on('error', listeners.error);
    this.helloDeadlines.add(conn);
    this.heartbeat ??= this.clock.setInterval(() => this.sweep(), this.config.heartbeatMs);
  }

  received(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const conn = this.all.get(ws);
    if (!conn || conn.state === 'closed') return;
    conn.alive = true;
    if (conn.state === 'hello') {
      conn.state = 'auth';
      openSession(this, conn, data, isBinary).catch((error: unknown) => {
        this.logger.error({ err: error, connectionId: conn.id }, 'hello failed');
        if (conn.state !== 'closed') this.reject(conn, null, error, 1011);
      });
      return;
    }
    const inbox = (conn.inbox ??= []);
    inbox.push({ data, binary: isBinary });
    if (inbox.length > MAX_INBOX) {
      this.cut(conn, CloseCodes.ProtocolViolation, 'too many frames in flight');
      return;
    }
    if (inbox.length >= PAUSE_AT && !ws.isPaused) ws.pause();
    if (conn.state === 'open') this.drain(conn);
  }

  ponged(ws: WebSocket): void {
    const conn = this.all.get(ws);
    if (conn) conn.alive = true;
  }

  failed(ws: WebSocket, error: Error): void {
    // `ws` closes the socket itself (1009 for an oversize frame, 1002 for a protocol error).
    this.logger.debug({ err: error, connectionId: this.all.get(ws)?.id }, 'socket error');
  }

  closed(ws: WebSocket, code: number): void {
    const conn = this.all.get(ws);
    this.all.delete(ws);
    if (conn) {
      this.forget(conn);
      this.logger.debug({ connectionId: conn.id, code }, 'socket closed');
    }
    if (this.all.size > 0) return;
    this.heartbeat?.dispose();
    this.heartbeat = null;
    this.drained?.();
  }

  /** Takes a socket out of every index; nothing more is sent to it or served from it. */
  private forget(conn: Connection): void {
    if (conn.state === 'closed') return;
    conn.state = 'closed';
    this.sockets.remove(conn);
    const principal = conn.principal;
    if (principal && this.deps.onLastSocketClosed && !this.hasSocketsOf(principal)) {
      try {
        this.deps.onLastSocketClosed(principal);
      } catch (error) {
        this.logger.error({ err: error }, 'last-socket callback failed');
      }
    }
    conn.inbox = null;
    conn.held = null;
    conn.heldBytes = 0;
  }

  // --- frames ---

  /** Serves the inbox one frame at a time, in order; the socket reads again once it is short. */
  private drain(conn: Connection): void {
    if (conn.busy) return;
    conn.busy = true;
    this.serveInbox(conn)
      .catch((error: unknown) => {
        this.logger.error({ err: error, connectionId: conn.id }, 'serving frames failed');
      })
      .finally(() => {
        conn.busy = false;
      });
  }

  private async serveInbox(conn: Connection): Promise<void> {
    while (conn.state === 'open' && conn.inbox && conn.inbox.length > 0) {
      const next = conn.inbox.shift()!;
      if (conn.inbox.length === 0) conn.inbox = null;
      await serveFrame(this, conn, next.data, next.binary);
      if (conn.ws.isPaused && (conn.inbox?.length ?? 0) < RESUME_AT && conn.state === 'open') {
        conn.ws.resume();
      }
    }
  }

  // --- timers ---

  /** One sweep for every socket: a heartbeat event and a ping; no pong since the last = dead. */
  private sweep(): void {
    const beat = encode({ type: 'heartbeat', at: this.clock.now() });
    for (const conn of this.all.values()) {
      const ws = conn.ws;
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (!conn.alive) {
        this.logger.debug(
          { connectionId: conn.id },
          'no pong since the last heartbeat; terminating',
        );
        this.forget(conn);
        ws.terminate();
        continue;
      }
      conn.alive = false;
      if (conn.state === 'open') this.write(conn, beat);
      if (conn.state !== 'closed') ws.ping();
    }
  }

  // --- shutdown ---

  private async shutdown(): Promise<void> {
    this.deps.server.off('upgrade', this.onUpgrade);
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
    this.helloDeadlines.dispose();
    this.heartbeat?.dispose();
    this.heartbeat = null;
    if (this.all.size > 0) {
      const allClosed = new Promise<void>((resolve) => (this.drained = resolve));
      for (const conn of this.all.values())
        this.cut(conn, CloseCodes.GoingAway, 'server shutting down');
      // Real time on purpose: shutdown must finish even when the kernel clock is virtual.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
      await Promise.race([allClosed, timeout]);
      clearTimeout(timer);
      for (const ws of this.all.keys()) ws.terminate();
    }
    this.drained = null;
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

interface SocketListeners {
  message(this: WebSocket, data: RawData, isBinary: boolean): void;
  pong(this: WebSocket): void;
  close(this: WebSocket, code: number): void;
  error(this: WebSocket, error: Error): void;
}

/** Listeners that find their socket in `this`, as EventEmitter calls them. */
function socketListeners(gateway: RealtimeGatewayImpl): SocketListeners {
  return {
    message(data, isBinary) {
      gateway.received(this, data, isBinary);
    },
    pong() {
      gateway.ponged(this);
    },
    close(code) {
      gateway.closed(this, code);
    },
    error(error) {
      gateway.failed(this, error);
    },
  };
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
