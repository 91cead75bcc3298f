import type { Knex } from 'knex';
import { Permissions, type Clock } from '@switchboard/sdk';
import { defineOperation, type Operation } from '../api/operation.js';
import { agentStates } from './agent-states.js';
import { CHAT, conversationOnly, readCheck } from './conversation-operations.js';
import type { ConversationService } from './conversation-service.js';
import { queueStatus } from './queue-status.js';
import type { SurveyStore } from './survey-store.js';
import { scopeTenant, tenantIdField } from './tenant-scope.js';

/**
 * What the console and the widget need around a chat: agents' load for supervisors and
 * transfers, the visitor's queue position, and the exit survey.
 */
export function deskOperations(deps: {
  knex: Knex;
  clock: Clock;
  conversations: ConversationService;
  surveys: SurveyStore;
}): Operation[] {
  const { knex, clock, conversations, surveys } = deps;
  return [
    defineOperation({
      name: 'agents.list',
      summary: 'Every enabled user of the tenant with presence, load, capacity and idle time.',
      permission: Permissions.UsersRead,
      http: { method: 'GET', path: '/api/v1/agents' },
      input: {
        type: 'object',
        additionalProperties: false,
        properties: { tenantId: tenantIdField },
      },
      async handler(call) {
        const tenantId = scopeTenant(
          call.principal!,
          (call.input as { tenantId?: string }).tenantId,
        );
        return { agents: await agentStates(knex, tenantId, clock.now()) };
      },
    }),
    defineOperation({
      name: 'conversation.queueStatus',
      summary: 'Queue position of a waiting chat, chats waiting, and a rough wait estimate.',
      permission: null,
      principals: CHAT,
      http: { method: 'GET', path: '/api/v1/conversations/:conversationId/queue' },
      input: conversationOnly,
      async handler(call) {
        readCheck(call.principal!);
        const { conversationId } = call.input as { conversationId: string };
        const record = await conversations.visibleTo(call.principal!, conversationId);
        return queueStatus(knex, record, clock.now());
      },
    }),
    defineOperation({
      name: 'conversation.rate',
      summary: 'The visitor’s exit survey: a rating from 1 to 5 and an optional comment, once.',
      permission: Permissions.VisitorChat,
      principals: ['visitor'],
      http: { method: 'POST', path: '/api/v1/conversations/:conversationId/survey', status: 201 },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['conversationId', 'rating'],
        properties: {
          ...conversationOnly.properties,
          rating: { type: 'integer', minimum: 1, maximum: 5 },
          comment: { type: 'string', maxLength: 2000 },
        },
      },
      async handler(call) {
        const input = call.input as { conversationId: string; rating: number; comment?: string };
        const record = await conversations.visibleTo(call.principal!, input.conversationId);
        return { survey: await surveys.record(record, input, clock.now()) };
      },
    }),
    defineOperation({
      name: 'conversation.survey',
      summary: 'The exit survey of a conversation, or null when the visitor left none.',
      permission: null,
      principals: CHAT,
      http: { method: 'GET', path: '/api/v1/conversations/:conversationId/survey' },
      input: conversationOnly,
      async handler(call) {
        readCheck(call.principal!);
        const { conversationId } = call.input as { conversationId: string };
        const record = await conversations.visibleTo(call.principal!, conversationId);
        return { survey: await surveys.get(record.tenantId, record.id) };
      },
    }),
  ];
}
