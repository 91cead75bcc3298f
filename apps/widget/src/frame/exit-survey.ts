import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { base, forms } from './styles.js';

/** Event of {@link ExitSurvey}. */
export class SurveySubmitEvent extends Event {
  constructor(
    readonly rating: number,
    readonly comment: string,
  ) {
    super('survey-submit', { bubbles: true, composed: true });
  }
}

const LABELS = ['Very poor', 'Poor', 'Okay', 'Good', 'Excellent'];

/** After the chat: a rating from 1 to 5 (radio buttons) and an optional comment. */
@customElement('sb-exit-survey')
export class ExitSurvey extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
      }
      legend {
        font-weight: 600;
        margin-bottom: 8px;
      }
      .scale {
        display: flex;
        gap: 6px;
      }
      .scale label {
        flex: 1;
        align-items: center;
        font-weight: 400;
        font-size: 12px;
        border: 1px solid var(--sb-border);
        border-radius: 8px;
        padding: 6px 2px;
        text-align: center;
        cursor: pointer;
      }
      .scale label:has(input:checked) {
        border-color: var(--sb-accent);
        background: color-mix(in srgb, var(--sb-accent) 12%, #fff);
      }
      .scale input {
        width: auto;
        margin: 0;
      }
      .num {
        font-size: 16px;
        font-weight: 700;
      }
    `,
  ];

  @property({ type: Boolean }) busy = false;
  @state() private rating = 0;

  override focus(): void {
    (this.renderRoot.querySelector('input') as HTMLElement | null)?.focus();
  }

  override render() {
    return html`
      <form aria-label="Rate this chat" @submit=${this.submit}>
        <fieldset>
          <legend>How was this chat?</legend>
          <div class="scale">
            ${LABELS.map(
              (label, i) => html`
                <label>
                  <input
                    type="radio"
                    name="rating"
                    value=${i + 1}
                    aria-label=${`${i + 1} of 5: ${label}`}
                    required
                    @change=${() => (this.rating = i + 1)}
                  />
                  <span class="num" aria-hidden="true">${i + 1}</span>
                  <span aria-hidden="true">${label}</span>
                </label>
              `,
            )}
          </div>
        </fieldset>
        <label for="s-comment"
          >Comment <span class="optional">(optional)</span
          ><textarea id="s-comment" name="comment" maxlength="2000"></textarea>
        </label>
        <button class="primary" type="submit" ?disabled=${this.busy || this.rating === 0}>
          Send feedback
        </button>
      </form>
    `;
  }

  private submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    if (!this.rating) return;
    this.dispatchEvent(new SurveySubmitEvent(this.rating, String(data.get('comment') ?? '')));
  }
}
