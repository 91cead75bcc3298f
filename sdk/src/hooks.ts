import type { Disposable } from './disposable.js';
import type {
  Assignment,
  ChatRequest,
  ChatRequestDecision,
  ConversationSnapshot,
  ConversationState,
  MessageDraft,
  MessageSnapshot,
  OverflowDecision,
  OverflowEvent,
  PageView,
  RoutingCandidate,
  RoutingRequest,
  RoutingSelection,
  VisitorSnapshot,
} from './domain.js';
import type { Principal } from './principal.js';
import type { UiContribution } from './manifest.js';

/**
 * Named stages order taps inside one hook: lower runs first. Use these rather than bare numbers;
 * taps on the same stage run in registration (plugin dependency) order.
 * @public
 */
export const HookStage = {
  /** Guards and validation that must see the value first. */
  FIRST: -1000,
  /** Enrichment before the main work. */
  EARLY: -100,
  /** The default. */
  NORMAL: 0,
  /** Work that wants to see what others did. */
  LATE: 100,
  /** Auditing and metrics: observe the final value. */
  LAST: 1000,
} as const;

/** Options for a tap. @public */
export interface TapOptions {
  /** See {@link HookStage}; default `HookStage.NORMAL`. */
  readonly stage?: number;
}

/** Tap-only view of a notification hook: taps run one after another, in order. @public */
export interface SeriesHook<TArgs extends unknown[]> {
  tap(fn: (...args: TArgs) => void | Promise<void>, options?: TapOptions): Disposable;
  /** True when any tap is registered, so callers can skip building costly payloads. */
  isUsed(): boolean;
}

/** Tap-only view of a decision hook: the first tap returning a value other than `undefined` decides. @public */
export interface BailHook<TArgs extends unknown[], TResult> {
  tap(
    fn: (...args: TArgs) => TResult | undefined | Promise<TResult | undefined>,
    options?: TapOptions,
  ): Disposable;
  isUsed(): boolean;
}

/** Tap-only view of a transform hook: each tap receives the previous tap's result as first argument. @public */
export interface WaterfallHook<TArgs extends [unknown, ...unknown[]]> {
  tap(fn: (...args: TArgs) => TArgs[0] | Promise<TArgs[0]>, options?: TapOptions): Disposable;
  isUsed(): boolean;
}

/** Hooks keyed by name, e.g. one waterfall per UI slot. @public */
export interface KeyedHooks<THook> {
  for(key: string): THook;
}

/** Context of a state change. @public */
export interface StateChange {
  readonly from: ConversationState;
  readonly to: ConversationState;
}

/** Who ended a conversation and why. @public */
export interface ConversationEnd {
  readonly by: 'visitor' | 'agent' | 'system';
  readonly userId: string | null;
  readonly reason: string;
}

/** A transfer between agents (or to a queue target). @public */
export interface Transfer {
  readonly fromAgentId: string | null;
  readonly toAgentId: string | null;
  readonly byUserId: string | null;
}

/**
 * The session lifecycle. Budgets (per tap) are listed in `docs/hooks.md`.
 * @public
 */
export interface SessionHooks {
  /** A visitor session started (first page of a visit). Series. */
  readonly visitorArrived: SeriesHook<[VisitorSnapshot]>;
  /** The widget reported a page view. Series. */
  readonly pageViewed: SeriesHook<[VisitorSnapshot, PageView]>;
  /** A visitor asked for a chat. Bail: answer a decision to refuse or divert it; `undefined` lets it start. */
  readonly chatRequested: BailHook<[ChatRequest], ChatRequestDecision>;
  /** A conversation was created and stored. Series. */
  readonly conversationStarted: SeriesHook<[ConversationSnapshot]>;
  /** A message is about to be stored. Waterfall over the draft; set `rejection` to refuse it. */
  readonly beforeMessage: WaterfallHook<[MessageDraft, ConversationSnapshot]>;
  /** A message was stored (and is being delivered). Series. */
  readonly messageStored: SeriesHook<[MessageSnapshot, ConversationSnapshot]>;
  /** An agent joined a conversation (assignment accepted or manual pick). Series. */
  readonly agentJoined: SeriesHook<[ConversationSnapshot, string]>;
  /** A conversation moved to another agent. Series. */
  readonly conversationTransferred: SeriesHook<[ConversationSnapshot, Transfer]>;
  /** A conversation changed state. Series. */
  readonly conversationStateChanged: SeriesHook<[ConversationSnapshot, StateChange]>;
  /** A conversation ended. Series. */
  readonly conversationEnded: SeriesHook<[ConversationSnapshot, ConversationEnd]>;
  /** A visitor's last connection closed. Series. */
  readonly visitorLeft: SeriesHook<[VisitorSnapshot]>;
}

/**
 * Chat distribution. The kernel fires these; a routing plugin (ACD) answers `select`.
 * @public
 */
export interface RoutingHooks {
  /** A chat entered the queue. Series. */
  readonly enqueue: SeriesHook<[RoutingRequest]>;
  /** Candidate agents for a queued chat. Waterfall: filter, reorder or score the list. */
  readonly candidates: WaterfallHook<[RoutingCandidate[], RoutingRequest]>;
  /** Pick the agent. Bail: the first selection wins; `undefined` passes. */
  readonly select: BailHook<[RoutingCandidate[], RoutingRequest], RoutingSelection>;
  /** A chat was assigned. Series. */
  readonly assigned: SeriesHook<[Assignment]>;
  /** A chat went back to the queue (offer timed out, agent left, transfer to a queue). Series. */
  readonly requeued: SeriesHook<[RoutingRequest, string]>;
  /** A chat cannot be served in time. Bail: decide what the visitor is offered. */
  readonly overflow: BailHook<[OverflowEvent], OverflowDecision>;
}

/** Who is asking for UI contributions. @public */
export interface UiRequest {
  readonly principal: Principal | null;
  readonly surface: 'console' | 'widget';
}

/**
 * UI assembly.
 * @public
 */
export interface UiHooks {
  /** The full list of contributions for a request. Waterfall: hide or reorder entries per caller. */
  readonly contributions: WaterfallHook<[UiContribution[], UiRequest]>;
  /** Per slot name: the contributions of one slot. Waterfall. */
  readonly slot: KeyedHooks<WaterfallHook<[UiContribution[], UiRequest]>>;
}

/**
 * Every hook a plugin may tap, grouped. Plugins receive this as `ctx.hooks`; each tap is named
 * after the plugin, guarded (time budget, error count, quarantine) and returns a disposable.
 * @public
 */
export interface KernelHooks {
  readonly session: SessionHooks;
  readonly routing: RoutingHooks;
  readonly ui: UiHooks;
}
