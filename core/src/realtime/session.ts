import {
  CloseCodes,
  ForbiddenError,
  GatewayFrames,
  InputError,
  MAX_RESUME_CONVERSATIONS,
  PROTOCOL_VERSION,
  UnauthorizedError,
  type Clock,
  type HelloData,
  type HelloResult,
  type Logger,
  type MessageEvent,
  type Principal,
  type ResumeGapEvent,
  type ResumeOutcome,
} from '@switchboard/sdk';
import type { KernelConfig } from '../config.js';
import type { SchemaValidator } from '../validation.js';
import type { Connection } from './connection.js';
import { encode } from './fan-out.js';
import { parseFrame } from './frame-parser.js';
import type { ReplaySource } from './replay-source.js';
import type { SocketRegistry } from './socket-registry.js';

/** Checks that a visitor's socket comes from one of its site's allowed origins. */
export type OriginCheck = (principal: Principal, origin: string | null) => Promise<boolean>;

/** What opening a session needs from the gateway. */
export interface SessionHost {
  readonly clock: Clock;
  readonly sockets: SocketRegistry;
  readonly config: KernelConfig['realtime'];
  readonly validator: SchemaValidator;
  readonly maxDepth: number;
  readonly replay: ReplaySource | null;
  readonly checkOrigin: OriginCheck | null;
  readonly logger: Logger;
  resolve(token: string): Promise<Principal | null>;
  revocationMark(): number;
  revokedSince(mark: number, conn: Connection): boolean;
  reject(conn: Connection, id: string | null, error: unknown, code: number): void;
  write(conn: Connection, frame: Buffer): boolean;
  opened(conn: Connection): void;
}

const HELLO_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 4096 },
    protocol: { type: 'integer', minimum: 1, maximum: 1000 },
    resume: {
      type: 'object',
      maxProperties: MAX_RESUME_CONVERSATIONS,
      propertyNames: { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
      additionalProperties: { type: 'integer', minimum: 0, maximum: 2147483647 },
    },
  },
} as const;

/**
 * Serves the first frame of a socket: `hello`. Resolves the token with the HTTP edge's
 * resolvers, checks a visitor's origin, registers the socket for live events, replays what each
 * `resume` conversation missed, then answers: the ack first, the replayed messages next, then
 * the live events that arrived meanwhile (those the replay already covered are dropped).
 * Any failure answers an error frame and closes the socket (4001, or 4002 for a wrong protocol).
 */
export async function openSession(
  host: SessionHost,
  conn: Connection,
  data: unknown,
  isBinary: boolean,
): Promise<void> {
  const mark = host.revocationMark();
  const parsed = parseFrame(data, isBinary, host.maxDepth);
  if (parsed.error) return host.reject(conn, parsed.id, parsed.error, CloseCodes.Unauthorized);
  const { id, type } = parsed.frame;
  if (type !== GatewayFrames.hello) {
    const error = new UnauthorizedError(
      'The first frame must be "hello" with your token: {"id","type":"hello","data":{"token"}}.',
      'REALTIME_HELLO_REQUIRED',
    );
    return host.reject(conn, id, error, CloseCodes.Unauthorized);
  }
  let hello: HelloData;
  try {
    hello = host.validator.validate<HelloData>(HELLO_SCHEMA, parsed.frame.data ?? {}, 'hello');
  } catch (error) {
    return host.reject(conn, id, error, CloseCodes.Unauthorized);
  }
  if (hello.protocol !== undefined && hello.protocol !== PROTOCOL_VERSION) {
    const error = new InputError(
      `This server speaks protocol ${PROTOCOL_VERSION}; update the client.`,
      { supported: [PROTOCOL_VERSION] },
      'REALTIME_PROTOCOL_UNSUPPORTED',
    );
    return host.reject(conn, id, error, CloseCodes.ProtocolViolation);
  }

  const principal = await host.resolve(hello.token);
  if (conn.closed) return;
  if (!principal) {
    const error = new UnauthorizedError(
      'The token is unknown or expired; sign in again.',
      'AUTH_TOKEN_INVALID',
    );
    return host.reject(conn, id, error, CloseCodes.Unauthorized);
  }
  if (principal.kind === 'visitor' && host.checkOrigin) {
    const allowed = await host.checkOrigin(principal, conn.origin);
    if (conn.closed) return;
    if (!allowed) {
      const error = new ForbiddenError(
        `This site does not accept chats from ${conn.origin ?? 'a page without an Origin'}; add the origin to the site's allowed origins.`,
        'AUTH_ORIGIN_REFUSED',
      );
      return host.reject(conn, id, error, CloseCodes.Unauthorized);
    }
  }
  conn.principal = principal;
  conn.tokenId = tokenIdOf(principal);
  if (host.revokedSince(mark, conn)) {
    const error = new UnauthorizedError(
      'This session was just revoked; sign in again.',
      'AUTH_REVOKED',
    );
    return host.reject(conn, id, error, CloseCodes.Revoked);
  }

  // From here on live events for this socket are held back until the replay is out.
  conn.state = 'resuming';
  host.sockets.add(conn);
  const { resumed, frames, floors } = await replayMissed(host, conn, principal, hello.resume ?? {});
  if (conn.closed) return;

  const result: HelloResult = {
    protocol: PROTOCOL_VERSION,
    principal: describe(principal),
    heartbeatMs: host.config.heartbeatMs,
    serverTime: host.clock.now(),
    resumed,
  };
  if (!host.write(conn, encode({ type: 'ack', id, result }))) return;
  for (const frame of frames) if (!host.write(conn, frame)) return;
  const held = conn.held;
  conn.held = null;
  conn.heldBytes = 0;
  conn.state = 'open';
  for (const event of held ?? []) {
    const floor = event.conversationId === null ? undefined : floors.get(event.conversationId);
    if (floor !== undefined && event.seq <= floor) continue;
    if (!host.write(conn, event.frame)) return;
  }
  host.opened(conn);
}

/**
 * Replays each resumed conversation, in the order given. Users (and the operator) start watching
 * a conversation before its replay is read, so nothing published in between is lost. At most
 * `replayLimit` messages per conversation and twice that per hello are held in memory; past
 * that the outcome is a gap and the client refetches over REST.
 */
async function replayMissed(
  host: SessionHost,
  conn: Connection,
  principal: Principal,
  resume: Readonly<Record<string, number>>,
): Promise<{
  resumed: Record<string, ResumeOutcome>;
  frames: Buffer[];
  floors: Map<string, number>;
}> {
  const resumed: Record<string, ResumeOutcome> = {};
  const frames: Buffer[] = [];
  /** Highest seq the client will have per conversation once the replay is out. */
  const floors = new Map<string, number>();
  const { replayLimit } = host.config;
  let budget = replayLimit * 2;
  for (const [conversationId, afterSeq] of Object.entries(resume)) {
    const replay = host.replay;
    if (conn.closed) break;
    if (!replay) {
      resumed[conversationId] = { unknown: true };
      continue;
    }
    let watching = false;
    if (conn.isStaff) {
      const may = principal.kind === 'system' || (await replay.canWatch(principal, conversationId));
      if (conn.closed) break;
      watching = may && host.sockets.subscribe(conn, conversationId);
    }
    const page = await replay.replay(
      principal,
      conversationId,
      afterSeq,
      Math.max(1, Math.min(replayLimit, budget)),
    );
    if (conn.closed) break;
    if (!page) {
      if (watching) host.sockets.unsubscribe(conn, conversationId);
      resumed[conversationId] = { unknown: true };
      continue;
    }
    floors.set(conversationId, afterSeq);
    if (page.gap) {
      const gap: ResumeGapEvent = {
        type: 'resume.gap',
        conversationId,
        fromSeq: afterSeq + 1,
        latestSeq: page.latestSeq,
      };
      resumed[conversationId] = { gap: true, fromSeq: gap.fromSeq, latestSeq: gap.latestSeq };
      frames.push(encode(gap));
      continue;
    }
    let floor = afterSeq;
    for (const message of page.messages) {
      const event: Omit<MessageEvent, 'message'> & { message: unknown } = {
        type: 'message.created',
        conversationId,
        seq: message.seq,
        message: message.message,
      };
      frames.push(encode(event));
      if (message.seq > floor) floor = message.seq;
    }
    floors.set(conversationId, floor);
    budget -= page.messages.length;
    resumed[conversationId] = { replayed: page.messages.length };
  }
  return { resumed, frames, floors };
}

/** Id of the session token behind the principal (`sessionId`), matched by `auth.revoked`. */
function tokenIdOf(principal: Principal): string | null {
  return principal.kind !== 'system' && principal.sessionId ? principal.sessionId : null;
}

function describe(principal: Principal): HelloResult['principal'] {
  switch (principal.kind) {
    case 'user':
      return { kind: 'user', id: principal.userId, tenantId: principal.tenantId };
    case 'visitor':
      return { kind: 'visitor', id: principal.visitorId, tenantId: principal.tenantId };
    default:
      return { kind: 'system', id: null, tenantId: null };
  }
}
