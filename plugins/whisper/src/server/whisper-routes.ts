import {
  ConflictError,
  ForbiddenError,
  InputError,
  Permissions,
  requirePermission,
  type MessageSnapshot,
} from '@switchboard/sdk';
import {
  textBodySchema,
  WhisperEvents,
  type AuditAction,
  type WhisperMetadata,
  type WhisperView,
} from '../common/schemas.js';
import { assertInProgress, callerOf, conversationOf, intParam, userOf } from './access.js';
import type { WhisperServices } from './services.js';

/** The permission to whisper (declared in the manifest). */
export const WHISPER_PERMISSION = 'conversation.whisper';

const AUDIT_ACTIONS: readonly AuditAction[] = [
  'whisper.sent',
  'thread.opened',
  'monitor.started',
  'monitor.stopped',
  'barge-in',
];

/** The whisper a stored internal message carries. */
export function toWhisperView(message: MessageSnapshot): WhisperView {
  const whisper = message.metadata.whisper as WhisperMetadata;
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    body: message.body,
    fromUserId: whisper.fromUserId,
    fromName: whisper.fromName,
    toUserId: whisper.toUserId,
    toName: whisper.toName,
    createdAt: message.createdAt,
  };
}

/** `POST /conversations/:conversationId/whispers` and `GET /audit`. */
export function registerWhisperRoutes(s: WhisperServices): void {
  const { ctx, conversations } = s;

  ctx.router.post(
    '/conversations/:conversationId/whispers',
    requirePermission(WHISPER_PERMISSION),
    async (k) => {
      const caller = callerOf(k);
      const tenantId = caller.tenantId;
      const settings = await ctx.settings.get(tenantId);
      if (!settings.allowAgents && caller.role === 'agent') {
        throw new ForbiddenError(
          'Only supervisors and admins may whisper in this tenant (setting "allowAgents" of ' +
            'plugin "whisper" is false); an admin can turn it on.',
          'WHISPER_AGENTS_DISABLED',
        );
      }
      const { body } = ctx.validate<{ body: string }>(textBodySchema, k.request.body, 'whisper');
      if (!body.trim()) {
        throw new InputError(
          'A whisper needs some text, e.g. {"body":"Offer the discount"}.',
          {
            field: 'body',
          },
          'WHISPER_EMPTY',
        );
      }
      const conversation = await conversationOf(conversations, tenantId, k.params.conversationId!);
      assertInProgress(conversation, 'A whisper');
      const toUserId = conversation.assignedAgentId;
      if (!toUserId) {
        throw new ConflictError(
          'Nobody handles this conversation yet, so there is no one to whisper to; wait until ' +
            'it is assigned.',
          'WHISPER_NOT_ASSIGNED',
        );
      }
      if (toUserId === caller.userId) {
        throw new ConflictError(
          'This conversation is assigned to you: whisper to someone else’s chat, or write an ' +
            'internal note here instead.',
          'WHISPER_OWN_CONVERSATION',
        );
      }
      const [from, to] = await Promise.all([
        userOf(conversations, tenantId, caller.userId),
        userOf(conversations, tenantId, toUserId),
      ]);
      const metadata: WhisperMetadata = {
        fromUserId: from.id,
        fromName: from.name,
        toUserId: to.id,
        toName: to.name,
      };
      const message = await conversations.postInternal(tenantId, conversation.id, {
        authorUserId: from.id,
        body,
        metadata: { whisper: metadata },
      });
      await s.audit.record(tenantId, {
        action: 'whisper.sent',
        actorUserId: from.id,
        targetUserId: to.id,
        conversationId: conversation.id,
        messageId: message.id,
      });
      const whisper = toWhisperView(message);
      await s.realtime.toUser(tenantId, to.id, { type: WhisperEvents.received, whisper });
      k.status = 201;
      k.body = { whisper };
    },
  );

  // What the console's whisper badges need (any staff member).
  ctx.router.get('/ui-settings', requirePermission(Permissions.ConversationRead), async (k) => {
    const caller = callerOf(k);
    const { highlightColour, allowAgents } = await ctx.settings.get(caller.tenantId);
    k.body = { highlightColour, allowAgents };
  });

  ctx.router.get('/audit', requirePermission(Permissions.AuditRead), async (k) => {
    const caller = callerOf(k);
    const q = k.query as Record<string, string | undefined>;
    const action = q.action as AuditAction | undefined;
    if (action !== undefined && !AUDIT_ACTIONS.includes(action)) {
      throw new InputError(`Query parameter "action" must be one of ${AUDIT_ACTIONS.join(', ')}.`, {
        parameter: 'action',
      });
    }
    const limit = intParam(q.limit, 'limit', 1, 200, 50)!;
    const entries = await s.audit.list(caller.tenantId, {
      ...(q.conversationId ? { conversationId: q.conversationId } : {}),
      ...(q.userId ? { userId: q.userId } : {}),
      ...(action ? { action } : {}),
      ...(q.before !== undefined && q.before !== ''
        ? { before: intParam(q.before, 'before', 1, Number.MAX_SAFE_INTEGER, undefined)! }
        : {}),
      limit,
    });
    const last = entries.at(-1);
    k.body = {
      entries,
      nextBefore: entries.length === limit && last ? last.seq : null,
    };
  });
}
