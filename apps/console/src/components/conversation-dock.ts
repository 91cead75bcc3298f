import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { ConsoleStore } from '../store/console-store.js';
import { StoreController } from '../store/store-controller.js';
import { base, colourDots, tokens } from '../styles/tokens.js';
import { colourLabel } from '../util/colour.js';
import './conversation-view.js';
import type { ConversationView } from './conversation-view.js';

/**
 * `<sb-conversation-dock>`: the conversations the agent has open, as a strip of tabs above the
 * active one. The shell keeps this one element on screen in every view (inbox, queue, admin,
 * supervisor, plugin views), so a chat and its draft survive navigation. Tabs of chats that wait
 * for the agent are marked, in text as well as colour.
 */
@customElement('sb-conversation-dock')
export class ConversationDock extends LitElement {
  static override styles = [
    tokens,
    base,
    colourDots,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
        background: var(--sb-bg);
      }
      nav {
        background: var(--sb-surface);
        border-bottom: 1px solid var(--sb-border);
        overflow-x: auto;
      }
      ul {
        display: flex;
        list-style: none;
        margin: 0;
        padding: 0 var(--sb-space-2);
        gap: 2px;
      }
      li {
        display: flex;
        align-items: center;
        border-bottom: 2px solid transparent;
      }
      li.active {
        border-bottom-color: var(--sb-accent);
      }
      button.tab {
        border: 0;
        background: none;
        border-radius: 0;
        display: inline-flex;
        gap: var(--sb-space-1);
        align-items: center;
        padding: var(--sb-space-2);
        max-width: 220px;
        white-space: nowrap;
      }
      .label {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .needs {
        font-size: 11px;
        font-weight: 700;
        color: var(--sb-colour-red);
      }
      button.close {
        border: 0;
        background: none;
        min-height: 24px;
        padding: 0 var(--sb-space-1);
        color: var(--sb-text-muted);
      }
      sb-conversation-view {
        flex: 1;
      }
      .empty {
        margin: auto;
        padding: var(--sb-space-4);
        text-align: center;
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  @query('sb-conversation-view') private view?: ConversationView;
  private readonly watcher = new StoreController(this);

  override willUpdate(): void {
    this.watcher.watch(this.store);
  }

  /** Focuses the active conversation's composer. */
  focusComposer(): void {
    void this.updateComplete.then(() => this.view?.focusComposer());
  }

  private activate(id: string): void {
    this.dispatchEvent(
      new CustomEvent('sb-open-conversation', {
        detail: { conversationId: id },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private close(id: string): void {
    this.store.close(id);
    this.dispatchEvent(
      new CustomEvent('sb-dock-closed', {
        detail: { conversationId: id },
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render() {
    const store = this.store;
    if (!store) return nothing;
    if (store.openIds.length === 0) {
      return html`<p class="empty muted">
        No conversation open. Pick one from the list or the queue.
      </p>`;
    }
    return html`
      <nav aria-label="Open conversations">
        <ul>
          ${store.openIds.map((id) => {
            const c = store.conversations.get(id);
            const name = c ? store.visitorName(c.visitorId) : 'Conversation';
            const needs = c ? store.needsMe(c) : false;
            const active = store.activeId === id;
            return html`<li class=${active ? 'active' : ''}>
              <button
                class="tab"
                type="button"
                aria-current=${active ? 'true' : 'false'}
                title=${c ? colourLabel(c.colour) : ''}
                @click=${() => this.activate(id)}
              >
                <span class="dot ${c?.colour ?? 'grey'}" aria-hidden="true"></span>
                <span class="label">${name}</span>
                ${needs ? html`<span class="needs">Waiting</span>` : nothing}
              </button>
              <button
                class="close"
                type="button"
                aria-label=${`Close conversation with ${name}`}
                @click=${() => this.close(id)}
              >
                ×
              </button>
            </li>`;
          })}
        </ul>
      </nav>
      ${
        store.activeId
          ? html`<sb-conversation-view
              .store=${store}
              conversationId=${store.activeId}
            ></sb-conversation-view>`
          : nothing
      }
    `;
  }
}
