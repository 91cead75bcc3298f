/**
 * A typed DI token. The description reads `<plugin-id>.<name>` so container errors name the owner.
 * Tokens are registered with `Symbol.for`, so two copies of the sdk in one process agree on them.
 * @public
 */
export type Token<T> = symbol & { readonly __tokenType?: T };

/**
 * Creates the token under which a plugin exposes a public service (see `ctx.expose`).
 * @param pluginId - owner plugin id, e.g. `acd`
 * @param name - service name, e.g. `AcdService`
 * @public
 */
export function createToken<T>(pluginId: string, name: string): Token<T> {
  return Symbol.for(`${pluginId}.${name}`) as Token<T>;
}

/**
 * Tokens of the kernel's services, bound in the root container every plugin container inherits.
 * @public
 */
export const Tokens = {
  /** {@link Clock}: the kernel clock (plugins prefer `ctx.clock`, whose timers are disposed with them). */
  Clock: createToken<import('./clock.js').Clock>('core', 'clock'),
  /** {@link Logger}: the kernel's root logger. */
  Logger: createToken<import('./logger.js').Logger>('core', 'logger'),
  /** The shared knex instance (plugins prefer `ctx.db`, which knows their table prefix). */
  Knex: createToken<import('knex').Knex>('core', 'knex'),
  /** {@link EventBus}: the kernel event bus. */
  Events: createToken<import('./events.js').EventBus>('core', 'events'),
} as const;
