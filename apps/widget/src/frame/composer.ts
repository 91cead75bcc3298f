import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { paperclip } from './icons.js';
import { base } from './styles.js';

/** Events of {@link Composer}. */
export class ComposerEvent extends Event {
  constructor(
    type: 'compose-send' | 'compose-typing' | 'compose-attach',
    readonly text = '',
    readonly file: File | null = null,
  ) {
    super(type, { bubbles: true, composed: true });
  }
}

/** Where the visitor writes: Enter sends, Shift+Enter breaks the line; a button attaches a file. */
@customElement('sb-composer')
export class Composer extends LitElement {
  static override styles = [
    base,
    css`
      form {
        display: flex;
        gap: 6px;
        align-items: flex-end;
        padding: 8px;
        border-top: 1px solid var(--sb-border);
        background: var(--sb-surface);
      }
      textarea {
        flex: 1;
        font: inherit;
        resize: none;
        border: 1px solid var(--sb-border);
        border-radius: 8px;
        padding: 8px 10px;
        min-height: 40px;
        max-height: 120px;
      }
      .icon {
        background: transparent;
        border: 1px solid var(--sb-border);
        border-radius: 8px;
        width: 40px;
        height: 40px;
        display: grid;
        place-items: center;
        color: var(--sb-muted);
      }
      .icon svg {
        width: 20px;
        height: 20px;
        fill: currentColor;
      }
      .primary {
        height: 40px;
      }
      input[type='file'] {
        display: none;
      }
    `,
  ];

  @property({ type: Boolean }) disabled = false;
  @query('textarea') private input!: HTMLTextAreaElement;
  @query('input[type=file]') private picker!: HTMLInputElement;

  override focus(): void {
    this.input?.focus();
  }

  override render() {
    return html`
      <form aria-label="Write a message" @submit=${this.submit}>
        <button
          class="icon"
          type="button"
          aria-label="Attach a file"
          ?disabled=${this.disabled}
          @click=${() => this.picker.click()}
        >
          ${paperclip}
        </button>
        <input type="file" tabindex="-1" aria-hidden="true" @change=${this.picked} />
        <label class="sr-only" for="c-text">Message</label>
        <textarea
          id="c-text"
          rows="1"
          maxlength="4000"
          placeholder="Type your message…"
          ?disabled=${this.disabled}
          @input=${() => this.dispatchEvent(new ComposerEvent('compose-typing'))}
          @keydown=${this.keydown}
        ></textarea>
        <button class="primary" type="submit" ?disabled=${this.disabled}>Send</button>
      </form>
    `;
  }

  private keydown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  }

  private submit(event: SubmitEvent) {
    event.preventDefault();
    this.send();
  }

  private send() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = '';
    this.dispatchEvent(new ComposerEvent('compose-send', text));
    this.input.focus();
  }

  private picked() {
    const file = this.picker.files?.[0];
    this.picker.value = '';
    if (file) this.dispatchEvent(new ComposerEvent('compose-attach', '', file));
  }
}
