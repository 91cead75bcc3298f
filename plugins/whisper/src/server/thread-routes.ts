import {
  ForbiddenError,
  InputError,
  NotFoundError,
  Permissions,
  hasPermission,
  requirePermission,
  type UserPrincipal,
} from '@switchboard/sdk';
import {
  openThreadSchema,
  textBodySchema,
  WhisperEvents,
  type ThreadMessageView,
  type ThreadView,
} from '../common/schemas.js';
import { callerOf, conversationOf, intParam, userOf } from './access.js';
import type { ThreadMessageRecord, ThreadRecord } from './thread-store.js';
import type { WhisperServices } from './services.js';
import { WHISPER_PERMISSION } from './whisper-routes.js';

/**
 * The internal agent-to-agent threads ("Respond" on a whisper). Every route needs the core's
 * `conversation.read` (staff only), and a thread is visible to its two participants only: to
 * anyone else it answers like a missing one.
 */
export function registerThreadRoutes(s: WhisperServices): void {
  const { ctx, conversations, threads } = s;
  const staff = requirePermission(Permissions.ConversationRead);

  const viewOf = async (tenantId: string, thread: ThreadRecord): Promise<ThreadView> => {
    const users = await Promise.all(thread.userIds.map((id) => conversations.user(tenantId, id)));
    return {
      id: thread.id,
      conversationId: thread.conversationId,
      participants: thread.userIds.map((userId, i) => ({
        userId,
        name: users[i]?.name ?? 'Former user',
      })),
      openedBy: thread.openedBy,
      createdAt: thread.createdAt,
      updatedAt: thread.updatedAt,
    };
  };
  const messageView = (thread: ThreadRecord, m: ThreadMessageRecord): ThreadMessageView => ({
    ...m,
    conversationId: thread.conversationId,
  });
  const ownThread = async (caller: UserPrincipal, threadId: string): Promise<ThreadRecord> => {
    const thread = await threads.get(caller.tenantId, threadId);
    if (!thread || !thread.userIds.includes(caller.userId)) {
      throw new NotFoundError(
        `No internal thread "${threadId}" of yours.`,
        'WHISPER_THREAD_NOT_FOUND',
      );
    }
    return thread;
  };
  const pushToBoth = async (tenantId: string, thread: ThreadRecord, event: object) => {
    for (const userId of thread.userIds) {
      await s.realtime.toUser(tenantId, userId, event as { type: `plugin.${string}` });
    }
  };

  ctx.router.post('/conversations/:conversationId/threads', staff, async (k) => {
    const caller = callerOf(k);
    const tenantId = caller.tenantId;
    const { withUserId } = ctx.validate<{ withUserId: string }>(
      openThreadSchema,
      k.request.body,
      'thread',
    );
    if (withUserId === caller.userId) {
      throw new InputError('A thread needs another user: "withUserId" is your own id.', {
        field: 'withUserId',
      });
    }
    const conversation = await conversationOf(conversations, tenantId, k.params.conversationId!);
    await userOf(conversations, tenantId, withUserId);
    // Whisperers open threads; anyone may answer someone who whispered to them.
    if (
      !hasPermission(caller, WHISPER_PERMISSION) &&
      !(await s.audit.hasWhispered(tenantId, conversation.id, withUserId, caller.userId))
    ) {
      throw new ForbiddenError(
        `Opening an internal thread needs the "${WHISPER_PERMISSION}" permission, unless you ` +
          'answer a whisper that user sent you in this conversation.',
        'AUTH_FORBIDDEN',
        { permission: WHISPER_PERMISSION },
      );
    }
    const { thread, created } = await threads.openBetween(
      tenantId,
      conversation.id,
      caller.userId,
      withUserId,
    );
    const view = await viewOf(tenantId, thread);
    if (created) {
      await s.audit.record(tenantId, {
        action: 'thread.opened',
        actorUserId: caller.userId,
        targetUserId: withUserId,
        conversationId: conversation.id,
        threadId: thread.id,
      });
      await pushToBoth(tenantId, thread, { type: WhisperEvents.threadOpened, thread: view });
    }
    k.status = created ? 201 : 200;
    k.body = { thread: view };
  });

  ctx.router.get('/threads', staff, async (k) => {
    const caller = callerOf(k);
    const conversationId = k.query.conversationId;
    const list = await threads.listFor(
      caller.tenantId,
      caller.userId,
      typeof conversationId === 'string' && conversationId ? conversationId : undefined,
    );
    k.body = { threads: await Promise.all(list.map((t) => viewOf(caller.tenantId, t))) };
  });

  ctx.router.get('/threads/:threadId/messages', staff, async (k) => {
    const caller = callerOf(k);
    const thread = await ownThread(caller, k.params.threadId!);
    const q = k.query as Record<string, string | undefined>;
    const afterId = intParam(q.afterId, 'afterId', 0, Number.MAX_SAFE_INTEGER, 0)!;
    const limit = intParam(q.limit, 'limit', 1, 200, 100)!;
    const messages = await threads.messages(caller.tenantId, thread.id, afterId, limit);
    k.body = {
      messages: messages.map((m) => messageView(thread, m)),
      nextAfterId: messages.length === limit ? messages.at(-1)!.id : null,
    };
  });

  ctx.router.post('/threads/:threadId/messages', staff, async (k) => {
    const caller = callerOf(k);
    const thread = await ownThread(caller, k.params.threadId!);
    const { body } = ctx.validate<{ body: string }>(textBodySchema, k.request.body, 'message');
    if (!body.trim()) {
      throw new InputError('A message needs some text.', { field: 'body' }, 'WHISPER_EMPTY');
    }
    const author = await userOf(conversations, caller.tenantId, caller.userId);
    const stored = await threads.append(
      caller.tenantId,
      thread,
      { userId: author.id, name: author.name },
      body,
    );
    const message = messageView(thread, stored);
    await pushToBoth(caller.tenantId, thread, { type: WhisperEvents.threadMessage, message });
    k.status = 201;
    k.body = { message };
  });
}
