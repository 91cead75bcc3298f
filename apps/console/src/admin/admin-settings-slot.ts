import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { ConsoleSession } from '../session.js';
import { baseStyles } from '../forms/form-styles.js';
import { mountSlot, type SlotMount } from '../slots/slot-host.js';

/**
 * The `admin.settings` slot: admin panels that plugins contribute, mounted (with the shell's
 * error containment) below the plugin list. A plugin that fails shows a one-line error in its
 * place; the rest of the page keeps working.
 */
@customElement('sb-admin-settings-slot')
export class AdminSettingsSlot extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .slot:not([data-empty]) + .empty {
        display: none;
      }
      .slot > .sb-slot-item + .sb-slot-item {
        margin-top: 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) session!: ConsoleSession;

  @query('.slot') private container!: HTMLElement;
  private mount: SlotMount | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Reconnected after a move: mount again into the existing container.
    if (this.hasUpdated && !this.mount) this.mount = mountSlot('admin.settings', this.container);
  }

  protected override firstUpdated(): void {
    this.mount = mountSlot('admin.settings', this.container);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.mount?.dispose();
    this.mount = null;
  }

  override render() {
    return html`<div class="slot" data-empty></div>
      <p class="empty muted">No plugin adds settings here.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-admin-settings-slot': AdminSettingsSlot;
  }
}
