import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConsoleStore } from '../store/console-store.js';
import { StoreController } from '../store/store-controller.js';
import type { ConversationSnapshot } from '../store/types.js';
import { base, colourDots, tokens } from '../styles/tokens.js';
import { colourLabel } from '../util/colour.js';
import { formatTime } from '../util/format.js';

/**
 * `<sb-conversation-list>`: the inbox's left column. Open conversations of the tenant, grouped
 * (offered to me and waiting, mine, others), each with its colour code as a dot AND as text.
 * Selecting one fires `sb-open-conversation` (bubbling, composed). Up/Down move between items.
 */
@customElement('sb-conversation-list')
export class ConversationList extends LitElement {
  static override styles = [
    tokens,
    base,
    colourDots,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--sb-surface);
        border-right: 1px solid var(--sb-border);
      }
      header {
        padding: var(--sb-space-3);
        border-bottom: 1px solid var(--sb-border);
      }
      .scroll {
        overflow-y: auto;
        flex: 1;
      }
      h3 {
        padding: var(--sb-space-2) var(--sb-space-3) var(--sb-space-1);
        color: var(--sb-text-muted);
        text-transform: uppercase;
        letter-spacing: 0.04em;
        font-size: 11px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      button.item {
        display: grid;
        grid-template-columns: auto 1fr auto;
        gap: 2px var(--sb-space-2);
        align-items: center;
        width: 100%;
        text-align: left;
        border: 0;
        border-left: 3px solid transparent;
        border-radius: 0;
        padding: var(--sb-space-2) var(--sb-space-3);
        background: none;
      }
      button.item[aria-current='true'] {
        background: var(--sb-accent-soft);
        border-left-color: var(--sb-accent);
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .state,
      .time {
        font-size: var(--sb-font-size-sm);
        color: var(--sb-text-muted);
      }
      .state {
        grid-column: 2 / 4;
      }
      .empty {
        padding: var(--sb-space-3);
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  private readonly watcher = new StoreController(this);

  override willUpdate(): void {
    this.watcher.watch(this.store);
  }

  private select(id: string): void {
    this.dispatchEvent(
      new CustomEvent('sb-open-conversation', {
        detail: { conversationId: id },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const items = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.item')];
    const index = items.indexOf(event.target as HTMLButtonElement);
    if (index < 0) return;
    event.preventDefault();
    const next = items[index + (event.key === 'ArrowDown' ? 1 : -1)];
    next?.focus();
  }

  private item(c: ConversationSnapshot) {
    const store = this.store;
    const name = store.visitorName(c.visitorId);
    const label = c.offeredTo === store.me ? 'Offered to you' : colourLabel(c.colour);
    const owner =
      c.assignedAgentId && c.assignedAgentId !== store.me
        ? ` · ${store.userName(c.assignedAgentId)}`
        : '';
    return html`<li>
      <button
        class="item"
        type="button"
        data-colour=${c.colour}
        data-conversation=${c.id}
        aria-current=${store.activeId === c.id ? 'true' : 'false'}
        @click=${() => this.select(c.id)}
      >
        <span class="dot ${c.colour}" aria-hidden="true"></span>
        <span class="name">${name}</span>
        <span class="time">${formatTime(c.updatedAt)}</span>
        <span class="state">${label}${owner}</span>
      </button>
    </li>`;
  }

  override render() {
    const store = this.store;
    if (!store) return nothing;
    const all = store.openConversations();
    const waiting = all.filter((c) => c.state === 'waiting');
    const mine = all.filter((c) => c.state !== 'waiting' && c.assignedAgentId === store.me);
    const others = all.filter((c) => c.state !== 'waiting' && c.assignedAgentId !== store.me);
    const group = (title: string, list: ConversationSnapshot[]) =>
      list.length === 0
        ? nothing
        : html`<section aria-label=${title}>
            <h3>${title} (${list.length})</h3>
            <ul>
              ${list.map((c) => this.item(c))}
            </ul>
          </section>`;
    return html`
      <header><h2>Conversations</h2></header>
      <nav class="scroll" aria-label="Conversations" @keydown=${this.onKey}>
        ${all.length === 0 ? html`<p class="empty muted">No open conversations.</p>` : nothing}
        ${group('Waiting', waiting)} ${group('Mine', mine)} ${group('Colleagues', others)}
      </nav>
    `;
  }
}
