import sjson from 'secure-json-parse';
import { InputError, type SwitchboardError } from '@switchboard/sdk';
import { depthOf } from '../http/json-body.js';

/** A client frame that passed the shape checks; `data` is the operation input. */
export interface ParsedFrame {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown> | undefined;
}

/** Either a frame or the refusal to send back (with the frame id when it could be read). */
export type FrameParse =
  | { readonly frame: ParsedFrame; readonly error?: undefined; readonly id?: undefined }
  | { readonly frame?: undefined; readonly error: SwitchboardError; readonly id: string | null };

const MAX_ID_LENGTH = 128;
const MAX_TYPE_LENGTH = 128;
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

/**
 * Parses one text frame with the same rules as a JSON request body (`http/json-body.ts`):
 * `__proto__` and `constructor.prototype` keys are refused, and so is nesting deeper than
 * `maxDepth` inside `data` (the frame envelope itself is one more level). Never throws.
 */
export function parseFrame(raw: unknown, isBinary: boolean, maxDepth: number): FrameParse {
  if (isBinary) {
    return refuse(
      null,
      'Frames are JSON text; binary frames are not accepted. Upload files over REST.',
      'REALTIME_BINARY_FRAME',
    );
  }
  const text = Array.isArray(raw)
    ? Buffer.concat(raw as Buffer[]).toString('utf8')
    : Buffer.isBuffer(raw)
      ? raw.toString('utf8')
      : String(raw);
  let value: unknown;
  try {
    value = sjson.parse(text, null, PARSE_OPTIONS);
  } catch (error) {
    const message = (error as Error).message;
    if (/prototype/i.test(message)) {
      return refuse(
        null,
        'The frame contains a forbidden key (__proto__ or constructor.prototype); remove it.',
        'REQUEST_FORBIDDEN_KEY',
      );
    }
    return refuse(null, `The frame is not valid JSON: ${message}.`, 'REQUEST_MALFORMED_JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return refuse(
      null,
      'A frame is a JSON object: {"id", "type", "data"}.',
      'REALTIME_FRAME_INVALID',
    );
  }
  const { id, type, data } = value as { id?: unknown; type?: unknown; data?: unknown };
  const validId = typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH;
  if (!validId) {
    return refuse(
      null,
      `Give every frame an "id": a string of 1 to ${MAX_ID_LENGTH} characters, echoed in its answer.`,
      'REALTIME_FRAME_INVALID',
    );
  }
  if (depthOf(value, maxDepth + 1) > maxDepth + 1) {
    return refuse(
      id,
      `The frame data nests deeper than ${maxDepth} levels; flatten it.`,
      'REQUEST_TOO_DEEP',
    );
  }
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    return refuse(
      id,
      'Give the frame a "type": an operation name such as "conversation.send".',
      'REALTIME_FRAME_INVALID',
    );
  }
  if (data !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data))) {
    return refuse(id, `"data" of "${type}" must be an object of fields.`, 'REALTIME_FRAME_INVALID');
  }
  return { frame: { id, type, data: data as Record<string, unknown> | undefined } };
}

function refuse(id: string | null, message: string, code: string): FrameParse {
  return { id, error: new InputError(message, undefined, code) };
}
