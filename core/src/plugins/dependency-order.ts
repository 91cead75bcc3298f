import type { PluginProblem } from './plugin-problem.js';

/** The part of a manifest ordering looks at. */
export interface Node {
  readonly id: string;
  readonly dependencies?: readonly string[];
}

/**
 * Orders plugins so each comes after its dependencies, keeping config order otherwise. Reports
 * unknown dependencies and every cycle (as a path), naming the plugins and the fix.
 */
export function orderByDependencies(
  nodes: readonly Node[],
  /** Configured plugins that failed their own checks: depending on one is not "unknown". */
  invalid: ReadonlySet<string> = new Set(),
): {
  order: string[];
  problems: PluginProblem[];
} {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const problems: PluginProblem[] = [];
  for (const node of nodes) {
    for (const dep of node.dependencies ?? []) {
      if (!byId.has(dep) && invalid.has(dep)) {
        problems.push({
          plugin: node.id,
          message: `depends on "${dep}", which cannot load (see its own problem in this list).`,
          fix: `fix "${dep}" first; ${node.id} loads once it does.`,
        });
      } else if (!byId.has(dep)) {
        problems.push({
          plugin: node.id,
          message: `depends on "${dep}", which is not in the configured plugin list (unknown dependency).`,
          fix: `add "${dep}" to "plugins" in the config, or remove it from ${node.id}'s switchboard.dependencies.`,
        });
      }
    }
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      const key = [...cycle].slice(0, -1).sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        problems.push({
          plugin: id,
          message: `dependency cycle: ${cycle.join(' → ')}.`,
          fix: `remove one of these dependencies so the plugins can load in order.`,
        });
      }
      return;
    }
    state.set(id, 'visiting');
    for (const dep of byId.get(id)?.dependencies ?? []) {
      if (byId.has(dep)) visit(dep, [...path, id]);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const node of nodes) visit(node.id, []);
  return { order, problems };
}

/** Every plugin that depends on `id`, directly or not. */
export function dependantsOf(id: string, nodes: readonly Node[]): string[] {
  const result = new Set<string>();
  let frontier = [id];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const node of nodes) {
      if (result.has(node.id)) continue;
      if ((node.dependencies ?? []).some((d) => frontier.includes(d))) {
        result.add(node.id);
        next.push(node.id);
      }
    }
    frontier = next;
  }
  return [...result];
}
