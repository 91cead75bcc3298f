/**
 * <sb-whisper-threads>: the `conversation.sidebar` element "Internal chat". Lists the signed-in
 * user's internal threads on the open conversation (agent-to-agent, staff only: they are never
 * part of the conversation, so the visitor cannot see them), shows the chosen one live
 * (`plugin.whisper.thread.message` events) and sends with `POST …/threads/:id/messages`.
 * "Respond" on a whisper badge opens its thread here. Without threads it renders nothing.
 */
import type { SlotContext } from '@switchboard/sdk/ui';
import type { ThreadMessageView, ThreadView } from '../common/schemas.js';
import { BASE, BASE_CSS, OPEN_THREAD_EVENT, el, errorText, sheetOf } from './dom.js';

const styles = sheetOf(`${BASE_CSS}
section { border: 1px solid #d0d5dd; border-radius: 8px; padding: 8px; display: grid; gap: 6px; }
h2 { font-size: 1em; margin: 0; }
ol { list-style: none; margin: 0; padding: 0; max-height: 18em; overflow-y: auto;
  display: grid; gap: 4px; }
li { overflow-wrap: anywhere; white-space: pre-wrap; }
.author { font-weight: 600; }
.mine .author { color: #175cd3; }
form { display: grid; gap: 6px; }
`);

let ids = 0;

class WhisperThreads extends HTMLElement {
  private readonly root = this.attachShadow({ mode: 'open' });
  private ctx: SlotContext | null = null;
  private conversationId: string | null = null;
  private threads: ThreadView[] = [];
  private selected: string | null = null;
  private messages = new Map<string, ThreadMessageView[]>();
  private list: HTMLOListElement | null = null;
  private error = '';
  private busy = false;
  private draft = '';
  private unsubscribe: (() => void)[] = [];
  private readonly fieldId = `sb-whisper-thread-text-${++ids}`;
  private readonly onOpen = (event: Event) => {
    const thread = (event as CustomEvent<{ thread: ThreadView }>).detail?.thread;
    if (thread && thread.conversationId === this.conversationId) this.focusThread(thread, true);
  };

  constructor() {
    super();
    this.root.adoptedStyleSheets = [styles()];
  }

  get context(): SlotContext | null {
    return this.ctx;
  }

  set context(value: SlotContext | null) {
    const sameSource = value && this.ctx && value.on === this.ctx.on;
    this.ctx = value;
    if (!sameSource) this.listen();
    const id = value?.conversation?.id ?? null;
    if (id !== this.conversationId) {
      this.conversationId = id;
      this.threads = [];
      this.selected = null;
      this.messages.clear();
      this.error = '';
      this.render();
      if (id) void this.load(id);
    }
  }

  connectedCallback(): void {
    document.addEventListener(OPEN_THREAD_EVENT, this.onOpen);
    if (this.ctx && this.unsubscribe.length === 0) this.listen();
    this.render();
  }

  disconnectedCallback(): void {
    document.removeEventListener(OPEN_THREAD_EVENT, this.onOpen);
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private listen(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    const ctx = this.ctx;
    if (!ctx) return;
    this.unsubscribe.push(
      ctx.on('plugin.whisper.thread.opened', (event) => {
        const thread = (event as { thread?: ThreadView }).thread;
        if (thread?.conversationId === this.conversationId) this.focusThread(thread, false);
      }),
      ctx.on('plugin.whisper.thread.message', (event) => {
        const message = (event as { message?: ThreadMessageView }).message;
        if (message?.conversationId === this.conversationId) this.receive(message);
      }),
    );
  }

  private async load(conversationId: string): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    try {
      const { threads } = await ctx.api<{ threads: ThreadView[] }>(
        `${BASE}/threads?conversationId=${encodeURIComponent(conversationId)}`,
      );
      if (this.conversationId !== conversationId) return;
      this.threads = threads;
      if (!this.selected && threads[0]) await this.select(threads[0].id);
    } catch (error) {
      this.error = errorText(error);
    }
    this.render();
  }

  private async select(threadId: string): Promise<void> {
    this.selected = threadId;
    if (!this.messages.has(threadId) && this.ctx) {
      const { messages } = await this.ctx.api<{ messages: ThreadMessageView[] }>(
        `${BASE}/threads/${encodeURIComponent(threadId)}/messages`,
      );
      const known = this.messages.get(threadId) ?? [];
      const seen = new Set(messages.map((m) => m.id));
      this.messages.set(threadId, [...messages, ...known.filter((m) => !seen.has(m.id))]);
    }
    this.render();
  }

  private focusThread(thread: ThreadView, focus: boolean): void {
    if (!this.threads.some((t) => t.id === thread.id)) this.threads = [thread, ...this.threads];
    void this.select(thread.id).then(() => {
      if (focus) this.root.querySelector('textarea')?.focus();
    });
  }

  private receive(message: ThreadMessageView): void {
    const list = this.messages.get(message.threadId);
    if (!this.threads.some((t) => t.id === message.threadId)) {
      // A thread someone else opened: fetch the list again.
      if (this.conversationId) void this.load(this.conversationId);
      return;
    }
    if (!list) {
      this.messages.set(message.threadId, [message]);
    } else if (!list.some((m) => m.id === message.id)) {
      list.push(message);
    } else return;
    if (message.threadId === this.selected && this.list) {
      this.list.append(this.item(message));
      this.list.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
    }
  }

  private item(m: ThreadMessageView): HTMLLIElement {
    const mine = m.authorUserId === this.ctx?.user?.id;
    return el(
      'li',
      { class: mine ? 'mine' : '' },
      el('span', { class: 'author' }, `${mine ? 'You' : m.authorName}: `),
      m.body,
    );
  }

  private otherOf(thread: ThreadView): string {
    const me = this.ctx?.user?.id;
    return thread.participants.find((p) => p.userId !== me)?.name ?? 'colleague';
  }

  private render(): void {
    const thread = this.threads.find((t) => t.id === this.selected) ?? null;
    if (!thread) {
      this.list = null;
      this.hidden = !this.error;
      this.root.replaceChildren(el('p', { class: 'error', role: 'alert' }, this.error));
      return;
    }
    this.hidden = false;
    const other = this.otherOf(thread);
    const tabs =
      this.threads.length > 1
        ? el(
            'div',
            { class: 'row', role: 'group', 'aria-label': 'Internal threads' },
            ...this.threads.map((t) => {
              const b = el(
                'button',
                { type: 'button', 'aria-pressed': String(t.id === thread.id) },
                this.otherOf(t),
              );
              b.addEventListener('click', () => void this.select(t.id));
              return b;
            }),
          )
        : null;
    this.list = el(
      'ol',
      { 'aria-label': `Messages with ${other}`, 'aria-live': 'polite' },
      ...(this.messages.get(thread.id) ?? []).map((m) => this.item(m)),
    );
    const text = el('textarea', { id: this.fieldId, maxLength: 4000, value: this.draft });
    text.addEventListener('input', () => (this.draft = text.value));
    const form = el(
      'form',
      {},
      el('label', { htmlFor: this.fieldId }, `Message to ${other}`),
      text,
      el('div', { class: 'row' }, el('button', { type: 'submit', disabled: this.busy }, 'Send')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send(thread.id, text.value);
    });
    this.root.replaceChildren(
      el(
        'section',
        { 'aria-label': 'Internal chat' },
        el('h2', {}, `Internal chat with ${other}`),
        tabs,
        this.list,
        form,
        el('p', { class: 'error', role: 'alert' }, this.error),
      ),
    );
  }

  private async send(threadId: string, body: string): Promise<void> {
    const ctx = this.ctx;
    if (!ctx || this.busy || !body.trim()) return;
    this.busy = true;
    this.error = '';
    try {
      const { message } = await ctx.api<{ message: ThreadMessageView }>(
        `${BASE}/threads/${encodeURIComponent(threadId)}/messages`,
        { method: 'POST', body: { body } },
      );
      this.draft = '';
      this.receive(message);
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
      this.render();
      this.root.querySelector('textarea')?.focus();
    }
  }
}

if (!customElements.get('sb-whisper-threads')) {
  customElements.define('sb-whisper-threads', WhisperThreads);
}
