import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { UiContribution } from './api-types.js';
import type { ChatController, Phase } from './chat-controller.js';
import type { ComposerEvent } from './composer.js';
import type { OfflineSubmitEvent } from './offline-form.js';
import type { PrechatSubmitEvent } from './prechat-form.js';
import type { DownloadEvent } from './message-list.js';
import type { SurveySubmitEvent } from './exit-survey.js';
import { base } from './styles.js';
import type { SlotBase } from './widget-slot.js';
import './composer.js';
import './exit-survey.js';
import './message-list.js';
import './offline-form.js';
import './prechat-form.js';
import './widget-slot.js';

/** What gets the focus in a new view, first match wins. */
const FOCUS_ORDER = [
  'sb-prechat-form',
  'sb-offline-form',
  'sb-exit-survey',
  'sb-composer',
  '.scroll button',
  '.minimize',
];

/**
 * The open chat window: the branded header (with the `widget.header` slot), then whatever the
 * chat's phase calls for. Focus moves to the main control of each new view; incoming messages
 * and state changes are read out through a polite live region.
 */
@customElement('sb-chat-window')
export class ChatWindow extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        background: var(--sb-surface);
        border-radius: 12px;
        overflow: hidden;
        border: 1px solid var(--sb-border);
        box-shadow: 0 6px 24px rgb(0 0 0 / 18%);
      }
      header {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 10px 12px;
        background: var(--sb-accent);
        color: var(--sb-on-accent);
      }
      header img {
        width: 28px;
        height: 28px;
        border-radius: 6px;
        object-fit: cover;
      }
      h1 {
        flex: 1;
        margin: 0;
        font-size: 16px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      header button {
        background: transparent;
        color: inherit;
        border: 1px solid color-mix(in srgb, currentColor 50%, transparent);
        border-radius: 6px;
        padding: 4px 8px;
        font-size: 13px;
      }
      header .minimize {
        border: 0;
        font-size: 20px;
        line-height: 1;
        padding: 2px 8px;
      }
      .confirm {
        display: flex;
        gap: 8px;
        align-items: center;
        padding: 8px 12px;
        background: var(--sb-soft);
        border-bottom: 1px solid var(--sb-border);
        font-size: 14px;
      }
      .confirm span {
        flex: 1;
      }
      .scroll {
        flex: 1;
        overflow-y: auto;
        padding: 16px;
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      .queue {
        padding: 10px 12px;
        background: color-mix(in srgb, var(--sb-accent) 10%, #fff);
        border-bottom: 1px solid var(--sb-border);
        font-size: 14px;
      }
      .queue p {
        margin: 0;
      }
      sb-message-list {
        flex: 1;
        min-height: 0;
      }
      .error {
        margin: 0;
        padding: 6px 12px;
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .error span {
        flex: 1;
      }
      .error button {
        background: none;
        border: 0;
        color: inherit;
        text-decoration: underline;
      }
      .center {
        text-align: center;
      }
    `,
  ];

  @property({ attribute: false }) controller!: ChatController;
  @property({ attribute: false }) contributions: readonly UiContribution[] = [];
  @property({ attribute: false }) slotBase: SlotBase | null = null;
  @state() private confirming = false;
  private shownPhase: Phase | null = null;
  private readonly onChange = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    this.controller.addEventListener('change', this.onChange);
  }

  override disconnectedCallback(): void {
    this.controller.removeEventListener('change', this.onChange);
    super.disconnectedCallback();
  }

  /** Focus on the main control of the current view. */
  override focus(): void {
    void this.updateComplete.then(() => {
      const main = FOCUS_ORDER.map((s) => this.renderRoot.querySelector(s)).find(Boolean);
      (main as HTMLElement | undefined)?.focus();
    });
  }

  override render() {
    const c = this.controller;
    const look = c.config.branding;
    const live = c.phase === 'waiting' || c.phase === 'chatting';
    return html`
      <header>
        ${look.logoUrl ? html`<img src=${look.logoUrl} alt="" />` : nothing}
        <h1 id="title">${look.title}</h1>
        <sb-widget-slot
          slotName="widget.header"
          .contributions=${this.contributions}
          .base=${this.slotBase}
        ></sb-widget-slot>
        ${
          live && !this.confirming
            ? html`<button type="button" @click=${() => this.askEnd()}>End chat</button>`
            : nothing
        }
        <button
          type="button"
          class="minimize"
          aria-label="Minimize chat"
          @click=${() => this.minimize()}
        >
          −
        </button>
      </header>
      ${
        this.confirming && live
          ? html`<div class="confirm" role="group" aria-label="End the chat?">
              <span>End this chat?</span>
              <button class="primary" type="button" @click=${() => this.end()}>End</button>
              <button class="secondary" type="button" @click=${() => this.keepChatting()}>
                Keep chatting
              </button>
            </div>`
          : nothing
      }
      ${this.view(c.phase)}
      ${
        c.error
          ? html`<p class="error" role="alert">
              <span>${c.error}</span
              ><button type="button" @click=${() => c.dismissError()}>Dismiss</button>
            </p>`
          : nothing
      }
      <div class="sr-only" aria-live="polite" aria-atomic="true">
        ${c.announced > 0 ? c.announcement : ''}
      </div>
    `;
  }

  private view(phase: Phase) {
    const c = this.controller;
    const look = c.config.branding;
    switch (phase) {
      case 'starting':
        return html`<div class="scroll"><p>Connecting…</p></div>`;
      case 'unavailable':
        return html`<div class="scroll"><p>The chat is not available right now.</p></div>`;
      case 'prechat':
      case 'requesting':
        return html`<div class="scroll">
          <sb-prechat-form
            .fields=${look.prechatFields}
            greeting=${look.greeting}
            ?busy=${phase === 'requesting'}
            @prechat-submit=${(e: PrechatSubmitEvent) => void c.requestChat(e.answers)}
          ></sb-prechat-form>
        </div>`;
      case 'waiting':
      case 'chatting':
        return html`
          ${
            phase === 'waiting'
              ? this.queueView()
              : c.messages.hasAgentMessage
                ? nothing
                : this.waitingSlot()
          }
          <sb-message-list
            .messages=${c.messages.list}
            ?typing=${c.agentTyping}
            @download=${(e: DownloadEvent) => void c.download(e.attachment)}
          ></sb-message-list>
          <sb-composer
            @compose-send=${(e: ComposerEvent) => void c.send(e.text)}
            @compose-typing=${() => c.typing()}
            @compose-attach=${(e: ComposerEvent) => e.file && void c.upload(e.file)}
          ></sb-composer>
        `;
      case 'offline':
        return html`<div class="scroll">
          <sb-offline-form
            text=${c.offlineText}
            name=${c.session?.me.visitor.name ?? ''}
            email=${c.session?.me.visitor.email ?? ''}
            @offline-submit=${(e: OfflineSubmitEvent) => void c.leaveMessage(e.form)}
          ></sb-offline-form>
        </div>`;
      case 'offline-sent':
        return html`<div class="scroll center">
          <p>Thank you. Your message was sent; we will get back to you.</p>
          <button class="secondary" type="button" @click=${() => this.minimize()}>Close</button>
        </div>`;
      case 'ended':
        return html`<div class="scroll">
          <p>The chat has ended.</p>
          <sb-exit-survey
            @survey-submit=${(e: SurveySubmitEvent) => void c.submitSurvey(e.rating, e.comment)}
          ></sb-exit-survey>
          <button class="secondary" type="button" @click=${() => c.newChat()}>
            Start a new chat
          </button>
        </div>`;
      case 'survey-sent':
        return html`<div class="scroll center">
          <p>Thank you for your feedback.</p>
          <button class="secondary" type="button" @click=${() => c.newChat()}>
            Start a new chat
          </button>
        </div>`;
    }
  }

  private queueView() {
    const q = this.controller.queue;
    let text = 'Waiting for an agent…';
    if (q?.position) {
      text = q.position === 1 ? 'You are next in line.' : `You are number ${q.position} in line.`;
      if (q.estimatedWaitSeconds !== null && q.estimatedWaitSeconds !== undefined) {
        const minutes = Math.max(1, Math.round(q.estimatedWaitSeconds / 60));
        text += ` Estimated wait: about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
      }
    }
    return html`<div class="queue" role="status">
      <p>${text}</p>
      ${this.waitingSlot()}
    </div>`;
  }

  /**
   * `widget.waiting` stays up while the visitor waits for the chat to be accepted and then for
   * the agent's first reply: both are waiting, from the visitor's side.
   */
  private waitingSlot() {
    return html`<sb-widget-slot
      slotName="widget.waiting"
      .contributions=${this.contributions}
      .base=${this.slotBase}
    ></sb-widget-slot>`;
  }

  private askEnd() {
    this.confirming = true;
    void this.updateComplete.then(() =>
      (this.renderRoot.querySelector('.confirm .primary') as HTMLElement | null)?.focus(),
    );
  }

  private keepChatting() {
    this.confirming = false;
    this.focus();
  }

  private end() {
    this.confirming = false;
    void this.controller.end();
  }

  private minimize() {
    this.dispatchEvent(new Event('minimize', { bubbles: true, composed: true }));
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const phase = this.controller.phase;
    if (phase !== this.shownPhase) {
      const first = this.shownPhase === null;
      this.shownPhase = phase;
      // A new view: put the focus on its main control (the app focuses on open).
      if (!first) this.focus();
    }
  }
}
