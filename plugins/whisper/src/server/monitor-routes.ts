import {
  ConflictError,
  ForbiddenError,
  Permissions,
  hasPermission,
  requirePermission,
  type ConversationSnapshot,
  type UserPrincipal,
} from '@switchboard/sdk';
import type { MonitorView } from '../common/schemas.js';
import { assertInProgress, callerOf, conversationOf, userOf } from './access.js';
import type { MonitorSession } from './monitor-store.js';
import type { WhisperServices } from './services.js';

/** The permission to monitor and barge in (declared in the manifest). */
export const MONITOR_PERMISSION = 'conversation.monitor';

/**
 * Silent monitoring and barge-in. Monitoring itself is the core's `conversation.subscribe`
 * frame (staff with `conversation.read` may watch any conversation of their tenant, and
 * watching sends nothing to the visitor); these routes make it a declared, audited act and
 * answer what to subscribe to. Barge-in is the visible step: a public "<name> joined the chat."
 * event, after which the supervisor writes with the core's `conversation.send`.
 */
export function registerMonitorRoutes(s: WhisperServices): void {
  const { ctx, conversations, monitors } = s;
  const monitor = requirePermission(MONITOR_PERMISSION);

  const notOwn = (caller: UserPrincipal, conversation: ConversationSnapshot, what: string) => {
    if (conversation.assignedAgentId === caller.userId) {
      throw new ConflictError(
        `This conversation is assigned to you; ${what} is for someone else’s chat.`,
        'WHISPER_OWN_CONVERSATION',
      );
    }
  };
  const viewOf = async (tenantId: string, m: MonitorSession): Promise<MonitorView> => ({
    ...m,
    name: (await conversations.user(tenantId, m.userId))?.name ?? 'Former user',
  });

  ctx.router.post('/conversations/:conversationId/monitor', monitor, async (k) => {
    const caller = callerOf(k);
    const tenantId = caller.tenantId;
    const conversation = await conversationOf(conversations, tenantId, k.params.conversationId!);
    if (conversation.state === 'ended') {
      throw new ConflictError(
        'This conversation has ended; read its transcript instead of monitoring it.',
        'WHISPER_CONVERSATION_NOT_LIVE',
        { state: conversation.state },
      );
    }
    notOwn(caller, conversation, 'monitoring');
    const { session, created } = await monitors.start(tenantId, conversation.id, caller.userId);
    if (created) {
      await s.audit.record(tenantId, {
        action: 'monitor.started',
        actorUserId: caller.userId,
        targetUserId: conversation.assignedAgentId,
        conversationId: conversation.id,
      });
    }
    k.status = created ? 201 : 200;
    k.body = {
      monitor: await viewOf(tenantId, session),
      // What the console sends on its socket to receive the conversation live, unseen.
      subscribe: { type: 'conversation.subscribe', data: { conversationId: conversation.id } },
    };
  });

  ctx.router.delete('/conversations/:conversationId/monitor', monitor, async (k) => {
    const caller = callerOf(k);
    const conversationId = k.params.conversationId!;
    const conversation = await conversationOf(conversations, caller.tenantId, conversationId);
    if (await monitors.stop(caller.tenantId, conversationId, caller.userId)) {
      await s.audit.record(caller.tenantId, {
        action: 'monitor.stopped',
        actorUserId: caller.userId,
        targetUserId: conversation.assignedAgentId,
        conversationId,
      });
    }
    k.status = 204;
  });

  ctx.router.get('/conversations/:conversationId/monitors', monitor, async (k) => {
    const caller = callerOf(k);
    const conversation = await conversationOf(
      conversations,
      caller.tenantId,
      k.params.conversationId!,
    );
    const open = await monitors.list(caller.tenantId, conversation.id);
    k.body = { monitors: await Promise.all(open.map((m) => viewOf(caller.tenantId, m))) };
  });

  ctx.router.post('/conversations/:conversationId/barge-in', monitor, async (k) => {
    const caller = callerOf(k);
    const tenantId = caller.tenantId;
    if (!hasPermission(caller, Permissions.ConversationManage)) {
      // The core lets only holders of conversation.manage write in a chat that is not theirs.
      throw new ForbiddenError(
        `Barging in needs the "${Permissions.ConversationManage}" permission as well (to write ` +
          'in a conversation that is not yours); supervisors and admins hold it.',
        'AUTH_FORBIDDEN',
        { permission: Permissions.ConversationManage },
      );
    }
    const conversation = await conversationOf(conversations, tenantId, k.params.conversationId!);
    assertInProgress(conversation, 'Barging in');
    notOwn(caller, conversation, 'barging in');
    const user = await userOf(conversations, tenantId, caller.userId);
    await conversations.postSystemMessage(tenantId, conversation.id, {
      body: `${user.name} joined the chat.`,
      visibility: 'public',
      metadata: { bargeIn: { userId: user.id, name: user.name } },
    });
    // No longer silent: the monitoring session, if any, ends here.
    await monitors.stop(tenantId, conversation.id, user.id);
    const entry = await s.audit.record(tenantId, {
      action: 'barge-in',
      actorUserId: user.id,
      targetUserId: conversation.assignedAgentId,
      conversationId: conversation.id,
    });
    k.status = 201;
    k.body = {
      bargeIn: {
        conversationId: conversation.id,
        userId: user.id,
        name: user.name,
        at: entry.createdAt,
      },
    };
  });
}
