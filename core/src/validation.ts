import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { InputError } from '@switchboard/sdk';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv) => Ajv;

/** One validation problem: where, and what is wrong there. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/**
 * JSON Schema validation for config, manifests, settings and request bodies. Reports every
 * problem, not only the first. Compiled validators are cached per schema object.
 */
export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly cache = new WeakMap<object, ValidateFunction>();

  constructor(options: { useDefaults?: boolean; coerceTypes?: boolean } = {}) {
    this.ajv = new Ajv({
      allErrors: true,
      useDefaults: options.useDefaults ?? true,
      coerceTypes: options.coerceTypes ?? false,
      strict: false,
      allowUnionTypes: true,
    });
    addFormats(this.ajv);
  }

  /** Problems in `value`, or an empty list. Applies schema defaults to `value` in place. */
  problems(schema: object, value: unknown): Problem[] {
    const validate = this.compiled(schema);
    return validate(value) ? [] : toProblems(validate.errors ?? []);
  }

  /** Returns `value` typed when valid; otherwise throws an InputError listing every problem. */
  validate<T>(schema: object, value: unknown, what = 'request body'): T {
    const problems = this.problems(schema, value);
    if (problems.length > 0) {
      throw new InputError(`Invalid ${what}: ${summarize(problems)}`, { problems });
    }
    return value as T;
  }

  /** Why `schema` is not a usable JSON Schema, or null when it compiles. */
  schemaError(schema: unknown): string | null {
    try {
      this.ajv.compile(schema as object);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  private compiled(schema: object): ValidateFunction {
    let validate = this.cache.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.cache.set(schema, validate);
    }
    return validate;
  }
}

/** Turns ajv errors into readable problems: "/port: must be <= 65535". */
export function toProblems(errors: readonly ErrorObject[]): Problem[] {
  return errors.map((e) => {
    const path = e.instancePath || '/';
    const params = e.params as Record<string, unknown>;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      message = `has unknown property "${String(params.additionalProperty)}"; remove it`;
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'required') {
      message = `is missing required property "${String(params.missingProperty)}"`;
    }
    return { path, message };
  });
}

/** One line naming every problem. */
export function summarize(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path} ${p.message}`).join('; ');
}
