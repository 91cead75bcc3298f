import { randomBytes } from 'node:crypto';

/** A JSON Schema as operations declare their input (the subset the registry uses). */
export type JsonSchema = Record<string, any>;

/** Values for fields by name, consulted before the schema (a password that meets the policy…). */
export type FieldHints = Readonly<Record<string, () => unknown>>;

let counter = 0;

/** A short string unique within this test process. */
export function uniqueSuffix(): string {
  return `${process.pid.toString(36)}${(++counter).toString(36)}${randomBytes(2).toString('hex')}`;
}

/**
 * Hints that make the usual fields valid beyond their schema: emails unique per call (a taken
 * email is a 409), passwords that meet the length policy, names unique per call.
 */
export const COMMON_HINTS: FieldHints = {
  email: () => `f-${uniqueSuffix()}@example.test`,
  password: () => `pw-${randomBytes(12).toString('base64url')}`,
  currentPassword: () => `pw-${randomBytes(12).toString('base64url')}`,
  newPassword: () => `pw-${randomBytes(12).toString('base64url')}`,
  name: () => `Name ${uniqueSuffix()}`,
  body: () => 'hello',
  url: () => 'https://example.test/page',
  data: () => ({}),
  typing: () => false,
};

const STRING_CANDIDATES = [
  'sample',
  'https://example.test/page',
  'https://example.test',
  'example.test',
  'en',
  'x',
  'abcdefghijklmnopqrstuvwxyz0123456789',
];

/**
 * The smallest input `schema` (an object schema) accepts: every required field, built from its
 * own schema, then `fields` on top. Throws, naming the field, when it cannot build a value: add
 * a hint for it.
 */
export function minimalObject(
  schema: JsonSchema,
  fields: Readonly<Record<string, unknown>> = {},
  hints: FieldHints = COMMON_HINTS,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const name of (schema.required ?? []) as string[]) {
    if (name in fields) continue;
    out[name] = sampleValue(properties[name] ?? {}, name, hints);
  }
  return { ...out, ...fields };
}

/** One valid value of `schema` for field `name`. */
export function sampleValue(
  schema: JsonSchema,
  name: string,
  hints: FieldHints = COMMON_HINTS,
): unknown {
  const hint = hints[name];
  if (hint) return hint();
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const choices = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (choices && choices.length > 0) return sampleValue(choices[0]!, name, hints);
  const type = Array.isArray(schema.type)
    ? ((schema.type as string[]).find((t) => t !== 'null') ?? 'null')
    : (schema.type as string | undefined);
  switch (type) {
    case 'string':
      return sampleString(schema, name);
    case 'integer':
    case 'number':
      if (typeof schema.minimum === 'number') return schema.minimum;
      if (typeof schema.exclusiveMinimum === 'number') return schema.exclusiveMinimum + 1;
      return 1;
    case 'boolean':
      return false;
    case 'object':
      return minimalObject(schema, {}, hints);
    case 'array':
      return Array.from({ length: (schema.minItems as number | undefined) ?? 0 }, () =>
        sampleValue((schema.items as JsonSchema | undefined) ?? {}, name, hints),
      );
    case 'null':
      return null;
    default:
      throw new Error(
        `No value can be built for field "${name}" from ${JSON.stringify(schema)}: add a hint for it.`,
      );
  }
}

function sampleString(schema: JsonSchema, name: string): string {
  if (schema.format === 'email') return `s-${uniqueSuffix()}@example.test`;
  if (schema.format === 'uri' || schema.format === 'url') return 'https://example.test/page';
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = (schema.maxLength as number | undefined) ?? Infinity;
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : null;
  const fits = (s: string) => s.length >= min && s.length <= max && (!pattern || pattern.test(s));
  const found = [...STRING_CANDIDATES, 'x'.repeat(Math.max(1, min))].find(fits);
  if (found === undefined) {
    throw new Error(
      `No sample string fits field "${name}" (${JSON.stringify(schema)}): add a hint for it.`,
    );
  }
  return found;
}
