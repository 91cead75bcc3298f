import { InputError, NotFoundError, type Principal } from '@switchboard/sdk';
import type { AccessPolicy } from '../auth/policy.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { SchemaValidator } from '../validation.js';
import { boundIntegers, refuseNul } from './input-guards.js';
import type { Operation, OperationCall, PublicOperationCall } from './operation.js';

/** Where a call comes from. */
export interface CallMeta {
  readonly ip: string;
  readonly origin: string | null;
  readonly connectionId: string | null;
  readonly transport: 'http' | 'ws';
  /** The `User-Agent` of an HTTP call. */
  readonly userAgent?: string | null;
}

const DEFAULT_PRINCIPALS: readonly Principal['kind'][] = ['user', 'system'];

/**
 * Every operation of the chat core and the one entry point both transports call: rate limit,
 * policy check, input validation, then the handler.
 */
export class OperationRegistry {
  private readonly operations = new Map<string, Operation>();
  /** Frames and bodies: strict types. */
  private readonly strict = new SchemaValidator({ useDefaults: true });
  /** Query strings: every value arrives as text, so numbers and booleans are coerced. */
  private readonly coercing = new SchemaValidator({ useDefaults: true, coerceTypes: true });

  constructor(
    private readonly policy: AccessPolicy,
    private readonly limiter: RateLimiter,
  ) {}

  register(...operations: Operation<any, any>[]): void {
    for (const operation of operations) {
      if (this.operations.has(operation.name)) {
        throw new Error(`Operation "${operation.name}" is registered twice.`);
      }
      const input = operation.input as { type?: string; additionalProperties?: unknown };
      if (input.type !== 'object' || input.additionalProperties !== false) {
        throw new Error(
          `Operation "${operation.name}": input schema must be an object with additionalProperties: false.`,
        );
      }
      this.operations.set(operation.name, { ...operation, input: boundIntegers(operation.input) });
    }
  }

  get(name: string): Operation | undefined {
    return this.operations.get(name);
  }

  list(): Operation[] {
    return [...this.operations.values()];
  }

  /**
   * Runs operation `name` for `principal`. Unknown names answer 404 `OPERATION_UNKNOWN`; the
   * caller's principal is checked against the policy before the input is even looked at.
   */
  async invoke(
    principal: Principal | null,
    name: string,
    rawInput: unknown,
    meta: CallMeta,
    options: { coerce?: boolean } = {},
  ): Promise<unknown> {
    const operation = this.operations.get(name);
    if (!operation || (operation.httpOnly && meta.transport === 'ws')) {
      throw new NotFoundError(
        `Unknown operation "${name}". See docs/protocol.md for the list.`,
        'OPERATION_UNKNOWN',
      );
    }
    if (operation.rateLimit) await this.limiter.consume(operation.rateLimit, meta.ip);
    if (!operation.public) {
      this.policy.authorize(principal, {
        permission: operation.permission,
        principals: operation.principals ?? DEFAULT_PRINCIPALS,
      });
    }
    const input = rawInput ?? {};
    if (typeof input !== 'object' || Array.isArray(input)) {
      throw new InputError(`"${name}" takes an object of fields.`);
    }
    refuseNul(input, `"${name}" input`);
    const validator = options.coerce ? this.coercing : this.strict;
    const value = validator.validate(operation.input, input, `${name} input`);
    const call: PublicOperationCall<unknown> | OperationCall<unknown> = {
      principal: principal as Principal,
      input: value,
      ip: meta.ip,
      origin: meta.origin,
      userAgent: meta.userAgent ?? null,
      connectionId: meta.connectionId,
    };
    return operation.handler(call);
  }
}
