import type Router from '@koa/router';
import type { Operation } from '../api/operation.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import type { ChatCoreDeps } from '../chat-core.js';
import type { AccountsPort } from './accounts-port.js';
import { attachmentRoutes } from './attachment-routes.js';
import type { AttachmentStore } from './attachment-store.js';
import { ChatReplay } from './chat-replay.js';
import { ChatTopics, type ConversationPublished, type PresencePublished } from './chat-events.js';
import { conversationOperations } from './conversation-operations.js';
import { deskOperations } from './desk-operations.js';
import { SurveyStore } from './survey-store.js';
import { ConversationService } from './conversation-service.js';
import { MessageLog } from './message-log.js';
import { MessageService } from './message-service.js';
import { MessageWriter } from './message-writer.js';
import { RoutingDispatcher } from './routing-dispatcher.js';
import { visitorOperations } from './visitor-operations.js';
import { VisitorService } from './visitor-service.js';

/** Visitors, conversations, messages and attachments, assembled. */
export interface Chat {
  readonly visitors: VisitorService;
  readonly conversations: ConversationService;
  readonly messages: MessageService;
  readonly dispatcher: RoutingDispatcher;
  readonly replay: ChatReplay;
  readonly log: MessageLog;
  readonly operations: Operation[];
  readonly routers: Router[];
  /** Starts the idle sweep and routing triggers; returns the stopper. */
  start(): () => Promise<void>;
}

export function createChat(
  deps: ChatCoreDeps & {
    accounts: AccountsPort;
    attachments: AttachmentStore;
    limiter: RateLimiter;
  },
): Chat {
  const { knex, dialect, clock, logger, events, hooks, config } = deps;
  const log = new MessageLog(knex, dialect);
  const writer = new MessageWriter(knex, dialect, log, clock, logger);
  const visitors = new VisitorService({ knex, clock, events, hooks, accounts: deps.accounts });
  const conversations = new ConversationService({
    knex,
    dialect,
    clock,
    logger,
    events,
    hooks,
    log,
    accounts: deps.accounts,
    visitorSnapshot: (tenantId, visitorId) => visitors.get(tenantId, visitorId),
  });
  const messages = new MessageService({
    knex,
    events,
    hooks,
    writer,
    conversations,
    accounts: deps.accounts,
    maxMessageLength: config.chat.maxMessageLength,
  });
  const dispatcher = new RoutingDispatcher({ knex, clock, logger, hooks, conversations });
  const replay = new ChatReplay(conversations, messages);
  const operations = [
    ...visitorOperations(visitors, conversations, () => clock.now()),
    ...conversationOperations(conversations, messages, dispatcher, {
      maxMessageLength: config.chat.maxMessageLength,
    }),
    ...deskOperations({ knex, clock, conversations, surveys: new SurveyStore(knex) }),
  ];
  const routers = [
    attachmentRoutes({
      knex,
      clock,
      store: deps.attachments,
      conversations,
      messages,
      limiter: deps.limiter,
      maxBytes: config.chat.maxAttachmentBytes,
      allowedTypes: config.chat.attachmentTypes,
    }),
  ];
  return {
    visitors,
    conversations,
    messages,
    dispatcher,
    replay,
    log,
    operations,
    routers,
    start() {
      const sweep = clock.setInterval(
        () => {
          conversations
            .sweepIdle(config.chat.idleAfterMs)
            .catch((error: unknown) => logger.error({ err: error }, 'idle sweep failed'));
        },
        Math.min(60_000, config.chat.idleAfterMs),
      );
      // An agent coming online may take waiting chats; one leaving gives back their offers.
      const presence = events.subscribe(ChatTopics.presence, (payload) => {
        const p = payload as PresencePublished;
        if (p.presence === 'online') void dispatcher.kick(p.tenantId);
        else void dispatcher.agentGone(p.tenantId, p.userId);
      });
      // Keep the hot-path cache current with changes made by any process.
      const changes = events.subscribe(ChatTopics.conversation, (payload) => {
        conversations.noteChange(payload as ConversationPublished);
      });
      // Offers whose lapse timer died with an earlier process.
      dispatcher
        .sweepLapsedOffers()
        .catch((error: unknown) => logger.error({ err: error }, 'offer sweep failed'));
      return async () => {
        sweep.dispose();
        presence.dispose();
        changes.dispose();
        await dispatcher.stop();
      };
    },
  };
}
