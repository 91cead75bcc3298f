import {
  CloseCodes,
  ConflictError,
  GatewayFrames,
  InputError,
  NotFoundError,
  Permissions,
  isSwitchboardError,
  type Clock,
  type ErrorFrame,
  type Logger,
  type SubscribeData,
} from '@switchboard/sdk';
import { Deferred, RawResponse } from '../api/operation.js';
import type { OperationRegistry } from '../api/operation-registry.js';
import type { AccessPolicy } from '../auth/policy.js';
import type { SchemaValidator } from '../validation.js';
import type { Connection } from './connection.js';
import { encode } from './fan-out.js';
import { parseFrame } from './frame-parser.js';
import type { ReplaySource } from './replay-source.js';
import { MAX_SUBSCRIPTIONS, type SocketRegistry } from './socket-registry.js';

/** Refused frames in a row a socket may send before it is closed with 4002. */
export const MAX_BAD_FRAMES = 20;

const SUBSCRIBE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['conversationId'],
  properties: { conversationId: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** What serving frames needs from the gateway. */
export interface FrameHost {
  readonly registry: OperationRegistry;
  readonly policy: AccessPolicy;
  readonly clock: Clock;
  readonly validator: SchemaValidator;
  readonly maxDepth: number;
  readonly replay: ReplaySource | null;
  readonly sockets: SocketRegistry;
  readonly logger: Logger;
  write(conn: Connection, frame: Buffer): boolean;
  cut(conn: Connection, code: number, reason: string): void;
}

/**
 * Serves one frame of an authenticated socket and answers it with exactly one `ack` or `error`
 * of the same id. The gateway's own types (`ping`, `conversation.subscribe`/`unsubscribe`) are
 * answered here; every other type is an operation of the registry, called as REST calls it.
 */
export async function serveFrame(
  host: FrameHost,
  conn: Connection,
  data: unknown,
  isBinary: boolean,
): Promise<void> {
  const parsed = parseFrame(data, isBinary, host.maxDepth);
  if (parsed.error) return refuse(host, conn, parsed.id, parsed.error);
  const { id, type, data: input } = parsed.frame;
  if (type === GatewayFrames.hello) {
    const error = new InputError(
      'This socket already said hello; open a new one to change the token.',
      undefined,
      'REALTIME_HELLO_REPEATED',
    );
    return refuse(host, conn, id, error);
  }
  const local =
    type === GatewayFrames.ping ||
    type === GatewayFrames.subscribe ||
    type === GatewayFrames.unsubscribe;
  const operation = local ? null : host.registry.get(type);
  if (!local && (!operation || operation.httpOnly)) {
    const error = new NotFoundError(
      `Unknown frame type "${type}". See docs/protocol.md for the list.`,
      'OPERATION_UNKNOWN',
    );
    return refuse(host, conn, id, error);
  }
  conn.badFrames = 0;
  try {
    let result: unknown;
    if (type === GatewayFrames.ping) result = { at: host.clock.now() };
    else if (type === GatewayFrames.subscribe) result = await subscribe(host, conn, input);
    else if (type === GatewayFrames.unsubscribe) result = unsubscribe(host, conn, input);
    else {
      result = await host.registry.invoke(conn.principal, type, input ?? {}, {
        ip: conn.ip,
        origin: conn.origin,
        connectionId: conn.id,
        transport: 'ws',
      });
      if (result instanceof Deferred) {
        // In order already (queued for the group commit): serve the next frame now and answer
        // this one when it settles, after every earlier answer of this socket.
        const settled = result.promise.then(
          (value) => () => host.write(conn, encode({ type: 'ack', id, result: value ?? null })),
          (error: unknown) => () => answerError(host, conn, id, error, type),
        );
        conn.inFlight++;
        conn.answers = (conn.answers ?? Promise.resolve()).then(async () => {
          const answer = await settled;
          conn.inFlight--;
          if (conn.state !== 'closed') safely(host, answer);
        });
        // Bound the frames of one socket waiting for their commits.
        if (conn.inFlight >= MAX_IN_FLIGHT) await conn.answers;
        return;
      }
      if (result instanceof RawResponse) {
        const { contentType, body, filename } = result;
        result = { contentType, body, filename: filename ?? null };
      }
    }
    const ack = encode({ type: 'ack', id, result: result === undefined ? null : result });
    answerInOrder(host, conn, () => host.write(conn, ack));
  } catch (error) {
    answerInOrder(host, conn, () => answerError(host, conn, id, error, type));
  }
}

/** Frames of one socket that may wait for their commits at once. */
const MAX_IN_FLIGHT = 64;

/** Answers after the socket's pending (deferred) answers, so acks keep frame order. */
function answerInOrder(host: FrameHost, conn: Connection, answer: () => void): void {
  if (!conn.answers || conn.inFlight === 0) {
    answer();
    return;
  }
  conn.answers = conn.answers.then(() => {
    if (conn.state !== 'closed') safely(host, answer);
  });
}

/** A failing write must not break the chain of later answers. */
function safely(host: FrameHost, answer: () => void): void {
  try {
    answer();
  } catch (error) {
    host.logger.error({ err: error }, 'answering a frame failed');
  }
}

/**
 * Answers a frame with an error: a domain error with its code, message and details; anything
 * else as `INTERNAL` with a reference, logged in full (its message never reaches the client).
 */
export function answerError(
  host: Pick<FrameHost, 'logger' | 'write'>,
  conn: Connection,
  id: string | null,
  error: unknown,
  type?: string,
): void {
  let body: ErrorFrame['error'];
  if (isSwitchboardError(error)) {
    body =
      error.details === undefined
        ? { code: error.code, message: error.message }
        : { code: error.code, message: error.message, details: error.details };
  } else {
    const reference = `${conn.id}/${id ?? '-'}`;
    host.logger.error({ err: error, connectionId: conn.id, frameId: id, type }, 'frame failed');
    body = { code: 'INTERNAL', message: `Internal server error. Reference: ${reference}.` };
  }
  const frame: ErrorFrame = { type: 'error', id, error: body };
  host.write(conn, encode(frame));
}

/** A frame the gateway could not read or does not know: counts towards the 4002 limit. */
function refuse(host: FrameHost, conn: Connection, id: string | null, error: unknown): void {
  answerError(host, conn, id, error);
  if (++conn.badFrames > MAX_BAD_FRAMES) {
    host.cut(conn, CloseCodes.ProtocolViolation, 'too many bad frames');
  }
}

async function subscribe(host: FrameHost, conn: Connection, input: unknown): Promise<unknown> {
  const { conversationId } = host.validator.validate<SubscribeData>(
    SUBSCRIBE_SCHEMA,
    input ?? {},
    'conversation.subscribe input',
  );
  const principal = conn.principal!;
  if (principal.kind === 'user') {
    host.policy.authorize(principal, {
      permission: Permissions.ConversationRead,
      principals: ['user'],
    });
  }
  // The operator may watch anything; everyone else only what the chat core lets them see, and
  // a conversation they may not see answers exactly like one that does not exist.
  const visible =
    principal.kind === 'system' ||
    (host.replay !== null && (await host.replay.canWatch(principal, conversationId)));
  if (!visible) throw new NotFoundError(`Conversation "${conversationId}" was not found.`);
  // Visitors receive their own conversations anyway, through the egress view.
  if (conn.isStaff && !conn.closed && !host.sockets.subscribe(conn, conversationId)) {
    throw new ConflictError(
      `A socket may watch at most ${MAX_SUBSCRIPTIONS} conversations; unsubscribe from some first.`,
      'REALTIME_TOO_MANY_SUBSCRIPTIONS',
    );
  }
  return { conversationId, subscribed: true };
}

function unsubscribe(host: FrameHost, conn: Connection, input: unknown): unknown {
  const { conversationId } = host.validator.validate<SubscribeData>(
    SUBSCRIBE_SCHEMA,
    input ?? {},
    'conversation.unsubscribe input',
  );
  host.sockets.unsubscribe(conn, conversationId);
  return { conversationId, subscribed: false };
}
