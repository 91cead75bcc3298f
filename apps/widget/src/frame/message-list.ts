import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ShownMessage } from './chat-messages.js';
import { paperclip } from './icons.js';
import { base } from './styles.js';

/** Event of {@link MessageList}: the visitor wants an attachment. */
export class DownloadEvent extends Event {
  constructor(readonly attachment: { id: string; filename: string }) {
    super('download', { bubbles: true, composed: true });
  }
}

/**
 * The conversation: bubbles for messages (text only, never markup), small centred lines for
 * events ("Agent joined"), the typing indicator at the end. Scrolls to the newest message unless
 * the visitor scrolled up to read.
 */
@customElement('sb-message-list')
export class MessageList extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        overflow-y: auto;
        padding: 12px;
        background: var(--sb-soft);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      li {
        display: flex;
        flex-direction: column;
        max-width: 85%;
      }
      li.mine {
        align-self: flex-end;
        align-items: flex-end;
      }
      li.event {
        align-self: center;
        max-width: 100%;
        color: var(--sb-muted);
        font-size: 13px;
      }
      .who {
        font-size: 12px;
        color: var(--sb-muted);
        margin: 0 4px 2px;
      }
      .bubble {
        background: var(--sb-surface);
        border: 1px solid var(--sb-border);
        border-radius: 14px;
        padding: 8px 12px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .mine .bubble {
        background: var(--sb-accent);
        color: var(--sb-on-accent);
        border-color: transparent;
      }
      .state {
        font-size: 12px;
        color: var(--sb-muted);
      }
      .failed {
        color: var(--sb-danger);
      }
      .file {
        background: none;
        border: 0;
        padding: 0;
        color: inherit;
        text-decoration: underline;
        text-align: start;
      }
      .file svg {
        fill: currentColor;
        vertical-align: middle;
      }
      .typing {
        color: var(--sb-muted);
        font-style: italic;
        font-size: 13px;
        margin-top: 6px;
      }
    `,
  ];

  @property({ attribute: false }) messages: readonly ShownMessage[] = [];
  @property({ type: Boolean }) typing = false;
  private pinned = true;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('scroll', this.onScroll, { passive: true });
  }

  override disconnectedCallback(): void {
    this.removeEventListener('scroll', this.onScroll);
    super.disconnectedCallback();
  }

  private readonly onScroll = () => {
    this.pinned = this.scrollHeight - this.scrollTop - this.clientHeight < 40;
  };

  override render() {
    return html`
      <ol aria-label="Conversation">
        ${this.messages.map((m) => this.item(m))}
      </ol>
      ${this.typing ? html`<p class="typing">Agent is typing…</p>` : nothing}
    `;
  }

  private item(m: ShownMessage) {
    if (m.kind === 'event') return html`<li class="event">${m.body}</li>`;
    const who = m.mine ? 'You' : (m.authorName ?? 'Agent');
    return html`
      <li class=${m.mine ? 'mine' : 'theirs'}>
        <span class="who">${who}</span>
        <div class="bubble">${m.attachment ? this.file(m.attachment) : m.body}</div>
        ${m.state === 'sending' ? html`<span class="state">Sending…</span>` : nothing}
        ${m.state === 'failed' ? html`<span class="state failed">Not sent</span>` : nothing}
      </li>
    `;
  }

  private file(attachment: NonNullable<ShownMessage['attachment']>) {
    return html`<button
      type="button"
      class="file"
      @click=${() => this.dispatchEvent(new DownloadEvent(attachment))}
    >
      ${paperclip} ${attachment.filename}
      <span class="sr-only">(download, ${sizeOf(attachment.size)})</span>
    </button>`;
  }

  protected override updated(changed: PropertyValues): void {
    if ((changed.has('messages') || changed.has('typing')) && this.pinned) {
      this.scrollTop = this.scrollHeight;
    }
  }
}

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
