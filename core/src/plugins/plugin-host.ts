import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Middleware } from 'koa';
import {
  hasPermission,
  type PluginDefinition,
  type PluginSettings,
  type UiContribution,
  type UiRequest,
} from '@switchboard/sdk';
import type { FaultStats, FaultTracker } from '../hooks/fault-tracker.js';
import type { MigrationSet } from '../storage/migrator.js';
import type { SchemaValidator } from '../validation.js';
import { dependantsOf, orderByDependencies } from './dependency-order.js';
import { discoverPlugins, type DiscoveryOptions } from './plugin-discovery.js';
import { validatePluginPackage, type ValidPlugin } from './manifest-validator.js';
import { createPluginRuntime, type ContextDeps, type PluginRuntime } from './plugin-context.js';
import { PluginSettingsStore } from './plugin-settings-store.js';
import { PluginLoadError, type PluginProblem } from './plugin-problem.js';

/** Where a configured plugin stands. */
export type PluginState = 'active' | 'inactive' | 'disabled' | 'failed' | 'quarantined';

/** A configured plugin and its run-time state. */
interface PluginRecord {
  readonly plugin: ValidPlugin;
  readonly id: string;
  state: PluginState;
  reason: string | null;
  disabledBy: 'admin' | 'dependency' | null;
  definition: PluginDefinition | null;
  runtime: PluginRuntime | null;
  routes: Middleware | null;
}

/** What `GET /api/v1/plugins` reports for one plugin. */
export interface PluginInfo {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly packageName: string;
  readonly version: string;
  readonly state: PluginState;
  readonly reason: string | null;
  readonly dependencies: readonly string[];
  readonly activationEvents: readonly string[];
  readonly permissions: readonly string[];
  readonly slots: readonly { slot: string; element: string; order: number }[];
  readonly hasSettings: boolean;
  readonly faults: FaultStats;
}

export interface PluginHostDeps extends Omit<ContextDeps, 'knex' | 'dialect'> {
  readonly validator: SchemaValidator;
  readonly faults: FaultTracker;
  readonly kernelVersion: string;
  /** Time allowed for one plugin's setup/start/stop, in ms. */
  readonly lifecycleBudgetMs: number;
}

const STARTUP = 'onStartup';

/**
 * Loads, orders, activates and deactivates plugins. Every activation builds a fresh runtime
 * (child container, router, disposables), so disabling a plugin undoes everything it registered
 * and enabling it again runs its setup anew, without a restart.
 */
export class PluginHost {
  private records: PluginRecord[] = [];
  private readonly byId = new Map<string, PluginRecord>();
  private queue: Promise<unknown> = Promise.resolve();
  private routeActivations: { prefix: string; id: string }[] = [];
  private storage: Pick<ContextDeps, 'knex' | 'dialect'> | null = null;

  constructor(private readonly deps: PluginHostDeps) {}

  /** Gives the host its database once open (plugins are validated before it is). */
  attachDatabase(knex: ContextDeps['knex'], dialect: ContextDeps['dialect']): void {
    this.storage = { knex, dialect };
  }

  private get knex(): ContextDeps['knex'] {
    if (!this.storage) throw new Error('PluginHost: database not attached');
    return this.storage.knex;
  }

  /** Discovers and validates the configured plugins; throws PluginLoadError listing every problem. */
  load(entries: readonly string[], discovery: DiscoveryOptions): void {
    const found = discoverPlugins(entries, discovery);
    const problems: PluginProblem[] = [...found.problems];
    const valid: ValidPlugin[] = [];
    const seen = new Map<string, ValidPlugin>();
    for (const source of found.sources) {
      const result = validatePluginPackage(source, this.deps.validator, this.deps.kernelVersion);
      problems.push(...result.problems);
      if (!result.plugin) continue;
      const id = result.plugin.manifest.id;
      const first = seen.get(id);
      if (first) {
        problems.push({
          plugin: id,
          message: `duplicate id: both ${first.source.dir} and ${source.dir} declare "${id}".`,
          fix: 'list each plugin once, or give one of them another switchboard.id.',
        });
        continue;
      }
      seen.set(id, result.plugin);
      valid.push(result.plugin);
      for (const event of result.plugin.manifest.activationEvents ?? []) {
        if (event.startsWith('onHook:') && !this.deps.hooks.find(event.slice('onHook:'.length))) {
          problems.push({
            plugin: id,
            message: `activation event "${event}" names no hook.`,
            fix: 'use a hook from docs/hooks.md, e.g. "onHook:session.conversationStarted".',
          });
        }
      }
    }
    const invalid = new Set(
      found.sources
        .map((src) => (src.packageJson.switchboard as { id?: unknown } | undefined)?.id)
        .filter((id): id is string => typeof id === 'string' && !seen.has(id)),
    );
    const ordered = orderByDependencies(
      valid.map((p) => p.manifest),
      invalid,
    );
    problems.push(...ordered.problems);
    if (problems.length > 0) throw new PluginLoadError(problems);
    this.records = ordered.order.map((id) => {
      const plugin = seen.get(id)!;
      return {
        plugin,
        id,
        state: 'inactive',
        reason: null,
        disabledBy: null,
        definition: null,
        runtime: null,
        routes: null,
      };
    });
    this.byId.clear();
    for (const r of this.records) this.byId.set(r.id, r);
  }

  /** Migration sets of the plugins that own migrations, in dependency order. */
  migrationSets(): MigrationSet[] {
    return this.records
      .filter((r) => r.plugin.manifest.contributes?.migrations)
      .map((r) => ({
        owner: r.id,
        directory: join(r.plugin.source.dir, r.plugin.manifest.contributes!.migrations!),
      }));
  }

  /** Activates every enabled startup plugin in dependency order; arms lazy activation for the rest. */
  startAll(disabledByAdmin: ReadonlySet<string>): Promise<void> {
    return this.serial(async () => {
      for (const record of this.records) {
        if (disabledByAdmin.has(record.id)) {
          this.setState(record, 'disabled', 'disabled by an administrator', 'admin');
        }
      }
      // Every startup plugin is set up before any of them starts (PluginDefinition.start).
      for (const record of this.records) {
        if (record.state !== 'inactive') continue;
        if (this.isStartup(record)) await this.setUpNow(record);
        else this.armLazyActivation(record);
      }
      await this.startSetUp();
    });
  }

  /** Deactivates every plugin, dependants first. */
  stopAll(): Promise<void> {
    return this.serial(async () => {
      for (const record of [...this.records].reverse()) {
        if (record.state === 'active')
          await this.deactivateNow(record, 'inactive', 'server stopped', null);
      }
    });
  }

  /** Enables or disables a plugin at run time (dependants follow). Returns its info. */
  setEnabled(id: string, enabled: boolean): Promise<PluginInfo> {
    return this.serial(async () => {
      const record = this.require(id);
      // Enabling a plugin already in service changes nothing (setting it up again would leak it).
      if (enabled && record.state === 'active') return this.info(record);
      if (enabled) {
        this.deps.faults.reset(id);
        record.disabledBy = null;
        record.state = 'inactive';
        record.reason = null;
        await this.bringUp(record);
        for (const dependantId of dependantsOf(id, this.manifests())) {
          const dependant = this.byId.get(dependantId)!;
          if (dependant.disabledBy === 'dependency') {
            dependant.disabledBy = null;
            dependant.state = 'inactive';
            dependant.reason = null;
            await this.bringUp(dependant);
          }
        }
      } else {
        await this.takeDown(record, 'disabled', 'disabled by an administrator', 'admin');
      }
      return this.info(record);
    });
  }

  /** Takes a misbehaving plugin out of service; it stays out until an admin re-enables it. */
  quarantine(id: string, reason: string): Promise<void> {
    return this.serial(async () => {
      const record = this.byId.get(id);
      if (!record || record.state === 'quarantined') return;
      await this.takeDown(record, 'quarantined', reason, null);
    });
  }

  /** Activates lazy plugins whose `onRoute:` prefix matches, and a plugin whose own routes are hit. */
  async activateForPath(path: string): Promise<void> {
    const ids = this.routeActivations.filter((a) => path.startsWith(a.prefix)).map((a) => a.id);
    const own = /^\/api\/v1\/plugins\/([a-z0-9-]+)(\/|$)/.exec(path)?.[1];
    if (own && this.byId.get(own)?.state === 'inactive') ids.push(own);
    for (const id of ids) await this.activate(id);
  }

  /** Activates one plugin (and its dependencies) if it is waiting for an activation event. */
  activate(id: string): Promise<void> {
    return this.serial(async () => {
      const record = this.byId.get(id);
      if (record?.state === 'inactive') await this.activateNow(record);
    });
  }

  /** Router middleware of an active plugin, or null. */
  routesOf(id: string): Middleware | null {
    const record = this.byId.get(id);
    return record?.state === 'active' ? record.routes : null;
  }

  /** Settings of a plugin, through its live context when active so its listeners hear changes. */
  settingsOf(id: string): { settings: PluginSettings; schema: object | null } {
    const record = this.require(id);
    const schema =
      (record.plugin.manifest.contributes?.configuration as object | undefined) ?? null;
    const settings =
      record.runtime?.ctx.settings ??
      new PluginSettingsStore(this.knex, this.deps.validator, id, schema ?? undefined);
    return { settings, schema };
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  stateOf(id: string): PluginState | undefined {
    return this.byId.get(id)?.state;
  }

  list(): PluginInfo[] {
    return this.records.map((r) => this.info(r));
  }

  get(id: string): PluginInfo {
    return this.info(this.require(id));
  }

  /** Folders of a plugin's declared UI modules: only files below them are served. */
  uiRootsOf(id: string): string[] {
    const record = this.byId.get(id);
    if (!record) return [];
    const roots = (record.plugin.manifest.contributes?.slots ?? []).map((s) =>
      dirname(join(record.plugin.source.dir, s.module)),
    );
    return [...new Set(roots)];
  }

  /** Ids an administrator disabled (kept in the database, so restarts and other processes agree). */
  async loadDisabled(): Promise<Set<string>> {
    const rows = (await this.knex('core_plugin_states')
      .where({ enabled: false })
      .select('plugin_id')) as {
      plugin_id: string;
    }[];
    return new Set(rows.map((r) => r.plugin_id));
  }

  /** Records an administrator's enable/disable decision. */
  async persistEnabled(id: string, enabled: boolean, by: string): Promise<void> {
    await this.knex('core_plugin_states')
      .insert({ plugin_id: id, enabled, changed_by: by, updated_at: Date.now() })
      .onConflict('plugin_id')
      .merge(['enabled', 'changed_by', 'updated_at']);
  }

  /** Folder of a plugin package (to serve its UI modules). */
  dirOf(id: string): string | undefined {
    return this.byId.get(id)?.plugin.source.dir;
  }

  /**
   * Permissions the plugins in service define, with the roles that hold each (a plain name goes
   * to admins and supervisors). The access policy reads this on every sign-in check, so enabling
   * or disabling a plugin grants or withdraws its permissions at once.
   */
  permissionGrants(): { id: string; roles: readonly ('admin' | 'supervisor' | 'agent')[] }[] {
    const grants: { id: string; roles: readonly ('admin' | 'supervisor' | 'agent')[] }[] = [];
    for (const record of this.records) {
      if (record.state !== 'active' && record.state !== 'inactive') continue;
      for (const p of record.plugin.manifest.contributes?.permissions ?? []) {
        grants.push(
          typeof p === 'string'
            ? { id: p, roles: ['admin', 'supervisor'] }
            : { id: p.id, roles: p.roles ?? ['admin', 'supervisor'] },
        );
      }
    }
    return grants;
  }

  /** UI contributions of plugins in service, for one caller, through the ui hooks. */
  async contributions(request: UiRequest): Promise<UiContribution[]> {
    const surfacePrefix = request.surface === 'widget' ? 'widget.' : null;
    let list: UiContribution[] = [];
    for (const record of this.records) {
      if (record.state !== 'active' && record.state !== 'inactive') continue;
      for (const slot of record.plugin.manifest.contributes?.slots ?? []) {
        const isWidget = slot.slot.startsWith('widget.');
        if (surfacePrefix ? !isWidget : isWidget) continue;
        if (slot.permission && !hasPermission(request.principal, slot.permission)) continue;
        list.push({
          pluginId: record.id,
          slot: slot.slot,
          moduleUrl: `/ui/plugins/${record.id}/${slot.module}`,
          element: slot.element,
          order: slot.order ?? 100,
          title: slot.title ?? null,
          permission: slot.permission ?? null,
        });
      }
    }
    list = await this.deps.hooks.ui.contributions.call(list, request);
    const slots = [...new Set(list.map((c) => c.slot))];
    const result: UiContribution[] = [];
    for (const slot of slots) {
      const hook = this.deps.hooks.ui.slot.for(slot);
      const own = list.filter((c) => c.slot === slot);
      result.push(...(hook.isUsed() ? await hook.call(own, request) : own));
    }
    return result.sort((a, b) => a.slot.localeCompare(b.slot) || a.order - b.order);
  }

  private info(r: PluginRecord): PluginInfo {
    const m = r.plugin.manifest;
    return {
      id: r.id,
      displayName: m.displayName,
      description: m.description ?? null,
      packageName: r.plugin.packageName,
      version: r.plugin.version,
      state: r.state,
      reason: r.reason,
      dependencies: m.dependencies ?? [],
      activationEvents: m.activationEvents ?? [STARTUP],
      permissions: (m.contributes?.permissions ?? []).map((p) =>
        typeof p === 'string' ? p : p.id,
      ),
      slots: (m.contributes?.slots ?? []).map((s) => ({
        slot: s.slot,
        element: s.element,
        order: s.order ?? 100,
      })),
      hasSettings: Boolean(m.contributes?.configuration),
      faults: this.deps.faults.statsOf(r.id),
    };
  }

  private require(id: string): PluginRecord {
    const record = this.byId.get(id);
    if (!record) throw new Error(`unknown plugin ${id}`);
    return record;
  }

  private manifests() {
    return this.records.map((r) => r.plugin.manifest);
  }

  private isStartup(record: PluginRecord): boolean {
    const events = record.plugin.manifest.activationEvents ?? [STARTUP];
    return events.includes(STARTUP);
  }

  private async bringUp(record: PluginRecord): Promise<void> {
    if (this.isStartup(record)) await this.activateNow(record);
    else this.armLazyActivation(record);
  }

  private armLazyActivation(record: PluginRecord): void {
    this.routeActivations = this.routeActivations.filter((a) => a.id !== record.id);
    for (const event of record.plugin.manifest.activationEvents ?? []) {
      if (event.startsWith('onRoute:')) {
        this.routeActivations.push({ prefix: event.slice('onRoute:'.length), id: record.id });
      }
      const hooks =
        event === 'onConversation'
          ? ['session.chatRequested', 'session.conversationStarted']
          : event.startsWith('onHook:')
            ? [event.slice('onHook:'.length)]
            : [];
      for (const name of hooks) {
        this.deps.hooks.find(name)?.activateBeforeNextCall(() => this.activate(record.id));
      }
    }
  }

  /** Sets the plugin up (dependencies first), then starts what that set up. */
  private async activateNow(record: PluginRecord): Promise<void> {
    await this.setUpNow(record);
    await this.startSetUp();
  }

  /**
   * Phase one: sets up dependencies, then runs `setup()`. The plugin stays inactive, holding its
   * runtime, until {@link startSetUp}; a dependency that cannot run keeps this one out too.
   */
  private async setUpNow(record: PluginRecord): Promise<void> {
    if (record.runtime) return;
    for (const depId of record.plugin.manifest.dependencies ?? []) {
      const dep = this.byId.get(depId)!;
      if (dep.state === 'inactive') await this.setUpNow(dep);
      if (!dep.runtime) return this.keepOut(record, dep);
    }
    const logger = this.deps.logger.child({ plugin: record.id });
    try {
      record.definition ??= await this.importDefinition(record);
    } catch (error) {
      this.setState(record, 'failed', (error as Error).message, null);
      logger.error({ err: error }, 'plugin failed to load');
      return;
    }
    const runtime = createPluginRuntime(record.plugin, { ...this.deps, ...this.storage! });
    record.runtime = runtime;
    try {
      await this.withBudget(record, 'setup', () => record.definition!.setup(runtime.ctx));
      record.routes = runtime.router.routes() as unknown as Middleware;
    } catch (error) {
      this.undoSetUp(record);
      this.setState(record, 'failed', (error as Error).message, null);
      logger.error({ err: error }, 'plugin failed to start');
    }
  }

  /** Phase two: starts, in dependency order, every plugin set up and not started yet. */
  private async startSetUp(): Promise<void> {
    for (const record of this.records) {
      if (!record.runtime || record.state !== 'inactive') continue;
      const down = (record.plugin.manifest.dependencies ?? [])
        .map((id) => this.byId.get(id)!)
        .find((dep) => dep.state !== 'active');
      if (down) {
        this.undoSetUp(record);
        this.keepOut(record, down);
        continue;
      }
      const runtime = record.runtime;
      try {
        await this.withBudget(record, 'start', () => record.definition!.start?.(runtime.ctx));
      } catch (error) {
        this.undoSetUp(record);
        this.setState(record, 'failed', (error as Error).message, null);
        this.deps.logger.error({ plugin: record.id, err: error }, 'plugin failed to start');
        continue;
      }
      this.routeActivations = this.routeActivations.filter((a) => a.id !== record.id);
      this.setState(record, 'active', null, null);
      this.deps.logger.info({ plugin: record.id }, 'plugin active');
    }
  }

  /** Undoes what a plugin registered in `setup()` (it never started, so no `stop()`). */
  private undoSetUp(record: PluginRecord): void {
    record.runtime?.disposables.dispose();
    record.runtime = null;
    record.routes = null;
  }

  /** Keeps a plugin out because a dependency is not running. */
  private keepOut(record: PluginRecord, dep: PluginRecord): void {
    const disabled = dep.state === 'disabled' || dep.state === 'quarantined';
    this.setState(
      record,
      disabled ? 'disabled' : 'failed',
      `dependency "${dep.id}" is ${dep.state}`,
      disabled ? 'dependency' : null,
    );
  }

  /** Deactivates dependants (as disabled by dependency), then the plugin itself. */
  private async takeDown(
    record: PluginRecord,
    state: PluginState,
    reason: string,
    by: 'admin' | 'dependency' | null,
  ): Promise<void> {
    const dependants = dependantsOf(record.id, this.manifests())
      .map((id) => this.byId.get(id)!)
      .reverse();
    for (const dependant of dependants) {
      if (dependant.state === 'active' || dependant.state === 'inactive') {
        await this.deactivateNow(
          dependant,
          'disabled',
          `dependency "${record.id}" is ${state}`,
          'dependency',
        );
      }
    }
    await this.deactivateNow(record, state, reason, by);
  }

  private async deactivateNow(
    record: PluginRecord,
    state: PluginState,
    reason: string,
    by: 'admin' | 'dependency' | null,
  ): Promise<void> {
    const runtime = record.runtime;
    record.runtime = null;
    record.routes = null;
    this.routeActivations = this.routeActivations.filter((a) => a.id !== record.id);
    this.setState(record, state, reason, by);
    if (!runtime) return;
    try {
      await this.withBudget(record, 'stop', () => record.definition?.stop?.(runtime.ctx));
    } catch (error) {
      this.deps.logger.error({ plugin: record.id, err: error }, 'plugin stop failed');
    }
    runtime.disposables.dispose();
    runtime.container.unbindAll();
    this.deps.logger.info({ plugin: record.id, state, reason }, 'plugin deactivated');
  }

  private setState(
    record: PluginRecord,
    state: PluginState,
    reason: string | null,
    by: 'admin' | 'dependency' | null,
  ) {
    record.state = state;
    record.reason = reason;
    record.disabledBy = state === 'disabled' ? by : null;
  }

  private async importDefinition(record: PluginRecord): Promise<PluginDefinition> {
    const file = join(record.plugin.source.dir, record.plugin.main);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const camel = record.id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const definition = (mod.default ?? mod[`${camel}Plugin`] ?? mod.plugin) as
      PluginDefinition | undefined;
    if (!definition || typeof definition.setup !== 'function') {
      throw new Error(
        `${record.plugin.main} exports no plugin definition. Fix: export default definePlugin({ setup(ctx) { … } }) ` +
          `or export const ${camel}Plugin = definePlugin(…).`,
      );
    }
    return definition;
  }

  private async withBudget(record: PluginRecord, phase: string, fn: () => unknown): Promise<void> {
    const budget = this.deps.lifecycleBudgetMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(fn),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${phase}() did not finish within ${budget} ms`)),
            budget,
          );
        }),
      ]);
    } catch (error) {
      throw new Error(`Plugin "${record.id}" ${phase}() failed: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs host operations one at a time, so activation and disabling never interleave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
