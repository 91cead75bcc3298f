import type { Container, ContainerModule } from 'inversify';
import type Router from '@koa/router';
import type { Clock } from './clock.js';
import type { PluginDatabase } from './database.js';
import type { Disposable } from './disposable.js';
import type { EventBus } from './events.js';
import type { KernelHooks } from './hooks.js';
import type { Logger } from './logger.js';
import type { PluginManifest } from './manifest.js';
import type { PluginSettings } from './settings.js';
import type { Token } from './tokens.js';

/**
 * What the kernel hands a plugin in `setup`, `start` and `stop`.
 *
 * Everything registered through it (taps, routes, timers, subscriptions, exposed services) is
 * tracked and undone when the plugin is disabled, so a plugin can be switched off and on at run
 * time without a restart.
 * @public
 */
export interface PluginContext<TSettings = Record<string, unknown>> {
  /** The plugin id from the manifest. */
  readonly id: string;
  /** The validated manifest. */
  readonly manifest: PluginManifest;
  /** Tap-only hook catalogue; taps are named after this plugin and guarded. */
  readonly hooks: KernelHooks;
  /** This plugin's child container; kernel services resolve from the parent via `Tokens`. */
  readonly container: Container;
  /** Database access, scoped by table prefix. */
  readonly db: PluginDatabase;
  /** Router mounted at `/api/v1/plugins/<id>`; `ctx.state.principal` says who is asking. */
  readonly router: Router;
  /** Per-tenant settings validated against `contributes.configuration`. */
  readonly settings: PluginSettings<TSettings>;
  /** Event bus; subscriptions end with the plugin. */
  readonly events: EventBus;
  /** Clock; timers end with the plugin. */
  readonly clock: Clock;
  /** Logger bound to `{ plugin: id }`. */
  readonly logger: Logger;
  /** Registers a disposable to run when the plugin is disabled or stopped. */
  track(disposable: Disposable): Disposable;
  /** Loads a ContainerModule into this plugin's container. */
  load(module: ContainerModule): void;
  /**
   * Binds a public service in the root container so plugins that list this one in
   * `dependencies` can inject it. Undone when the plugin is disabled.
   */
  expose<T>(token: Token<T>, value: T): void;
  /** Resolves a service: a kernel service or one exposed by a dependency. */
  use<T>(token: Token<T>): T;
  /**
   * Validates `value` against a JSON Schema (defaults applied); throws `InputError` (400) listing
   * every problem. Use it on every request body a route accepts.
   */
  validate<T>(schema: object, value: unknown, what?: string): T;
}

/**
 * A plugin's code: the object its entry module exports (as `default` or `<camelId>Plugin`).
 * Nothing should happen at import time; all work starts in `setup`.
 * @public
 */
export interface PluginDefinition<TSettings = Record<string, unknown>> {
  /** Bind services, tap hooks, add routes. Runs in dependency order. */
  setup(ctx: PluginContext<TSettings>): void | Promise<void>;
  /** Start background work once every plugin is set up. */
  start?(ctx: PluginContext<TSettings>): void | Promise<void>;
  /** Release what `track` did not cover. Runs in reverse dependency order. */
  stop?(ctx: PluginContext<TSettings>): void | Promise<void>;
}

/**
 * Declares a plugin. Checks the shape at once so a mistake shows up at load, naming the problem.
 * @example
 * ```ts
 * export const helloPlugin = definePlugin({
 *   setup(ctx) {
 *     ctx.hooks.session.conversationStarted.tap(async (c) => ctx.logger.info({ id: c.id }, 'hello'));
 *   },
 * });
 * ```
 * @public
 */
export function definePlugin<TSettings = Record<string, unknown>>(
  definition: PluginDefinition<TSettings>,
): PluginDefinition<TSettings> {
  if (!definition || typeof definition.setup !== 'function') {
    throw new TypeError('definePlugin() needs an object with a setup(ctx) function.');
  }
  for (const key of ['start', 'stop'] as const) {
    if (definition[key] !== undefined && typeof definition[key] !== 'function') {
      throw new TypeError(`definePlugin(): "${key}" must be a function when given.`);
    }
  }
  return Object.freeze({ ...definition });
}
