import { childPointer, type FieldProblem } from './json-schema.js';

/** What a refused request says, split into problems tied to fields and a message for the rest. */
export interface ServerProblems {
  /** Problems with a JSON pointer (`/trigger`, `/branding/colour`). */
  readonly fields: FieldProblem[];
  /** The server's message (always set: shown when no field takes the problems). */
  readonly message: string;
  readonly code: string | null;
  readonly status: number | null;
}

const REQUIRED = /^is missing required property "(.+)"$/;

/**
 * Reads a `SwitchboardClientError` (or any error) from a REST call: the server's
 * `details.problems` (`[{ path, message }]`, ajv pointers; a missing required property is
 * reported on the parent, and moved here onto the property), or `details.field` (one named
 * field), or a known error code in `codeFields` (`{ USER_EMAIL_TAKEN: '/email' }`).
 */
export function serverProblems(
  error: unknown,
  codeFields: Readonly<Record<string, string>> = {},
): ServerProblems {
  const e = error as { code?: unknown; message?: unknown; details?: unknown; status?: unknown };
  const code = typeof e?.code === 'string' ? e.code : null;
  const message =
    typeof e?.message === 'string' && e.message !== '' ? e.message : 'The request failed.';
  const status = typeof e?.status === 'number' ? e.status : null;
  const details = (e?.details ?? {}) as { problems?: unknown; field?: unknown };
  const fields: FieldProblem[] = [];
  if (Array.isArray(details.problems)) {
    for (const p of details.problems as { path?: unknown; message?: unknown }[]) {
      if (typeof p?.message !== 'string') continue;
      const path = typeof p.path === 'string' && p.path !== '' ? p.path : '/';
      const missing = REQUIRED.exec(p.message);
      fields.push(
        missing
          ? { path: childPointer(path, missing[1]!), message: 'is required' }
          : { path, message: p.message },
      );
    }
  } else if (typeof details.field === 'string') {
    fields.push({ path: childPointer('/', details.field), message: message });
  } else if (code && codeFields[code]) {
    fields.push({ path: codeFields[code]!, message: message });
  }
  return { fields, message, code, status };
}

/** Problems of a refused save for a form's `errors` (one at `/` when none is tied to a field). */
export function fieldErrors(
  error: unknown,
  codeFields: Readonly<Record<string, string>> = {},
): FieldProblem[] {
  const problems = serverProblems(error, codeFields);
  return problems.fields.length > 0 ? problems.fields : [{ path: '/', message: problems.message }];
}
