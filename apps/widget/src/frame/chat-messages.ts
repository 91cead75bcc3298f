import type { VisitorMessageView } from './api-types.js';

/** A message as the window shows it: a stored one, or one of ours still on its way. */
export interface ShownMessage {
  /** Message id, or `pending:<clientMessageId>` until the server answers. */
  readonly key: string;
  readonly seq: number;
  readonly mine: boolean;
  readonly kind: 'text' | 'file' | 'event';
  readonly authorName: string | null;
  readonly body: string;
  readonly attachment: VisitorMessageView['attachment'];
  readonly createdAt: number;
  readonly state: 'sent' | 'sending' | 'failed';
}

/**
 * The messages of the open conversation, in seq order, each once: deliveries are at least once
 * (socket, replay, REST refetch, the answer to our own send), so they are merged by id, and our
 * own optimistic copies are replaced by the stored message carrying their client message id.
 */
export class ChatMessages {
  private readonly byKey = new Map<string, ShownMessage>();
  private readonly pendingIds = new Map<string, string>();
  private sorted: ShownMessage[] | null = [];
  private readonly seqs = new Set<number>();
  private prefix = 0;
  lastSeq = 0;
  hasAgentMessage = false;

  /** The highest seq up to which every message is held (visitor seqs have no gaps). */
  get contiguousSeq(): number {
    while (this.seqs.has(this.prefix + 1)) this.prefix++;
    return this.prefix;
  }

  get list(): readonly ShownMessage[] {
    this.sorted ??= [...this.byKey.values()].sort(
      (a, b) => rank(a) - rank(b) || a.seq - b.seq || a.createdAt - b.createdAt,
    );
    return this.sorted;
  }

  /** Adds a stored message; false when it was already there. */
  add(message: VisitorMessageView): boolean {
    if (this.byKey.has(message.id)) return false;
    if (message.clientMessageId) {
      const key = this.pendingIds.get(message.clientMessageId);
      if (key) this.byKey.delete(key);
      this.pendingIds.delete(message.clientMessageId);
    }
    const mine = message.author.kind === 'visitor';
    this.byKey.set(message.id, {
      key: message.id,
      seq: message.seq,
      mine,
      kind: message.kind,
      authorName: message.author.name,
      body: message.body,
      attachment: message.attachment,
      createdAt: message.createdAt,
      state: 'sent',
    });
    if (!mine && message.kind !== 'event') this.hasAgentMessage = true;
    this.lastSeq = Math.max(this.lastSeq, message.seq);
    this.seqs.add(message.seq);
    this.sorted = null;
    return true;
  }

  /** Shows a message of ours before the server stored it. */
  addPending(clientMessageId: string, body: string): void {
    const key = `pending:${clientMessageId}`;
    this.pendingIds.set(clientMessageId, key);
    this.byKey.set(key, {
      key,
      seq: Number.MAX_SAFE_INTEGER,
      mine: true,
      kind: 'text',
      authorName: null,
      body,
      attachment: null,
      createdAt: Date.now(),
      state: 'sending',
    });
    this.sorted = null;
  }

  /** Our message could not be sent. */
  fail(clientMessageId: string): void {
    const key = this.pendingIds.get(clientMessageId);
    const shown = key ? this.byKey.get(key) : undefined;
    if (!key || !shown) return;
    this.byKey.set(key, { ...shown, state: 'failed' });
    this.sorted = null;
  }

  clear(): void {
    this.byKey.clear();
    this.pendingIds.clear();
    this.sorted = [];
    this.seqs.clear();
    this.prefix = 0;
    this.lastSeq = 0;
    this.hasAgentMessage = false;
  }
}

/** Stored messages first (by seq), then ours still on their way. */
function rank(message: ShownMessage): number {
  return message.state === 'sent' ? 0 : 1;
}
