import type { Knex } from 'knex';
import {
  ConflictError,
  NotFoundError,
  type Author,
  type MessageSnapshot,
  type Visibility,
} from '@switchboard/sdk';
import { colourOf, toConversation, type ConversationRecord } from './conversation-record.js';
import type { StoredMessage } from './egress.js';
import { newId } from './ids.js';
import { writeJson } from './json-column.js';
import { toMessage } from './message-record.js';

/** A message ready to be stored (after `session.beforeMessage`). */
export interface NewMessage {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly author: Author;
  readonly kind: MessageSnapshot['kind'];
  readonly visibility: Visibility;
  readonly body: string;
  readonly metadata: Record<string, unknown>;
  readonly clientMessageId: string | null;
  /**
   * Checked against the locked conversation row inside the transaction, so no check can go stale
   * between reading and writing: the visitor who must own it, the agent who must hold it.
   */
  readonly guard?: {
    readonly visitorId?: string;
    readonly agentId?: string;
    readonly open?: boolean;
  };
}

/** What appending one message did. */
export interface Appended {
  readonly message: StoredMessage;
  /** The conversation after the append. */
  readonly conversation: ConversationRecord;
  /** True when the client message id was already stored: nothing new was written. */
  readonly duplicate: boolean;
  /** Set when the append moved the conversation out of `idle`. */
  readonly stateChange: { from: 'idle'; to: 'active' } | null;
  /** True when what the console lists changed (state, colour), not only the counters. */
  readonly changed: boolean;
}

const INSERT_CHUNK = 50;

/**
 * Appends messages to conversations with a gap-free per-conversation `seq` (and a visitor seq
 * over the public ones). The conversation row is locked (`FOR UPDATE` on PostgreSQL; sqlite runs
 * one writer at a time) while seqs are assigned, so concurrent writers on several processes can
 * never assign the same seq. `appendMany` stores a whole batch in one transaction: the writer
 * below uses it for group commit.
 */
export class MessageLog {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  /** Appends `messages` in order inside `trx`; every message gets its own outcome or error. */
  async appendMany(
    trx: Knex.Transaction,
    messages: readonly NewMessage[],
    now: number,
  ): Promise<(Appended | Error)[]> {
    const ids = [...new Set(messages.map((m) => m.conversationId))];
    let query = trx('core_conversations').whereIn('id', ids);
    if (this.dialect === 'postgres') query = query.forUpdate();
    const rows = (await query) as Record<string, unknown>[];
    const conversations = new Map(rows.map((r) => [r.id as string, toConversation(r)]));
    const existing = await this.findExisting(trx, messages);

    const outcomes: (Appended | Error)[] = [];
    const inserts: Record<string, unknown>[] = [];
    const touched = new Map<string, { from: ConversationRecord; to: ConversationRecord }>();
    const seen = new Map<string, Appended>();
    for (const m of messages) {
      const current = conversations.get(m.conversationId);
      if (!current || current.tenantId !== m.tenantId) {
        outcomes.push(notFound());
        continue;
      }
      const key = m.clientMessageId
        ? idemKey(m.conversationId, m.author.id, m.clientMessageId)
        : null;
      const earlier = key ? (existing.get(key) ?? seen.get(key)?.message) : undefined;
      if (earlier) {
        outcomes.push({
          message: earlier,
          conversation: current,
          duplicate: true,
          stateChange: null,
          changed: false,
        });
        continue;
      }
      const refusal = checkGuard(m, current);
      if (refusal) {
        outcomes.push(refusal);
        continue;
      }
      const lastSeq = current.lastSeq + 1;
      const isPublic = m.visibility === 'public';
      const lastVisitorSeq = current.lastVisitorSeq + (isPublic ? 1 : 0);
      const speaks =
        isPublic &&
        m.kind !== 'event' &&
        (m.author.kind === 'visitor' || m.author.kind === 'agent' || m.author.kind === 'bot');
      const wakes = current.state === 'idle' && speaks;
      const next: ConversationRecord = {
        ...current,
        lastSeq,
        lastVisitorSeq,
        lastAuthor: speaks
          ? m.author.kind === 'bot'
            ? 'agent'
            : m.author.kind
          : current.lastAuthor,
        state: wakes ? 'active' : current.state,
        updatedAt: now,
      };
      const withColour = { ...next, colour: colourOf(next.state, next.lastAuthor) };
      conversations.set(m.conversationId, withColour);
      const prior = touched.get(m.conversationId);
      touched.set(m.conversationId, { from: prior?.from ?? current, to: withColour });
      const message: StoredMessage = {
        id: newId('msg', now),
        tenantId: m.tenantId,
        conversationId: m.conversationId,
        seq: lastSeq,
        visitorSeq: isPublic ? lastVisitorSeq : null,
        author: m.author,
        kind: m.kind,
        visibility: m.visibility,
        body: m.body,
        clientMessageId: m.clientMessageId,
        metadata: m.metadata,
        createdAt: now,
      };
      inserts.push({
        id: message.id,
        tenant_id: message.tenantId,
        conversation_id: message.conversationId,
        seq: message.seq,
        visitor_seq: message.visitorSeq,
        author_kind: message.author.kind,
        author_id: message.author.id,
        kind: message.kind,
        visibility: message.visibility,
        body: message.body,
        client_message_id: message.clientMessageId,
        metadata: writeJson(message.metadata),
        created_at: message.createdAt,
      });
      const appended: Appended = {
        message,
        conversation: withColour,
        duplicate: false,
        stateChange: wakes ? { from: 'idle', to: 'active' } : null,
        changed: wakes || withColour.colour !== current.colour,
      };
      if (key) seen.set(key, appended);
      outcomes.push(appended);
    }
    for (let i = 0; i < inserts.length; i += INSERT_CHUNK) {
      await trx('core_messages').insert(inserts.slice(i, i + INSERT_CHUNK));
    }
    if (touched.size === 1) {
      const [[id, { to }]] = [...touched];
      await trx('core_conversations').where({ id }).update({
        last_seq: to.lastSeq,
        last_visitor_seq: to.lastVisitorSeq,
        last_author: to.lastAuthor,
        state: to.state,
        updated_at: now,
      });
    } else if (touched.size > 1) {
      await this.updateCounters(
        trx,
        [...touched.values()].map((t) => t.to),
        now,
      );
    }
    return outcomes;
  }

  /**
   * Writes the new counters of many conversations in one statement (`CASE id WHEN … THEN …`),
   * so a batch costs the same few statements however many conversations it touches.
   */
  private async updateCounters(
    trx: Knex.Transaction,
    records: readonly ConversationRecord[],
    now: number,
  ): Promise<void> {
    // Casts give PostgreSQL the type of each bound value; sqlite accepts them as they are.
    const column = (type: 'INTEGER' | 'TEXT', pick: (r: ConversationRecord) => Knex.Value) => {
      const cases = records.map(() => `WHEN ? THEN CAST(? AS ${type})`).join(' ');
      const bindings: Knex.Value[] = records.flatMap((r) => [r.id, pick(r)]);
      return trx.raw(`CASE id ${cases} END`, bindings);
    };
    await trx('core_conversations')
      .whereIn(
        'id',
        records.map((r) => r.id),
      )
      .update({
        last_seq: column('INTEGER', (r) => r.lastSeq),
        last_visitor_seq: column('INTEGER', (r) => r.lastVisitorSeq),
        last_author: column('TEXT', (r) => r.lastAuthor),
        state: column('TEXT', (r) => r.state),
        updated_at: now,
      });
  }

  /** Appends one message in its own transaction (or `trx`). */
  async append(message: NewMessage, now: number, trx?: Knex.Transaction): Promise<Appended> {
    const run = async (t: Knex.Transaction) => (await this.appendMany(t, [message], now))[0]!;
    const outcome = trx ? await run(trx) : await this.knex.transaction(run);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  private async findExisting(
    trx: Knex.Transaction,
    messages: readonly NewMessage[],
  ): Promise<Map<string, StoredMessage>> {
    const found = new Map<string, StoredMessage>();
    const withIds = messages.filter((m) => m.clientMessageId);
    if (withIds.length === 0) return found;
    // The whole unique key, so the lookup is an index probe per message, not a scan of each
    // conversation's history.
    const keyed = withIds.filter((m) => m.author.id !== null);
    if (keyed.length === 0) return found;
    const rows = (await trx('core_messages').whereIn(
      ['conversation_id', 'author_id', 'client_message_id'],
      keyed.map((m) => [m.conversationId, m.author.id!, m.clientMessageId!]),
    )) as Record<string, unknown>[];
    for (const row of rows) {
      const message = toMessage(row);
      found.set(
        idemKey(message.conversationId, message.author.id, message.clientMessageId!),
        message,
      );
    }
    return found;
  }
}

function idemKey(conversationId: string, authorId: string | null, clientId: string): string {
  return `${conversationId}\u0000${authorId ?? ''}\u0000${clientId}`;
}

function notFound(): NotFoundError {
  return new NotFoundError('No such conversation.', 'CONVERSATION_NOT_FOUND');
}

function checkGuard(m: NewMessage, c: ConversationRecord): Error | null {
  const guard = m.guard;
  if (!guard) return null;
  if (guard.visitorId !== undefined && c.visitorId !== guard.visitorId) return notFound();
  if (guard.open && c.state === 'ended') {
    return new ConflictError('This conversation has ended; start a new one.', 'CONVERSATION_ENDED');
  }
  if (guard.agentId !== undefined && c.assignedAgentId !== guard.agentId) {
    return new ConflictError(
      'This conversation is not assigned to you; pick it or ask for a transfer first.',
      'CONVERSATION_NOT_ASSIGNED',
    );
  }
  return null;
}
