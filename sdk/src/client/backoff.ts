/** Bounds of the reconnect delay. @public */
export interface BackoffOptions {
  /** Delay before the first retry, ms (the first delay falls between this and twice this). */
  readonly minDelayMs: number;
  /** Longest delay, ms. */
  readonly maxDelayMs: number;
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry): exponential growth capped
 * at `maxDelayMs`, with "equal jitter" (half fixed, half random) so that clients dropped together
 * by a server restart do not come back together, and no delay collapses to zero.
 * @param random - a number in [0, 1); `Math.random` by default
 * @public
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const { minDelayMs, maxDelayMs } = options;
  const exponent = Math.min(Math.max(0, Math.floor(attempt)) + 1, 30);
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** exponent);
  const delay = ceiling / 2 + (random() * ceiling) / 2;
  return Math.round(Math.min(maxDelayMs, Math.max(minDelayMs, delay)));
}
