import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PrechatField } from './api-types.js';
import { base, forms } from './styles.js';

/** Event of {@link PrechatForm}: the answers, by field name (empty answers left out). */
export class PrechatSubmitEvent extends Event {
  constructor(readonly answers: Record<string, string>) {
    super('prechat-submit', { bubbles: true, composed: true });
  }
}

/**
 * The pre-chat form: the fields the site configured (branding `prechatFields`), required or not,
 * then "Start chat". With no fields it is just the greeting and the button.
 */
@customElement('sb-prechat-form')
export class PrechatForm extends LitElement {
  static override styles = [base, forms];

  @property({ attribute: false }) fields: readonly PrechatField[] = [];
  @property() greeting = '';
  @property({ type: Boolean }) busy = false;

  /** Puts the focus on the first field (or the button). */
  override focus(): void {
    (
      this.renderRoot.querySelector('input, select, textarea, button') as HTMLElement | null
    )?.focus();
  }

  override render() {
    return html`
      <form aria-label="Start a chat" @submit=${this.submit}>
        ${this.greeting ? html`<p class="greeting">${this.greeting}</p>` : nothing}
        ${this.fields.map((field) => this.field(field))}
        <button class="primary" type="submit" ?disabled=${this.busy}>
          ${this.busy ? 'Starting…' : 'Start chat'}
        </button>
      </form>
    `;
  }

  private field(field: PrechatField) {
    const id = `f-${field.name}`;
    const label = html`${field.label}${
      field.required ? nothing : html` <span class="optional">(optional)</span>`
    }`;
    let control;
    if (field.type === 'select') {
      control = html`<select id=${id} name=${field.name} ?required=${field.required}>
        <option value="">Choose…</option>
        ${(field.options ?? []).map((option) => html`<option value=${option}>${option}</option>`)}
      </select>`;
    } else if (field.type === 'textarea') {
      control = html`<textarea
        id=${id}
        name=${field.name}
        maxlength="2000"
        ?required=${field.required}
      ></textarea>`;
    } else {
      control = html`<input
        id=${id}
        name=${field.name}
        type=${field.type}
        maxlength="200"
        autocomplete=${field.type === 'email' ? 'email' : field.name === 'name' ? 'name' : 'off'}
        ?required=${field.required}
      />`;
    }
    return html`<label for=${id}>${label}${control}</label>`;
  }

  private submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const answers: Record<string, string> = {};
    for (const [name, value] of new FormData(form)) {
      if (typeof value === 'string' && value.trim()) answers[name] = value.trim();
    }
    this.dispatchEvent(new PrechatSubmitEvent(answers));
  }
}
