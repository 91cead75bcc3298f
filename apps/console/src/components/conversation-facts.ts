import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ConsoleStore } from '../store/console-store.js';
import type { ConversationSnapshot } from '../store/types.js';
import { base, tokens } from '../styles/tokens.js';
import { formatDuration } from '../util/format.js';

interface QueueStatus {
  readonly position: number | null;
  readonly waiting: number;
  readonly estimatedWaitSeconds: number | null;
}

interface Survey {
  readonly rating: number;
  readonly comment: string | null;
}

/**
 * `<sb-conversation-facts>`: one line under the conversation header: the queue position of a
 * waiting chat (`conversation.queueStatus`), or the visitor's exit survey of an ended one
 * (`conversation.survey`). Silent when the server has neither.
 */
@customElement('sb-conversation-facts')
export class ConversationFacts extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: block;
      }
      p {
        margin: 0;
        padding: var(--sb-space-1) var(--sb-space-3);
        font-size: var(--sb-font-size-sm);
        background: var(--sb-surface);
        border-bottom: 1px solid var(--sb-border);
        color: var(--sb-text-muted);
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  @property({ attribute: false }) conversation!: ConversationSnapshot;
  @state() private queue: QueueStatus | null = null;
  @state() private survey: Survey | null = null;
  private key = '';

  override willUpdate(): void {
    const c = this.conversation;
    if (!c || !this.store) return;
    const key = `${c.id}|${c.state}|${c.state === 'waiting' ? c.updatedAt : ''}`;
    if (key === this.key) return;
    this.key = key;
    this.queue = null;
    this.survey = null;
    const id = encodeURIComponent(c.id);
    if (c.state === 'waiting') {
      this.store.session
        .api<QueueStatus>(`/api/v1/conversations/${id}/queue`)
        .then((q) => key === this.key && (this.queue = q))
        .catch(() => undefined);
    } else if (c.state === 'ended') {
      this.store.session
        .api<{ survey: Survey | null }>(`/api/v1/conversations/${id}/survey`)
        .then((s) => key === this.key && (this.survey = s.survey))
        .catch(() => undefined);
    }
  }

  override render() {
    const q = this.queue;
    if (q?.position) {
      const estimate =
        q.estimatedWaitSeconds !== null
          ? ` · about ${formatDuration(q.estimatedWaitSeconds * 1000)} to wait`
          : '';
      return html`<p>Position ${q.position} of ${q.waiting} in the queue${estimate}</p>`;
    }
    const s = this.survey;
    if (s) {
      return html`<p>
        Visitor rating: ${s.rating} out of 5${s.comment ? html` · “${s.comment}”` : nothing}
      </p>`;
    }
    return nothing;
  }
}
