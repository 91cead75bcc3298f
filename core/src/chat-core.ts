import type { Server } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import type Router from '@koa/router';
import type { Knex } from 'knex';
import type {
  Clock,
  ConversationsService,
  Disposable,
  EventBus,
  Logger,
  RealtimeService,
  SitesService,
} from '@switchboard/sdk';
import { conversationsServiceFor, realtimeServiceFor } from './chat/plugin-services.js';
import { createAccounts, type Accounts } from './accounts/index.js';
import { sitesServiceFor } from './accounts/plugin-sites.js';
import { PresenceFollower } from './accounts/presence-follower.js';
import type { Operation } from './api/operation.js';
import { OperationRegistry } from './api/operation-registry.js';
import { operationRouter } from './api/operation-router.js';
import { AccessPolicy } from './auth/policy.js';
import { RateLimiter } from './auth/rate-limiter.js';
import { AuditLog } from './audit/audit-log.js';
import { AttachmentStore } from './chat/attachment-store.js';
import { createChat, type Chat } from './chat/index.js';
import type { KernelConfig } from './config.js';
import type { HookCatalogue } from './hooks/hook-catalogue.js';
import { adminTokenResolver, type PrincipalResolver } from './http/auth.js';
import type { PluginHost } from './plugins/plugin-host.js';
import { createRealtimeGateway, type RealtimeGateway } from './realtime/realtime-gateway.js';

/** How long a visitor may be without a socket before `session.visitorLeft` fires. */
export const VISITOR_LEFT_GRACE_MS = 30_000;

/** How long an agent may be without a socket before chats offered to them go back to the queue. */
export const AGENT_GONE_GRACE_MS = 10_000;

/** What the chat core is built from; handed to each area's factory. */
export interface ChatCoreDeps {
  readonly knex: Knex;
  readonly dialect: 'sqlite' | 'postgres';
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventBus;
  readonly hooks: HookCatalogue;
  readonly config: KernelConfig;
  readonly host: PluginHost;
}

/**
 * The chat domain of the kernel: accounts and auth, visitors, conversations and messages,
 * privacy, and the realtime gateway. Each area is built by its own factory from shared parts:
 * one access policy, one operation registry (served over REST and WebSocket alike), one list of
 * principal resolvers.
 */
export class ChatCore {
  readonly policy = new AccessPolicy();
  readonly limiter: RateLimiter;
  readonly registry: OperationRegistry;
  readonly resolvers: PrincipalResolver[] = [];
  readonly attachments: AttachmentStore;
  readonly audit: AuditLog;
  private chatServices: Chat | null = null;
  /** What plugins resolve through `ChatTokens` (bound by the kernel). */
  services: {
    conversations: ConversationsService;
    realtime: RealtimeService;
    sites: SitesService;
  } | null = null;
  private readonly graceTimers = new Set<Disposable>();
  private accountsArea: Accounts | null = null;
  private readonly stoppers: (() => Promise<void> | void)[] = [];
  private gateway: RealtimeGateway | null = null;

  constructor(readonly deps: ChatCoreDeps) {
    const { config } = deps;
    this.limiter = new RateLimiter({
      login: { points: config.auth.loginPerMinute, durationSeconds: 60 },
      visitorSession: { points: config.auth.visitorSessionsPerMinute, durationSeconds: 60 },
      upload: { points: 60, durationSeconds: 60 },
    });
    this.registry = new OperationRegistry(this.policy, this.limiter);
    this.attachments = new AttachmentStore(resolvePath(config.baseDir, config.dataDir));
    this.audit = new AuditLog(deps.knex, deps.clock);
  }

  /** Builds every area and registers its operations. Runs after migrations. */
  async init(): Promise<void> {
    const ops: Operation<any, any>[] = [];
    this.policy.usePluginGrants(() => this.deps.host.permissionGrants());
    // --- accounts & auth (accounts/) ---
    const accounts = createAccounts({ ...this.deps, policy: this.policy, audit: this.audit });
    ops.push(...accounts.operations);
    this.resolvers.push(accounts.resolver);
    this.onStop(() => accounts.dispose());
    this.accountsArea = accounts;
    // Expired and revoked token rows are kept a day for audit, then purged.
    const purgeTokens = () => {
      accounts.tokens
        .purge()
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'token purge failed'));
    };
    const firstPurge = this.deps.clock.setTimeout(purgeTokens, 3_600_000);
    const purge = this.deps.clock.setInterval(purgeTokens, 86_400_000);
    this.onStop(() => {
      firstPurge.dispose();
      purge.dispose();
    });
    const first = await accounts.ensureDefaultTenant();
    if (first.created)
      this.deps.logger.info(first, 'first start: created the default tenant and site');
    // --- visitors, conversations, messages (chat/) ---
    const chat = createChat({
      ...this.deps,
      accounts,
      attachments: this.attachments,
      limiter: this.limiter,
    });
    this.chatServices = chat;
    this.services = {
      conversations: conversationsServiceFor({
        knex: this.deps.knex,
        clock: this.deps.clock,
        conversations: chat.conversations,
        dispatcher: chat.dispatcher,
        accounts,
        log: chat.log,
      }),
      realtime: realtimeServiceFor(this.deps.events),
      sites: sitesServiceFor(accounts.sites),
    };
    ops.push(...chat.operations);
    this.onStop(chat.start());
    // --- privacy (privacy/) ---
    const { createPrivacy } = await import('./privacy/create-privacy.js');
    const privacy = createPrivacy({
      ...this.deps,
      attachments: this.attachments,
      audit: this.audit,
    });
    await privacy.registry.validate();
    ops.push(...privacy.operations);
    this.onStop(privacy.start());
    this.registry.register(...ops);
  }

  /** Tenants, sites, users and tokens (after `init`). */
  get accounts(): Accounts {
    if (!this.accountsArea) throw new Error('The chat core is not initialised yet.');
    return this.accountsArea;
  }

  /** Visitors, conversations, messages (after `init`). */
  get chat(): Chat {
    if (!this.chatServices) throw new Error('The chat core is not initialised yet.');
    return this.chatServices;
  }

  /** Routers for the HTTP app: every operation with an HTTP binding, plus raw routes. */
  routers(): Router[] {
    return [operationRouter(this.registry), ...this.chat.routers];
  }

  /** The WebSocket gateway (`realtime/`); available once the server listens. */
  get realtime(): RealtimeGateway {
    if (!this.gateway) throw new Error('The realtime gateway is attached once the server listens.');
    return this.gateway;
  }

  /** Attaches the WebSocket endpoint once the HTTP server listens. */
  attach(server: Server): void {
    // --- realtime (realtime/) ---
    const { config, events, logger, clock } = this.deps;
    const admin = adminTokenResolver(config.adminToken);
    const presence = new PresenceFollower({
      users: this.accounts.users,
      connected: (principal) => this.gateway?.hasSocketsOf(principal) ?? false,
      offersBack: (tenantId, userId) => this.chat.dispatcher.agentGone(tenantId, userId),
      enabled: config.chat.offlineWhenDisconnected !== false,
      logger,
    });
    this.gateway = createRealtimeGateway({
      server,
      registry: this.registry,
      policy: this.policy,
      events,
      logger,
      clock,
      config: config.realtime,
      maxJsonDepth: config.http.maxJsonDepth,
      // The HTTP edge's resolvers in its order (admin token, then the chat core's), read live.
      resolvers: { [Symbol.iterator]: () => [admin, ...this.resolvers][Symbol.iterator]() },
      replay: this.chat.replay,
      // A visitor socket must come from one of its site's allowed origins, like the session.
      checkOrigin: (principal, origin) => this.chat.visitors.originAllowedFor(principal, origin),
      onSocketOpened: (principal) => {
        if (principal.kind === 'user') void presence.opened(principal);
      },
      onLastSocketClosed: (principal) => {
        if (principal.kind === 'system') return;
        // A page navigation or a network blip closes the socket and opens another within a
        // moment: wait before treating the visitor as gone or taking back an agent's offers.
        const grace = clock.setTimeout(
          () => {
            this.graceTimers.delete(grace);
            if (this.gateway?.hasSocketsOf(principal)) return;
            const gone =
              principal.kind === 'visitor'
                ? this.chat.visitors.left(principal.tenantId, principal.visitorId)
                : presence.gone(principal);
            gone.catch((error: unknown) =>
              logger.error({ err: error }, 'last-socket handling failed'),
            );
          },
          principal.kind === 'visitor' ? VISITOR_LEFT_GRACE_MS : AGENT_GONE_GRACE_MS,
        );
        this.graceTimers.add(grace);
      },
    });
    const gateway = this.gateway;
    this.onStop(async () => {
      await gateway.close();
      for (const timer of this.graceTimers) timer.dispose();
      this.graceTimers.clear();
    });
  }

  /** Closes sockets and timers; the kernel then stops plugins and the database. */
  async stop(): Promise<void> {
    for (const stop of this.stoppers.splice(0).reverse()) await stop();
  }

  /** Registers something to undo on stop (timers, the gateway). */
  onStop(stop: () => Promise<void> | void): void {
    this.stoppers.push(stop);
  }
}
