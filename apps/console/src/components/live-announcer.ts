import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { base, tokens } from '../styles/tokens.js';

/**
 * `<sb-live-announcer>`: one polite live region for the whole console ("New message from Vera:
 * hello", "New chat waiting: Vera"), plus a short visible toast for things the agent should see
 * (a refused action, a plugin's `sb-notify`). The toast is not a second live region, so screen
 * readers hear each text once.
 */
@customElement('sb-live-announcer')
export class LiveAnnouncer extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      .toasts {
        position: fixed;
        right: var(--sb-space-4);
        bottom: var(--sb-space-4);
        display: flex;
        flex-direction: column;
        gap: var(--sb-space-2);
        z-index: 50;
        max-width: 360px;
      }
      .toast {
        background: var(--sb-topbar);
        color: var(--sb-topbar-text);
        padding: var(--sb-space-2) var(--sb-space-3);
        border-radius: var(--sb-radius);
        box-shadow: 0 2px 8px rgb(0 0 0 / 20%);
      }
    `,
  ];

  @state() private spoken = '';
  @state() private toasts: { id: number; text: string }[] = [];
  private nextId = 0;

  /** Says `text` to screen readers (politely), once. */
  announce(text: string): void {
    // Re-setting the same text would not be announced again: clear first.
    this.spoken = '';
    requestAnimationFrame(() => {
      this.spoken = text;
    });
  }

  /** Shows `text` for a few seconds and announces it. */
  toast(text: string): void {
    const id = ++this.nextId;
    this.toasts = [...this.toasts.slice(-2), { id, text }];
    this.announce(text);
    setTimeout(() => {
      this.toasts = this.toasts.filter((t) => t.id !== id);
    }, 6000);
  }

  override render() {
    return html`
      <div class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
        ${this.spoken}
      </div>
      <div class="toasts" aria-hidden="true">
        ${this.toasts.map((t) => html`<div class="toast">${t.text}</div>`)}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-live-announcer': LiveAnnouncer;
  }
}
