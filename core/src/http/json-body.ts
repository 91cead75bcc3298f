import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import sjson from 'secure-json-parse';
import { InputError, PayloadTooLargeError, SwitchboardError } from '@switchboard/sdk';
import { refuseNul } from '../api/input-guards.js';

/** Limits applied to JSON bodies. */
export interface BodyLimits {
  /** Maximum body size in bytes (default 1 MiB). */
  readonly maxBytes: number;
  /** Maximum nesting depth of objects and arrays (default 32). */
  readonly maxDepth: number;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Parses `application/json` bodies into `ctx.request.body`, with a size cap, a nesting cap and
 * prototype-poisoning keys (`__proto__`, `constructor.prototype`) refused. Other content types
 * are left unread so routes can stream uploads.
 */
export function jsonBody(limits: BodyLimits): Middleware {
  return async (ctx, next) => {
    if (/%00/.test(ctx.url) || ctx.url.includes('\u0000')) {
      throw new InputError(
        'The URL contains a NUL character (%00); remove it.',
        undefined,
        'REQUEST_NUL_CHARACTER',
      );
    }
    if (!WITH_BODY.has(ctx.method)) return next();
    const length = Number(ctx.get('content-length') || 0);
    const hasBody = length > 0 || Boolean(ctx.get('transfer-encoding'));
    if (!hasBody) return next();
    if (!ctx.is('application/json') && !ctx.is('+json')) {
      if (ctx.is('multipart/*', 'application/octet-stream')) return next();
      throw new SwitchboardError(
        'REQUEST_UNSUPPORTED_MEDIA_TYPE',
        415,
        'Send the body as JSON with "Content-Type: application/json".',
      );
    }
    if (length > limits.maxBytes) throw tooLarge(limits);
    let text: string;
    try {
      text = await getRawBody(ctx.req, { limit: limits.maxBytes, encoding: 'utf8' });
    } catch (error) {
      if ((error as { type?: string }).type === 'entity.too.large') throw tooLarge(limits);
      throw new InputError(
        'The request body could not be read.',
        undefined,
        'REQUEST_BODY_UNREADABLE',
      );
    }
    let value: unknown;
    try {
      value = sjson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      const message = (error as Error).message;
      if (/prototype/i.test(message)) {
        throw new InputError(
          'The body contains a forbidden key (__proto__ or constructor.prototype); remove it.',
          undefined,
          'REQUEST_FORBIDDEN_KEY',
        );
      }
      throw new InputError(
        `The body is not valid JSON: ${message}.`,
        undefined,
        'REQUEST_MALFORMED_JSON',
      );
    }
    if (depthOf(value, limits.maxDepth) > limits.maxDepth) {
      throw new InputError(
        `The body nests deeper than ${limits.maxDepth} levels; flatten it.`,
        undefined,
        'REQUEST_TOO_DEEP',
      );
    }
    refuseNul(value, 'The body');
    ctx.request.body = value;
    return next();
  };
}

function tooLarge(limits: BodyLimits): PayloadTooLargeError {
  return new PayloadTooLargeError(`The body is larger than ${limits.maxBytes} bytes; send less.`);
}

/** Nesting depth of a parsed JSON value, giving up once past `cap`. */
export function depthOf(value: unknown, cap: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > cap) return max;
    for (const child of Object.values(node as object)) stack.push([child, d]);
  }
  return max;
}
