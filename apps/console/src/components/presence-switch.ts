import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConsoleStore } from '../store/console-store.js';
import { StoreController } from '../store/store-controller.js';
import { base, tokens } from '../styles/tokens.js';

/** `<sb-presence-switch>`: online / away / offline (`presence.set`). */
@customElement('sb-presence-switch')
export class PresenceSwitch extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: var(--sb-space-2);
        color: var(--sb-topbar-text);
      }
      label {
        font-size: var(--sb-font-size-sm);
      }
      select {
        background: var(--sb-surface);
        color: var(--sb-text);
        color: var(--sb-text);
        min-height: 28px;
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  private readonly watcher = new StoreController(this);

  override willUpdate(): void {
    this.watcher.watch(this.store);
  }

  override render() {
    if (!this.store) return nothing;
    const value = this.store.presence;
    return html`<label for="presence">Presence</label>
      <select
        id="presence"
        @change=${(e: Event) =>
          void this.store.setPresence(
            (e.target as HTMLSelectElement).value as 'online' | 'away' | 'offline',
          )}
      >
        ${(['online', 'away', 'offline'] as const).map(
          (p) =>
            html`<option value=${p} ?selected=${p === value}>
              ${p[0]!.toUpperCase() + p.slice(1)}
            </option>`,
        )}
      </select>`;
  }
}
