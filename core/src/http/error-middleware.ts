import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { isSwitchboardError, type Logger } from '@switchboard/sdk';

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}

const STATUS_CODES: Record<number, string> = {
  400: 'REQUEST_INVALID',
  401: 'AUTH_REQUIRED',
  403: 'AUTH_FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'REQUEST_TOO_LARGE',
  415: 'REQUEST_UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  501: 'NOT_IMPLEMENTED',
};

/**
 * The one HTTP edge for errors: domain errors become `{ error: { code, message, details } }` with
 * their status; other 4xx keep their message; anything else is a 500 with a generic message and
 * the request id, logged in full. Also answers unknown routes with a JSON 404.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    const requestId = randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
      if ((ctx.status === 405 || ctx.status === 501) && typeof ctx.body !== 'object') {
        const allowed = ctx.response.get('Allow');
        send(ctx, ctx.status, {
          code: STATUS_CODES[ctx.status]!,
          message:
            ctx.status === 405
              ? `${ctx.method} is not allowed on ${ctx.path}${allowed ? `; use ${allowed}` : ''}.`
              : `${ctx.method} is not implemented.`,
          requestId,
        });
      }
      if (ctx.status === 404 && ctx.body === undefined) {
        send(ctx, 404, {
          code: 'ROUTE_NOT_FOUND',
          message: `No route for ${ctx.method} ${ctx.path}. See docs/api.md for the routes.`,
          requestId,
        });
      }
    } catch (error) {
      if (isSwitchboardError(error)) {
        if (error.status === 429) {
          const retry = (error.details as { retryAfterSeconds?: number } | undefined)
            ?.retryAfterSeconds;
          if (retry) ctx.set('Retry-After', String(retry));
        }
        send(ctx, error.status, {
          code: error.code,
          message: error.message,
          details: error.details,
          requestId,
        });
        return;
      }
      const e = error as {
        status?: number;
        statusCode?: number;
        expose?: boolean;
        message?: string;
      };
      const status = e.status ?? e.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        send(ctx, status, {
          code: STATUS_CODES[status] ?? 'REQUEST_INVALID',
          message: e.expose && e.message ? e.message : 'The request was refused.',
          requestId,
        });
        return;
      }
      logger.error({ err: error, requestId, method: ctx.method, path: ctx.path }, 'request failed');
      send(ctx, status >= 500 && status < 600 ? status : 500, {
        code: 'INTERNAL',
        message: `Internal server error. Reference: ${requestId}.`,
        requestId,
      });
    }
  };
}

function send(
  ctx: Parameters<Middleware>[0],
  status: number,
  error: { code: string; message: string; details?: unknown; requestId: string },
): void {
  ctx.status = status;
  ctx.type = 'application/json';
  const body: ErrorBody = {
    error: { code: error.code, message: error.message, requestId: error.requestId },
  };
  if (error.details !== undefined) body.error.details = error.details;
  ctx.body = body;
}
