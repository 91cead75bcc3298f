/**
 * <sb-canned-responses-picker>: a composer action listing the tenant's saved answers. Clicking
 * one fires `sb-insert-text` (bubbling, composed) with `detail.text` for the composer to insert.
 * The host sets `context` ({ client }) as the console does for every slot element.
 */
interface SlotContext {
  api(path: string): Promise<unknown>;
}

class CannedResponsesPicker extends HTMLElement {
  private root = this.attachShadow({ mode: 'open' });
  context: SlotContext | null = null;

  connectedCallback(): void {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Canned responses';
    button.setAttribute('aria-haspopup', 'listbox');
    button.addEventListener('click', () => void this.open());
    this.root.replaceChildren(button);
  }

  private async open(): Promise<void> {
    if (!this.context) return;
    const data = (await this.context.api('/api/v1/plugins/canned-responses/responses')) as {
      responses: { shortcut: string; text: string }[];
    };
    const list = document.createElement('ul');
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Canned responses');
    for (const r of data.responses) {
      const item = document.createElement('li');
      item.setAttribute('role', 'option');
      item.tabIndex = 0;
      item.textContent = `/${r.shortcut}: ${r.text}`;
      const pick = () =>
        this.dispatchEvent(
          new CustomEvent('sb-insert-text', {
            detail: { text: r.text },
            bubbles: true,
            composed: true,
          }),
        );
      item.addEventListener('click', pick);
      item.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') pick();
      });
      list.append(item);
    }
    this.root.append(list);
  }
}

if (!customElements.get('sb-canned-responses-picker')) {
  customElements.define('sb-canned-responses-picker', CannedResponsesPicker);
}
