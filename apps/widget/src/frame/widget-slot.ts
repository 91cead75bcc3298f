import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SlotContext } from '@switchboard/sdk/ui';
import type { UiContribution } from './api-types.js';

/** What the app gives every element of a slot; the slot adds `pluginId` and `slot`. */
export type SlotBase = Omit<SlotContext, 'pluginId' | 'slot'>;

const ELEMENT_NAME = /^[a-z][a-z0-9._]*-[a-z0-9._-]*$/;

/**
 * Mounts the plugin elements contributed to one widget slot (`widget.header`, `widget.waiting`).
 * Each module is imported from our own origin, its element created and given a `context`; a new
 * context object is set whenever `base` changes. Anything that fails (the import, the
 * constructor, `connectedCallback`, the context setter) is contained: that entry shows a short
 * note and the rest of the window keeps working.
 */
@customElement('sb-widget-slot')
export class WidgetSlot extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    :host([empty]) {
      display: none;
    }
    .failed {
      font-size: 12px;
      color: #59636e;
      margin: 4px 0;
    }
  `;

  @property() slotName = '';
  @property({ attribute: false }) contributions: readonly UiContribution[] = [];
  @property({ attribute: false }) base: SlotBase | null = null;
  @state() private failed: string[] = [];
  private readonly mounted = new Map<string, HTMLElement>();

  override render() {
    return html`<div class="mount"></div>
      ${this.failed.map((title) => html`<p class="failed">${title} could not load.</p>`)} ${nothing}`;
  }

  protected override updated(changed: PropertyValues): void {
    const mine = this.contributions.filter((c) => c.slot === this.slotName);
    this.toggleAttribute('empty', mine.length === 0 && this.failed.length === 0);
    if (changed.has('contributions')) {
      for (const c of mine) if (!this.mounted.has(key(c))) void this.mount(c);
    }
    if (changed.has('base')) {
      for (const c of mine) {
        const element = this.mounted.get(key(c));
        if (element) this.contain(c, () => this.give(element, c));
      }
    }
  }

  private async mount(c: UiContribution): Promise<void> {
    const id = key(c);
    this.mounted.set(id, document.createElement('span'));
    try {
      // Only modules of our own server; plugin UI is served under /ui/plugins/.
      if (!c.moduleUrl.startsWith('/') || c.moduleUrl.startsWith('//')) throw new Error('url');
      if (!ELEMENT_NAME.test(c.element)) throw new Error('element');
      await import(/* @vite-ignore */ c.moduleUrl);
      await Promise.race([
        customElements.whenDefined(c.element),
        new Promise((_, reject) => setTimeout(() => reject(new Error('undefined')), 5000)),
      ]);
    } catch {
      this.fail(c);
      return;
    }
    const mount = this.renderRoot.querySelector('.mount')!;
    let element: HTMLElement | null = null;
    const ok = this.contain(c, () => {
      element = document.createElement(c.element);
      this.give(element, c);
      mount.append(element);
    });
    if (ok && element) this.mounted.set(id, element);
    else (element as HTMLElement | null)?.remove();
  }

  private give(element: HTMLElement, c: UiContribution): void {
    if (!this.base) return;
    const context: SlotContext = {
      ...this.base,
      pluginId: c.pluginId,
      slot: c.slot as SlotContext['slot'],
    };
    (element as HTMLElement & { context?: SlotContext }).context = context;
  }

  /**
   * Runs `fn`, catching what it throws and what custom element callbacks report (they do not
   * throw to the caller: the browser reports them as `error` events on the window).
   */
  private contain(c: UiContribution, fn: () => void): boolean {
    let reported = false;
    const onError = () => {
      reported = true;
    };
    window.addEventListener('error', onError);
    try {
      fn();
    } catch {
      reported = true;
    } finally {
      window.removeEventListener('error', onError);
    }
    if (reported) this.fail(c);
    return !reported;
  }

  private fail(c: UiContribution): void {
    if (!this.failed.includes(c.title)) this.failed = [...this.failed, c.title || c.pluginId];
  }
}

function key(c: UiContribution): string {
  return `${c.pluginId}/${c.element}`;
}
