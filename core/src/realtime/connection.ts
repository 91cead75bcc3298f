import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Principal } from '@switchboard/sdk';

/**
 * Where a socket is in its life:
 * - `hello`: accepted, waiting for the `hello` frame (cut after `helloTimeoutMs`);
 * - `auth`: resolving the token and the origin; later frames wait in the inbox;
 * - `resuming`: registered for live events, which are held back while the replay is sent;
 * - `open`: frames are served and events delivered;
 * - `closed`: closing or closed; nothing more is sent or served.
 */
export type ConnectionState = 'hello' | 'auth' | 'resuming' | 'open' | 'closed';

/** An event held back while a socket resumes; message events carry their seq for dedupe. */
export interface HeldEvent {
  readonly frame: Buffer;
  readonly conversationId: string | null;
  readonly seq: number;
}

/**
 * One socket's state. Kept small on purpose (a benchmark holds 15,000 idle sockets): no timers,
 * no closures, collections created only when used.
 */
export class Connection {
  state: ConnectionState = 'hello';
  principal: Principal | null = null;
  /** Id of the session token (`principal.sessionId`), to match `auth.revoked` token ids. */
  tokenId: string | null = null;
  /** Answered the last ping (or sent a frame) since the previous heartbeat sweep. */
  alive = true;
  /** Refused frames in a row; reset by any well-formed frame. */
  badFrames = 0;
  /** Conversations this socket watches (users and system only). */
  subscriptions: Set<string> | null = null;
  /** Frames received and not yet served, served one at a time in order. */
  inbox: { data: unknown; binary: boolean }[] | null = null;
  /** True while a frame of the inbox is being served. */
  busy = false;
  /** Frames answered later (messages waiting for their commit), and the chain of their acks. */
  inFlight = 0;
  answers: Promise<void> | null = null;
  /** Events held back while resuming, and their size in bytes. */
  held: HeldEvent[] | null = null;
  heldBytes = 0;
  /** True while the TCP socket is corked: frames written this tick leave in one write. */
  corked = false;

  constructor(
    readonly ws: WebSocket,
    /** The TCP socket under `ws` (from the upgrade), corked while a tick writes frames. */
    readonly socket: Duplex,
    readonly id: string,
    readonly ip: string,
    readonly origin: string | null,
    /** Clock time by which `hello` must have arrived. */
    readonly helloDeadline: number,
  ) {}

  /** Closing or closed (a getter, so checks after an `await` are not narrowed away). */
  get closed(): boolean {
    return this.state === 'closed';
  }

  get tenantId(): string | null {
    return this.principal ? this.principal.tenantId : null;
  }

  /** User or system socket: receives agent-side views. */
  get isStaff(): boolean {
    return this.principal !== null && this.principal.kind !== 'visitor';
  }
}
