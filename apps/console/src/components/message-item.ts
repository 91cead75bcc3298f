import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../slots/sb-slot.js';
import { hasContributions } from '../slots/slot-host.js';
import type { ConsoleStore } from '../store/console-store.js';
import type {
  AttachmentInfo,
  ConversationSnapshot,
  MessageSnapshot,
  VisitorSnapshot,
} from '../store/types.js';
import { base, tokens } from '../styles/tokens.js';
import { downloadWithToken } from '../util/download.js';
import { formatBytes, formatTime } from '../util/format.js';

/**
 * `<sb-message-item>`: one message of the history. Text is always rendered as text. Internal
 * messages carry a visible "Internal" label; system events are small centred lines; files are
 * download links. Hosts the `conversation.message.decorations` slot, one per message.
 */
@customElement('sb-message-item')
export class MessageItem extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: block;
        margin: var(--sb-space-1) 0;
      }
      .event {
        text-align: center;
        font-size: var(--sb-font-size-sm);
        color: var(--sb-text-muted);
        margin: var(--sb-space-2) 0;
      }
      .row {
        display: flex;
      }
      .row.mine {
        justify-content: flex-end;
      }
      article {
        max-width: 72%;
        padding: var(--sb-space-2) var(--sb-space-3);
        border-radius: 10px;
        background: var(--sb-surface-alt);
        border: 1px solid transparent;
      }
      .mine article {
        background: var(--sb-accent-soft);
      }
      article.internal {
        background: var(--sb-internal-bg);
        border: 1px dashed var(--sb-internal-border);
      }
      .meta {
        display: flex;
        gap: var(--sb-space-2);
        align-items: baseline;
        font-size: var(--sb-font-size-sm);
        color: var(--sb-text-muted);
        margin-bottom: 2px;
      }
      .author {
        font-weight: 600;
        color: var(--sb-text);
      }
      .badge {
        font-weight: 700;
        color: var(--sb-internal-text);
        text-transform: uppercase;
        font-size: 11px;
        letter-spacing: 0.04em;
      }
      .body {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 0;
      }
      a {
        color: var(--sb-accent);
      }
      sb-slot {
        display: block;
        font-size: var(--sb-font-size-sm);
        color: var(--sb-text-muted);
      }
      .event + sb-slot {
        text-align: center;
      }
    `,
  ];

  @property({ attribute: false }) message!: MessageSnapshot;
  @property({ attribute: false }) store!: ConsoleStore;
  @property({ attribute: false }) conversation: ConversationSnapshot | null = null;
  @property({ attribute: false }) visitor: VisitorSnapshot | null = null;

  private author(): string {
    const m = this.message;
    switch (m.author.kind) {
      case 'visitor':
        return this.visitor?.name || 'Visitor';
      case 'agent': {
        const name = m.metadata?.authorName;
        return typeof name === 'string' && name ? name : this.store.userName(m.author.id);
      }
      case 'bot':
        return 'Bot';
      default:
        return 'System';
    }
  }

  private download(event: Event, attachment: AttachmentInfo): void {
    event.preventDefault();
    downloadWithToken(
      this.store.session,
      `/api/v1/attachments/${encodeURIComponent(attachment.id)}`,
      attachment.filename,
    ).catch((error: Error) => {
      this.dispatchEvent(
        new CustomEvent('sb-notify', {
          detail: { message: error.message },
          bubbles: true,
          composed: true,
        }),
      );
    });
  }

  private decorations() {
    if (!hasContributions('conversation.message.decorations')) return nothing;
    return html`<sb-slot
      name="conversation.message.decorations"
      .parts=${{ conversation: this.conversation, visitor: this.visitor, message: this.message }}
    ></sb-slot>`;
  }

  override render() {
    const m = this.message;
    if (!m) return nothing;
    const internal = m.visibility === 'internal';
    if (m.kind === 'event') {
      return html`<p class="event" role="note">
          ${internal ? html`<span class="badge">Internal</span> ` : nothing}${m.body}
        </p>
        ${this.decorations()}`;
    }
    const mine = m.author.kind === 'agent' || m.author.kind === 'bot';
    const attachment = (m.kind === 'file' ? m.metadata?.attachment : null) as AttachmentInfo | null;
    const author = this.author();
    return html`<div class="row ${mine ? 'mine' : ''}">
      <article
        class=${internal ? 'internal' : ''}
        aria-label=${`${internal ? 'Internal note' : 'Message'} from ${author}`}
      >
        <div class="meta">
          <span class="author">${author}</span>
          <time datetime=${new Date(m.createdAt).toISOString()}>${formatTime(m.createdAt)}</time>
          ${internal ? html`<span class="badge">Internal</span>` : nothing}
        </div>
        ${
          attachment
            ? html`<p class="body">
                <a
                  href=${`/api/v1/attachments/${encodeURIComponent(attachment.id)}`}
                  download=${attachment.filename}
                  @click=${(e: Event) => this.download(e, attachment)}
                  >Download ${attachment.filename}</a
                >
                <span class="muted">(${formatBytes(attachment.size)})</span>
              </p>`
            : html`<p class="body">${m.body}</p>`
        }
        ${this.decorations()}
      </article>
    </div>`;
  }
}
