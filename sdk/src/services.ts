import type { DatabaseTransaction } from './database.js';
import type {
  ConversationSnapshot,
  MessageSnapshot,
  RoutingCandidate,
  SiteSnapshot,
  UserSnapshot,
  Visibility,
} from './domain.js';
import type { PresenceState } from './protocol.js';
import type { Disposable } from './disposable.js';
import { createToken } from './tokens.js';

/** One item of {@link ConversationsService.assignMany}: `code` is null when it committed. @public */
export interface AssignManyOutcome {
  readonly conversationId: string;
  readonly agentId: string;
  readonly code: null | 'CONVERSATION_TAKEN' | 'AGENT_AT_CAPACITY' | 'USER_NOT_FOUND';
}

/** Options of {@link ConversationsService.assignMany}. @public */
export interface AssignManyOptions {
  /** Runs inside the assignment's transaction with the items that committed. */
  readonly inTransaction?: (
    trx: DatabaseTransaction,
    committed: readonly AssignManyOutcome[],
  ) => Promise<void>;
}

/**
 * What {@link ConversationsService.postInternal} stores: an internal message written by a staff
 * user, posted by a plugin on that user's behalf. @public
 */
export interface InternalMessageInput {
  /** The user who wrote it: an enabled agent, supervisor or admin of the tenant. */
  readonly authorUserId: string;
  /** The text; not empty, at most 100,000 characters (bound it tighter in your route). */
  readonly body: string;
  /**
   * Stored with the message and delivered to staff as is (JSON-serialisable). `authorName` is
   * the core's (the author's current name) and cannot be set here.
   */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Makes a retry idempotent: the same author and id in one conversation store one message. */
  readonly clientMessageId?: string;
}

/** An agent as routing and supervisors see them. @public */
export interface AgentState {
  readonly agentId: string;
  readonly name: string;
  readonly presence: PresenceState;
  readonly presenceAt: number;
  /** Open chats held plus offers standing. */
  readonly load: number;
  readonly capacity: number;
  /** Milliseconds since the later of last assignment, last ended chat and coming online. */
  readonly idleMs: number;
  readonly skills: readonly string[];
  readonly groups: readonly string[];
  readonly departmentIds: readonly string[];
}

/**
 * The chat core's conversations, for plugins (routing, rules, bots). Every change goes through
 * the same atomic paths, hooks and events as the REST API: an assignment here can never push an
 * agent over capacity or give one chat to two agents. Resolve with `ctx.use(ChatTokens.Conversations)`.
 * @public
 */
export interface ConversationsService {
  get(tenantId: string, conversationId: string): Promise<ConversationSnapshot | null>;
  /**
   * Waiting chats, priority first then longest waiting (offered ones included); at most
   * `options.limit` (default and maximum 10,000) from the head of the queue.
   */
  queue(tenantId: string, options?: { limit?: number }): Promise<ConversationSnapshot[]>;
  /** Online agents with room who match the chat's target (before `routing.candidates`). */
  candidates(tenantId: string, conversationId: string): Promise<RoutingCandidate[]>;
  /** Assigns a waiting chat at once. Throws 409 `CONVERSATION_TAKEN` or `AGENT_AT_CAPACITY`. */
  assign(
    tenantId: string,
    conversationId: string,
    agentId: string,
    reason: string,
  ): Promise<ConversationSnapshot>;
  /**
   * Assigns many waiting chats in one transaction (a routing plugin's group commit). Every item
   * is guarded in SQL like `assign` (agent rows locked, still waiting and not offered, load plus
   * standing offers below capacity); items failing a guard answer their error code, the rest
   * commit together. Outcomes come back in the order of `items`.
   *
   * `options.inTransaction` writes the plugin's own rows about the committed items (an ACD's
   * decision records) inside the same transaction, after the kernel's writes: both commit or
   * neither does, and if it throws, `assignMany` rejects with nothing assigned. Use the given
   * transaction for every statement (e.g. `trx(ctx.db.tableName('decisions')).insert(...)`).
   */
  assignMany(
    tenantId: string,
    items: readonly { conversationId: string; agentId: string; reason: string }[],
    options?: AssignManyOptions,
  ): Promise<AssignManyOutcome[]>;
  /**
   * Runs every routing pass through `router` instead of the hook-by-hook pass (for an ACD with
   * its own index). The kernel keeps deciding when passes run (chat requested, agent online,
   * chat ended or transferred, offer declined or lapsed) and never overlaps two per tenant.
   * Only one router at a time; dispose to give the passes back.
   */
  routeWith(router: (tenantId: string) => Promise<void>): Disposable;
  /** Offers a waiting chat to one agent until they accept or decline, or `timeoutMs` passes. */
  offer(
    tenantId: string,
    conversationId: string,
    agentId: string,
    timeoutMs: number,
  ): Promise<void>;
  /** Takes back an offer; true when there was one. `routing.requeued` fires with the reason. */
  withdrawOffer(
    tenantId: string,
    conversationId: string,
    agentId: string,
    reason: 'offer-declined' | 'offer-timeout' | 'agent-left',
  ): Promise<boolean>;
  /** Changes a chat's priority (higher first). */
  setPriority(tenantId: string, conversationId: string, priority: number): Promise<void>;
  /** Ends a chat on the system's behalf (overflow, business hours…). */
  end(tenantId: string, conversationId: string, reason: string): Promise<void>;
  /** Runs a routing pass over the tenant's queue now. */
  route(tenantId: string): Promise<void>;
  /** Every enabled agent of the tenant with presence and load. */
  agents(tenantId: string): Promise<AgentState[]>;
  /** One user, or null. */
  user(tenantId: string, userId: string): Promise<UserSnapshot | null>;
  /** Sets an agent's presence (e.g. away after missed offers). */
  setPresence(tenantId: string, userId: string, presence: PresenceState): Promise<void>;
  /**
   * Posts an internal text message written by a staff user (a whisper, a note a tool writes on
   * someone's behalf). It is always `visibility: 'internal'`: there is no way to make it public,
   * so the core's egress filter keeps it from every visitor path (socket, resume, REST,
   * transcript, export). It goes through the core message log like any message (gap-free `seq`,
   * no visitor seq), and reaches staff watching the conversation as `message.created`, with
   * `author: { kind: 'agent', id: authorUserId }` and `metadata.authorName` set by the core.
   *
   * The calling plugin owns the decision: this method checks only that the conversation exists
   * in the tenant and is not ended, and that the author is an enabled user of the tenant. It
   * checks no permission and no assignment, so call it only for a principal your route has
   * authorised. Unlike `conversation.send` it runs neither `session.beforeMessage` nor
   * `session.messageStored` (as `postSystemMessage`): the text is staff talk the caller
   * validated, not a participant's message, and other plugins' transforms (shortcut expansion,
   * translation, bots) must not rewrite or refuse it.
   *
   * Throws 404 `CONVERSATION_NOT_FOUND`, 404 `USER_NOT_FOUND`, 409 `CONVERSATION_ENDED`,
   * 400 `MESSAGE_EMPTY` or 400 `MESSAGE_TOO_LONG`. Resolves with the stored message (the stored
   * one again for a repeated `clientMessageId`).
   */
  postInternal(
    tenantId: string,
    conversationId: string,
    message: InternalMessageInput,
  ): Promise<MessageSnapshot>;
  /** Posts a system message (kind `event`) into a conversation. */
  postSystemMessage(
    tenantId: string,
    conversationId: string,
    message: { body: string; visibility: Visibility; metadata?: Record<string, unknown> },
  ): Promise<void>;
}

/** A plugin's own real-time event: `type` must start with `plugin.<id>.`. @public */
export interface PluginEvent {
  readonly type: `plugin.${string}`;
  readonly [key: string]: unknown;
}

/**
 * Pushes a plugin's events to connected clients. Events to a visitor go out through the core's
 * egress: only `plugin.*` events, as JSON, and only to that visitor's own sockets.
 * @public
 */
export interface RealtimeService {
  toVisitor(tenantId: string, visitorId: string, event: PluginEvent): Promise<void>;
  /** Every agent, supervisor and admin socket of the tenant. */
  toStaff(tenantId: string, event: PluginEvent): Promise<void>;
  toUser(tenantId: string, userId: string, event: PluginEvent): Promise<void>;
}

/**
 * A tenant's sites, read-only (`ChatTokens.Sites`). Like the other services it does not check
 * who is asking: take the tenant id from an authenticated caller or your own rows. @public
 */
export interface SitesService {
  /** The tenant's sites, oldest first. */
  list(tenantId: string): Promise<SiteSnapshot[]>;
  /** The site when it belongs to the tenant, else null (another tenant's site is unknown). */
  get(tenantId: string, siteId: string): Promise<SiteSnapshot | null>;
}

/** Tokens of the chat core's services for plugins. @public */
export const ChatTokens = {
  Conversations: createToken<ConversationsService>('core', 'conversations'),
  Realtime: createToken<RealtimeService>('core', 'realtime'),
  Sites: createToken<SitesService>('core', 'sites'),
} as const;
