/** One reason a plugin cannot load: who, what, and how to fix it. */
export interface PluginProblem {
  /** Plugin id, package name or config entry: whatever names it best at that point. */
  readonly plugin: string;
  readonly message: string;
  readonly fix: string;
}

/** Formats one problem as a line for the console. */
export function formatProblem(p: PluginProblem): string {
  return `Plugin "${p.plugin}": ${p.message} Fix: ${p.fix}`;
}

/**
 * The plugin set cannot load. Lists every problem at once, so one edit fixes them all.
 * The server refuses to start with this error.
 */
export class PluginLoadError extends Error {
  readonly code = 'PLUGIN_LOAD_FAILED';
  constructor(readonly problems: readonly PluginProblem[]) {
    super(
      `${problems.length} plugin problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'PluginLoadError';
  }
}
