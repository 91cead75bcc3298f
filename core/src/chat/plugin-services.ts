import {
  InputError,
  NotFoundError,
  type AgentState,
  type Clock,
  type ConversationsService,
  type EventBus,
  type PluginEvent,
  type RealtimeService,
} from '@switchboard/sdk';
import type { Knex } from 'knex';
import type { Accounts } from '../accounts/index.js';
import { ChatTopics, type PluginEventPublished } from './chat-events.js';
import { toSnapshot } from './conversation-record.js';
import { systemEvent, type ConversationService } from './conversation-service.js';
import { num, numOrNull, readJson } from './json-column.js';
import type { MessageLog } from './message-log.js';
import type { RoutingDispatcher } from './routing-dispatcher.js';

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
    async assignMany(tenantId, items) {
      return conversations.assignMany(tenantId, items);
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
    async agents(tenantId) {
      const now = deps.clock.now();
      const users = (await deps
        .knex('core_users')
        .where({ tenant_id: tenantId })
        .andWhereNot('disabled', true)) as Record<string, unknown>[];
      const held = (await deps
        .knex('core_conversations')
        .where({ tenant_id: tenantId })
        .whereNull('ended_at')
        .whereNotNull('assigned_agent_id')
        .groupBy('assigned_agent_id')
        .select('assigned_agent_id as agent')
        .count({ n: '*' })) as { agent: string; n: number | string }[];
      const offered = (await deps
        .knex('core_conversations')
        .where({ tenant_id: tenantId, state: 'waiting' })
        .whereNotNull('offered_to')
        .groupBy('offered_to')
        .select('offered_to as agent')
        .count({ n: '*' })) as { agent: string; n: number | string }[];
      const load = new Map<string, number>();
      for (const row of [...held, ...offered]) {
        load.set(row.agent, (load.get(row.agent) ?? 0) + Number(row.n));
      }
      return users.map((u): AgentState => {
        const since = Math.max(
          numOrNull(u.last_assigned_at) ?? 0,
          numOrNull(u.last_ended_at) ?? 0,
          num(u.presence_at),
        );
        return {
          agentId: u.id as string,
          name: u.name as string,
          presence: u.presence as AgentState['presence'],
          presenceAt: num(u.presence_at),
          load: load.get(u.id as string) ?? 0,
          capacity: num(u.capacity),
          idleMs: Math.max(0, now - since),
          skills: readJson(u.skills, []),
          groups: readJson(u.groups, []),
          departmentIds: readJson(u.department_ids, []),
        };
      });
    },
    user(tenantId, userId) {
      return deps.accounts.users.get(tenantId, userId);
    },
    async setPresence(tenantId, userId, presence) {
      await deps.accounts.users.setPresence(tenantId, userId, presence);
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
