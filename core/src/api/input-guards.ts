import { InputError } from '@switchboard/sdk';

/** The largest value a 32-bit integer column holds on PostgreSQL. */
export const INT32_MAX = 2_147_483_647;

/**
 * Bounds every `integer` in an input schema that has no bound of its own to 32 bits, so a
 * number the database cannot store is refused with a 400 at the edge instead of failing in
 * the database. Returns a bounded copy; the original is left alone.
 */
export function boundIntegers<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(boundIntegers) as T;
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = boundIntegers(value);
  if (copy.type === 'integer') {
    copy.maximum ??= INT32_MAX;
    copy.minimum ??= -INT32_MAX - 1;
  }
  return copy as T;
}

/**
 * Refuses text holding a NUL character anywhere in a value: PostgreSQL cannot store it, and
 * no legitimate chat text needs it.
 */
export function refuseNul(value: unknown, what = 'The input'): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (node.includes('\u0000')) {
        throw new InputError(
          `${what} contains a NUL character (\\u0000); remove it.`,
          undefined,
          'REQUEST_NUL_CHARACTER',
        );
      }
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        stack.push(key, child);
      }
    }
  }
}
