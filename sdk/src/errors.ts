/**
 * Domain errors. Logic throws these; the kernel's one HTTP (and WebSocket) edge turns them into
 * `{ "error": { "code", "message", "details" } }` with the matching status. Codes are stable,
 * UPPER_SNAKE with an area prefix, and listed in `docs/errors.md`.
 * @public
 */
export class SwitchboardError extends Error {
  /**
   * @param code - stable machine-readable code, e.g. `REQUEST_INVALID`
   * @param status - HTTP status the edge answers with
   * @param message - what went wrong and how to fix it, safe to show to the caller
   * @param details - structured detail (e.g. a list of validation problems), safe to show
   */
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request or input is malformed or fails validation. @public */
export class InputError extends SwitchboardError {
  constructor(message: string, details?: unknown, code = 'REQUEST_INVALID') {
    super(code, 400, message, details);
  }
}

/** 401: no valid credentials were presented. @public */
export class UnauthorizedError extends SwitchboardError {
  constructor(message = 'Sign in first: send a valid bearer token.', code = 'AUTH_REQUIRED') {
    super(code, 401, message);
  }
}

/** 403: the caller is known but may not do this. @public */
export class ForbiddenError extends SwitchboardError {
  constructor(message: string, code = 'AUTH_FORBIDDEN', details?: unknown) {
    super(code, 403, message, details);
  }
}

/** 404: the thing does not exist, or the caller may not know that it does. @public */
export class NotFoundError extends SwitchboardError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(code, 404, message);
  }
}

/** 409: the request conflicts with the current state (already taken, duplicate, ...). @public */
export class ConflictError extends SwitchboardError {
  constructor(message: string, code = 'CONFLICT', details?: unknown) {
    super(code, 409, message, details);
  }
}

/** 413: the body or upload is larger than allowed. @public */
export class PayloadTooLargeError extends SwitchboardError {
  constructor(message: string, code = 'REQUEST_TOO_LARGE') {
    super(code, 413, message);
  }
}

/** 429: too many requests; `details.retryAfterSeconds` says when to retry. @public */
export class RateLimitedError extends SwitchboardError {
  constructor(message: string, retryAfterSeconds: number, code = 'RATE_LIMITED') {
    super(code, 429, message, { retryAfterSeconds });
  }
}

/** 503: the feature is temporarily unavailable (plugin disabled or quarantined, ...). @public */
export class UnavailableError extends SwitchboardError {
  constructor(message: string, code = 'UNAVAILABLE') {
    super(code, 503, message);
  }
}

/** True for errors whose message may be shown to a client as is. @public */
export function isSwitchboardError(error: unknown): error is SwitchboardError {
  return error instanceof SwitchboardError;
}
