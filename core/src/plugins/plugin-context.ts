import Router from '@koa/router';
import { Container, type ContainerModule } from 'inversify';
import type { Knex } from 'knex';
import {
  DisposableCollection,
  toDisposable,
  type Clock,
  type EventBus,
  type Logger,
  type PluginContext,
  type Token,
} from '@switchboard/sdk';
import { ScopedClock } from '../clock.js';
import { ScopedEventBus } from '../events/local-event-bus.js';
import type { HookCatalogue } from '../hooks/hook-catalogue.js';
import type { SchemaValidator } from '../validation.js';
import { createPluginDatabase } from './plugin-database.js';
import { PluginSettingsStore } from './plugin-settings-store.js';
import type { ValidPlugin } from './manifest-validator.js';

/** Kernel services a plugin context is built from. */
export interface ContextDeps {
  readonly root: Container;
  readonly hooks: HookCatalogue;
  readonly knex: Knex;
  readonly dialect: 'sqlite' | 'postgres';
  readonly validator: SchemaValidator;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** One activation of a plugin: what must be undone to deactivate it. */
export interface PluginRuntime {
  readonly ctx: PluginContext;
  readonly disposables: DisposableCollection;
  readonly container: Container;
  readonly router: Router;
}

/** Mount point of a plugin's router. */
export function pluginRoutePrefix(id: string): string {
  return `/api/v1/plugins/${id}`;
}

/** Builds a fresh context (child container, router, scoped clock/bus/hooks) for one activation. */
export function createPluginRuntime(plugin: ValidPlugin, deps: ContextDeps): PluginRuntime {
  const { id } = plugin.manifest;
  const logger = deps.logger.child({ plugin: id });
  const disposables = new DisposableCollection(
    (error) => logger.error({ err: error }, 'a disposable of the plugin threw while disposing'),
    () => logger.warn('registration after the plugin was stopped; it was undone at once'),
  );
  const track = (d: { dispose(): void }) => disposables.add(d);
  const container = new Container({ parent: deps.root, defaultScope: 'Singleton' });
  const router = new Router({ prefix: pluginRoutePrefix(id) });
  const settings = new PluginSettingsStore(
    deps.knex,
    deps.validator,
    id,
    plugin.manifest.contributes?.configuration as object | undefined,
  );

  const ctx: PluginContext = Object.freeze({
    id,
    manifest: plugin.manifest,
    hooks: deps.hooks.facadeFor(id, track),
    container,
    db: createPluginDatabase(deps.knex, deps.dialect, id),
    router,
    settings: {
      get: (tenantId: string) => settings.get(tenantId),
      set: (tenantId: string, value: unknown) => settings.set(tenantId, value),
      onDidChange: (handler: (tenantId: string, value: Record<string, unknown>) => void) =>
        track(settings.onDidChange(handler)),
    },
    events: new ScopedEventBus(deps.events, track),
    clock: new ScopedClock(deps.clock, disposables),
    logger,
    track,
    load(module: ContainerModule) {
      container.load(module);
    },
    expose<T>(token: Token<T>, value: T) {
      if (deps.root.isCurrentBound(token)) {
        throw new Error(
          `Plugin "${id}" cannot expose ${String(token.description)}: another plugin already exposes it.`,
        );
      }
      deps.root.bind(token).toConstantValue(value);
      track(toDisposable(() => deps.root.unbind(token)));
    },
    use<T>(token: Token<T>): T {
      return container.get<T>(token);
    },
    validate<T>(schema: object, value: unknown, what?: string): T {
      return deps.validator.validate<T>(schema, value, what);
    },
  });
  return { ctx, disposables, container, router };
}
