import type {
  ConversationEvent,
  MessageEvent as ChatMessageEvent,
  TypingEvent,
} from '@switchboard/sdk/client';
import type { HostPage, WidgetEventName } from '../common/widget-protocol.js';
import type {
  MessagePage,
  QueueStatus,
  RequestAnswer,
  VisitorConversationView,
  VisitorMessageView,
  WidgetConfig,
} from './api-types.js';
import { ChatMessages } from './chat-messages.js';
import { VisitorSession } from './visitor-session.js';

/** Where the visitor is in a chat's life. */
export type Phase =
  /** Opening the visitor session. */
  | 'starting'
  /** The server could not be reached or refused the session. */
  | 'unavailable'
  /** The pre-chat form (or just a "Start chat" button when the site asks nothing). */
  | 'prechat'
  | 'requesting'
  /** In the queue: position, estimated wait, the `widget.waiting` slot. */
  | 'waiting'
  | 'chatting'
  /** Nobody is available: the offline message form. */
  | 'offline'
  | 'offline-sent'
  /** The chat ended: the exit survey. */
  | 'ended'
  | 'survey-sent';

const QUEUE_POLL_MS = 5000;
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;
const AGENT_TYPING_TIMEOUT_MS = 8000;

/**
 * The chat window's model: the visitor session, the conversation and its messages, the queue
 * position, what the agent is doing. Views render from it and call its methods; it dispatches
 * `change` after every change. It talks to the server directly (same origin as the frame).
 */
export class ChatController extends EventTarget {
  phase: Phase = 'starting';
  session: VisitorSession | null = null;
  conversation: VisitorConversationView | null = null;
  readonly messages = new ChatMessages();
  agentTyping = false;
  queue: QueueStatus | null = null;
  /** The text of the offline form (the server's diversion message, else the site's). */
  offlineText: string;
  /** Last problem worth showing to the visitor, or null. */
  error: string | null = null;
  /** Latest text for the screen-reader live region; `announced` counts so repeats are read. */
  announcement = '';
  announced = 0;

  private pendingPage: HostPage | null = null;
  private pendingData: Record<string, unknown> | null = null;
  private queueTimer: ReturnType<typeof setInterval> | null = null;
  private typingSentAt = 0;
  private typingIdle: ReturnType<typeof setTimeout> | null = null;
  private agentTypingTimer: ReturnType<typeof setTimeout> | null = null;
  private queueEndpoint = true;
  private ready: Promise<void> | null = null;

  constructor(
    readonly config: WidgetConfig,
    private readonly embedKey: string,
    private readonly emit: (name: WidgetEventName, detail: unknown) => void,
  ) {
    super();
    this.offlineText = config.branding.offlineMessage;
  }

  /** Opens (or resumes) the visitor session and picks up an open conversation. Idempotent. */
  start(): Promise<void> {
    this.ready ??= this.open().catch((error: unknown) => {
      this.phase = 'unavailable';
      this.error = messageOf(error, 'The chat is not available right now.');
      this.changed();
    });
    return this.ready;
  }

  private async open(): Promise<void> {
    const session = await VisitorSession.open(this.embedKey);
    this.session = session;
    const client = session.client;
    client.on('message.created', (e) => this.onMessage(e as ChatMessageEvent<VisitorMessageView>));
    client.on('conversation.updated', (e) =>
      this.onConversation((e as ConversationEvent<VisitorConversationView>).conversation),
    );
    client.on('typing', (e) => this.onTyping(e));
    client.on('hello', () => void this.sync());
    client.on('resume.gap', () => void this.sync());
    client.on('unauthorized', () => {
      this.phase = 'unavailable';
      this.error = 'Your chat session ended. Reload the page to start again.';
      this.changed();
    });
    const open = session.me.conversation;
    if (open && open.state !== 'ended') this.adopt(open);
    else this.phase = 'prechat';
    this.changed();
    void client.connect().catch(() => undefined);
    await this.flushHostData();
  }

  /** The loader reported a page of the site (also before the session exists: the latest wins). */
  pageView(page: HostPage): void {
    this.pendingPage = page;
    void this.flushHostData();
  }

  /** The page called `Switchboard.set(data)`: merged, sent once the session exists. */
  setData(data: Readonly<Record<string, unknown>>): void {
    this.pendingData = { ...(this.pendingData ?? {}), ...data };
    void this.flushHostData();
  }

  private async flushHostData(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const page = this.pendingPage;
    const data = this.pendingData;
    this.pendingPage = this.pendingData = null;
    try {
      if (page) await session.api('POST', '/api/v1/visitor/page-views', page);
      if (data) await session.api('PUT', '/api/v1/visitor/data', { data });
    } catch {
      // Tracking is best effort; the chat does not depend on it.
    }
  }

  /** Sends the pre-chat answers and asks for a chat. */
  async requestChat(answers: Record<string, string>): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.phase = 'requesting';
    this.error = null;
    this.changed();
    try {
      const identity = identityOf(answers);
      if (identity) await session.api('PATCH', '/api/v1/visitor', identity);
      const answer = await session.api<RequestAnswer>('POST', '/api/v1/conversations', {
        ...(Object.keys(answers).length > 0 ? { prechat: answers } : {}),
      });
      if (answer.status === 'queued' || answer.status === 'assigned') {
        this.messages.clear();
        this.adopt(answer.conversation);
        this.emit('chat.started', { conversationId: answer.conversation.id });
        await this.sync();
      } else if (answer.status === 'refused') {
        this.phase = 'prechat';
        this.error = answer.message ?? 'Chats are not possible right now.';
      } else if ('message' in answer) {
        this.phase = 'offline';
        this.offlineText = answer.message ?? this.config.branding.offlineMessage;
      }
    } catch (error) {
      this.phase = 'prechat';
      this.error = messageOf(error, 'The chat could not start. Try again.');
    }
    this.changed();
  }

  /** Takes over a conversation (new or resumed) and shows the matching view. */
  private adopt(conversation: VisitorConversationView): void {
    this.conversation = conversation;
    this.session?.client.track(conversation.id, this.messages.lastSeq);
    this.phase = conversation.state === 'waiting' ? 'waiting' : 'chatting';
    this.watchQueue();
  }

  /** Refetches the conversation and the messages after the last one held (after a (re)connect). */
  async sync(): Promise<void> {
    const session = this.session;
    const id = this.conversation?.id;
    if (!session || !id) return;
    try {
      const current = await session.api<VisitorConversationView>(
        'GET',
        `/api/v1/conversations/${encodeURIComponent(id)}`,
      );
      // From the first hole: an event can arrive before the request's answer adopted the chat.
      let after = this.messages.contiguousSeq;
      for (let pages = 0; pages < 20; pages++) {
        const page = await session.api<MessagePage>(
          'GET',
          `/api/v1/conversations/${encodeURIComponent(id)}/messages?afterSeq=${after}&limit=200`,
        );
        for (const message of page.messages) this.messages.add(message);
        if (page.nextAfterSeq === null || page.messages.length === 0) break;
        after = page.nextAfterSeq;
      }
      session.client.track(id, this.messages.lastSeq);
      this.onConversation(current);
    } catch {
      // The socket will say hello again and we retry then.
    }
    this.changed();
  }

  private onConversation(conversation: VisitorConversationView): void {
    if (!this.conversation || conversation.id !== this.conversation.id) return;
    const before = this.conversation.state;
    this.conversation = conversation;
    if (conversation.state === 'ended') {
      if (this.phase === 'waiting' || this.phase === 'chatting' || this.phase === 'requesting') {
        // Ended before anyone joined: a missed chat. Offer the offline form instead.
        const joined = before !== 'waiting' || this.messages.hasAgentMessage;
        this.phase = joined ? 'ended' : 'offline';
        this.agentTyping = false;
        this.emit('chat.ended', { conversationId: conversation.id });
        this.announce(joined ? 'The chat has ended.' : this.offlineText);
      }
    } else if (conversation.state === 'waiting') {
      if (this.phase === 'chatting') this.phase = 'waiting';
    } else if (this.phase === 'waiting') {
      this.phase = 'chatting';
      this.announce('An agent joined the chat.');
    }
    this.watchQueue();
    this.changed();
  }

  private onMessage(event: ChatMessageEvent<VisitorMessageView>): void {
    if (event.conversationId !== this.conversation?.id) return;
    const message = event.message;
    if (!this.messages.add(message)) return;
    // A hole before this message (it came before we adopted the chat): fetch what is missing.
    if (this.messages.contiguousSeq < this.messages.lastSeq) void this.sync();
    if (message.author.kind !== 'visitor' && message.kind !== 'event') {
      this.agentTyping = false;
      const who = message.author.name ?? 'Agent';
      this.announce(`${who}: ${message.kind === 'file' ? `sent ${message.body}` : message.body}`);
      this.emit('message.received', { conversationId: event.conversationId });
    } else if (message.kind === 'event') {
      this.announce(message.body);
    }
    this.changed();
  }

  private onTyping(event: TypingEvent): void {
    if (event.conversationId !== this.conversation?.id || event.author.kind === 'visitor') return;
    this.agentTyping = event.typing;
    if (this.agentTypingTimer) clearTimeout(this.agentTypingTimer);
    if (event.typing) {
      this.agentTypingTimer = setTimeout(() => {
        this.agentTyping = false;
        this.changed();
      }, AGENT_TYPING_TIMEOUT_MS);
    }
    this.changed();
  }

  /** Polls the queue position while waiting (every ~5 s, and after each change). */
  private watchQueue(): void {
    const waiting = this.phase === 'waiting' && this.queueEndpoint;
    if (!waiting) {
      if (this.queueTimer) clearInterval(this.queueTimer);
      this.queueTimer = null;
      if (this.phase !== 'waiting') this.queue = null;
      return;
    }
    void this.pollQueue();
    this.queueTimer ??= setInterval(() => void this.pollQueue(), QUEUE_POLL_MS);
  }

  private async pollQueue(): Promise<void> {
    const id = this.conversation?.id;
    if (!this.session || !id || this.phase !== 'waiting') return;
    try {
      this.queue = await this.session.api<QueueStatus>(
        'GET',
        `/api/v1/conversations/${encodeURIComponent(id)}/queue`,
      );
    } catch (error) {
      // A server without the queue route: show the waiting view without a position.
      if ((error as { status?: number }).status === 404) {
        this.queueEndpoint = false;
        this.watchQueue();
      }
    }
    this.changed();
  }

  /** Sends a text message (shown at once, confirmed when the server stored it). */
  async send(body: string): Promise<void> {
    const text = body.trim();
    const id = this.conversation?.id;
    if (!text || !id || !this.session) return;
    const clientMessageId = `w${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    this.messages.addPending(clientMessageId, text);
    this.stopTyping();
    this.changed();
    try {
      const answer = await this.session.api<{ message: VisitorMessageView | null }>(
        'POST',
        `/api/v1/conversations/${encodeURIComponent(id)}/messages`,
        { body: text, clientMessageId },
      );
      if (answer.message) this.messages.add(answer.message);
    } catch (error) {
      this.messages.fail(clientMessageId);
      this.error = messageOf(error, 'Your message could not be sent.');
    }
    this.changed();
  }

  /** The visitor typed: tells the agent, at most every few seconds, and stops after a pause. */
  typing(): void {
    const id = this.conversation?.id;
    if (!id || !this.session || this.phase === 'ended') return;
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_REPEAT_MS) {
      this.typingSentAt = now;
      this.sendTyping(id, true);
    }
    if (this.typingIdle) clearTimeout(this.typingIdle);
    this.typingIdle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    if (this.typingIdle) clearTimeout(this.typingIdle);
    this.typingIdle = null;
    const id = this.conversation?.id;
    if (this.typingSentAt === 0 || !id) return;
    this.typingSentAt = 0;
    this.sendTyping(id, false);
  }

  private sendTyping(conversationId: string, typing: boolean): void {
    void this.session?.client
      .call('conversation.typing', { conversationId, typing })
      .catch(() => undefined);
  }

  /** Uploads a file into the chat. */
  async upload(file: File): Promise<void> {
    const id = this.conversation?.id;
    if (!id || !this.session) return;
    this.error = null;
    const query = new URLSearchParams({
      filename: file.name || 'file',
      contentType: file.type || 'application/octet-stream',
    });
    try {
      const res = await fetch(
        `/api/v1/conversations/${encodeURIComponent(id)}/attachments?${query}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.session.token}`,
            'content-type': 'application/octet-stream',
          },
          body: file,
        },
      );
      const answer = (await res.json().catch(() => null)) as {
        message?: VisitorMessageView;
        error?: { message?: string };
      } | null;
      if (!res.ok) this.error = answer?.error?.message ?? 'The file could not be sent.';
      else if (answer?.message) this.messages.add(answer.message);
    } catch {
      this.error = 'The file could not be sent.';
    }
    this.changed();
  }

  /** Downloads an attachment of the chat (it needs the visitor's token, so no plain link). */
  async download(attachment: { id: string; filename: string }): Promise<void> {
    if (!this.session) return;
    try {
      const res = await fetch(`/api/v1/attachments/${encodeURIComponent(attachment.id)}`, {
        headers: { authorization: `Bearer ${this.session.token}` },
      });
      if (!res.ok) throw new Error('The file is no longer available.');
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = attachment.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.error = messageOf(error, 'The file could not be downloaded.');
      this.changed();
    }
  }

  /** The visitor ends the chat. */
  async end(): Promise<void> {
    const id = this.conversation?.id;
    if (!id || !this.session) return;
    try {
      const current = await this.session.api<VisitorConversationView>(
        'POST',
        `/api/v1/conversations/${encodeURIComponent(id)}/end`,
        {},
      );
      this.onConversation(current);
    } catch (error) {
      this.error = messageOf(error, 'The chat could not be ended.');
      this.changed();
    }
  }

  /** The offline form: name and email (when given) and the message. */
  async leaveMessage(form: { name: string; email: string; message: string }): Promise<boolean> {
    if (!this.session) return false;
    this.error = null;
    try {
      const identity = identityOf({ name: form.name, email: form.email });
      if (identity) await this.session.api('PATCH', '/api/v1/visitor', identity);
      await this.session.api('POST', '/api/v1/visitor/offline-messages', { body: form.message });
      this.phase = 'offline-sent';
      this.announce('Thank you. Your message was sent.');
      this.changed();
      return true;
    } catch (error) {
      this.error = messageOf(error, 'Your message could not be sent. Try again.');
      this.changed();
      return false;
    }
  }

  /** The exit survey: a 1–5 rating and an optional comment. */
  async submitSurvey(rating: number, comment: string): Promise<boolean> {
    const id = this.conversation?.id;
    if (!id || !this.session) return false;
    this.error = null;
    try {
      await this.session.api('POST', `/api/v1/conversations/${encodeURIComponent(id)}/survey`, {
        rating,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      this.phase = 'survey-sent';
      this.announce('Thank you for your feedback.');
      this.changed();
      return true;
    } catch (error) {
      this.error = messageOf(error, 'Your feedback could not be sent.');
      this.changed();
      return false;
    }
  }

  /** Back to the start: a new chat can be requested. */
  newChat(): void {
    if (this.conversation) this.session?.client.untrack(this.conversation.id);
    this.conversation = null;
    this.messages.clear();
    this.queue = null;
    this.error = null;
    this.phase = 'prechat';
    this.changed();
  }

  dismissError(): void {
    this.error = null;
    this.changed();
  }

  private announce(text: string): void {
    this.announcement = text;
    this.announced++;
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

/** The `visitor.identify` input of a form's answers (`name`, `email` keys), or null. */
function identityOf(answers: Record<string, string>): { name?: string; email?: string } | null {
  const name = answers.name?.trim();
  const email = answers.email?.trim();
  const identity = {
    ...(name ? { name: name.slice(0, 200) } : {}),
    ...(email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? { email } : {}),
  };
  return Object.keys(identity).length > 0 ? identity : null;
}

function messageOf(error: unknown, fallback: string): string {
  const status = (error as { status?: number }).status;
  const message = (error as { message?: unknown }).message;
  // The server's 4xx messages are written for people; anything else gets the fallback.
  return status && status >= 400 && status < 500 && typeof message === 'string'
    ? message
    : fallback;
}
