import {
  ChatTokens,
  definePlugin,
  type PluginContext,
  type RoutingRequest,
} from '@switchboard/sdk';
import { AcdService } from '../common/acd-service.js';
import type { AcdSettings } from '../common/settings.js';
import { queueKey } from './agent-index.js';
import { isOpen } from './business-hours.js';
import { DecisionStore } from './decision-store.js';
import { QueueLife, queueSettings } from './queue-life.js';
import { AcdRouter } from './router.js';
import { registerRoutes } from './routes.js';
import { ScoreHooks } from './score-hooks.js';

export { AcdService } from '../common/acd-service.js';
export type * from '../common/acd-service.js';
export type * from '../common/settings.js';

/** Once a second: safety pass, overflow, queue positions, scoreboard. */
const TICK_MS = 1000;

export const acdPlugin = definePlugin<AcdSettings>({
  setup(ctx) {
    const conversations = ctx.use(ChatTokens.Conversations);
    const realtime = ctx.use(ChatTokens.Realtime);
    const cache = new Map<string, Promise<AcdSettings>>();
    const settings = (tenantId: string): Promise<AcdSettings> => {
      let value = cache.get(tenantId);
      if (!value) {
        value = ctx.settings.get(tenantId);
        value.catch(() => cache.delete(tenantId));
        cache.set(tenantId, value);
      }
      return value;
    };
    ctx.settings.onDidChange((tenantId) => cache.delete(tenantId));
    const store = new DecisionStore(ctx.db);
    let hooks: ScoreHooks | null = null;
    const scoreHooks = () => (hooks ??= new ScoreHooks(ctx.logger));
    const router = new AcdRouter({
      conversations,
      db: ctx.db,
      clock: ctx.clock,
      logger: ctx.logger,
      store,
      get hooks() {
        return scoreHooks();
      },
      settings,
    });
    const life = new QueueLife({
      conversations,
      realtime,
      clock: ctx.clock,
      logger: ctx.logger,
      settings,
    });
    /** Tenants this process has seen routing activity for; the tick visits the ones due. */
    const active = new Set<string>();
    const touch = (tenantId: string) => {
      active.add(tenantId);
      life.touch(tenantId);
    };

    ctx.track(
      conversations.routeWith((tenantId) => {
        active.add(tenantId);
        return router.pass(tenantId);
      }),
    );
    ctx.expose(AcdService, {
      get hooks() {
        return scoreHooks();
      },
      decisions: (tenantId, conversationId) => store.forConversation(tenantId, conversationId),
      metrics: () => router.metrics(),
      resetMetrics: () => router.resetMetrics(),
    });

    // Closed queue or full queue: the visitor is offered an offline message instead.
    ctx.hooks.session.chatRequested.tap(async (request) => {
      touch(request.tenantId);
      const limits = queueSettings(await settings(request.tenantId), queueKey(request.target));
      if (!limits) return undefined;
      const hours = limits.businessHours;
      if (hours && !isOpen(hours, ctx.clock.now())) {
        return {
          action: 'divert',
          to: 'offline-message',
          message: hours.closedMessage ?? 'We are closed right now. Please leave us a message.',
        };
      }
      if (limits.maxLength !== undefined) {
        const key = queueKey(request.target);
        const queue = await conversations.queue(request.tenantId);
        if (queue.filter((c) => queueKey(c.target) === key).length >= limits.maxLength) {
          return {
            action: 'divert',
            to: 'offline-message',
            message:
              limits.overflowMessage ?? 'All our agents are busy. Please leave us a message.',
          };
        }
      }
      return undefined;
    });

    // Offers declined or lapsed: never offered to that agent again; lapses count toward away.
    ctx.hooks.routing.requeued.tap(async (request: RoutingRequest, reason: string) => {
      const tenantId = request.conversation.tenantId;
      touch(tenantId);
      router.invalidate(tenantId);
      if (!['offer-timeout', 'offer-declined', 'transfer-to-queue'].includes(reason)) return;
      const now = ctx.clock.now();
      for (const agentId of request.excludedAgentIds) {
        await ctx.db
          .table('exclusions')
          .insert({
            tenant_id: tenantId,
            conversation_id: request.conversation.id,
            agent_id: agentId,
            reason,
            created_at: now,
          })
          .onConflict(['conversation_id', 'agent_id'])
          .ignore();
        if (reason === 'offer-timeout') await missedOffer(ctx, tenantId, agentId, settings);
      }
    });

    ctx.hooks.routing.assigned.tap(async (assignment) => {
      touch(assignment.conversation.tenantId);
      // The ACD's own group commits are in its index already; a pick by hand or an accepted
      // offer is read again.
      if (!assignment.reason.startsWith('acd:'))
        router.invalidate(assignment.conversation.tenantId);
      if (assignment.reason !== 'accepted-offer') return;
      await ctx.db
        .table('missed_offers')
        .where({ tenant_id: assignment.conversation.tenantId, agent_id: assignment.agentId })
        .delete();
    });

    ctx.hooks.session.conversationEnded.tap(async (conversation) => {
      touch(conversation.tenantId);
      // The agent's slot is free at once in the index (their idle time starts now, as in SQL).
      if (conversation.assignedAgentId) {
        router.released(conversation.tenantId, conversation.assignedAgentId);
      } else if (conversation.offeredTo) router.invalidate(conversation.tenantId);
      await ctx.db
        .table('exclusions')
        .where({ tenant_id: conversation.tenantId, conversation_id: conversation.id })
        .delete();
    });

    ctx.hooks.session.conversationTransferred.tap((conversation) => {
      router.invalidate(conversation.tenantId);
    });

    ctx.events.subscribe('chat.presence', (payload) => {
      const tenantId = (payload as { tenantId?: string }).tenantId;
      if (tenantId) {
        touch(tenantId);
        router.invalidate(tenantId);
      }
    });

    let ticking: Promise<void> | null = null;
    ctx.clock.setInterval(() => {
      if (ticking) return;
      cache.clear();
      ticking = (async () => {
        for (const tenantId of active) {
          if (!life.due(tenantId, ctx.clock.now())) continue;
          try {
            await life.tick(tenantId);
          } catch (error) {
            ctx.logger.error({ err: error, tenantId }, 'ACD tick failed');
          }
        }
      })().finally(() => {
        ticking = null;
      });
    }, TICK_MS);
    // On stop, let a running tick finish before the kernel closes the database.
    inFlight.set(ctx, () => ticking ?? Promise.resolve());

    registerRoutes(ctx, conversations, store);
  },
  async stop(ctx) {
    await inFlight.get(ctx)?.();
    inFlight.delete(ctx);
  },
});

/** Per activation: the tick a stop waits for (keyed by context, so nothing outlives it). */
const inFlight = new WeakMap<object, () => Promise<void>>();

/** One more lapsed offer for `agentId`; at the tenant's limit they are set away. */
async function missedOffer(
  ctx: PluginContext<AcdSettings>,
  tenantId: string,
  agentId: string,
  settings: (tenantId: string) => Promise<AcdSettings>,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .table('missed_offers')
    .insert({ tenant_id: tenantId, agent_id: agentId, missed: 1, updated_at: now })
    .onConflict(['tenant_id', 'agent_id'])
    .merge({
      missed: ctx.db.knex.raw('?? + 1', [`${ctx.db.tableName('missed_offers')}.missed`]),
      updated_at: now,
    });
  const row = (await ctx.db
    .table('missed_offers')
    .where({ tenant_id: tenantId, agent_id: agentId })
    .first('missed')) as { missed: number | string } | undefined;
  const limit = (await settings(tenantId)).missedOffersBeforeAway;
  if (limit > 0 && Number(row?.missed ?? 0) >= limit) {
    await ctx.db.table('missed_offers').where({ tenant_id: tenantId, agent_id: agentId }).delete();
    await ctx.use(ChatTokens.Conversations).setPresence(tenantId, agentId, 'away');
    ctx.logger.info({ tenantId, agentId, missed: limit }, 'agent set away after missed offers');
  }
}

export default acdPlugin;
