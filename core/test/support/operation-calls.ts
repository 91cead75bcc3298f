import type { TestKernel } from '@switchboard/sdk/testing';
import type { Operation } from '../../src/api/operation.js';
import type { ChatCore } from '../../src/chat-core.js';
import { kernelOf } from './kernel.js';
import type { RawSocket } from './raw-socket.js';

/** The chat core of a test kernel. */
export function chatCoreOf(tk: TestKernel): ChatCore {
  return kernelOf(tk).chat as unknown as ChatCore;
}

/** Every operation of the registry: what REST routes and socket frame types are made from. */
export function operationsOf(tk: TestKernel): Operation[] {
  return chatCoreOf(tk).registry.list();
}

/** Path parameters of an HTTP path, e.g. `['conversationId']`. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

/** How a call was answered, over either transport. */
export interface Answer {
  readonly transport: 'http' | 'ws';
  /** HTTP status; over the socket 200 for an ack, else the error's usual status (unknown: 0). */
  readonly status: number;
  /** Error code, or null for a success. */
  readonly code: string | null;
  /** Response body (HTTP) or ack result / error (socket). */
  readonly body: unknown;
}

export function isSuccess(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** True when the answer is the input validator's refusal (the handler never ran). */
export function isValidationError(answer: Answer): boolean {
  const error = (answer.body as { error?: { details?: { problems?: unknown } } } | null)?.error;
  return answer.status === 400 && Array.isArray(error?.details?.problems);
}

/** One line for failure messages. */
export function describeAnswer(answer: Answer): string {
  const error = (answer.body as { error?: { message?: string } } | null)?.error;
  return `${answer.transport} ${answer.status}${answer.code ? ` ${answer.code}` : ''}${error?.message ? ` (${error.message})` : ''}`;
}

/** Status of a socket error frame, from its code (the socket carries no status). */
const WS_STATUS: Record<string, number> = {
  REQUEST_INVALID: 400,
  AUTH_REQUIRED: 401,
  AUTH_FORBIDDEN: 403,
  NOT_FOUND: 404,
  OPERATION_UNKNOWN: 404,
};

/**
 * Calls `operation` over REST the way a client would: path parameters from `input`, the rest as
 * the query string (GET, DELETE) or the JSON body.
 */
export async function callHttp(
  tk: TestKernel,
  operation: Operation,
  input: Readonly<Record<string, unknown>>,
  token: string | null,
): Promise<Answer> {
  const binding = operation.http;
  if (!binding) throw new Error(`Operation ${operation.name} has no HTTP binding.`);
  const rest: Record<string, unknown> = { ...input };
  let path = binding.path;
  for (const param of pathParams(binding.path)) {
    path = path.replace(`:${param}`, encodeURIComponent(String(rest[param] ?? '')));
    delete rest[param];
  }
  let body: unknown;
  if (binding.method === 'GET' || binding.method === 'DELETE') {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(rest)) {
      if (Array.isArray(value)) for (const item of value) query.append(key, String(item));
      else if (value !== null && typeof value === 'object')
        query.append(key, JSON.stringify(value));
      else query.append(key, String(value));
    }
    const qs = query.toString();
    if (qs) path += `?${qs}`;
  } else {
    body = rest;
  }
  const res = await tk.request(binding.method, path, body, token);
  const code = (res.body as { error?: { code?: string } } | null)?.error?.code ?? null;
  return {
    transport: 'http',
    status: res.status,
    code: res.status < 300 ? null : code,
    body: res.body,
  };
}

/** Sends `operation` as a socket frame and waits for its ack or error. */
export async function callWs(
  socket: RawSocket,
  type: string,
  input: Readonly<Record<string, unknown>>,
): Promise<Answer> {
  const frame = await socket.request(type, input);
  if (frame.type === 'ack') return { transport: 'ws', status: 200, code: null, body: frame.result };
  const code = String(frame.error?.code ?? 'UNKNOWN');
  const status = WS_STATUS[code] ?? (code.endsWith('_NOT_FOUND') ? 404 : 0);
  return { transport: 'ws', status, code, body: { error: frame.error } };
}
