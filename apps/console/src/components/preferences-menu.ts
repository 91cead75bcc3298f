import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Preferences } from '../services/preferences.js';
import { StoreController } from '../store/store-controller.js';
import { base, tokens } from '../styles/tokens.js';

/**
 * `<sb-preferences-menu>`: a small menu with the notification switches (sound, title badge),
 * kept in localStorage. Escape or a click outside closes it and focus returns to its button.
 */
@customElement('sb-preferences-menu')
export class PreferencesMenu extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        position: relative;
        display: inline-block;
      }
      .panel {
        position: absolute;
        right: 0;
        top: calc(100% + 6px);
        z-index: 20;
        background: var(--sb-surface);
        color: var(--sb-text);
        border: 1px solid var(--sb-border);
        border-radius: var(--sb-radius);
        box-shadow: 0 4px 16px rgb(0 0 0 / 15%);
        padding: var(--sb-space-3);
        width: 280px;
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: var(--sb-space-2);
      }
      legend {
        font-weight: 600;
        margin-bottom: var(--sb-space-2);
      }
      label {
        display: flex;
        gap: var(--sb-space-2);
        align-items: flex-start;
      }
    `,
  ];

  @property({ attribute: false }) preferences!: Preferences;
  @state() private open = false;
  @query('button.toggle') private button!: HTMLButtonElement;
  private readonly watcher = new StoreController(this);
  private readonly onDocClick = (event: MouseEvent) => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };

  override willUpdate(): void {
    this.watcher.watch(this.preferences);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.onDocClick);
  }

  override disconnectedCallback(): void {
    document.removeEventListener('click', this.onDocClick);
    super.disconnectedCallback();
  }

  private toggle(): void {
    this.open = !this.open;
    if (this.open) {
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLInputElement>('.panel input')?.focus(),
      );
    }
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.open) {
      event.stopPropagation();
      this.open = false;
      this.button.focus();
    }
  }

  override render() {
    const values = this.preferences?.values;
    if (!values) return nothing;
    return html`<div @keydown=${this.onKey}>
      <button
        class="toggle"
        type="button"
        aria-haspopup="true"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="prefs"
        @click=${this.toggle}
      >
        Preferences
      </button>
      ${
        this.open
          ? html`<div class="panel" id="prefs" role="group" aria-label="Preferences">
              <fieldset>
                <legend>Notifications</legend>
                <label>
                  <input
                    type="checkbox"
                    .checked=${values.sound}
                    @change=${(e: Event) =>
                      this.preferences.set({ sound: (e.target as HTMLInputElement).checked })}
                  />
                  Play a sound for new chats and messages
                </label>
                <label>
                  <input
                    type="checkbox"
                    .checked=${values.titleBadge}
                    @change=${(e: Event) =>
                      this.preferences.set({ titleBadge: (e.target as HTMLInputElement).checked })}
                  />
                  Show waiting chats in the tab title
                </label>
              </fieldset>
            </div>`
          : nothing
      }
    </div>`;
  }
}
