/**
 * <sb-whisper-compose>: the `conversation.header` element "Whisper". Shown to a user holding
 * `conversation.whisper` (the contribution's permission) on a chat in progress that is
 * assigned to someone else; a small form posts the whisper to
 * `POST /api/v1/plugins/whisper/conversations/:id/whispers`. Hidden everywhere else.
 */
import type { SlotContext } from '@switchboard/sdk/ui';
import { BASE, BASE_CSS, el, errorText, notify, sheetOf } from './dom.js';

const styles = sheetOf(`${BASE_CSS}
form { margin-top: 6px; display: grid; gap: 6px; max-width: 36em; }
`);

let ids = 0;

class WhisperCompose extends HTMLElement {
  private readonly root = this.attachShadow({ mode: 'open' });
  private ctx: SlotContext | null = null;
  private open = false;
  private busy = false;
  private error = '';
  private draft = '';
  private readonly fieldId = `sb-whisper-text-${++ids}`;

  constructor() {
    super();
    this.root.adoptedStyleSheets = [styles()];
  }

  get context(): SlotContext | null {
    return this.ctx;
  }

  set context(value: SlotContext | null) {
    const before = this.ctx?.conversation?.id;
    this.ctx = value;
    if (value?.conversation?.id !== before) {
      this.open = false;
      this.error = '';
      this.draft = '';
    }
    this.render(false);
  }

  connectedCallback(): void {
    this.render();
  }

  /** True when the signed-in user may whisper here. */
  private get applicable(): boolean {
    const c = this.ctx?.conversation;
    const me = this.ctx?.user?.id;
    return Boolean(
      c &&
      me &&
      (c.state === 'active' || c.state === 'idle') &&
      c.assignedAgentId &&
      c.assignedAgentId !== me,
    );
  }

  private shown = '';

  private render(force = true): void {
    // A new context arrives with every change in the conversation: rebuild only when what is
    // shown changes, so typing keeps its focus.
    const key = JSON.stringify([this.applicable, this.open, this.busy, this.error]);
    if (!force && key === this.shown) return;
    this.shown = key;
    if (!this.applicable) {
      this.hidden = true;
      this.root.replaceChildren();
      return;
    }
    this.hidden = false;
    const toggle = el('button', { type: 'button', 'aria-expanded': String(this.open) }, 'Whisper');
    toggle.addEventListener('click', () => {
      this.open = !this.open;
      this.error = '';
      this.render();
      if (this.open) this.root.querySelector('textarea')?.focus();
    });
    if (!this.open) {
      this.root.replaceChildren(toggle);
      return;
    }
    const text = el('textarea', {
      id: this.fieldId,
      maxLength: 4000,
      required: true,
      value: this.draft,
    });
    text.addEventListener('input', () => (this.draft = text.value));
    const send = el('button', { type: 'submit', disabled: this.busy }, 'Send whisper');
    const form = el(
      'form',
      { 'aria-label': 'Whisper to the agent' },
      el('label', { htmlFor: this.fieldId }, 'Whisper to the agent (the visitor never sees it)'),
      text,
      el('div', { class: 'row' }, send),
      el('p', { class: 'error', role: 'alert' }, this.error),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit(text.value);
    });
    this.root.replaceChildren(toggle, form);
  }

  private async submit(body: string): Promise<void> {
    const ctx = this.ctx;
    const conversation = ctx?.conversation;
    if (!ctx || !conversation || this.busy) return;
    if (!body.trim()) {
      this.error = 'Write something to whisper.';
      this.render();
      return;
    }
    this.busy = true;
    this.error = '';
    this.render();
    try {
      await ctx.api(`${BASE}/conversations/${encodeURIComponent(conversation.id)}/whispers`, {
        method: 'POST',
        body: { body },
      });
      this.draft = '';
      this.open = false;
      notify(this, 'Whisper sent.');
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
      this.render();
    }
  }
}

if (!customElements.get('sb-whisper-compose')) {
  customElements.define('sb-whisper-compose', WhisperCompose);
}
