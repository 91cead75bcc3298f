import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../components/visitor-panel.js';
import type { ConsoleStore } from '../store/console-store.js';
import { StoreController } from '../store/store-controller.js';
import { base, colourDots, tokens } from '../styles/tokens.js';
import { colourLabel } from '../util/colour.js';
import { formatTime } from '../util/format.js';

/**
 * `<sb-visitors-view>`: the live visitor list (colour code as dot and text) and the selected
 * visitor's panel. Selecting fires `sb-select-visitor`; opening their chat `sb-open-conversation`.
 */
@customElement('sb-visitors-view')
export class VisitorsView extends LitElement {
  static override styles = [
    tokens,
    base,
    colourDots,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(280px, 1fr) minmax(280px, 360px);
        min-height: 0;
        height: 100%;
      }
      .list {
        overflow-y: auto;
        padding: var(--sb-space-4);
      }
      ul {
        list-style: none;
        padding: 0;
        margin: var(--sb-space-3) 0 0;
        background: var(--sb-surface);
        border: 1px solid var(--sb-border);
        border-radius: var(--sb-radius);
      }
      li {
        display: flex;
        align-items: center;
        gap: var(--sb-space-2);
        padding: var(--sb-space-2) var(--sb-space-3);
        border-bottom: 1px solid var(--sb-border);
      }
      li:last-child {
        border-bottom: 0;
      }
      li.selected {
        background: var(--sb-accent-soft);
      }
      .who {
        flex: 1;
        min-width: 0;
      }
      .who button {
        border: 0;
        background: none;
        padding: 0;
        font-weight: 600;
        text-align: left;
        min-height: 0;
      }
      .sub {
        font-size: var(--sb-font-size-sm);
        color: var(--sb-text-muted);
      }
      sb-visitor-panel {
        border-left: 1px solid var(--sb-border);
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  @property() selectedId: string | null = null;
  private readonly watcher = new StoreController(this);

  override willUpdate(): void {
    this.watcher.watch(this.store);
  }

  private fire(type: string, detail: Record<string, string>): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  override render() {
    const store = this.store;
    if (!store) return nothing;
    const visitors = [...store.visitors.values()].sort((a, b) => b.lastSeenAt - a.lastSeenAt);
    return html`
      <div class="list">
        <h1>Visitors</h1>
        ${visitors.length === 0 ? html`<p class="muted">No visitors right now.</p>` : nothing}
        <ul aria-label="Visitors">
          ${visitors.map((v) => {
            const colour = v.colour ?? 'grey';
            return html`<li class=${v.id === this.selectedId ? 'selected' : ''}>
              <span class="dot ${colour}" aria-hidden="true"></span>
              <div class="who">
                <button
                  type="button"
                  aria-current=${v.id === this.selectedId ? 'true' : 'false'}
                  @click=${() => this.fire('sb-select-visitor', { visitorId: v.id })}
                >
                  ${store.visitorName(v.id)}
                </button>
                <div class="sub">${colourLabel(colour)} · seen ${formatTime(v.lastSeenAt)}</div>
              </div>
              ${
                v.openConversationId
                  ? html`<button
                      type="button"
                      @click=${() =>
                        this.fire('sb-open-conversation', {
                          conversationId: v.openConversationId!,
                        })}
                    >
                      Open chat
                    </button>`
                  : nothing
              }
            </li>`;
          })}
        </ul>
      </div>
      ${
        this.selectedId
          ? html`<sb-visitor-panel .store=${store} visitorId=${this.selectedId}></sb-visitor-panel>`
          : html`<p class="muted">Select a visitor to see their details.</p>`
      }
    `;
  }
}
