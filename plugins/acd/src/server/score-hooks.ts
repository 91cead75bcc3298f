import type { Logger, RoutingRequest } from '@switchboard/sdk';
import type { AcdCandidate, AcdHooks, ScoreTerm } from '../common/acd-service.js';

/**
 * The ACD's own hooks, created on first use (like webpack's `getCompilationHooks`). A throwing
 * term is logged with its name and counts as 0; routing goes on.
 */
export class ScoreHooks implements AcdHooks {
  private readonly terms = new Map<symbol, { name: string; term: ScoreTerm }>();
  private warned = new Set<string>();

  constructor(private readonly logger: Logger) {}

  readonly score: AcdHooks['score'] = {
    tap: (name, term) => {
      const key = Symbol(name);
      this.terms.set(key, { name, term });
      return { dispose: () => void this.terms.delete(key) };
    },
    isUsed: () => this.terms.size > 0,
  };

  /** Sum of the score terms for one candidate, with each term's value by name. */
  evaluate(candidate: AcdCandidate, request: RoutingRequest): number {
    let total = 0;
    for (const { name, term } of this.terms.values()) {
      try {
        const value = term(candidate, request);
        if (typeof value === 'number' && Number.isFinite(value)) total += value;
      } catch (error) {
        if (!this.warned.has(name)) {
          this.warned.add(name);
          this.logger.warn(
            { err: error, term: name },
            `ACD score term "${name}" threw; it counts as 0`,
          );
        }
      }
    }
    return total;
  }
}
