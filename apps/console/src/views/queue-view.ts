import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConsoleStore } from '../store/console-store.js';
import { StoreController } from '../store/store-controller.js';
import { base, colourDots, tokens } from '../styles/tokens.js';
import { formatDuration } from '../util/format.js';

/** `<sb-queue-view>`: waiting chats, most urgent first, each with Take (or Accept) and Open. */
@customElement('sb-queue-view')
export class QueueView extends LitElement {
  static override styles = [
    tokens,
    base,
    colourDots,
    css`
      :host {
        display: block;
        padding: var(--sb-space-4);
        overflow-y: auto;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        background: var(--sb-surface);
        margin-top: var(--sb-space-3);
      }
      th,
      td {
        text-align: left;
        padding: var(--sb-space-2) var(--sb-space-3);
        border-bottom: 1px solid var(--sb-border);
      }
      th {
        font-size: var(--sb-font-size-sm);
        color: var(--sb-text-muted);
      }
      td.actions {
        display: flex;
        gap: var(--sb-space-2);
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  private readonly watcher = new StoreController(this);

  override willUpdate(): void {
    this.watcher.watch(this.store);
  }

  private open(id: string): void {
    this.dispatchEvent(
      new CustomEvent('sb-open-conversation', {
        detail: { conversationId: id },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private async take(id: string): Promise<void> {
    if (await this.store.pick(id)) this.open(id);
  }

  override render() {
    const store = this.store;
    if (!store) return nothing;
    const queue = store.queue();
    const now = Date.now();
    return html`
      <h1>Queue</h1>
      ${
        queue.length === 0
          ? html`<p class="muted">Nobody is waiting.</p>`
          : html`<table>
              <caption class="visually-hidden">
                Chats waiting for an agent
              </caption>
              <thead>
                <tr>
                  <th scope="col">Visitor</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Priority</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${queue.map((c) => {
                  const name = store.visitorName(c.visitorId);
                  const offered = c.offeredTo === store.me;
                  return html`<tr>
                    <td>
                      <span class="dot ${c.colour}" aria-hidden="true"></span>
                      ${name}
                      <span class="muted"
                        >${offered ? '(offered to you)' : c.offeredTo ? '(offered)' : ''}</span
                      >
                    </td>
                    <td>${formatDuration(now - (c.waitingSince ?? c.createdAt))}</td>
                    <td>${c.priority}</td>
                    <td class="actions">
                      ${
                        offered
                          ? html`<button
                              class="primary"
                              type="button"
                              @click=${() => void store.accept(c.id).then((ok) => ok && this.open(c.id))}
                            >
                              Accept chat with ${name}
                            </button>`
                          : c.offeredTo
                            ? nothing
                            : html`<button
                                class="primary"
                                type="button"
                                @click=${() => void this.take(c.id)}
                              >
                                Take chat with ${name}
                              </button>`
                      }
                      <button type="button" @click=${() => this.open(c.id)}>Open</button>
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>`
      }
    `;
  }
}
