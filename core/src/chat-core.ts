import type { Server } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import type Router from '@koa/router';
import type { Knex } from 'knex';
import type { Clock, EventBus, Logger } from '@switchboard/sdk';
import type { Operation } from './api/operation.js';
import { OperationRegistry } from './api/operation-registry.js';
import { operationRouter } from './api/operation-router.js';
import { AccessPolicy } from './auth/policy.js';
import { RateLimiter } from './auth/rate-limiter.js';
import { AttachmentStore } from './chat/attachment-store.js';
import type { KernelConfig } from './config.js';
import type { HookCatalogue } from './hooks/hook-catalogue.js';
import type { PrincipalResolver } from './http/auth.js';
import type { PluginHost } from './plugins/plugin-host.js';

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
  private readonly stoppers: (() => Promise<void> | void)[] = [];

  constructor(readonly deps: ChatCoreDeps) {
    const { config } = deps;
    this.limiter = new RateLimiter({
      login: { points: config.auth.loginPerMinute, durationSeconds: 60 },
      visitorSession: { points: config.auth.visitorSessionsPerMinute, durationSeconds: 60 },
      upload: { points: 60, durationSeconds: 60 },
    });
    this.registry = new OperationRegistry(this.policy, this.limiter);
    this.attachments = new AttachmentStore(resolvePath(config.baseDir, config.dataDir));
  }

  /** Builds every area and registers its operations. Runs after migrations. */
  async init(): Promise<void> {
    const ops: Operation<any, any>[] = [];
    // --- accounts & auth (accounts/) ---
    // --- visitors, conversations, messages (chat/) ---
    // --- privacy (privacy/) ---
    this.registry.register(...ops);
  }

  /** Routers for the HTTP app: every operation with an HTTP binding, plus raw routes. */
  routers(): Router[] {
    return [operationRouter(this.registry)];
  }

  /** Attaches the WebSocket endpoint once the HTTP server listens. */
  attach(_server: Server): void {
    // --- realtime (realtime/) ---
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
