import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import '../slots/sb-slot.js';
import type { ConsoleStore } from '../store/console-store.js';
import type { ConversationSnapshot, VisitorSnapshot } from '../store/types.js';
import { base, tokens } from '../styles/tokens.js';

/** Drafts per conversation, so switching tabs keeps what was typed. */
const drafts = new Map<string, string>();
const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;

/**
 * `<sb-message-composer>`: Enter sends, Shift+Enter makes a new line; an "Internal note" switch
 * (forced on when the agent may only write notes); a file button; typing signals; and the
 * `conversation.composer.actions` slot, whose `sb-insert-text` events insert at the cursor.
 */
@customElement('sb-message-composer')
export class MessageComposer extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: block;
        border-top: 1px solid var(--sb-border);
        background: var(--sb-surface);
        padding: var(--sb-space-2) var(--sb-space-3);
      }
      form {
        display: flex;
        flex-direction: column;
        gap: var(--sb-space-2);
      }
      textarea {
        width: 100%;
        min-height: 64px;
        max-height: 200px;
        resize: vertical;
        padding: var(--sb-space-2);
      }
      textarea.internal {
        background: var(--sb-internal-bg);
        border-color: var(--sb-internal-border);
      }
      .bar {
        display: flex;
        align-items: center;
        gap: var(--sb-space-2);
        flex-wrap: wrap;
      }
      .spacer {
        flex: 1;
      }
      label.toggle {
        display: inline-flex;
        gap: var(--sb-space-1);
        align-items: center;
      }
      sb-slot {
        display: inline-flex;
        gap: var(--sb-space-2);
      }
      .hint {
        font-size: var(--sb-font-size-sm);
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  @property({ attribute: false }) conversation!: ConversationSnapshot;
  @property({ attribute: false }) visitor: VisitorSnapshot | null = null;
  /** False when the agent may only write internal notes here. */
  @property({ attribute: false }) canReply = true;
  @state() private internal = false;
  @state() private busy = false;
  @query('textarea') private textarea!: HTMLTextAreaElement;
  @query('input[type=file]') private fileInput!: HTMLInputElement;
  private typingSentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private shownId: string | null = null;

  override focus(): void {
    void this.updateComplete.then(() => this.textarea?.focus());
  }

  /** Inserts `text` at the cursor (from a plugin's `sb-insert-text`). */
  insertText(text: string): void {
    const area = this.textarea;
    if (!area) return;
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? start;
    area.setRangeText(text, start, end, 'end');
    this.remember();
    area.focus();
  }

  private get noteOnly(): boolean {
    return !this.canReply;
  }

  private get isInternal(): boolean {
    return this.internal || this.noteOnly;
  }

  override willUpdate(): void {
    if (this.conversation && this.conversation.id !== this.shownId) {
      if (this.shownId) this.stopTyping();
      this.shownId = this.conversation.id;
      this.internal = false;
    }
  }

  override updated(): void {
    const area = this.textarea;
    if (area && this.conversation) {
      const draft = drafts.get(this.conversation.id) ?? '';
      if (area.dataset.for !== this.conversation.id) {
        area.value = draft;
        area.dataset.for = this.conversation.id;
      }
    }
  }

  override disconnectedCallback(): void {
    this.stopTyping();
    super.disconnectedCallback();
  }

  private remember(): void {
    if (this.conversation) drafts.set(this.conversation.id, this.textarea.value);
  }

  private onInput(): void {
    this.remember();
    const now = Date.now();
    if (this.textarea.value.trim() && now - this.typingSentAt > TYPING_REFRESH_MS) {
      this.typingSentAt = now;
      this.store.typingSignal(this.conversation.id, true, this.isInternal);
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.typingSentAt && this.shownId) {
      this.store.typingSignal(this.shownId, false, this.isInternal);
    }
    this.typingSentAt = 0;
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.send();
    }
  }

  private async send(event?: Event): Promise<void> {
    event?.preventDefault();
    const body = this.textarea.value;
    if (!body.trim() || this.busy) return;
    this.busy = true;
    const id = this.conversation.id;
    this.stopTyping();
    // Cleared at once, as chat apps do; the text comes back if the send fails.
    this.textarea.value = '';
    drafts.delete(id);
    const ok = await this.store.send(id, body, this.isInternal);
    this.busy = false;
    if (!ok && this.conversation.id === id && this.textarea.value === '') {
      this.textarea.value = body;
      drafts.set(id, body);
    }
    this.textarea.focus();
  }

  private async sendFile(): Promise<void> {
    const file = this.fileInput.files?.[0];
    if (!file) return;
    this.busy = true;
    await this.store.sendFile(this.conversation.id, file, this.isInternal);
    this.fileInput.value = '';
    this.busy = false;
  }

  private onInsert(event: Event): void {
    const text = (event as CustomEvent<{ text?: unknown }>).detail?.text;
    if (typeof text !== 'string') return;
    event.stopPropagation();
    this.insertText(text);
  }

  override render() {
    if (!this.conversation) return nothing;
    const internal = this.isInternal;
    return html`
      <form @submit=${this.send} aria-label="Reply">
        <label class="visually-hidden" for="text">
          ${internal ? 'Internal note (only agents see it)' : 'Message'}
        </label>
        <textarea
          id="text"
          class=${internal ? 'internal' : ''}
          placeholder=${
            internal
              ? 'Internal note: only agents see it'
              : 'Type a message; Enter sends, Shift+Enter for a new line'
          }
          @input=${this.onInput}
          @keydown=${this.onKeyDown}
        ></textarea>
        <div class="bar">
          <label class="toggle">
            <input
              type="checkbox"
              .checked=${internal}
              ?disabled=${this.noteOnly}
              @change=${(e: Event) => (this.internal = (e.target as HTMLInputElement).checked)}
            />
            Internal note
          </label>
          <label class="visually-hidden" for="file">Attach a file</label>
          <input
            id="file"
            class="visually-hidden"
            type="file"
            tabindex="-1"
            @change=${this.sendFile}
            ?disabled=${this.busy}
          />
          <button type="button" @click=${() => this.fileInput.click()} ?disabled=${this.busy}>
            Attach file
          </button>
          <sb-slot
            name="conversation.composer.actions"
            .parts=${{ conversation: this.conversation, visitor: this.visitor }}
            @sb-insert-text=${this.onInsert}
          ></sb-slot>
          <span class="spacer"></span>
          ${
            this.noteOnly
              ? html`<span class="hint muted">Take the chat to reply to the visitor.</span>`
              : nothing
          }
          <button class="primary" type="submit" ?disabled=${this.busy}>Send</button>
        </div>
      </form>
    `;
  }
}
