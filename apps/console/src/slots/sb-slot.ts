import type { UiContribution, UiSlot } from '@switchboard/sdk';
import { mountSlot, type SlotContextParts, type SlotMount } from './slot-host.js';

/**
 * `<sb-slot name="conversation.header" .parts=${{ conversation, visitor }}>`: a slot in a Lit
 * template. Plugin elements go into its light DOM; Lit never touches them because the element
 * renders nothing itself.
 */
export class SbSlot extends HTMLElement {
  private mount: SlotMount | null = null;
  private currentParts: SlotContextParts = {};
  /** Only these contributions (a single console.view), when set before connecting. */
  filter: ((c: UiContribution) => boolean) | undefined;

  get parts(): SlotContextParts {
    return this.currentParts;
  }

  set parts(value: SlotContextParts) {
    const before = this.currentParts;
    this.currentParts = value ?? {};
    const same =
      before.conversation === this.currentParts.conversation &&
      before.visitor === this.currentParts.visitor &&
      before.message === this.currentParts.message;
    if (!same) this.mount?.update(this.currentParts);
  }

  connectedCallback(): void {
    const name = this.getAttribute('name') as UiSlot | null;
    if (!name || this.mount) return;
    this.setAttribute('data-slot', name);
    this.mount = mountSlot(name, this, this.currentParts, { filter: this.filter });
  }

  disconnectedCallback(): void {
    this.mount?.dispose();
    this.mount = null;
  }
}

if (!customElements.get('sb-slot')) customElements.define('sb-slot', SbSlot);

declare global {
  interface HTMLElementTagNameMap {
    'sb-slot': SbSlot;
  }
}
