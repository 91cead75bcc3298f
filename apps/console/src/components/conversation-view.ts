import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import '../slots/sb-slot.js';
import type { ConsoleStore } from '../store/console-store.js';
import { StoreController } from '../store/store-controller.js';
import type { ConversationSnapshot } from '../store/types.js';
import { base, colourDots, tokens } from '../styles/tokens.js';
import { colourLabel } from '../util/colour.js';
import './message-composer.js';
import type { MessageComposer } from './message-composer.js';
import './conversation-facts.js';
import './message-item.js';
import './transfer-dialog.js';
import type { TransferDialog } from './transfer-dialog.js';

/**
 * `<sb-conversation-view>`: one conversation: header with the colour state and the actions that
 * fit it (accept/decline an offer, take from the queue, transfer, end), the
 * `conversation.header` slot, the history (REST first, then live), the typing line and the
 * composer.
 */
@customElement('sb-conversation-view')
export class ConversationView extends LitElement {
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
      header {
        display: flex;
        align-items: center;
        gap: var(--sb-space-2);
        flex-wrap: wrap;
        padding: var(--sb-space-2) var(--sb-space-3);
        background: var(--sb-surface);
        border-bottom: 1px solid var(--sb-border);
      }
      .title {
        display: flex;
        flex-direction: column;
        min-width: 160px;
        flex: 1 1 200px;
      }
      .title h2 {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .status {
        display: inline-flex;
        align-items: center;
        gap: var(--sb-space-1);
        font-size: var(--sb-font-size-sm);
        color: var(--sb-text-muted);
      }
      .actions {
        display: flex;
        gap: var(--sb-space-2);
        flex-wrap: wrap;
      }
      sb-slot[name='conversation.header'] {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-space-2);
        flex: 0 1 auto;
        min-width: 0;
      }
      sb-slot[data-empty] {
        display: none;
      }
      .history {
        flex: 1;
        overflow-y: auto;
        padding: var(--sb-space-3);
        min-height: 0;
      }
      .typing {
        min-height: 20px;
        padding: 0 var(--sb-space-3);
        font-size: var(--sb-font-size-sm);
        color: var(--sb-text-muted);
        font-style: italic;
      }
      .ended {
        padding: var(--sb-space-3);
        text-align: center;
        background: var(--sb-surface);
        border-top: 1px solid var(--sb-border);
      }
      .loading {
        padding: var(--sb-space-4);
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  @property() conversationId = '';
  @query('sb-message-composer') private composer?: MessageComposer;
  @query('sb-transfer-dialog') private transferDialog!: TransferDialog;
  @query('.history') private history?: HTMLElement;
  private readonly watcher = new StoreController(this);
  private stickToBottom = true;
  private lastCount = -1;
  private lastId = '';

  override willUpdate(): void {
    this.watcher.watch(this.store);
    if (this.conversationId !== this.lastId) {
      this.lastId = this.conversationId;
      this.stickToBottom = true;
      this.lastCount = -1;
    }
  }

  /** Moves focus to the composer (after opening a conversation). */
  focusComposer(): void {
    void this.updateComplete.then(() => {
      if (this.composer) this.composer.focus();
      else this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
    });
  }

  override updated(): void {
    const list = this.store?.messages.get(this.conversationId);
    const count = list?.length ?? 0;
    if (count !== this.lastCount && this.history && this.stickToBottom) {
      this.history.scrollTop = this.history.scrollHeight;
    }
    this.lastCount = count;
  }

  private onScroll(): void {
    const h = this.history;
    if (!h) return;
    this.stickToBottom = h.scrollHeight - h.scrollTop - h.clientHeight < 40;
  }

  private onInsertText(event: Event): void {
    const text = (event as CustomEvent<{ text?: unknown }>).detail?.text;
    if (typeof text === 'string' && this.composer) {
      event.stopPropagation();
      this.composer.insertText(text);
    }
  }

  private actions(c: ConversationSnapshot) {
    const store = this.store;
    const me = store.me;
    const supervisor = store.session.isSupervisor;
    const buttons = [];
    if (c.state === 'waiting') {
      if (c.offeredTo === me) {
        buttons.push(
          html`<button class="primary" type="button" @click=${() => void store.accept(c.id)}>
            Accept
          </button>`,
          html`<button type="button" @click=${() => void store.decline(c.id)}>Decline</button>`,
        );
      } else if (!c.offeredTo) {
        buttons.push(
          html`<button class="primary" type="button" @click=${() => void this.pick(c.id)}>
            Take chat
          </button>`,
        );
      }
    }
    const holds = c.assignedAgentId === me || supervisor;
    if ((c.state === 'active' || c.state === 'idle') && holds) {
      buttons.push(
        html`<button
          type="button"
          @click=${(e: Event) =>
            void this.transferDialog.show(c.id, e.currentTarget as HTMLElement)}
        >
          Transfer
        </button>`,
      );
    }
    if (c.state !== 'ended' && (holds || !c.assignedAgentId)) {
      buttons.push(
        html`<button class="danger" type="button" @click=${() => void store.end(c.id)}>
          End chat
        </button>`,
      );
    }
    return buttons;
  }

  private async pick(id: string): Promise<void> {
    if (await this.store.pick(id)) this.focusComposer();
  }

  override render() {
    const store = this.store;
    if (!store || !this.conversationId) return nothing;
    const c = store.conversations.get(this.conversationId);
    if (!c) return html`<p class="loading muted" role="status">Loading conversation…</p>`;
    const visitor = store.visitors.get(c.visitorId) ?? null;
    const name = store.visitorName(c.visitorId);
    const messages = store.messages.get(c.id) ?? [];
    const typing = store.typingIn(c.id);
    const canReply =
      (c.state === 'active' || c.state === 'idle') &&
      (c.assignedAgentId === store.me || store.session.isSupervisor);
    const owner =
      c.assignedAgentId && c.state !== 'waiting' ? ` · ${store.userName(c.assignedAgentId)}` : '';
    return html`
      <header>
        <div class="title">
          <h2 tabindex="-1">${name}</h2>
          <span class="status" data-testid="conversation-state">
            <span class="dot ${c.colour}" aria-hidden="true"></span>
            ${c.offeredTo === store.me ? 'Offered to you' : colourLabel(c.colour)}${owner}
          </span>
        </div>
        <sb-slot name="conversation.header" .parts=${{ conversation: c, visitor }}></sb-slot>
        <div class="actions">${this.actions(c)}</div>
      </header>
      <sb-conversation-facts .store=${store} .conversation=${c}></sb-conversation-facts>
      <section
        class="history"
        aria-label=${`Messages with ${name}`}
        tabindex="0"
        @scroll=${this.onScroll}
        @sb-insert-text=${this.onInsertText}
      >
        ${repeat(
          messages,
          (m) => m.id,
          (m) =>
            html`<sb-message-item
              .message=${m}
              .store=${store}
              .conversation=${c}
              .visitor=${visitor}
            ></sb-message-item>`,
        )}
      </section>
      <div class="typing" data-testid="typing">
        ${typing.length > 0 ? `${typing.join(', ')} ${typing.length > 1 ? 'are' : 'is'} typing…` : ''}
      </div>
      ${
        c.state === 'ended'
          ? html`<p class="ended muted">This conversation has ended.</p>`
          : html`<sb-message-composer
              .store=${store}
              .conversation=${c}
              .visitor=${visitor}
              .canReply=${canReply}
            ></sb-message-composer>`
      }
      <sb-transfer-dialog .store=${store}></sb-transfer-dialog>
    `;
  }
}
