/**
 * Per-tap time budgets (milliseconds, wall time). A tap that overruns is counted as a fault and
 * the hook goes on without its result. Documented per hook in docs/hooks.md.
 */
export const HookBudget = {
  /** Notifications: plugins may do I/O (CRM push, audit write). */
  NOTIFY: 2000,
  /** Decisions that hold up a visitor's request. */
  DECIDE: 500,
  /** Transforms on the message path. */
  TRANSFORM: 250,
  /** Routing scoring and selection, run per queued chat. */
  ROUTE: 200,
  /** UI assembly per request. */
  UI: 200,
} as const;
