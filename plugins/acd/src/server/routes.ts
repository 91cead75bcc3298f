import {
  hasPermission,
  NotFoundError,
  Permissions,
  requirePermission,
  tenantOf,
  type ConversationsService,
  type PluginContext,
  type Principal,
} from '@switchboard/sdk';
import type { AcdSettings } from '../common/settings.js';
import type { DecisionStore } from './decision-store.js';
import { scoreboardOf } from './queue-life.js';

const prioritySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['priority'],
  properties: { priority: { type: 'integer', minimum: -1000, maximum: 1000 } },
} as const;

/**
 * `acd.supervise`, or `conversation.manage` (supervisors and admins) while the kernel does not
 * hand plugin permissions to roles yet (AccessPolicy.setPluginPermissions has no caller).
 */
const superviseOnly = requirePermission('acd.supervise');
const supervise: typeof superviseOnly = async (k, next) => {
  const principal = k.state.principal as Principal | undefined;
  if (principal && hasPermission(principal, Permissions.ConversationManage)) return next();
  return superviseOnly(k, next);
};

type Ctx = { state: { principal?: Principal | null }; query: Record<string, unknown> };

/** REST routes under /api/v1/plugins/acd. */
export function registerRoutes(
  ctx: PluginContext<AcdSettings>,
  conversations: ConversationsService,
  store: DecisionStore,
): void {
  const tenant = (k: Ctx) =>
    tenantOf(k.state.principal as Principal, k.query.tenant as string | undefined);
  const conversationOf = async (tenantId: string, id: unknown) => {
    // Another tenant's conversation answers exactly like a missing one.
    const found =
      typeof id === 'string' && id.length > 0 && id.length <= 64
        ? await conversations.get(tenantId, id)
        : null;
    if (!found)
      throw new NotFoundError(`No conversation "${String(id)}".`, 'ACD_CONVERSATION_NOT_FOUND');
    return found;
  };

  /** Why a conversation went to whom: every decision, oldest first. */
  ctx.router.get('/decisions', requirePermission(Permissions.ConversationRead), async (k) => {
    const tenantId = tenant(k);
    const c = await conversationOf(tenantId, k.query.conversationId);
    k.body = { conversationId: c.id, decisions: await store.forConversation(tenantId, c.id) };
  });

  /** Queues and agents right now (live: `plugin.acd.scoreboard` events to staff sockets). */
  ctx.router.get('/scoreboard', supervise, async (k) => {
    const tenantId = tenant(k);
    const [queue, agents] = await Promise.all([
      conversations.queue(tenantId),
      conversations.agents(tenantId),
    ]);
    k.body = scoreboardOf(tenantId, queue, agents, ctx.clock.now());
  });

  /** Sets a waiting chat's priority (higher first, FIFO within one) and routes again. */
  ctx.router.put(
    '/conversations/:id/priority',
    requirePermission(Permissions.ConversationManage),
    async (k) => {
      const tenantId = tenant(k);
      const body = ctx.validate<{ priority: number }>(prioritySchema, k.request.body);
      const c = await conversationOf(tenantId, k.params.id);
      await conversations.setPriority(tenantId, c.id, body.priority);
      await conversations.route(tenantId);
      k.body = { conversationId: c.id, priority: body.priority };
    },
  );
}
