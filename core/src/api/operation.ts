import type { Principal } from '@switchboard/sdk';

/** HTTP binding of an operation. Path parameters (`:conversationId`) become input fields. */
export interface HttpBinding {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the server root, e.g. `/api/v1/conversations/:conversationId/messages`. */
  readonly path: string;
  /** Success status; default 200. */
  readonly status?: number;
}

/** What a handler receives. */
export interface OperationCall<I> {
  /** Authorised caller (null only for `public` operations). */
  readonly principal: Principal;
  /** Validated input: unknown fields were refused, defaults applied. */
  readonly input: I;
  /** Client address, for rate limits and audit. */
  readonly ip: string;
  /** The socket the frame came on, when it came over WebSocket. */
  readonly connectionId: string | null;
}

/** A call for an operation that needs no credentials (login, visitor session). */
export interface PublicOperationCall<I> extends Omit<OperationCall<I>, 'principal'> {
  readonly principal: Principal | null;
  /** `Origin` header (HTTP) or the socket's origin. */
  readonly origin: string | null;
  /** `User-Agent` header of an HTTP call. */
  readonly userAgent: string | null;
}

/**
 * One thing a client can do, defined once and offered both as a REST route and as a WebSocket
 * frame type, behind the same validation and the same policy check. Adding an operation adds it
 * to both transports, so REST and the socket cannot drift apart.
 */
export interface Operation<I = any, O = unknown> {
  /** Frame type and stable name, `<area>.<verb>`, e.g. `conversation.send`. */
  readonly name: string;
  /** One line for docs and the OpenAPI document. */
  readonly summary: string;
  /** Required permission; null when ownership checks in the handler are enough. */
  readonly permission: string | null;
  /** Principal kinds allowed to call; default user and system. */
  readonly principals?: readonly Principal['kind'][];
  /** No credentials needed (the handler authenticates). */
  readonly public?: boolean;
  /** JSON Schema of the input object; `additionalProperties: false` is enforced. */
  readonly input: object;
  readonly http?: HttpBinding;
  /** Only over HTTP (e.g. login, which answers with a token); not a socket frame. */
  readonly httpOnly?: boolean;
  /** Rate-limit bucket applied per client address before validation. */
  readonly rateLimit?: string;
  handler(call: OperationCall<I> | PublicOperationCall<I>): Promise<O>;
}

/** Declares an operation with typed input (identity at run time). */
export function defineOperation<I, O>(operation: Operation<I, O>): Operation<I, O> {
  return operation;
}

/**
 * A non-JSON answer (an XML transcript, a CSV): the HTTP edge sends it with this content type,
 * as a download when `filename` is set; over WebSocket the ack carries `body` as text.
 */
export class RawResponse {
  constructor(
    readonly contentType: string,
    readonly body: string,
    readonly filename?: string,
  ) {}
}

/**
 * An answer that comes later: the operation has taken its place in order (a message queued for
 * the group commit) and `promise` settles with the result. Over HTTP the edge waits for it; a
 * socket serves its next frame meanwhile and sends the acks in frame order.
 */
export class Deferred {
  constructor(readonly promise: Promise<unknown>) {}
}
