import type { Knex } from 'knex';
import {
  ConflictError,
  NotFoundError,
  hasPermission,
  Permissions,
  type Clock,
  type ConversationEnd,
  type ConversationState,
  type EventBus,
  type Logger,
  type Principal,
  type RoutingTarget,
  type UserSnapshot,
  type VisitorPrincipal,
} from '@switchboard/sdk';
import type { HookCatalogue } from '../hooks/hook-catalogue.js';
import type { AccountsPort } from './accounts-port.js';
import { ChatTopics, type ConversationPublished, type MessagePublished } from './chat-events.js';
import {
  colourOf,
  routingRequestOf,
  toConversation,
  toSnapshot,
  type ConversationRecord,
} from './conversation-record.js';
import { newId } from './ids.js';
import { bool, writeJson } from './json-column.js';
import type { Appended, MessageLog, NewMessage } from './message-log.js';
import { toMessageSnapshot } from './message-record.js';
import { rowsOf } from '../storage/sql-text.js';
import { sendTogether, transactionRunner } from '../storage/sqlite-pipelined-transaction.js';
import {
  agentsWithLoad,
  moveToAgents,
  stampAssigned,
  type AgentLoadRow,
} from './group-assignment-sql.js';
import { MessageBatchSql, pushMessageRow } from './message-batch-sql.js';

/** What a visitor's chat request turned into. */
export type ChatRequestOutcome =
  | { readonly status: 'queued' | 'assigned'; readonly conversation: ConversationRecord }
  | { readonly status: 'offline'; readonly message: string | null }
  | { readonly status: 'refused'; readonly message: string }
  | { readonly status: 'ticket'; readonly message: string | null };

export interface ChatRequestInput {
  readonly departmentId?: string;
  readonly target?: RoutingTarget;
  readonly priority?: number;
  readonly prechat?: Record<string, unknown>;
}

export interface ConversationServiceDeps {
  readonly knex: Knex;
  readonly dialect: 'sqlite' | 'postgres';
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventBus;
  readonly hooks: HookCatalogue;
  readonly log: MessageLog;
  readonly accounts: AccountsPort;
  /** Looks the visitor up for hook payloads. */
  readonly visitorSnapshot: (
    tenantId: string,
    visitorId: string,
  ) => Promise<import('@switchboard/sdk').VisitorSnapshot | null>;
}

/** Conversations kept in the hot-path cache. */
const RECENT_LIMIT = 10_000;

const OPEN_STATES: readonly ConversationState[] = ['browsing', 'waiting', 'active', 'idle'];

/**
 * The conversation state machine: browsing → waiting → active ⇄ idle → ended. Every change is
 * one transaction that locks the conversation row, writes the new state and a public `event`
 * message (so the change has a seq and replays after a reconnect), and checks its precondition
 * in the same statement, so two agents picking one chat cannot both win. Hooks and bus events
 * follow the commit.
 */
export class ConversationService {
  /**
   * Recently used conversations, for the message hot path only: a send checks who may write
   * against this copy and leaves the authoritative check to the guarded write, so a stale entry
   * can never let a wrong message in, only cost a refusal from the transaction instead.
   */
  private readonly recent = new Map<string, ConversationRecord>();

  /** The message batch's statements, shared by `assignMany` (conversations read, join events). */
  private readonly batchSql: MessageBatchSql;

  constructor(private readonly deps: ConversationServiceDeps) {
    this.batchSql = new MessageBatchSql(deps.dialect);
  }

  /** `visibleTo`, served from the recent-conversations cache when possible (sending messages). */
  async visibleForSend(principal: Principal, id: string): Promise<ConversationRecord> {
    const cached = this.recent.get(id);
    if (cached && canSee(principal, cached)) return cached;
    return this.visibleTo(principal, id);
  }

  /** Keeps a conversation's latest state in the cache (bounded, oldest dropped first). */
  remember(record: ConversationRecord): void {
    this.recent.delete(record.id);
    this.recent.set(record.id, record);
    if (this.recent.size > RECENT_LIMIT) {
      this.recent.delete(this.recent.keys().next().value as string);
    }
  }

  /** A conversation changed, maybe in another process: refresh a cached copy. */
  noteChange(payload: ConversationPublished): void {
    const cached = this.recent.get(payload.conversation.id);
    if (!cached || cached.updatedAt > payload.conversation.updatedAt) return;
    this.recent.set(cached.id, {
      ...cached,
      ...payload.conversation,
      lastVisitorSeq: payload.lastVisitorSeq,
    });
  }

  /** The conversation, or null when it does not exist in this tenant. */
  async get(tenantId: string, id: string): Promise<ConversationRecord | null> {
    const row = (await this.deps
      .knex('core_conversations')
      .where({ id, tenant_id: tenantId })
      .first()) as Record<string, unknown> | undefined;
    return row ? toConversation(row) : null;
  }

  /**
   * The conversation if `principal` may see it: users of its tenant, its own visitor, the system
   * principal. Anything else answers exactly like a missing id.
   */
  async visibleTo(principal: Principal, id: string): Promise<ConversationRecord> {
    const row = (await this.deps.knex('core_conversations').where({ id }).first()) as
      Record<string, unknown> | undefined;
    const record = row ? toConversation(row) : null;
    if (!record || !canSee(principal, record)) {
      throw new NotFoundError(`No conversation "${id}".`, 'CONVERSATION_NOT_FOUND');
    }
    this.remember(record);
    return record;
  }

  /** The visitor's open conversation, if any. */
  async openOf(tenantId: string, visitorId: string): Promise<ConversationRecord | null> {
    const row = (await this.deps
      .knex('core_conversations')
      .where({ tenant_id: tenantId, visitor_id: visitorId })
      .whereNull('ended_at')
      .first()) as Record<string, unknown> | undefined;
    return row ? toConversation(row) : null;
  }

  /**
   * A visitor asks for a chat. Idempotent: a visitor with an open conversation gets that one
   * back (a unique index makes a second open conversation impossible, even under concurrency).
   */
  async request(principal: VisitorPrincipal, input: ChatRequestInput): Promise<ChatRequestOutcome> {
    const { tenantId, visitorId, siteId } = principal;
    const open = await this.openOf(tenantId, visitorId);
    if (open)
      return { status: open.state === 'waiting' ? 'queued' : 'assigned', conversation: open };
    const visitor = await this.deps.visitorSnapshot(tenantId, visitorId);
    if (!visitor)
      throw new NotFoundError(
        'Your visitor session has ended; start a new one.',
        'VISITOR_NOT_FOUND',
      );
    if (input.departmentId) {
      const department = await this.deps
        .knex('core_departments')
        .where({ id: input.departmentId, tenant_id: tenantId })
        .first('id');
      // Another tenant's department answers exactly like a missing one.
      if (!department) {
        throw new NotFoundError(`No department "${input.departmentId}".`, 'DEPARTMENT_NOT_FOUND');
      }
    }
    const target: RoutingTarget =
      input.target ??
      (input.departmentId ? { kind: 'department', value: input.departmentId } : { kind: 'any' });
    const priority = input.priority ?? 0;
    const decision = await this.deps.hooks.session.chatRequested.call({
      tenantId,
      siteId,
      visitor,
      target,
      departmentId: input.departmentId ?? null,
      priority,
      prechat: input.prechat ?? {},
    });
    if (decision?.action === 'refuse') return { status: 'refused', message: decision.reason };
    if (decision?.action === 'divert') {
      return decision.to === 'ticket'
        ? { status: 'ticket', message: decision.message ?? null }
        : { status: 'offline', message: decision.message ?? null };
    }

    const now = this.deps.clock.now();
    const id = newId('cnv', now);
    let created: Appended;
    try {
      created = await this.deps.knex.transaction(async (trx) => {
        await trx('core_conversations').insert({
          id,
          tenant_id: tenantId,
          site_id: siteId,
          visitor_id: visitorId,
          state: 'waiting',
          department_id: input.departmentId ?? null,
          target: writeJson(target),
          priority,
          prechat: writeJson(input.prechat ?? {}),
          waiting_since: now,
          created_at: now,
          updated_at: now,
        });
        return this.deps.log.append(
          systemEvent(tenantId, id, 'conversation.requested', 'Chat requested.'),
          now,
          trx,
        );
      });
    } catch (error) {
      // Lost a race with another request of the same visitor: answer with the winner.
      const winner = await this.openOf(tenantId, visitorId);
      if (winner)
        return { status: winner.state === 'waiting' ? 'queued' : 'assigned', conversation: winner };
      throw error;
    }
    await this.published(created);
    const snapshot = toSnapshot(created.conversation);
    await this.deps.hooks.session.conversationStarted.call(snapshot);
    await this.deps.hooks.session.conversationStateChanged.call(snapshot, {
      from: 'browsing',
      to: 'waiting',
    });
    const request = routingRequestOf(created.conversation);
    await this.deps.hooks.routing.enqueue.call(request);
    if (!(await this.anyAgentOnline(tenantId))) {
      // Nobody to answer: ask the overflow hook; by default the visitor leaves a message. The
      // ended conversation stays on record as a missed chat.
      const overflow = await this.deps.hooks.routing.overflow.call({
        request,
        reason: 'no-agents',
      });
      if (overflow?.action !== 'keep-waiting') {
        await this.endRecord(created.conversation, {
          by: 'system',
          userId: null,
          reason: 'no-agents',
        });
        const message = overflow?.message ?? null;
        return overflow?.action === 'ticket'
          ? { status: 'ticket', message }
          : { status: 'offline', message };
      }
    }
    const current = (await this.get(tenantId, id)) ?? created.conversation;
    return { status: current.state === 'waiting' ? 'queued' : 'assigned', conversation: current };
  }

  /**
   * An offline message (nobody available): stored as a conversation that is already ended, with
   * reason `offline-message`, so agents find it in the history and a tickets plugin can pick it up.
   */
  async leaveMessage(principal: VisitorPrincipal, body: string): Promise<ConversationRecord> {
    const { tenantId, visitorId, siteId } = principal;
    const open = await this.openOf(tenantId, visitorId);
    if (open) {
      throw new ConflictError('You have a chat open; write there instead.', 'CONVERSATION_OPEN');
    }
    const now = this.deps.clock.now();
    const id = newId('cnv', now);
    const appended = await this.deps.knex.transaction(async (trx) => {
      await trx('core_conversations').insert({
        id,
        tenant_id: tenantId,
        site_id: siteId,
        visitor_id: visitorId,
        state: 'waiting',
        target: writeJson({ kind: 'any' }),
        created_at: now,
        updated_at: now,
      });
      await this.deps.log.append(
        {
          tenantId,
          conversationId: id,
          author: { kind: 'visitor', id: visitorId },
          kind: 'text',
          visibility: 'public',
          body,
          metadata: { offline: true },
          clientMessageId: null,
        },
        now,
        trx,
      );
      await trx('core_conversations').where({ id }).update({
        state: 'ended',
        ended_at: now,
        ended_by: 'visitor',
        end_reason: 'offline-message',
      });
      return this.deps.log.append(
        systemEvent(tenantId, id, 'conversation.ended', 'Message left for the team.', {
          by: 'visitor',
          reason: 'offline-message',
        }),
        now,
        trx,
      );
    });
    await this.published(appended);
    const snapshot = toSnapshot(appended.conversation);
    await this.deps.hooks.session.conversationStarted.call(snapshot);
    await this.deps.hooks.session.conversationEnded.call(snapshot, {
      by: 'visitor',
      userId: null,
      reason: 'offline-message',
    });
    return appended.conversation;
  }

  /** True when some enabled agent of the tenant is online. */
  async anyAgentOnline(tenantId: string): Promise<boolean> {
    const row = await this.deps
      .knex('core_users')
      .where({ tenant_id: tenantId, presence: 'online' })
      .andWhereNot('disabled', true)
      .first('id');
    return Boolean(row);
  }

  /**
   * Assigns a waiting conversation to `agentId`, atomically: the agent row is locked, their open
   * load is counted against their capacity, and the conversation moves only if it is still
   * waiting. Exactly one of several concurrent callers wins; the others get a 409.
   */
  async assign(
    tenantId: string,
    id: string,
    agentId: string,
    reason: string,
    options: { acceptingOffer?: boolean } = {},
  ): Promise<ConversationRecord> {
    const agent = await this.requireAgent(tenantId, agentId);
    const now = this.deps.clock.now();
    const appended = await this.deps.knex.transaction(async (trx) => {
      // An offer to this agent already counts toward their load; accepting it adds nothing.
      await this.reserveSlot(trx, tenantId, agent, options.acceptingOffer ? id : undefined);
      let query = trx('core_conversations').where({ id, tenant_id: tenantId, state: 'waiting' });
      query = options.acceptingOffer
        ? query.where({ offered_to: agentId })
        : query.where((q) => q.whereNull('offered_to').orWhere({ offered_to: agentId }));
      const changed = await query.update({
        state: 'active',
        assigned_agent_id: agentId,
        offered_to: null,
        offered_at: null,
        offer_expires_at: null,
        waiting_since: null,
        updated_at: now,
      });
      if (changed === 0) {
        const exists = await trx('core_conversations')
          .where({ id, tenant_id: tenantId })
          .first('id');
        if (!exists) throw new NotFoundError(`No conversation "${id}".`, 'CONVERSATION_NOT_FOUND');
        throw options.acceptingOffer
          ? new ConflictError('This offer is no longer open to you.', 'OFFER_GONE')
          : new ConflictError(
              'This chat is no longer waiting: someone else took it.',
              'CONVERSATION_TAKEN',
            );
      }
      await trx('core_users').where({ id: agentId }).update({ last_assigned_at: now });
      return this.deps.log.append(
        systemEvent(tenantId, id, 'agent.joined', `${agent.name} joined the chat.`, {
          agentId,
          authorName: agent.name,
          agentName: agent.name,
        }),
        now,
        trx,
      );
    });
    await this.published(appended);
    const snapshot = toSnapshot(appended.conversation);
    await this.deps.hooks.session.conversationStateChanged.call(snapshot, {
      from: 'waiting',
      to: 'active',
    });
    await this.deps.hooks.session.agentJoined.call(snapshot, agentId);
    await this.deps.hooks.routing.assigned.call({
      conversation: snapshot,
      agentId,
      reason,
      at: now,
    });
    return appended.conversation;
  }

  /**
   * Assigns many waiting chats in ONE transaction (routing's group commit). Each item is still
   * guarded exactly like `assign`: the agents' rows are locked (PostgreSQL, in id order so
   * concurrent batches cannot deadlock), the conversations must still be waiting and not offered,
   * and each agent's open load plus standing offers, counted inside the transaction, must stay
   * below their capacity. Items that fail a guard are answered with their error code; the others
   * commit together, with `options.inTransaction` (a plugin's own rows about them) in the same
   * transaction. Hooks and bus events follow the commit, item by item.
   */
  async assignMany(
    tenantId: string,
    items: readonly { conversationId: string; agentId: string; reason: string }[],
    options: AssignManyOptions = {},
  ): Promise<AssignManyOutcome[]> {
    if (items.length === 0) return [];
    const now = this.deps.clock.now();
    const pg = this.deps.dialect === 'postgres';
    const agentIds = [...new Set(items.map((i) => i.agentId))].sort();
    const conversationIds = [...new Set(items.map((i) => i.conversationId))].sort();
    const outcomes: AssignManyOutcome[] = items.map((i) => ({
      conversationId: i.conversationId,
      agentId: i.agentId,
      code: 'CONVERSATION_TAKEN',
    }));
    const committed = await this.deps.knex.transaction(async (trx) => {
      // On sqlite the kernel's statements go straight to the transaction's connection, and
      // those that do not depend on each other go out together: one wait for the database each.
      const sql = pg ? trx : await transactionRunner(trx);
      const agents = new Map<string, AgentLoadRow>();
      const load = new Map<string, number>();
      // Looked up by primary key only; tenant, state and offer are checked on the rows read.
      const [agentRows, rows] = (await sendTogether(!pg, [
        () => agentsWithLoad(sql, pg, agentIds),
        () => sql.raw(this.batchSql.selectConversations(conversationIds.length), conversationIds),
      ])) as [AgentLoadRow[], unknown];
      for (const row of agentRows) {
        if (row.tenant_id !== tenantId) continue;
        agents.set(row.id, row);
        load.set(row.id, Number(row.load));
      }
      const free = new Map<string, ConversationRecord>();
      for (const row of rowsOf(rows)) {
        const record = toConversation(row);
        if (record.tenantId === tenantId && record.state === 'waiting' && !record.offeredTo) {
          free.set(record.id, record);
        }
      }
      const accepted: { index: number; conversationId: string; agentId: string }[] = [];
      const taken = new Set<string>();
      items.forEach((item, index) => {
        const agent = agents.get(item.agentId);
        if (!agent || bool(agent.disabled)) {
          outcomes[index] = { ...outcomes[index]!, code: 'USER_NOT_FOUND' };
          return;
        }
        // A chat listed twice goes to its first item only.
        if (!free.has(item.conversationId) || taken.has(item.conversationId)) return;
        const current = load.get(item.agentId) ?? 0;
        if (current >= Number(agent.capacity)) {
          outcomes[index] = { ...outcomes[index]!, code: 'AGENT_AT_CAPACITY' };
          return;
        }
        load.set(item.agentId, current + 1);
        taken.add(item.conversationId);
        accepted.push({ index, conversationId: item.conversationId, agentId: item.agentId });
      });
      if (accepted.length === 0) return [];
      const done = accepted.map((a) => {
        const name = agents.get(a.agentId)!.name;
        return { ...a, appended: joined(free.get(a.conversationId)!, a.agentId, name, now) };
      });
      const values: Knex.Value[] = [];
      for (const d of done) pushMessageRow(values, d.appended.message);
      // Different rows each: the order they run in does not matter.
      await sendTogether(!pg, [
        () => moveToAgents(sql, accepted, now),
        () => stampAssigned(sql, [...new Set(accepted.map((a) => a.agentId))], now),
        ...this.batchSql.inserts(values).map(
          ([text, bindings]) =>
            () =>
              sql.raw(text, bindings),
        ),
      ]);
      if (options.inTransaction) {
        await options.inTransaction(
          trx,
          done.map((d) => ({ conversationId: d.conversationId, agentId: d.agentId, code: null })),
        );
      }
      return done;
    });
    for (const { index, agentId, appended } of committed) {
      const reason = items[index]!.reason;
      outcomes[index] = { conversationId: items[index]!.conversationId, agentId, code: null };
      await this.published(appended);
      const snapshot = toSnapshot(appended.conversation);
      await this.deps.hooks.session.conversationStateChanged.call(snapshot, {
        from: 'waiting',
        to: 'active',
      });
      await this.deps.hooks.session.agentJoined.call(snapshot, agentId);
      await this.deps.hooks.routing.assigned.call({
        conversation: snapshot,
        agentId,
        reason,
        at: now,
      });
    }
    return outcomes;
  }

  /**
   * Offers a waiting chat to one agent: reserved for them (it counts toward their capacity) until
   * they accept, decline, or the offer lapses at `expiresAt`. Atomic like `assign`.
   */
  async offer(
    tenantId: string,
    id: string,
    agentId: string,
    expiresAt: number,
  ): Promise<ConversationRecord> {
    const agent = await this.requireAgent(tenantId, agentId);
    const now = this.deps.clock.now();
    await this.deps.knex.transaction(async (trx) => {
      await this.reserveSlot(trx, tenantId, agent);
      const changed = await trx('core_conversations')
        .where({ id, tenant_id: tenantId, state: 'waiting' })
        .whereNull('offered_to')
        .update({
          offered_to: agentId,
          offered_at: now,
          offer_expires_at: expiresAt,
          updated_at: now,
        });
      if (changed === 0) {
        throw new ConflictError('This chat is taken or already offered.', 'CONVERSATION_TAKEN');
      }
    });
    const record = (await this.get(tenantId, id))!;
    await this.publishConversation(record);
    return record;
  }

  /**
   * Takes back an offer that was declined, lapsed, or whose agent left. The chat keeps its place
   * in the queue (its `waitingSince` is unchanged), so it goes back ahead of later arrivals.
   * Answers null when there was no such offer (accepted or withdrawn meanwhile).
   */
  async withdrawOffer(
    tenantId: string,
    id: string,
    agentId: string,
    reason: 'offer-declined' | 'offer-timeout' | 'agent-left',
  ): Promise<ConversationRecord | null> {
    const now = this.deps.clock.now();
    const changed = await this.deps
      .knex('core_conversations')
      .where({ id, tenant_id: tenantId, state: 'waiting', offered_to: agentId })
      .update({ offered_to: null, offered_at: null, offer_expires_at: null, updated_at: now });
    if (changed === 0) return null;
    const record = (await this.get(tenantId, id))!;
    await this.publishConversation(record);
    await this.deps.hooks.routing.requeued.call(routingRequestOf(record, [agentId]), reason);
    return record;
  }

  /** Offers that lapsed before `now` (found after a restart, or by a process that lost its timer). */
  async lapsedOffers(now: number, limit = 500): Promise<ConversationRecord[]> {
    const rows = (await this.deps
      .knex('core_conversations')
      .where({ state: 'waiting' })
      .whereNotNull('offered_to')
      .andWhere('offer_expires_at', '<=', now)
      .limit(limit)) as Record<string, unknown>[];
    return rows.map(toConversation);
  }

  /** Chats offered to an agent and not accepted yet. */
  async offersTo(tenantId: string, agentId: string): Promise<ConversationRecord[]> {
    const rows = (await this.deps
      .knex('core_conversations')
      .where({ tenant_id: tenantId, state: 'waiting', offered_to: agentId })) as Record<
      string,
      unknown
    >[];
    return rows.map(toConversation);
  }

  /** Changes a waiting chat's priority (rules, supervisors): higher is served first. */
  async setPriority(tenantId: string, id: string, priority: number): Promise<ConversationRecord> {
    const changed = await this.deps
      .knex('core_conversations')
      .where({ id, tenant_id: tenantId })
      .whereNull('ended_at')
      .update({ priority, updated_at: this.deps.clock.now() });
    if (changed === 0)
      throw new NotFoundError(`No open conversation "${id}".`, 'CONVERSATION_NOT_FOUND');
    const record = (await this.get(tenantId, id))!;
    await this.publishConversation(record);
    return record;
  }

  /**
   * Moves a conversation to another agent (atomic, capacity checked) or back to the queue
   * (`toAgentId` null). Only the assigned agent, or someone with `conversation.manage`, may.
   */
  async transfer(
    principal: Principal,
    id: string,
    toAgentId: string | null,
    target?: RoutingTarget,
  ): Promise<ConversationRecord> {
    const current = await this.visibleTo(principal, id);
    const byUserId = principal.kind === 'user' ? principal.userId : null;
    this.assertHolder(principal, current);
    if (target) await this.assertTargetInTenant(current.tenantId, target);
    if (current.state === 'ended' || current.state === 'waiting') {
      throw new ConflictError(
        `A ${current.state} conversation cannot be transferred.`,
        'CONVERSATION_STATE',
      );
    }
    const now = this.deps.clock.now();
    const tenantId = current.tenantId;
    const fromAgentId = current.assignedAgentId;
    let appended: Appended;
    if (toAgentId) {
      if (toAgentId === fromAgentId)
        throw new ConflictError('The conversation is already theirs.', 'TRANSFER_SAME_AGENT');
      const agent = await this.requireAgent(tenantId, toAgentId);
      appended = await this.deps.knex.transaction(async (trx) => {
        await this.reserveSlot(trx, tenantId, agent);
        const changed = await trx('core_conversations')
          .where({ id, tenant_id: tenantId, assigned_agent_id: fromAgentId })
          .whereIn('state', ['active', 'idle'])
          .update({ assigned_agent_id: toAgentId, updated_at: now });
        if (changed === 0)
          throw new ConflictError(
            'The conversation changed meanwhile; reload it.',
            'CONVERSATION_STATE',
          );
        await trx('core_users').where({ id: toAgentId }).update({ last_assigned_at: now });
        if (fromAgentId)
          await trx('core_users').where({ id: fromAgentId }).update({ last_ended_at: now });
        return this.deps.log.append(
          systemEvent(
            tenantId,
            id,
            'conversation.transferred',
            `You are now chatting with ${agent.name}.`,
            {
              fromAgentId,
              toAgentId,
              byUserId,
              authorName: agent.name,
            },
          ),
          now,
          trx,
        );
      });
    } else {
      appended = await this.deps.knex.transaction(async (trx) => {
        const changed = await trx('core_conversations')
          .where({ id, tenant_id: tenantId })
          .whereIn('state', ['active', 'idle'])
          .update({
            state: 'waiting',
            assigned_agent_id: null,
            waiting_since: now,
            ...(target ? { target: writeJson(target) } : {}),
            updated_at: now,
          });
        if (changed === 0)
          throw new ConflictError(
            'The conversation changed meanwhile; reload it.',
            'CONVERSATION_STATE',
          );
        if (fromAgentId)
          await trx('core_users').where({ id: fromAgentId }).update({ last_ended_at: now });
        return this.deps.log.append(
          systemEvent(
            tenantId,
            id,
            'conversation.requeued',
            'Please wait, the next agent will be with you shortly.',
            {
              fromAgentId,
              byUserId,
            },
          ),
          now,
          trx,
        );
      });
    }
    await this.published(appended);
    const snapshot = toSnapshot(appended.conversation);
    await this.deps.hooks.session.conversationTransferred.call(snapshot, {
      fromAgentId,
      toAgentId,
      byUserId,
    });
    if (!toAgentId) {
      await this.deps.hooks.session.conversationStateChanged.call(snapshot, {
        from: current.state,
        to: 'waiting',
      });
      await this.deps.hooks.routing.requeued.call(
        routingRequestOf(appended.conversation, fromAgentId ? [fromAgentId] : []),
        'transfer-to-queue',
      );
    } else {
      await this.deps.hooks.session.agentJoined.call(snapshot, toAgentId);
    }
    return appended.conversation;
  }

  /** Ends a conversation (visitor, agent or system). Ending an ended one is a no-op. */
  async end(principal: Principal | null, id: string, reason: string): Promise<ConversationRecord> {
    const current = principal ? await this.visibleTo(principal, id) : null;
    if (!current) throw new NotFoundError(`No conversation "${id}".`, 'CONVERSATION_NOT_FOUND');
    if (current.state === 'ended') return current;
    if (principal?.kind === 'user') this.assertHolder(principal, current, true);
    const by: ConversationEnd['by'] =
      principal?.kind === 'visitor' ? 'visitor' : principal?.kind === 'user' ? 'agent' : 'system';
    const userId = principal?.kind === 'user' ? principal.userId : null;
    return this.endRecord(current, { by, userId, reason });
  }

  /** Ends `current` on behalf of the system (idle timeout, erase, retention). */
  async endRecord(current: ConversationRecord, end: ConversationEnd): Promise<ConversationRecord> {
    const now = this.deps.clock.now();
    const text = end.by === 'visitor' ? 'The visitor left the chat.' : 'The chat has ended.';
    const appended = await this.deps.knex.transaction(async (trx) => {
      const changed = await trx('core_conversations')
        .where({ id: current.id, tenant_id: current.tenantId })
        .whereNull('ended_at')
        .update({
          state: 'ended',
          ended_at: now,
          ended_by: end.by,
          end_reason: end.reason,
          waiting_since: null,
          updated_at: now,
        });
      if (changed === 0) return null;
      if (current.assignedAgentId)
        await trx('core_users')
          .where({ id: current.assignedAgentId })
          .update({ last_ended_at: now });
      return this.deps.log.append(
        systemEvent(current.tenantId, current.id, 'conversation.ended', text, {
          by: end.by,
          reason: end.reason,
        }),
        now,
        trx,
      );
    });
    if (!appended) return (await this.get(current.tenantId, current.id)) ?? current;
    await this.published(appended);
    const snapshot = toSnapshot(appended.conversation);
    await this.deps.hooks.session.conversationStateChanged.call(snapshot, {
      from: current.state,
      to: 'ended',
    });
    await this.deps.hooks.session.conversationEnded.call(snapshot, end);
    return appended.conversation;
  }

  /** Active conversations quiet for `idleAfterMs` turn idle (a message wakes them). */
  async sweepIdle(idleAfterMs: number): Promise<number> {
    const now = this.deps.clock.now();
    const rows = (await this.deps
      .knex('core_conversations')
      .where({ state: 'active' })
      .andWhere('updated_at', '<', now - idleAfterMs)
      .limit(500)) as Record<string, unknown>[];
    let count = 0;
    for (const row of rows) {
      const changed = await this.deps
        .knex('core_conversations')
        .where({ id: row.id as string, state: 'active', updated_at: row.updated_at as number })
        .update({ state: 'idle', updated_at: now });
      if (changed === 0) continue;
      count++;
      const record = (await this.get(row.tenant_id as string, row.id as string))!;
      await this.publishConversation(record);
      await this.deps.hooks.session.conversationStateChanged.call(toSnapshot(record), {
        from: 'active',
        to: 'idle',
      });
    }
    return count;
  }

  /** Conversations of a tenant, newest first, with optional filters and a keyset cursor. */
  async list(
    tenantId: string,
    filter: {
      state?: ConversationState | 'open';
      assignedAgentId?: string;
      visitorId?: string;
      limit: number;
      before?: { at: number; id: string };
    },
  ): Promise<ConversationRecord[]> {
    let query = this.deps.knex('core_conversations').where({ tenant_id: tenantId });
    if (filter.state === 'open') query = query.whereIn('state', OPEN_STATES as ConversationState[]);
    else if (filter.state) query = query.where({ state: filter.state });
    if (filter.assignedAgentId) query = query.where({ assigned_agent_id: filter.assignedAgentId });
    if (filter.visitorId) query = query.where({ visitor_id: filter.visitorId });
    if (filter.before) {
      const { at, id } = filter.before;
      query = query.where((q) =>
        q
          .where('created_at', '<', at)
          .orWhere((q2) => q2.where('created_at', at).andWhere('id', '<', id)),
      );
    }
    const rows = (await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit)) as Record<string, unknown>[];
    return rows.map(toConversation);
  }

  /** The waiting queue of a tenant: priority first, then FIFO. */
  async queue(tenantId: string, limit = 200): Promise<ConversationRecord[]> {
    const rows = (await this.deps
      .knex('core_conversations')
      .where({ tenant_id: tenantId, state: 'waiting' })
      .orderBy([
        { column: 'priority', order: 'desc' },
        { column: 'waiting_since', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit)) as Record<string, unknown>[];
    return rows.map(toConversation);
  }

  /**
   * Publishes a stored message and the conversation change it carried. The conversation goes
   * first, so an agent whose socket starts watching on assignment also hears the message that
   * announces it. An internal message changes nothing a visitor sees, so it sends no
   * conversation update (which would tell a visitor that something happened).
   */
  async published(appended: Appended): Promise<void> {
    const message = appended.message;
    this.remember(appended.conversation);
    // A plain message only moves counters, which every client learns from the message itself;
    // the conversation goes out when its state or colour changed, or with an event message.
    if (message.visibility === 'public' && (message.kind === 'event' || appended.changed)) {
      await this.publishConversation(appended.conversation);
    }
    const payload: MessagePublished = {
      tenantId: message.tenantId,
      visitorId: appended.conversation.visitorId,
      message: toMessageSnapshot(message),
      visitorSeq: message.visitorSeq,
    };
    await this.deps.events.publish(ChatTopics.message, payload);
  }

  async publishConversation(record: ConversationRecord): Promise<void> {
    this.remember(record);
    const payload: ConversationPublished = {
      conversation: toSnapshot(record),
      lastVisitorSeq: record.lastVisitorSeq,
    };
    await this.deps.events.publish(ChatTopics.conversation, payload);
  }

  /**
   * A routing target may only name this tenant's departments and agents; another tenant's id
   * answers exactly like a missing one. Skills and groups are free labels.
   */
  private async assertTargetInTenant(tenantId: string, target: RoutingTarget): Promise<void> {
    for (const t of [target, target.fallback]) {
      if (!t?.value) continue;
      if (t.kind === 'department') {
        const row = await this.deps
          .knex('core_departments')
          .where({ id: t.value, tenant_id: tenantId })
          .first('id');
        if (!row) throw new NotFoundError(`No department "${t.value}".`, 'DEPARTMENT_NOT_FOUND');
      } else if (t.kind === 'agent') {
        const row = await this.deps
          .knex('core_users')
          .where({ id: t.value, tenant_id: tenantId })
          .first('id');
        if (!row) throw new NotFoundError(`No agent "${t.value}".`, 'USER_NOT_FOUND');
      }
    }
  }

  /** Only the agent holding a conversation, or a manager, may change it. */
  private assertHolder(
    principal: Principal,
    record: ConversationRecord,
    allowUnassigned = false,
  ): void {
    if (principal.kind === 'system' || hasPermission(principal, Permissions.ConversationManage))
      return;
    if (principal.kind !== 'user') return;
    if (record.assignedAgentId === principal.userId) return;
    if (allowUnassigned && record.assignedAgentId === null) return;
    throw new ConflictError(
      'This conversation is assigned to someone else; ask a supervisor to transfer it.',
      'CONVERSATION_NOT_ASSIGNED',
    );
  }

  /** An enabled agent of the tenant, or 404 `USER_NOT_FOUND`. */
  private async requireAgent(tenantId: string, agentId: string): Promise<UserSnapshot> {
    const agent = await this.deps.accounts.users.get(tenantId, agentId);
    if (!agent || agent.disabled)
      throw new NotFoundError(`No agent "${agentId}".`, 'USER_NOT_FOUND');
    return agent;
  }

  /**
   * Inside `trx`: locks the agent's row and checks one more chat fits their capacity (open chats
   * plus standing offers, `exceptId` not counted), else 409 `AGENT_AT_CAPACITY`.
   */
  private async reserveSlot(
    trx: Knex.Transaction,
    tenantId: string,
    agent: UserSnapshot,
    exceptId?: string,
  ): Promise<void> {
    await this.lockAgent(trx, tenantId, agent.id);
    const load = await countOpen(trx, agent.id, exceptId);
    if (load >= agent.capacity) {
      throw new ConflictError(
        `${agent.name} is at capacity (${load}/${agent.capacity} chats).`,
        'AGENT_AT_CAPACITY',
        { load, capacity: agent.capacity },
      );
    }
  }

  /** Serialises capacity checks per agent across processes (PostgreSQL row lock). */
  private async lockAgent(trx: Knex.Transaction, tenantId: string, agentId: string): Promise<void> {
    let query = trx('core_users').where({ id: agentId, tenant_id: tenantId }).first('id');
    if (this.deps.dialect === 'postgres') query = query.forUpdate();
    const row = await query;
    if (!row) throw new NotFoundError(`No agent "${agentId}".`, 'USER_NOT_FOUND');
  }
}

/** What `assignMany` also does inside its transaction. */
export interface AssignManyOptions {
  /**
   * Writes the caller's own rows about the items that committed (a routing plugin's decision
   * records), in the same transaction: both commit, or neither does.
   */
  readonly inTransaction?: (
    trx: Knex.Transaction,
    committed: readonly AssignManyOutcome[],
  ) => Promise<void>;
}

/** A waiting chat taken by an agent: its new state and its `agent.joined` event, as stored. */
function joined(before: ConversationRecord, agentId: string, name: string, now: number): Appended {
  const event = systemEvent(
    before.tenantId,
    before.id,
    'agent.joined',
    `${name} joined the chat.`,
    { agentId, authorName: name, agentName: name },
  );
  const conversation: ConversationRecord = {
    ...before,
    state: 'active',
    assignedAgentId: agentId,
    offeredTo: null,
    offerExpiresAt: null,
    waitingSince: null,
    lastSeq: before.lastSeq + 1,
    lastVisitorSeq: before.lastVisitorSeq + 1,
    colour: colourOf('active', before.lastAuthor),
    updatedAt: now,
  };
  return {
    message: {
      id: newId('msg', now),
      tenantId: before.tenantId,
      conversationId: before.id,
      seq: conversation.lastSeq,
      visitorSeq: conversation.lastVisitorSeq,
      author: event.author,
      kind: event.kind,
      visibility: event.visibility,
      body: event.body,
      clientMessageId: null,
      metadata: event.metadata,
      createdAt: now,
    },
    conversation,
    duplicate: false,
    stateChange: null,
    changed: true,
  };
}

/** One item of `assignMany`: `code` is null when it committed, else why it did not. */
export interface AssignManyOutcome {
  readonly conversationId: string;
  readonly agentId: string;
  readonly code: null | 'CONVERSATION_TAKEN' | 'AGENT_AT_CAPACITY' | 'USER_NOT_FOUND';
}

/** Open conversations an agent holds. */
export async function countOpen(
  trx: Knex | Knex.Transaction,
  agentId: string,
  exceptId?: string,
): Promise<number> {
  let query = trx('core_conversations').where((q) =>
    q
      .where((open) => open.where({ assigned_agent_id: agentId }).whereNull('ended_at'))
      .orWhere((offered) => offered.where({ offered_to: agentId, state: 'waiting' })),
  );
  if (exceptId) query = query.whereNot({ id: exceptId });
  const row = (await query.count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

function canSee(principal: Principal, record: ConversationRecord): boolean {
  if (principal.kind === 'system') return true;
  if (principal.tenantId !== record.tenantId) return false;
  if (principal.kind === 'visitor') return principal.visitorId === record.visitorId;
  return hasPermission(principal, Permissions.ConversationRead);
}

/** A public system event message: the change gets a seq and replays like any message. */
export function systemEvent(
  tenantId: string,
  conversationId: string,
  event: string,
  text: string,
  metadata: Record<string, unknown> = {},
): NewMessage {
  return {
    tenantId,
    conversationId,
    author: { kind: 'system', id: null },
    kind: 'event',
    visibility: 'public',
    body: text,
    metadata: { event, ...metadata },
    clientMessageId: null,
  };
}
