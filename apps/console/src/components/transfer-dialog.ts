import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ConsoleStore } from '../store/console-store.js';
import type { AgentRow, UserSnapshot } from '../store/types.js';
import { base, tokens } from '../styles/tokens.js';

/**
 * `<sb-transfer-dialog>`: a modal (native `<dialog>`, so focus stays inside and Escape closes
 * it) to hand a conversation to a colleague or back to the queue. Colleagues come from
 * `agents.list` (with load), else from `users.list`.
 */
@customElement('sb-transfer-dialog')
export class TransferDialog extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      dialog {
        border: 1px solid var(--sb-border);
        border-radius: 10px;
        padding: var(--sb-space-4);
        width: min(420px, 92vw);
        color: var(--sb-text);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 35%);
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: var(--sb-space-3) 0;
        max-height: 50vh;
        overflow-y: auto;
      }
      legend {
        font-weight: 600;
        margin-bottom: var(--sb-space-2);
      }
      label {
        display: flex;
        gap: var(--sb-space-2);
        align-items: center;
        padding: var(--sb-space-1) 0;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: var(--sb-space-2);
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  @state() private agents: AgentRow[] = [];
  @state() private choice = 'queue';
  @state() private loading = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  private conversationId = '';
  private opener: HTMLElement | null = null;

  /** Opens the dialog for `conversationId`; focus returns to `opener` when it closes. */
  async show(conversationId: string, opener: HTMLElement | null): Promise<void> {
    this.conversationId = conversationId;
    this.opener = opener;
    this.choice = 'queue';
    await this.updateComplete;
    this.dialog.showModal();
    this.loading = true;
    this.agents = await this.loadAgents();
    this.loading = false;
  }

  private async loadAgents(): Promise<AgentRow[]> {
    const me = this.store.me;
    try {
      const { agents } = await this.store.session.api<{ agents: AgentRow[] }>('/api/v1/agents');
      return agents.filter((a) => a.id !== me);
    } catch {
      try {
        const { users } = await this.store.session.api<{ users: UserSnapshot[] }>('/api/v1/users');
        return users
          .filter((u) => u.id !== me && !u.disabled)
          .map((u) => ({ ...u, capacity: u.capacity }));
      } catch {
        return [];
      }
    }
  }

  private close(): void {
    this.dialog.close();
  }

  private onClose(): void {
    this.opener?.focus();
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    const to = this.choice === 'queue' ? null : this.choice;
    const ok = await this.store.transfer(this.conversationId, to);
    if (ok) this.close();
  }

  override render() {
    return html`<dialog aria-labelledby="transfer-title" @close=${this.onClose}>
      <form @submit=${this.submit}>
        <h2 id="transfer-title">Transfer conversation</h2>
        <fieldset @change=${(e: Event) => (this.choice = (e.target as HTMLInputElement).value)}>
          <legend>Transfer to</legend>
          <label>
            <input type="radio" name="to" value="queue" .checked=${this.choice === 'queue'} />
            Back to the queue
          </label>
          ${this.loading ? html`<p class="muted">Loading colleagues…</p>` : nothing}
          ${this.agents.map(
            (a) =>
              html`<label>
                <input type="radio" name="to" value=${a.id} .checked=${this.choice === a.id} />
                ${a.name}
                <span class="muted">
                  (${a.presence}${
                    a.load !== undefined && a.capacity !== undefined
                      ? `, ${a.load}/${a.capacity} chats`
                      : ''
                  })
                </span>
              </label>`,
          )}
        </fieldset>
        <div class="actions">
          <button type="button" @click=${this.close}>Cancel</button>
          <button class="primary" type="submit">Transfer</button>
        </div>
      </form>
    </dialog>`;
  }
}
