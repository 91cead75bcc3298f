import type { Logger } from '@switchboard/sdk';

/** How many faults, within what window, quarantine a plugin. */
export interface FaultPolicy {
  /** Faults (errors or budget overruns) that quarantine a plugin; default 5. */
  readonly threshold: number;
  /** Sliding window in milliseconds; default 60 000. */
  readonly windowMs: number;
}

/** Per-plugin fault counters, as reported on `/api/v1/plugins`. */
export interface FaultStats {
  errors: number;
  timeouts: number;
  lastFault: { hook: string; kind: 'error' | 'timeout'; message: string; at: string } | null;
}

/** A failure inside a plugin's tap, wrapped with the hook name and the plugin id. */
export class HookTapError extends Error {
  constructor(
    readonly hook: string,
    readonly pluginId: string,
    readonly kind: 'error' | 'timeout',
    override readonly cause: unknown,
  ) {
    super(
      kind === 'timeout'
        ? `Plugin "${pluginId}" overran the time budget of hook ${hook}`
        : `Plugin "${pluginId}" threw in hook ${hook}: ${describe(cause)}`,
    );
    this.name = 'HookTapError';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Counts tap faults per plugin. Each fault is logged with plugin id and hook name; a plugin that
 * reaches the threshold within the window is handed to `onQuarantine` (once).
 */
export class FaultTracker {
  private readonly recent = new Map<string, number[]>();
  private readonly stats = new Map<string, FaultStats>();
  private readonly quarantined = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly policy: FaultPolicy,
    private readonly onQuarantine: (pluginId: string, reason: string) => void,
  ) {}

  record(fault: HookTapError): void {
    const { pluginId, hook, kind } = fault;
    const stats = this.statsOf(pluginId);
    if (kind === 'timeout') stats.timeouts++;
    else stats.errors++;
    const now = Date.now();
    stats.lastFault = { hook, kind, message: fault.message, at: new Date(now).toISOString() };
    this.logger.error(
      { plugin: pluginId, hook, kind, err: fault.cause instanceof Error ? fault.cause : undefined },
      fault.message,
    );

    const times = (this.recent.get(pluginId) ?? []).filter((t) => now - t < this.policy.windowMs);
    times.push(now);
    this.recent.set(pluginId, times);
    if (times.length >= this.policy.threshold && !this.quarantined.has(pluginId)) {
      this.quarantined.add(pluginId);
      const reason =
        `${times.length} faults within ${Math.round(this.policy.windowMs / 1000)} s; ` +
        `last: ${fault.message}. Fix the plugin, then re-enable it with ` +
        `PUT /api/v1/plugins/${pluginId}/state {"enabled":true}.`;
      this.onQuarantine(pluginId, reason);
    }
  }

  statsOf(pluginId: string): FaultStats {
    let stats = this.stats.get(pluginId);
    if (!stats) this.stats.set(pluginId, (stats = { errors: 0, timeouts: 0, lastFault: null }));
    return stats;
  }

  /** Forgets the quarantine and the recent faults (when an admin re-enables the plugin). */
  reset(pluginId: string): void {
    this.quarantined.delete(pluginId);
    this.recent.delete(pluginId);
  }
}
