import type {
  ChatRequest,
  ChatRequestDecision,
  ConversationEnd,
  ConversationSnapshot,
  MessageDraft,
  MessageSnapshot,
  PageView,
  StateChange,
  Transfer,
  VisitorSnapshot,
} from '@switchboard/sdk';
import { HookBudget } from './budgets.js';
import { GuardedHook, type GuardEnv } from './guarded-hook.js';

/** The session lifecycle hooks, call side. Contracts: docs/hooks.md#session. */
export interface SessionHookCalls {
  readonly visitorArrived: GuardedHook<[VisitorSnapshot], void>;
  readonly pageViewed: GuardedHook<[VisitorSnapshot, PageView], void>;
  readonly chatRequested: GuardedHook<[ChatRequest], ChatRequestDecision | undefined>;
  readonly conversationStarted: GuardedHook<[ConversationSnapshot], void>;
  readonly beforeMessage: GuardedHook<[MessageDraft, ConversationSnapshot], MessageDraft>;
  readonly messageStored: GuardedHook<[MessageSnapshot, ConversationSnapshot], void>;
  readonly agentJoined: GuardedHook<[ConversationSnapshot, string], void>;
  readonly conversationTransferred: GuardedHook<[ConversationSnapshot, Transfer], void>;
  readonly conversationStateChanged: GuardedHook<[ConversationSnapshot, StateChange], void>;
  readonly conversationEnded: GuardedHook<[ConversationSnapshot, ConversationEnd], void>;
  readonly visitorLeft: GuardedHook<[VisitorSnapshot], void>;
}

export function createSessionHooks(env: GuardEnv): SessionHookCalls {
  const { NOTIFY, DECIDE, TRANSFORM } = HookBudget;
  return Object.freeze({
    visitorArrived: new GuardedHook('session.visitorArrived', 'series', ['visitor'], NOTIFY, env),
    pageViewed: new GuardedHook(
      'session.pageViewed',
      'series',
      ['visitor', 'pageView'],
      NOTIFY,
      env,
    ),
    chatRequested: new GuardedHook('session.chatRequested', 'bail', ['request'], DECIDE, env),
    conversationStarted: new GuardedHook(
      'session.conversationStarted',
      'series',
      ['conversation'],
      NOTIFY,
      env,
    ),
    beforeMessage: new GuardedHook(
      'session.beforeMessage',
      'waterfall',
      ['draft', 'conversation'],
      TRANSFORM,
      env,
    ),
    messageStored: new GuardedHook(
      'session.messageStored',
      'series',
      ['message', 'conversation'],
      NOTIFY,
      env,
    ),
    agentJoined: new GuardedHook(
      'session.agentJoined',
      'series',
      ['conversation', 'agentId'],
      NOTIFY,
      env,
    ),
    conversationTransferred: new GuardedHook(
      'session.conversationTransferred',
      'series',
      ['conversation', 'transfer'],
      NOTIFY,
      env,
    ),
    conversationStateChanged: new GuardedHook(
      'session.conversationStateChanged',
      'series',
      ['conversation', 'change'],
      NOTIFY,
      env,
    ),
    conversationEnded: new GuardedHook(
      'session.conversationEnded',
      'series',
      ['conversation', 'end'],
      NOTIFY,
      env,
    ),
    visitorLeft: new GuardedHook('session.visitorLeft', 'series', ['visitor'], NOTIFY, env),
  }) as SessionHookCalls;
}
