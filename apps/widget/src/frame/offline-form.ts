import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base, forms } from './styles.js';

/** Event of {@link OfflineForm}. */
export class OfflineSubmitEvent extends Event {
  constructor(readonly form: { name: string; email: string; message: string }) {
    super('offline-submit', { bubbles: true, composed: true });
  }
}

/** Nobody is available: name, email and a message for the team. */
@customElement('sb-offline-form')
export class OfflineForm extends LitElement {
  static override styles = [base, forms];

  @property() text = '';
  @property() name = '';
  @property() email = '';
  @property({ type: Boolean }) busy = false;

  override focus(): void {
    (this.renderRoot.querySelector('input') as HTMLElement | null)?.focus();
  }

  override render() {
    return html`
      <form aria-label="Leave a message" @submit=${this.submit}>
        <p>${this.text}</p>
        <label for="o-name"
          >Name<input
            id="o-name"
            name="name"
            autocomplete="name"
            maxlength="200"
            .value=${this.name}
            required
        /></label>
        <label for="o-email"
          >Email<input
            id="o-email"
            name="email"
            type="email"
            autocomplete="email"
            maxlength="254"
            .value=${this.email}
            required
        /></label>
        <label for="o-message"
          >Message<textarea id="o-message" name="message" maxlength="4000" required></textarea>
        </label>
        <button class="primary" type="submit" ?disabled=${this.busy}>Send message</button>
      </form>
    `;
  }

  private submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const text = (key: string) => String(data.get(key) ?? '').trim();
    this.dispatchEvent(
      new OfflineSubmitEvent({
        name: text('name'),
        email: text('email'),
        message: text('message'),
      }),
    );
  }
}
