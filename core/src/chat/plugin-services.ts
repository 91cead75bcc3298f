import {
  ConflictError,
  InputError,
  NotFoundError,
  type Clock,
  type ConversationsService,
  type EventBus,
  type PluginEvent,
  type RealtimeService,
} from '@switchboard/sdk';
import type { Knex } from 'knex';
import type { Accounts } from '../accounts/index.js';
import { ChatTopics, type PluginEventPublished } from './chat-events.js';
import { agentStates } from './agent-states.js';
import { toSnapshot } from './conversation-record.js';
import { systemEvent, type ConversationService } from './conversation-service.js';
import type { MessageLog } from './message-log.js';
import { toMessageSnapshot } from './message-record.js';
import type { RoutingDispatcher } from './routing-dispatcher.js';

/** Ceiling of `postInternal` bodies: the largest `chat.maxMessageLength` the config allows. */
const MAX_INTERNAL_BODY = 100_000;

/** The chat core's conversations as plugins see them (`ChatTokens.Conversations`). */
export function conversationsServiceFor(deps: {
  knex: Knex;
  clock: Clock;
  conversations: ConversationService;
  dispatcher: RoutingDispatcher;
  accounts: Accounts;
  log: MessageLog;
}): ConversationsService {
  const { conversations, dispatcher } = deps;
  const require = async (tenantId: string, id: string) => {
    const record = await conversations.get(tenantId, id);
    if (!record) throw new NotFoundError(`No conversation "${id}".`, 'CONVERSATION_NOT_FOUND');
    return record;
  };
  return {
    async get(tenantId, id) {
      const record = await conversations.get(tenantId, id);
      return record ? toSnapshot(record) : null;
    },
    async queue(tenantId, options) {
      const limit = Math.max(1, Math.min(10_000, Math.floor(options?.limit ?? 10_000)));
      return (await conversations.queue(tenantId, limit)).map(toSnapshot);
    },
    async candidates(tenantId, id) {
      return dispatcher.candidates(await require(tenantId, id));
    },
    async assign(tenantId, id, agentId, reason) {
      return toSnapshot(await conversations.assign(tenantId, id, agentId, reason));
    },
    async assignMany(tenantId, items, options) {
      return conversations.assignMany(tenantId, items, options);
    },
    routeWith(router) {
      return dispatcher.routeWith(router);
    },
    async offer(tenantId, id, agentId, timeoutMs) {
      await dispatcher.offer(tenantId, id, agentId, timeoutMs);
    },
    withdrawOffer(tenantId, id, agentId, reason) {
      return dispatcher.withdraw(tenantId, id, agentId, reason);
    },
    async setPriority(tenantId, id, priority) {
      await conversations.setPriority(tenantId, id, priority);
    },
    async end(tenantId, id, reason) {
      await conversations.endRecord(await require(tenantId, id), {
        by: 'system',
        userId: null,
        reason,
      });
      await dispatcher.kick(tenantId);
    },
    route(tenantId) {
      return dispatcher.kick(tenantId);
    },
    agents(tenantId) {
      return agentStates(deps.knex, tenantId, deps.clock.now());
    },
    user(tenantId, userId) {
      return deps.accounts.users.get(tenantId, userId);
    },
    async setPresence(tenantId, userId, presence) {
      await deps.accounts.users.setPresence(tenantId, userId, presence);
    },
    async postInternal(tenantId, id, message) {
      const conversation = await require(tenantId, id);
      const body = String(message.body ?? '');
      if (!body.trim()) {
        throw new InputError('An internal message needs some text.', undefined, 'MESSAGE_EMPTY');
      }
      if (body.length > MAX_INTERNAL_BODY) {
        throw new InputError(
          `An internal message may have at most ${MAX_INTERNAL_BODY} characters.`,
          undefined,
          'MESSAGE_TOO_LONG',
        );
      }
      if (conversation.state === 'ended') {
        throw new ConflictError(
          'This conversation has ended; internal messages go to open conversations only.',
          'CONVERSATION_ENDED',
        );
      }
      const author = await deps.accounts.users.get(tenantId, message.authorUserId);
      if (!author || author.disabled) {
        throw new NotFoundError(`No user "${message.authorUserId}".`, 'USER_NOT_FOUND');
      }
      // JSON round-trip: what is stored (and crosses processes) is exactly what goes out now.
      const metadata = JSON.parse(JSON.stringify(message.metadata ?? {})) as Record<
        string,
        unknown
      >;
      const appended = await deps.log.append(
        {
          tenantId,
          conversationId: id,
          author: { kind: 'agent', id: author.id },
          kind: 'text',
          visibility: 'internal',
          body,
          metadata: { ...metadata, authorName: author.name },
          clientMessageId: message.clientMessageId ?? null,
          // Checked again on the locked row: a chat ending meanwhile refuses the message.
          guard: { open: true },
        },
        deps.clock.now(),
      );
      if (!appended.duplicate) await conversations.published(appended);
      return toMessageSnapshot(appended.message);
    },
    async postSystemMessage(tenantId, id, message) {
      await require(tenantId, id);
      const appended = await deps.log.append(
        {
          ...systemEvent(tenantId, id, 'plugin.message', message.body, message.metadata ?? {}),
          visibility: message.visibility,
        },
        deps.clock.now(),
      );
      await conversations.published(appended);
    },
  };
}

/** Plugin events pushed to sockets (`ChatTokens.Realtime`), through the bus and egress. */
export function realtimeServiceFor(events: EventBus): RealtimeService {
  const publish = async (
    tenantId: string,
    to: PluginEventPublished['to'],
    event: PluginEvent,
  ): Promise<void> => {
    if (
      typeof event?.type !== 'string' ||
      !/^plugin\.[a-z0-9-]+\.[A-Za-z0-9_.-]+$/.test(event.type)
    ) {
      throw new InputError('A plugin event type reads "plugin.<plugin-id>.<name>".');
    }
    // Round-trip through JSON: what crosses processes later is exactly what goes out now.
    const payload: PluginEventPublished = {
      tenantId,
      to,
      event: JSON.parse(JSON.stringify(event)) as PluginEvent,
    };
    await events.publish(ChatTopics.plugin, payload);
  };
  return {
    toVisitor: (tenantId, visitorId, event) => publish(tenantId, { visitorId }, event),
    toStaff: (tenantId, event) => publish(tenantId, { staff: true }, event),
    toUser: (tenantId, userId, event) => publish(tenantId, { userId }, event),
  };
}
