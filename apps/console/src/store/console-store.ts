import type { ClientState, SwitchboardClient } from '@switchboard/sdk/client';
import type {
  ConversationEvent,
  MessageEvent,
  TypingEvent,
  VisitorEvent,
} from '@switchboard/sdk/client';
import type { ConsoleSession } from '../session.js';
import { newClientMessageId } from '../util/format.js';
import type {
  ConversationSnapshot,
  MessageSnapshot,
  Notice,
  UserSnapshot,
  VisitorDetails,
  VisitorRow,
} from './types.js';

type Listener = () => void;
type Presence = UserSnapshot['presence'];

const OPEN_KEY = 'switchboard.console.open';
const TYPING_TTL_MS = 8000;

/**
 * The console's one store. It subscribes to the client's events once and keeps what every view
 * reads: conversations (open ones of the tenant, plus any opened in the dock), their messages,
 * visitors with the colour code, typing, the open-conversations dock and the agent's presence.
 * Views subscribe with {@link StoreController}; actions go through the store so its state and
 * the server stay in step. Notices (new message, new waiting chat, offer) go to
 * {@link onNotice} listeners: the live announcer and the notifications service.
 */
export class ConsoleStore {
  readonly conversations = new Map<string, ConversationSnapshot>();
  readonly messages = new Map<string, MessageSnapshot[]>();
  readonly visitors = new Map<string, VisitorRow>();
  readonly details = new Map<string, VisitorDetails>();
  readonly users = new Map<string, UserSnapshot>();
  /** Who is typing, per conversation: `visitor` or agent ids. */
  readonly typing = new Map<string, Set<string>>();
  /** Conversation ids in the dock, in tab order. */
  openIds: string[] = [];
  activeId: string | null = null;
  presence: Presence;
  connection: ClientState = 'idle';
  /** The last problem worth showing (a refused action), cleared by the next success. */
  lastError: string | null = null;

  private readonly listeners = new Set<Listener>();
  private readonly noticeListeners = new Set<(notice: Notice) => void>();
  private readonly unsubscribes: (() => void)[] = [];
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly subscribed = new Set<string>();
  private notifyScheduled = false;

  constructor(readonly session: ConsoleSession) {
    this.presence = session.user.presence;
    try {
      const saved = JSON.parse(sessionStorage.getItem(OPEN_KEY) ?? 'null') as {
        open?: string[];
        active?: string | null;
      } | null;
      this.openIds = Array.isArray(saved?.open)
        ? saved.open.filter((id) => typeof id === 'string')
        : [];
      this.activeId = saved?.active && this.openIds.includes(saved.active) ? saved.active : null;
    } catch {
      this.openIds = [];
    }
  }

  get client(): SwitchboardClient {
    return this.session.client;
  }

  get me(): string {
    return this.session.user.id;
  }

  // --- subscriptions ---

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onNotice(listener: (notice: Notice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /** Coalesces changes into one notification per microtask. */
  private changed(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }

  private notice(notice: Notice): void {
    for (const listener of [...this.noticeListeners]) {
      try {
        listener(notice);
      } catch {
        // A listener's problem is its own.
      }
    }
  }

  // --- lifecycle ---

  /** Subscribes to the client's events and loads the lists; resolves once the socket is up. */
  async start(): Promise<void> {
    const c = this.client;
    this.unsubscribes.push(
      c.on('message.created', (e) => this.onMessage(e as MessageEvent<MessageSnapshot>)),
      c.on('conversation.updated', (e) =>
        this.onConversation((e as ConversationEvent<ConversationSnapshot>).conversation),
      ),
      c.on('typing', (e) => this.onTyping(e)),
      c.on('visitor.updated', (e) => this.onVisitor(e)),
      c.on('presence', (e) => {
        if (e.userId === this.me) this.presence = e.presence;
        const user = this.users.get(e.userId);
        if (user) this.users.set(e.userId, { ...user, presence: e.presence });
        this.changed();
      }),
      c.on('resume.gap', (e) => void this.loadMessages(e.conversationId)),
      c.on('hello', () => void this.refresh()),
      c.on('state', (state) => {
        this.connection = state;
        this.changed();
      }),
    );
    this.connection = c.state;
    await c.connect();
  }

  stop(): void {
    for (const off of this.unsubscribes.splice(0)) off();
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    this.listeners.clear();
    this.noticeListeners.clear();
  }

  /** Reloads everything the socket does not replay (first connect and every reconnect). */
  async refresh(): Promise<void> {
    const api = this.session.api.bind(this.session);
    const [open, queue, visitors, me] = await Promise.allSettled([
      api<{ conversations: ConversationSnapshot[] }>('/api/v1/conversations?state=open&limit=200'),
      api<{ queue: ConversationSnapshot[] }>('/api/v1/queue'),
      api<{ visitors: VisitorRow[] }>('/api/v1/visitors?limit=200'),
      api<{ user: UserSnapshot }>('/api/v1/auth/me'),
    ]);
    if (open.status === 'fulfilled') {
      for (const conversation of open.value.conversations) this.onConversation(conversation, true);
    }
    if (queue.status === 'fulfilled') {
      for (const conversation of queue.value.queue) this.onConversation(conversation, true);
    }
    if (visitors.status === 'fulfilled') {
      for (const visitor of visitors.value.visitors) this.visitors.set(visitor.id, visitor);
    }
    if (me.status === 'fulfilled' && me.value.user) this.presence = me.value.user.presence;
    void this.loadUsers();
    this.subscribed.clear();
    for (const id of this.openIds) void this.ensureLoaded(id, true);
    this.changed();
  }

  private async loadUsers(): Promise<void> {
    try {
      const { users } = await this.session.api<{ users: UserSnapshot[] }>('/api/v1/users');
      for (const user of users) this.users.set(user.id, user);
      this.changed();
    } catch {
      // Names then fall back to what messages carry.
    }
  }

  // --- events ---

  private onConversation(conversation: ConversationSnapshot, fromList = false): void {
    const before = this.conversations.get(conversation.id);
    if (before && before.updatedAt > conversation.updatedAt) return;
    this.conversations.set(conversation.id, conversation);
    const visitor = this.visitors.get(conversation.visitorId);
    if (visitor) {
      const open = conversation.state !== 'ended';
      this.visitors.set(visitor.id, {
        ...visitor,
        colour: open ? conversation.colour : 'blue',
        openConversationId: open ? conversation.id : null,
      });
    } else {
      void this.loadVisitor(conversation.visitorId, false);
    }
    const name = this.visitorName(conversation.visitorId);
    if (
      conversation.state === 'waiting' &&
      !conversation.offeredTo &&
      before?.state !== 'waiting' &&
      !fromList
    ) {
      this.notice({ kind: 'waiting', conversationId: conversation.id, name });
    }
    if (conversation.offeredTo === this.me && before?.offeredTo !== this.me && !fromList) {
      this.notice({ kind: 'offer', conversationId: conversation.id, name });
    }
    const mine = conversation.assignedAgentId === this.me && conversation.state !== 'ended';
    if (mine && before?.assignedAgentId !== this.me) {
      this.addToDock(conversation.id, this.activeId === null);
    }
    // A gap (e.g. the agent.joined event sent before we watched it): fetch what is missing.
    if (this.openIds.includes(conversation.id)) {
      const list = this.messages.get(conversation.id);
      const last = list?.at(-1)?.seq ?? 0;
      if (list && conversation.lastSeq > last) void this.loadMessages(conversation.id);
    }
    this.changed();
  }

  private onMessage(event: MessageEvent<MessageSnapshot>): void {
    const added = this.insertMessage(event.message);
    this.clearTyping(
      event.conversationId,
      event.message.author.kind === 'visitor' ? 'visitor' : (event.message.author.id ?? ''),
    );
    if (!added) return;
    const message = event.message;
    const conversation = this.conversations.get(event.conversationId);
    const relevant =
      this.openIds.includes(event.conversationId) || conversation?.assignedAgentId === this.me;
    if (message.author.kind === 'visitor' && message.kind !== 'event' && relevant) {
      const name = conversation ? this.visitorName(conversation.visitorId) : 'Visitor';
      this.notice({
        kind: 'message',
        conversationId: event.conversationId,
        name,
        text: message.body,
      });
    }
    this.changed();
  }

  private onTyping(event: TypingEvent): void {
    const who = event.author.kind === 'visitor' ? 'visitor' : (event.author.id ?? '');
    if (who === this.me) return;
    const set = this.typing.get(event.conversationId) ?? new Set<string>();
    const key = `${event.conversationId}|${who}`;
    clearTimeout(this.typingTimers.get(key));
    if (event.typing) {
      set.add(who);
      this.typingTimers.set(
        key,
        setTimeout(() => this.clearTyping(event.conversationId, who), TYPING_TTL_MS),
      );
    } else {
      set.delete(who);
    }
    this.typing.set(event.conversationId, set);
    this.changed();
  }

  private clearTyping(conversationId: string, who: string): void {
    const set = this.typing.get(conversationId);
    if (!set?.delete(who)) return;
    clearTimeout(this.typingTimers.get(`${conversationId}|${who}`));
    this.changed();
  }

  private onVisitor(event: VisitorEvent): void {
    const before = this.visitors.get(event.visitor.id);
    this.visitors.set(event.visitor.id, { ...before, ...event.visitor });
    // Page views and history are not in the event: reload them if someone is looking.
    if (this.details.has(event.visitor.id)) void this.loadVisitor(event.visitor.id, true);
    this.changed();
  }

  private insertMessage(message: MessageSnapshot): boolean {
    const list = this.messages.get(message.conversationId);
    if (!list) return false;
    if (list.some((m) => m.id === message.id)) return false;
    const index = list.findIndex((m) => m.seq > message.seq);
    if (index < 0) list.push(message);
    else list.splice(index, 0, message);
    this.messages.set(message.conversationId, [...list]);
    this.client.track(message.conversationId, list.at(-1)!.seq);
    return true;
  }

  // --- loading ---

  /** Loads a conversation, its messages and its visitor, and watches it on the socket. */
  async ensureLoaded(conversationId: string, force = false): Promise<void> {
    if (!force && this.messages.has(conversationId)) return;
    const pending = this.loading.get(conversationId);
    if (pending && !force) return pending;
    const job = (async () => {
      try {
        if (!this.subscribed.has(conversationId)) {
          await this.client.call('conversation.subscribe', { conversationId });
          this.subscribed.add(conversationId);
        }
        const conversation = await this.session.api<ConversationSnapshot>(
          `/api/v1/conversations/${encodeURIComponent(conversationId)}`,
        );
        this.onConversation(conversation, true);
        if (!this.messages.has(conversationId)) this.messages.set(conversationId, []);
        await this.loadMessages(conversationId);
        await this.loadVisitor(conversation.visitorId, true);
      } catch (error) {
        this.lastError = `Could not open the conversation: ${(error as Error).message}`;
        this.changed();
      } finally {
        this.loading.delete(conversationId);
      }
    })();
    this.loading.set(conversationId, job);
    return job;
  }

  /** Fetches the messages after the newest one held (all of them the first time). */
  async loadMessages(conversationId: string): Promise<void> {
    if (!this.messages.has(conversationId)) this.messages.set(conversationId, []);
    let after = this.messages.get(conversationId)!.at(-1)?.seq ?? 0;
    for (let page = 0; page < 50; page++) {
      const res = await this.session.api<{
        messages: MessageSnapshot[];
        nextAfterSeq: number | null;
      }>(
        `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages?afterSeq=${after}&limit=500`,
      );
      for (const message of res.messages) this.insertMessage(message);
      this.changed();
      if (res.nextAfterSeq === null || res.messages.length === 0) break;
      after = res.nextAfterSeq;
    }
  }

  /** Loads a visitor (and, with `details`, their page views and past conversations). */
  async loadVisitor(visitorId: string, details: boolean): Promise<void> {
    const key = `visitor|${visitorId}|${details}`;
    if (this.loading.has(key)) return this.loading.get(key);
    const job = (async () => {
      try {
        const id = encodeURIComponent(visitorId);
        const got = await this.session.api<{
          visitor: VisitorRow;
          pageViews: VisitorDetails['pageViews'];
        }>(`/api/v1/visitors/${id}`);
        const before = this.visitors.get(visitorId);
        this.visitors.set(visitorId, { ...before, ...got.visitor });
        if (details) {
          const history = await this.session
            .api<{ history: VisitorDetails['history'] }>(`/api/v1/visitors/${id}/history?limit=20`)
            .catch(() => ({ history: [] }));
          this.details.set(visitorId, { pageViews: got.pageViews, history: history.history });
        }
        this.changed();
      } catch {
        // The panel shows what it has.
      } finally {
        this.loading.delete(key);
      }
    })();
    this.loading.set(key, job);
    return job;
  }

  // --- dock ---

  /** Opens a conversation in the dock (and makes it the active tab unless told otherwise). */
  open(conversationId: string, activate = true): void {
    this.addToDock(conversationId, activate);
    void this.ensureLoaded(conversationId);
    this.changed();
  }

  private addToDock(conversationId: string, activate: boolean): void {
    if (!this.openIds.includes(conversationId)) this.openIds = [...this.openIds, conversationId];
    if (activate) this.activeId = conversationId;
    if (!this.messages.has(conversationId)) void this.ensureLoaded(conversationId);
    this.saveDock();
  }

  close(conversationId: string): void {
    const index = this.openIds.indexOf(conversationId);
    this.openIds = this.openIds.filter((id) => id !== conversationId);
    if (this.activeId === conversationId) {
      this.activeId = this.openIds[Math.min(index, this.openIds.length - 1)] ?? null;
    }
    const conversation = this.conversations.get(conversationId);
    if (conversation?.assignedAgentId !== this.me && this.subscribed.delete(conversationId)) {
      this.client.call('conversation.unsubscribe', { conversationId }).catch(() => undefined);
    }
    this.saveDock();
    this.changed();
  }

  setActive(conversationId: string): void {
    if (!this.openIds.includes(conversationId)) return this.open(conversationId);
    this.activeId = conversationId;
    this.saveDock();
    this.changed();
  }

  private saveDock(): void {
    try {
      sessionStorage.setItem(
        OPEN_KEY,
        JSON.stringify({ open: this.openIds, active: this.activeId }),
      );
    } catch {
      // Storage full or disabled: the dock just does not survive a reload.
    }
  }

  // --- actions ---

  private async act<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      this.lastError = null;
      this.changed();
      return result;
    } catch (error) {
      this.lastError = `${what}: ${(error as Error).message}`;
      this.notice({ kind: 'info', text: this.lastError });
      this.changed();
      return undefined;
    }
  }

  async send(conversationId: string, body: string, internal: boolean): Promise<boolean> {
    const result = await this.act('Could not send the message', () =>
      this.client.call<{ message: MessageSnapshot }>('conversation.send', {
        conversationId,
        body,
        visibility: internal ? 'internal' : 'public',
        clientMessageId: newClientMessageId(),
      }),
    );
    if (result?.message) this.insertMessage(result.message);
    this.changed();
    return result !== undefined;
  }

  async sendFile(conversationId: string, file: File, internal: boolean): Promise<boolean> {
    const params = new URLSearchParams({
      filename: file.name,
      contentType: file.type || 'application/octet-stream',
      clientMessageId: newClientMessageId(),
    });
    if (internal) params.set('visibility', 'internal');
    const result = await this.act('Could not send the file', async () => {
      const res = await fetch(
        `/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments?${params}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.session.token}`,
            'content-type': 'application/octet-stream',
            accept: 'application/json',
          },
          body: file,
        },
      );
      const body = (await res.json().catch(() => ({}))) as {
        message?: MessageSnapshot;
        error?: { message?: string };
      };
      if (!res.ok) throw new Error(body.error?.message ?? `upload failed (${res.status})`);
      return body;
    });
    if (result?.message) this.insertMessage(result.message);
    this.changed();
    return result !== undefined;
  }

  typingSignal(conversationId: string, typing: boolean, internal: boolean): void {
    this.client
      .call('conversation.typing', {
        conversationId,
        typing,
        visibility: internal ? 'internal' : 'public',
      })
      .catch(() => undefined);
  }

  private async conversationAction(
    what: string,
    type: string,
    data: Record<string, unknown>,
  ): Promise<boolean> {
    const result = await this.act(what, () => this.client.call<unknown>(type, data));
    if (result && typeof result === 'object' && 'id' in result && 'state' in result) {
      this.onConversation(result as ConversationSnapshot);
    }
    return result !== undefined;
  }

  pick(conversationId: string): Promise<boolean> {
    return this.conversationAction('Could not take the chat', 'conversation.pick', {
      conversationId,
    });
  }

  accept(conversationId: string): Promise<boolean> {
    return this.conversationAction('Could not accept the chat', 'conversation.accept', {
      conversationId,
    });
  }

  decline(conversationId: string): Promise<boolean> {
    return this.conversationAction('Could not decline the chat', 'conversation.decline', {
      conversationId,
    });
  }

  /** Transfers to an agent, or back to the queue with `toAgentId` null. */
  transfer(conversationId: string, toAgentId: string | null): Promise<boolean> {
    return this.conversationAction(
      'Could not transfer the chat',
      'conversation.transfer',
      toAgentId ? { conversationId, toAgentId } : { conversationId },
    );
  }

  end(conversationId: string): Promise<boolean> {
    return this.conversationAction('Could not end the chat', 'conversation.end', {
      conversationId,
    });
  }

  async setPresence(presence: Presence): Promise<void> {
    const before = this.presence;
    this.presence = presence;
    this.changed();
    const ok = await this.act('Could not change your presence', () =>
      this.client.call('presence.set', { presence }),
    );
    if (ok === undefined) this.presence = before;
    this.changed();
  }

  // --- derived ---

  visitorName(visitorId: string): string {
    const visitor = this.visitors.get(visitorId);
    return visitor?.name || `Visitor ${visitorId.slice(-4)}`;
  }

  userName(userId: string | null): string {
    if (!userId) return 'Agent';
    if (userId === this.me) return this.session.user.name;
    return this.users.get(userId)?.name ?? 'Agent';
  }

  /** Open conversations, most urgent first: offers to me, waiting, mine, then others. */
  openConversations(): ConversationSnapshot[] {
    const rank = (c: ConversationSnapshot) =>
      c.offeredTo === this.me
        ? 0
        : c.state === 'waiting'
          ? 1
          : c.assignedAgentId === this.me
            ? 2
            : 3;
    return [...this.conversations.values()]
      .filter((c) => c.state !== 'ended')
      .sort((a, b) => rank(a) - rank(b) || b.updatedAt - a.updatedAt);
  }

  queue(): ConversationSnapshot[] {
    return [...this.conversations.values()]
      .filter((c) => c.state === 'waiting')
      .sort(
        (a, b) =>
          b.priority - a.priority ||
          (a.waitingSince ?? a.createdAt) - (b.waitingSince ?? b.createdAt),
      );
  }

  /** Does this conversation wait for this agent (an answer, an offer, a pick)? */
  needsMe(c: ConversationSnapshot): boolean {
    if (c.state === 'ended') return false;
    if (c.state === 'waiting') return !c.offeredTo || c.offeredTo === this.me;
    return c.assignedAgentId === this.me && c.colour === 'yellow';
  }

  waitingCount(): number {
    let count = 0;
    for (const c of this.conversations.values()) if (this.needsMe(c)) count++;
    return count;
  }

  typingIn(conversationId: string): string[] {
    const set = this.typing.get(conversationId);
    if (!set || set.size === 0) return [];
    return [...set].map((who) => (who === 'visitor' ? 'Visitor' : this.userName(who)));
  }
}
