import {
  childPointer,
  choicesOf,
  kindOf,
  type FieldProblem,
  type JsonSchema,
} from './json-schema.js';

/**
 * What a generated form holds while the user types: the value's shape, with text where the user
 * types text (numbers stay text until submitted, so "12a" can be reported instead of lost).
 *
 * - `string`, `number`, `json`, `strings` (one per line): the text;
 * - `boolean`: the boolean;
 * - `choice`: the index of the chosen value as text, `''` for none;
 * - `choices`: one boolean per choice;
 * - `object`: {@link DraftObject};
 * - `list`: an array of drafts;
 * - `map`: an array of {@link DraftEntry}.
 */
export type Draft = string | boolean | boolean[] | DraftObject | Draft[] | DraftEntry[];

export interface DraftObject {
  [key: string]: Draft;
}

/** One entry of a map: the key the user chose and its value. */
export interface DraftEntry {
  key: string;
  value: Draft;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The draft of `value` (already merged with defaults) for `schema`. */
export function toDraft(schema: JsonSchema, value: unknown): Draft {
  switch (kindOf(schema)) {
    case 'string':
      return typeof value === 'string' ? value : '';
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    case 'boolean':
      return value === true;
    case 'choice': {
      const index = choicesOf(schema)!.findIndex(
        (c) => JSON.stringify(c.value) === JSON.stringify(value),
      );
      return index < 0 ? '' : String(index);
    }
    case 'strings':
      return Array.isArray(value) ? value.map(String).join('\n') : '';
    case 'choices': {
      const picked = Array.isArray(value) ? value.map((v) => JSON.stringify(v)) : [];
      return choicesOf(schema.items!)!.map((c) => picked.includes(JSON.stringify(c.value)));
    }
    case 'object': {
      const source = isPlainObject(value) ? value : {};
      const out: DraftObject = {};
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        out[key] = toDraft(child, source[key] ?? child.default);
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((item) => toDraft(schema.items!, item)) : [];
    case 'map': {
      const source = isPlainObject(value) ? value : {};
      const extra = schema.additionalProperties as JsonSchema;
      return Object.entries(source).map(([key, v]) => ({ key, value: toDraft(extra, v) }));
    }
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2);
  }
}

/** A new, empty draft for one more item of a list or map. */
export function emptyDraft(schema: JsonSchema): Draft {
  return toDraft(schema, schema.default);
}

/**
 * An empty list is left out (the key takes its default, or stays unset), except when required or
 * when its default is not empty: then `[]` is sent, so the user can clear a defaulted list.
 */
function emptyList(schema: JsonSchema, required: boolean): DraftReading {
  const keep = required || (Array.isArray(schema.default) && schema.default.length > 0);
  return keep ? { present: true, value: [] } : { present: false };
}

/** The result of reading a draft back: the value (or absent) and what could not be read. */
export interface DraftReading {
  readonly present: boolean;
  readonly value?: unknown;
}

/**
 * Reads `draft` back into a value for `schema`. Empty text means "not set" (the key is left out,
 * so the server's default applies); a required field left empty is a problem. Text that cannot
 * be read (a number that is not one, JSON that does not parse, a repeated map key) is pushed to
 * `problems` at its pointer.
 */
export function fromDraft(
  schema: JsonSchema,
  draft: Draft,
  path: string,
  problems: FieldProblem[],
  required = false,
): DraftReading {
  const at = path || '/';
  const missing = (): DraftReading => {
    if (required) problems.push({ path: at, message: 'is required' });
    return { present: false };
  };
  switch (kindOf(schema)) {
    case 'string': {
      const text = draft as string;
      return text === '' ? missing() : { present: true, value: text };
    }
    case 'number': {
      const text = (draft as string).trim();
      if (text === '') return missing();
      const n = Number(text);
      if (!Number.isFinite(n)) {
        problems.push({ path: at, message: 'must be a number' });
        return { present: false };
      }
      return { present: true, value: n };
    }
    case 'boolean':
      return { present: true, value: draft as boolean };
    case 'choice': {
      const text = draft as string;
      if (text === '') return missing();
      return { present: true, value: choicesOf(schema)![Number(text)]?.value };
    }
    case 'strings': {
      const lines = (draft as string)
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
      return lines.length === 0 ? emptyList(schema, required) : { present: true, value: lines };
    }
    case 'choices': {
      const choices = choicesOf(schema.items!)!;
      const picked = choices.filter((_c, i) => (draft as boolean[])[i]).map((c) => c.value);
      return picked.length === 0 ? emptyList(schema, required) : { present: true, value: picked };
    }
    case 'object': {
      const fields = draft as DraftObject;
      const out: Record<string, unknown> = {};
      let any = false;
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        const reading = fromDraft(
          child,
          fields[key] ?? emptyDraft(child),
          childPointer(at, key),
          problems,
          schema.required?.includes(key) ?? false,
        );
        if (reading.present) {
          out[key] = reading.value;
          // A boolean left at its default does not make an optional object "filled in".
          if (kindOf(child) !== 'boolean' || reading.value !== (child.default ?? false)) any = true;
        }
      }
      if (!any && !required && path !== '') return { present: false };
      return { present: true, value: out };
    }
    case 'list': {
      const items = draft as Draft[];
      const out = items.map(
        (item, i) => fromDraft(schema.items!, item, childPointer(at, i), problems, true).value,
      );
      return out.length === 0 ? emptyList(schema, required) : { present: true, value: out };
    }
    case 'map': {
      const entries = draft as DraftEntry[];
      const extra = schema.additionalProperties as JsonSchema;
      const out: Record<string, unknown> = {};
      entries.forEach((entry, i) => {
        const key = entry.key.trim();
        const keyPath = `${childPointer(at, i)}#key`;
        if (key === '') {
          problems.push({ path: keyPath, message: 'needs a name' });
          return;
        }
        if (Object.hasOwn(out, key)) {
          problems.push({ path: keyPath, message: `repeats the name "${key}"` });
          return;
        }
        out[key] = fromDraft(extra, entry.value, childPointer(at, key), problems, true).value;
      });
      if (entries.length === 0 && !required) return { present: false };
      return { present: true, value: out };
    }
    case 'json': {
      const text = (draft as string).trim();
      if (text === '') return missing();
      try {
        return { present: true, value: JSON.parse(text) as unknown };
      } catch (error) {
        problems.push({ path: at, message: `is not valid JSON (${(error as Error).message})` });
        return { present: false };
      }
    }
  }
}
