/**
 * The JSON Schema subset the console's generated forms understand, and a validator for it that
 * reports problems the way the server does (`{ path, message }`, `path` a JSON pointer), so the
 * same field shows a client-side and a server-side error in one place.
 *
 * Understood: `type` (string, number, integer, boolean, object, array, null), `enum`, `const`,
 * `oneOf`/`anyOf` of `const`s (labelled choices), `properties`, `required`,
 * `additionalProperties`, `patternProperties`, `propertyNames`, `maxProperties`, `items`,
 * `minItems`, `maxItems`, `uniqueItems`, `minLength`, `maxLength`, `pattern`, `minimum`,
 * `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `format` (email, uri), `default`, `title`,
 * `description`. Anything else is left to the server, which validates the whole value again.
 */

/** A JSON Schema node (the part forms read). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly propertyNames?: JsonSchema;
  readonly maxProperties?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly format?: string;
  /** Console hint: a multi-line text box for a string. */
  readonly 'x-multiline'?: boolean;
  /** Console hint: what the user types, e.g. `https://shop.example` (shown as the placeholder). */
  readonly 'x-placeholder'?: string;
  /** Console hint: what `pattern` means, e.g. "a colour such as #1f6feb" ("must be …"). */
  readonly 'x-pattern-hint'?: string;
}

/** One problem with a value, at a JSON pointer (`/` for the whole value). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** One labelled choice of an enumerated field. */
export interface Choice {
  readonly value: unknown;
  readonly label: string;
}

/**
 * How a schema node is edited:
 * - `string`, `number` (also integers), `boolean`, `choice` (enum): one control;
 * - `strings`: an array of plain strings, one per line;
 * - `choices`: an array of enumerated values, a group of checkboxes;
 * - `object`: a fieldset of its properties;
 * - `list`: an array of objects (or other editable nodes), repeatable groups;
 * - `map`: an object whose keys the user chooses (`additionalProperties` schema), named groups;
 * - `json`: anything else, as JSON text the server validates.
 */
export type FieldKind =
  | 'string'
  | 'number'
  | 'boolean'
  | 'choice'
  | 'strings'
  | 'choices'
  | 'object'
  | 'list'
  | 'map'
  | 'json';

/** The labelled choices of an enumerated node, or null when it is not one. */
export function choicesOf(schema: JsonSchema): Choice[] | null {
  if (Array.isArray(schema.enum)) {
    return schema.enum.map((value) => ({ value, label: String(value) }));
  }
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches && branches.every((b) => 'const' in b)) {
    return branches.map((b) => ({ value: b.const, label: b.title ?? String(b.const) }));
  }
  return null;
}

/** The one type a node declares (the first non-null one of a type list), if any. */
export function typeOf(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x) => x !== 'null');
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

/** How the form edits `schema` (see {@link FieldKind}). */
export function kindOf(schema: JsonSchema): FieldKind {
  if (choicesOf(schema)) return 'choice';
  switch (typeOf(schema)) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = schema.items;
      if (!items) return 'json';
      if (choicesOf(items)) return 'choices';
      const itemKind = kindOf(items);
      if (itemKind === 'string') return 'strings';
      if (itemKind === 'object' || itemKind === 'map') return 'list';
      return 'json';
    }
    case 'object': {
      if (schema.patternProperties) return 'json';
      const extra = schema.additionalProperties;
      const hasProps = schema.properties && Object.keys(schema.properties).length > 0;
      if (typeof extra === 'object' && !hasProps) {
        const k = kindOf(extra);
        return k === 'json' ? 'json' : 'map';
      }
      return hasProps ? 'object' : 'json';
    }
    default:
      return 'json';
  }
}

/** `departmentIds` → "Department ids": a label for a property without a `title`. */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Escapes one JSON pointer segment (`~` and `/`). */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `parent` + `/key`, with the root written `''` while building and `/` when reported. */
export function childPointer(parent: string, key: string | number): string {
  return `${parent === '/' ? '' : parent}/${pointerSegment(key)}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'empty',
};

function regex(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Every problem of `value` against `schema` (the subset above), with JSON pointers. A missing
 * required property is reported at the property's own pointer (`/name: is required`) so it sits
 * on its field.
 */
export function validate(schema: JsonSchema, value: unknown, path = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const at = path || '/';
  const add = (message: string, where = at) => problems.push({ path: where, message });

  const choices = choicesOf(schema);
  if (choices) {
    const ok = choices.some((c) => JSON.stringify(c.value) === JSON.stringify(value));
    if (!ok) add(`must be one of ${choices.map((c) => c.label).join(', ')}`);
    return problems;
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    add(`must be ${JSON.stringify(schema.const)}`);
    return problems;
  }
  const types =
    typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
  if (types.length > 0 && !types.some((t) => matchesType(t, value))) {
    add(`must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`);
    return problems;
  }
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches && !branches.some((b) => validate(b, value, path).length === 0)) {
    add('does not match any allowed form');
  }

  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) {
      add(
        schema.minLength === 1
          ? 'must not be empty'
          : `must be at least ${schema.minLength} characters long`,
      );
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      add(`must be at most ${schema.maxLength} character${schema.maxLength === 1 ? '' : 's'} long`);
    }
    if (schema.pattern !== undefined) {
      const re = regex(schema.pattern);
      if (re && !re.test(value)) {
        const hint = schema['x-pattern-hint'];
        add(hint ? `must be ${hint}` : `must match the pattern ${schema.pattern}`);
      }
    }
    if (schema.format === 'email' && !EMAIL.test(value)) add('must be an email address');
    if (schema.format === 'uri' && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) {
      add('must be a URL');
    }
  }

  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      add(`must be ${schema.minimum} or more`);
    if (schema.maximum !== undefined && value > schema.maximum)
      add(`must be ${schema.maximum} or less`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      add(`must be more than ${schema.exclusiveMinimum}`);
    }
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
      add(`must be less than ${schema.exclusiveMaximum}`);
    }
  }

  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      add(`must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      add(`must have at most ${schema.maxItems} items`);
    }
    if (schema.uniqueItems) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) add(`repeats ${JSON.stringify(item)}`, childPointer(at, i));
        seen.add(key);
      });
    }
    if (schema.items) {
      value.forEach((item, i) =>
        problems.push(...validate(schema.items!, item, childPointer(at, i))),
      );
    }
  }

  if (isPlainObject(value)) {
    const props = schema.properties ?? {};
    for (const name of schema.required ?? []) {
      if (!Object.hasOwn(value, name)) add('is required', childPointer(at, name));
    }
    const keys = Object.keys(value);
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
      add(`must have at most ${schema.maxProperties} entries`);
    }
    for (const key of keys) {
      const child = childPointer(at, key);
      if (schema.propertyNames) {
        for (const p of validate(schema.propertyNames, key, child)) {
          add(`name "${key}" ${p.message}`, child);
        }
      }
      if (Object.hasOwn(props, key)) {
        problems.push(...validate(props[key]!, value[key], child));
        continue;
      }
      const patterned = Object.entries(schema.patternProperties ?? {}).filter(([p]) =>
        regex(p)?.test(key),
      );
      if (patterned.length > 0) {
        for (const [, s] of patterned) problems.push(...validate(s, value[key], child));
        continue;
      }
      const extra = schema.additionalProperties;
      if (extra === false) add(`has unknown property "${key}"; remove it`);
      else if (typeof extra === 'object') problems.push(...validate(extra, value[key], child));
    }
  }
  return problems;
}

/** A copy of `value` with the schema's defaults filled in where keys are missing. */
export function withDefaults(schema: JsonSchema, value: unknown): unknown {
  const base = value === undefined ? structuredClone(schema.default) : value;
  if (!isPlainObject(base) && base !== undefined) return base;
  if (kindOf(schema) !== 'object') return base;
  const out: Record<string, unknown> = { ...(base ?? {}) };
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const filled = withDefaults(child, out[key]);
    if (filled !== undefined) out[key] = filled;
  }
  return out;
}
