import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '@switchboard/sdk';

/** A bucket: `points` attempts per `durationSeconds` per client address. */
export interface RateLimitRule {
  readonly points: number;
  readonly durationSeconds: number;
}

/** Default buckets; `auth.loginPerMinute` and `auth.visitorSessionsPerMinute` in the config set the first two. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimitRule>> = {
  login: { points: 10, durationSeconds: 60 },
  visitorSession: { points: 30, durationSeconds: 60 },
  upload: { points: 60, durationSeconds: 60 },
};

/**
 * Per-address rate limits for login, visitor sessions and uploads. In memory, per process; the
 * Redis wave swaps in `RateLimiterRedis` behind the same class (rate-limiter-flexible has both).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, RateLimiterMemory>();

  constructor(rules: Readonly<Record<string, RateLimitRule>> = DEFAULT_RATE_LIMITS) {
    for (const [name, rule] of Object.entries(rules)) {
      this.buckets.set(
        name,
        new RateLimiterMemory({ points: rule.points, duration: rule.durationSeconds }),
      );
    }
  }

  /** Spends one point of `bucket` for `key`; throws 429 with `retryAfterSeconds` when empty. */
  async consume(bucket: string, key: string): Promise<void> {
    const limiter = this.buckets.get(bucket);
    if (!limiter) return;
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const retry = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new RateLimitedError(`Too many attempts; try again in ${retry} s.`, retry);
      }
      throw rejection;
    }
  }
}
