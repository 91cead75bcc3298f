import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Container } from 'inversify';
import { ChatTokens, KERNEL_API_VERSION, Tokens, type Clock, type Logger } from '@switchboard/sdk';
import { ChatCore } from './chat-core.js';
import { SystemClock } from './clock.js';
import type { KernelConfig } from './config.js';
import { LocalEventBus } from './events/local-event-bus.js';
import { FaultTracker } from './hooks/fault-tracker.js';
import { HookCatalogue } from './hooks/hook-catalogue.js';
import { adminTokenResolver, type PrincipalResolver } from './http/auth.js';
import { appRoutes, findAppDir } from './http/app-routes.js';
import { cors } from './http/cors.js';
import { healthRoutes } from './http/health-routes.js';
import { createHttpApp } from './http/http-app.js';
import { pluginRoutes } from './http/plugin-routes.js';
import { uiRoutes } from './http/ui-routes.js';
import { createLogger } from './logger.js';
import { PluginHost } from './plugins/plugin-host.js';
import { openDatabase, type Database } from './storage/database.js';
import { migrateLatest, type MigrationSet } from './storage/migrator.js';
import { SchemaValidator } from './validation.js';

/** Folder of the kernel's own migrations. */
export const CORE_MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

export interface KernelOptions {
  readonly config: KernelConfig;
  /** Defaults to the system clock; tests and simulations pass a VirtualClock. */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * One Switchboard server: container, hooks, storage, plugins and HTTP. `start()` validates the
 * plugin set (refusing to start on any problem), migrates, activates plugins and listens.
 */
export class Kernel {
  readonly version = KERNEL_API_VERSION;
  readonly container = new Container({ defaultScope: 'Singleton' });
  readonly logger: Logger;
  readonly clock: Clock;
  readonly validator = new SchemaValidator();
  readonly events: LocalEventBus;
  readonly faults: FaultTracker;
  readonly hooks: HookCatalogue;
  private database: Database | null = null;
  private pluginHost: PluginHost | null = null;
  private server: Server | null = null;
  private chatCore: ChatCore | null = null;
  private readonly startedAt = Date.now();
  private readonly resolvers: PrincipalResolver[] = [];

  constructor(readonly options: KernelOptions) {
    const { config } = options;
    this.logger = options.logger ?? createLogger(config.logLevel);
    this.clock = options.clock ?? new SystemClock();
    this.events = new LocalEventBus(this.logger);
    this.faults = new FaultTracker(this.logger, config.faults, (id, reason) => {
      this.host.quarantine(id, reason).catch((error: unknown) => {
        this.logger.error({ err: error, plugin: id }, 'quarantine failed');
      });
    });
    this.hooks = new HookCatalogue(this.faults);
    this.resolvers.push(adminTokenResolver(config.adminToken));
  }

  get db(): Database {
    if (!this.database) throw new Error('Kernel not started: the database is not open yet.');
    return this.database;
  }

  /** The chat domain (accounts, conversations, realtime); available once started. */
  get chat(): ChatCore {
    if (!this.chatCore) throw new Error('Kernel not started: the chat core is not built yet.');
    return this.chatCore;
  }

  get host(): PluginHost {
    if (!this.pluginHost) throw new Error('Kernel not started: plugins are not loaded yet.');
    return this.pluginHost;
  }

  /** Base URL of the HTTP listener, e.g. `http://127.0.0.1:8080`. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('Kernel not listening.');
    const host =
      address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /** Validates plugins and opens the database; used by `start` and by `switchboard migrate`. */
  async prepare(): Promise<void> {
    if (this.database) return;
    const { config } = this.options;
    const host = new PluginHost({
      root: this.container,
      hooks: this.hooks,
      validator: this.validator,
      events: this.events,
      clock: this.clock,
      logger: this.logger,
      faults: this.faults,
      kernelVersion: KERNEL_API_VERSION,
      lifecycleBudgetMs: config.faults.lifecycleBudgetMs,
    });
    host.load(config.plugins, { baseDir: config.baseDir, pluginDirs: config.pluginDirs });
    // A relative sqlite path is relative to the config file, like plugins and pluginDirs.
    const filename = config.database.filename ?? 'data/switchboard.sqlite';
    this.database = await openDatabase(
      {
        ...config.database,
        filename: filename === ':memory:' ? filename : resolvePath(config.baseDir, filename),
      },
      this.logger,
    );
    host.attachDatabase(this.database.knex, this.database.dialect);
    this.pluginHost = host;
    this.container.bind(Tokens.Clock).toConstantValue(this.clock);
    this.container.bind(Tokens.Logger).toConstantValue(this.logger);
    this.container.bind(Tokens.Knex).toConstantValue(this.database.knex);
    this.container.bind(Tokens.Events).toConstantValue(this.events);
  }

  /** Migration sets in order: the kernel first, then plugins in dependency order. */
  migrationSets(): MigrationSet[] {
    return [{ owner: 'core', directory: CORE_MIGRATIONS }, ...this.host.migrationSets()];
  }

  /** Applies pending migrations; returns their names. */
  async migrate(): Promise<string[]> {
    await this.prepare();
    return migrateLatest(this.db.knex, this.migrationSets());
  }

  /** Migrates, activates plugins, then listens. */
  async start(): Promise<void> {
    const applied = await this.migrate();
    if (applied.length > 0) this.logger.info({ migrations: applied }, 'migrations applied');
    const { config } = this.options;
    const chat = new ChatCore({
      knex: this.db.knex,
      dialect: this.db.dialect,
      clock: this.clock,
      logger: this.logger,
      events: this.events,
      hooks: this.hooks,
      config,
      host: this.host,
    });
    this.chatCore = chat;
    await chat.init();
    this.resolvers.push(...chat.resolvers);
    this.container.bind(ChatTokens.Conversations).toConstantValue(chat.services!.conversations);
    this.container.bind(ChatTokens.Realtime).toConstantValue(chat.services!.realtime);
    this.container.bind(ChatTokens.Sites).toConstantValue(chat.services!.sites);
    await this.host.startAll(await this.host.loadDisabled());
    const app = createHttpApp({
      logger: this.logger,
      host: this.host,
      resolvers: this.resolvers,
      limits: { maxBytes: config.http.bodyLimitBytes, maxDepth: config.http.maxJsonDepth },
      routers: [
        healthRoutes(this.db.knex, this.version, this.startedAt),
        pluginRoutes(this.host, this.validator),
        uiRoutes(this.host),
        ...chat.routers(),
        appRoutes({
          consoleDir: findAppDir(
            config.ui.consoleDir && resolvePath(config.baseDir, config.ui.consoleDir),
            '@switchboard/console',
          ),
          widgetDir: findAppDir(
            config.ui.widgetDir && resolvePath(config.baseDir, config.ui.widgetDir),
            '@switchboard/widget',
          ),
          embedOrigins: async (key) =>
            (await chat.accounts.sites.byEmbedKey(key))?.allowedOrigins ?? null,
        }),
      ],
      before: [cors()],
      trustProxy: config.http.trustProxy,
    });
    this.server = createServer(app.callback());
    this.server.headersTimeout = 30_000;
    this.server.requestTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(config.port, config.host, () => resolve());
    });
    chat.attach(this.server);
    this.logger.info(
      { url: this.url, plugins: this.host.list().map((p) => `${p.id}:${p.state}`) },
      'switchboard listening',
    );
  }

  /** Stops listening, stops plugins in reverse order, closes the database. Safe to call twice. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    // Sockets first, so clients see a clean close (1001) before the listener goes.
    if (this.chatCore) await this.chatCore.stop();
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    if (this.pluginHost) await this.pluginHost.stopAll();
    this.hooks.dispose();
    const db = this.database;
    this.database = null;
    if (db) await db.close();
  }
}
