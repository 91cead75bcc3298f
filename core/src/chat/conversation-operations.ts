import {
  ConflictError,
  InputError,
  ForbiddenError,
  Permissions,
  type Principal,
  type VisitorPrincipal,
} from '@switchboard/sdk';
import { Deferred, defineOperation, type Operation } from '../api/operation.js';
import type { ConversationService } from './conversation-service.js';
import { toVisitorConversation } from './egress.js';
import type { MessageService } from './message-service.js';
import type { RoutingDispatcher } from './routing-dispatcher.js';
import { scopeTenant, tenantIdField } from './tenant-scope.js';
import { conversationView, decodeCursor, encodeCursor, messageView } from './views.js';

const id = { type: 'string', minLength: 1, maxLength: 40 } as const;
const conversationId = { conversationId: id } as const;
export const CHAT = ['user', 'system', 'visitor'] as const;
/** Input of an operation that only names its conversation. */
export const conversationOnly = {
  type: 'object',
  additionalProperties: false,
  required: ['conversationId'],
  properties: conversationId,
} as const;
const target = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { enum: ['any', 'skill', 'group', 'department', 'agent'] },
    value: { type: 'string', minLength: 1, maxLength: 100 },
    fallbackAfterMs: { type: 'integer', minimum: 0 },
    fallback: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { enum: ['any', 'skill', 'group', 'department'] },
        value: { type: 'string', minLength: 1, maxLength: 100 },
      },
    },
  },
} as const;

/** Conversations and messages: the visitor's and the agent's side of a chat. */
export function conversationOperations(
  conversations: ConversationService,
  messages: MessageService,
  dispatcher: RoutingDispatcher,
  limits: { maxMessageLength: number },
): Operation[] {
  return [
    defineOperation({
      name: 'conversation.request',
      summary:
        'A visitor asks for a chat: queued, assigned, or diverted (offline message, ticket).',
      permission: Permissions.VisitorChat,
      principals: ['visitor'],
      http: { method: 'POST', path: '/api/v1/conversations', status: 201 },
      input: {
        type: 'object',
        additionalProperties: false,
        properties: {
          departmentId: id,
          skill: { type: 'string', minLength: 1, maxLength: 100 },
          prechat: { type: 'object', maxProperties: 30 },
        },
      },
      async handler(call) {
        const p = call.principal as VisitorPrincipal;
        const input = call.input as {
          departmentId?: string;
          skill?: string;
          prechat?: Record<string, unknown>;
        };
        const outcome = await conversations.request(p, {
          ...(input.departmentId ? { departmentId: input.departmentId } : {}),
          ...(input.skill ? { target: { kind: 'skill', value: input.skill } } : {}),
          ...(input.prechat ? { prechat: input.prechat } : {}),
        });
        if (outcome.status === 'queued' || outcome.status === 'assigned') {
          await dispatcher.kick(p.tenantId);
          const current =
            (await conversations.get(p.tenantId, outcome.conversation.id)) ?? outcome.conversation;
          return {
            status: current.state === 'waiting' ? 'queued' : 'assigned',
            conversation: toVisitorConversation(current, current.lastVisitorSeq),
          };
        }
        return { status: outcome.status, message: 'message' in outcome ? outcome.message : null };
      },
    }),
    defineOperation({
      name: 'conversation.leaveMessage',
      summary: 'Leave a message when nobody is available (stored as an ended conversation).',
      permission: Permissions.VisitorChat,
      principals: ['visitor'],
      http: { method: 'POST', path: '/api/v1/visitor/offline-messages', status: 201 },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['body'],
        properties: {
          body: { type: 'string', minLength: 1, maxLength: limits.maxMessageLength },
        },
      },
      async handler(call) {
        const p = call.principal as VisitorPrincipal;
        const record = await conversations.leaveMessage(p, (call.input as { body: string }).body);
        return { conversation: toVisitorConversation(record, record.lastVisitorSeq) };
      },
    }),
    defineOperation({
      name: 'conversation.get',
      summary: 'One conversation, in the caller’s view.',
      permission: null,
      principals: CHAT,
      http: { method: 'GET', path: '/api/v1/conversations/:conversationId' },
      input: conversationOnly,
      async handler(call) {
        const { conversationId: cid } = call.input as { conversationId: string };
        readCheck(call.principal!);
        return conversationView(
          call.principal!,
          await conversations.visibleTo(call.principal!, cid),
        );
      },
    }),
    defineOperation({
      name: 'conversation.messages',
      summary: 'Messages after `afterSeq` (the caller’s seq space), oldest first.',
      permission: null,
      principals: CHAT,
      http: { method: 'GET', path: '/api/v1/conversations/:conversationId/messages' },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['conversationId'],
        properties: {
          ...conversationId,
          afterSeq: { type: 'integer', minimum: 0, default: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
        },
      },
      async handler(call) {
        const input = call.input as { conversationId: string; afterSeq: number; limit: number };
        const principal = call.principal!;
        readCheck(principal);
        const record = await conversations.visibleTo(principal, input.conversationId);
        return principal.kind === 'visitor'
          ? messages.listForVisitor(record, input.afterSeq, input.limit)
          : messages.listForUser(record, input.afterSeq, input.limit);
      },
    }),
    defineOperation({
      name: 'conversation.send',
      summary:
        'Send a message. `clientMessageId` makes it idempotent: a repeat answers the stored message.',
      permission: null,
      principals: CHAT,
      http: { method: 'POST', path: '/api/v1/conversations/:conversationId/messages', status: 201 },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['conversationId', 'body'],
        properties: {
          ...conversationId,
          body: { type: 'string', maxLength: limits.maxMessageLength },
          visibility: { enum: ['public', 'internal'] },
          clientMessageId: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' },
        },
      },
      async handler(call) {
        const principal = call.principal!;
        const input = call.input as {
          conversationId: string;
          body: string;
          visibility?: 'public' | 'internal';
          clientMessageId?: string;
        };
        const { done } = await messages.stage(principal, input);
        return new Deferred(
          done.then((appended) => ({
            duplicate: appended.duplicate,
            message: messageView(principal, appended.message),
          })),
        );
      },
    }),
    defineOperation({
      name: 'conversation.typing',
      summary: 'Show or hide a typing indicator (not stored).',
      permission: null,
      principals: CHAT,
      http: { method: 'POST', path: '/api/v1/conversations/:conversationId/typing', status: 204 },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['conversationId', 'typing'],
        properties: {
          ...conversationId,
          typing: { type: 'boolean' },
          visibility: { enum: ['public', 'internal'], default: 'public' },
        },
      },
      async handler(call) {
        const input = call.input as {
          conversationId: string;
          typing: boolean;
          visibility: 'public' | 'internal';
        };
        await messages.typing(
          call.principal!,
          input.conversationId,
          input.typing,
          input.visibility,
        );
        return null;
      },
    }),
    defineOperation({
      name: 'conversation.end',
      summary: 'End a conversation (visitor, or the agent holding it).',
      permission: null,
      principals: CHAT,
      http: { method: 'POST', path: '/api/v1/conversations/:conversationId/end' },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['conversationId'],
        properties: { ...conversationId, reason: { type: 'string', minLength: 1, maxLength: 200 } },
      },
      async handler(call) {
        const principal = call.principal!;
        const input = call.input as { conversationId: string; reason?: string };
        if (
          principal.kind === 'user' &&
          !principal.permissions.has(Permissions.ConversationEnd) &&
          !principal.permissions.has('*')
        ) {
          throw new ForbiddenError(`This needs the "${Permissions.ConversationEnd}" permission.`);
        }
        const record = await conversations.end(
          principal,
          input.conversationId,
          input.reason ?? 'closed',
        );
        await dispatcher.kick(record.tenantId);
        return conversationView(principal, record);
      },
    }),
    defineOperation({
      name: 'conversation.list',
      summary: 'Conversations of the tenant, newest first, with filters and a cursor.',
      permission: Permissions.ConversationRead,
      http: { method: 'GET', path: '/api/v1/conversations' },
      input: {
        type: 'object',
        additionalProperties: false,
        properties: {
          tenantId: tenantIdField,
          state: { enum: ['open', 'browsing', 'waiting', 'active', 'idle', 'ended'] },
          assignedAgentId: id,
          visitorId: id,
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          cursor: { type: 'string', maxLength: 200 },
        },
      },
      async handler(call) {
        const input = call.input as {
          tenantId?: string;
          state?: 'open';
          assignedAgentId?: string;
          visitorId?: string;
          limit: number;
          cursor?: string;
        };
        const tenantId = scopeTenant(call.principal!, input.tenantId);
        const before = decodeCursor(input.cursor);
        const list = await conversations.list(tenantId, {
          ...(input.state ? { state: input.state } : {}),
          ...(input.assignedAgentId ? { assignedAgentId: input.assignedAgentId } : {}),
          ...(input.visitorId ? { visitorId: input.visitorId } : {}),
          limit: input.limit,
          ...(before ? { before } : {}),
        });
        const last = list.at(-1);
        return {
          conversations: list,
          nextCursor:
            list.length === input.limit && last ? encodeCursor(last.createdAt, last.id) : null,
        };
      },
    }),
    defineOperation({
      name: 'conversation.queue',
      summary: 'Waiting chats of the tenant: priority first, then longest waiting.',
      permission: Permissions.ConversationRead,
      http: { method: 'GET', path: '/api/v1/queue' },
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
        return { queue: await conversations.queue(tenantId) };
      },
    }),
    defineOperation({
      name: 'conversation.pick',
      summary:
        'Take a waiting chat from the queue. Of two agents picking one chat, exactly one wins.',
      permission: Permissions.ConversationPick,
      principals: ['user'],
      http: { method: 'POST', path: '/api/v1/conversations/:conversationId/pick' },
      input: conversationOnly,
      async handler(call) {
        const principal = call.principal as Extract<Principal, { kind: 'user' }>;
        const { conversationId: cid } = call.input as { conversationId: string };
        await conversations.visibleTo(principal, cid);
        return conversations.assign(principal.tenantId, cid, principal.userId, 'manual-pick');
      },
    }),
    defineOperation({
      name: 'conversation.accept',
      summary: 'Accept a chat offered to you (routing with an accept step).',
      permission: Permissions.ConversationPick,
      principals: ['user'],
      http: { method: 'POST', path: '/api/v1/conversations/:conversationId/accept' },
      input: conversationOnly,
      async handler(call) {
        const principal = call.principal as Extract<Principal, { kind: 'user' }>;
        const { conversationId: cid } = call.input as { conversationId: string };
        await conversations.visibleTo(principal, cid);
        return conversations.assign(principal.tenantId, cid, principal.userId, 'accepted-offer', {
          acceptingOffer: true,
        });
      },
    }),
    defineOperation({
      name: 'conversation.decline',
      summary:
        'Decline a chat offered to you; it goes back to the queue in its place, and routing plugins learn (routing.requeued) not to offer it to you again.',
      permission: Permissions.ConversationPick,
      principals: ['user'],
      http: { method: 'POST', path: '/api/v1/conversations/:conversationId/decline', status: 204 },
      input: conversationOnly,
      async handler(call) {
        const principal = call.principal as Extract<Principal, { kind: 'user' }>;
        const { conversationId: cid } = call.input as { conversationId: string };
        await conversations.visibleTo(principal, cid);
        const withdrawn = await dispatcher.withdraw(
          principal.tenantId,
          cid,
          principal.userId,
          'offer-declined',
        );
        if (!withdrawn)
          throw new ConflictError('This offer is no longer open to you.', 'OFFER_GONE');
        return null;
      },
    }),
    defineOperation({
      name: 'conversation.assign',
      summary: 'Assign a waiting chat to an agent (supervisors).',
      permission: Permissions.ConversationManage,
      http: { method: 'POST', path: '/api/v1/conversations/:conversationId/assign' },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['conversationId', 'agentId'],
        properties: { ...conversationId, agentId: id },
      },
      async handler(call) {
        const input = call.input as { conversationId: string; agentId: string };
        const record = await conversations.visibleTo(call.principal!, input.conversationId);
        return conversations.assign(
          record.tenantId,
          record.id,
          input.agentId,
          'assigned-by-supervisor',
        );
      },
    }),
    defineOperation({
      name: 'conversation.transfer',
      summary:
        'Transfer to another agent (`toAgentId`) or back to the queue (optionally to a `target`).',
      permission: Permissions.ConversationTransfer,
      http: { method: 'POST', path: '/api/v1/conversations/:conversationId/transfer' },
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['conversationId'],
        properties: { ...conversationId, toAgentId: id, target },
      },
      async handler(call) {
        const input = call.input as { conversationId: string; toAgentId?: string; target?: never };
        if (input.toAgentId && input.target) {
          throw new InputError(
            'Give either toAgentId or target, not both.',
            undefined,
            'TRANSFER_AMBIGUOUS',
          );
        }
        const record = await conversations.transfer(
          call.principal!,
          input.conversationId,
          input.toAgentId ?? null,
          input.target,
        );
        await dispatcher.kick(record.tenantId);
        return record;
      },
    }),
  ];
}

/** Users need `conversation.read` to read; visitors are limited to their own by `visibleTo`. */
/** Users need `conversation.read` to read a conversation; visitors are scoped by `visibleTo`. */
export function readCheck(principal: Principal): void {
  if (principal.kind !== 'user') return;
  if (!principal.permissions.has(Permissions.ConversationRead) && !principal.permissions.has('*')) {
    throw new ForbiddenError(`This needs the "${Permissions.ConversationRead}" permission.`);
  }
}
