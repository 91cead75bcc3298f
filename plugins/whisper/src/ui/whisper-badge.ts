/**
 * <sb-whisper-badge>: the `conversation.message.decorations` element. On a whisper (an internal
 * message whose `metadata.whisper` is set) it shows a highlighted "Whisper from <name>" badge
 * and, for the whisper's recipient or sender, a "Respond" button that opens the internal
 * thread between the two (`POST …/threads`, then the sidebar shows it). On any other message it
 * renders nothing.
 */
import type { SlotContext } from '@switchboard/sdk/ui';
import type { WhisperMetadata } from '../common/schemas.js';
import { BASE, BASE_CSS, OPEN_THREAD_EVENT, el, errorText, notify, sheetOf } from './dom.js';

const styles = sheetOf(`${BASE_CSS}
.badge { display: inline-flex; gap: 8px; align-items: center; flex-wrap: wrap;
  border-left: 4px solid #b54708; border-radius: 6px; padding: 2px 8px; background: #fff4c2;
  color: #1d2939; }
.label { font-weight: 600; }
`);

let uiSettings: Promise<{ highlightColour: string }> | null = null;

class WhisperBadge extends HTMLElement {
  private readonly root = this.attachShadow({ mode: 'open' });
  private ctx: SlotContext | null = null;
  private error = '';
  private shown = '';

  constructor() {
    super();
    this.root.adoptedStyleSheets = [styles()];
  }

  get context(): SlotContext | null {
    return this.ctx;
  }

  set context(value: SlotContext | null) {
    this.ctx = value;
    this.render(false);
  }

  connectedCallback(): void {
    this.render();
  }

  private get whisper(): WhisperMetadata | null {
    const w = this.ctx?.message?.metadata?.whisper as Partial<WhisperMetadata> | undefined;
    return this.ctx?.message?.visibility === 'internal' &&
      w &&
      typeof w.fromUserId === 'string' &&
      typeof w.toUserId === 'string'
      ? (w as WhisperMetadata)
      : null;
  }

  private render(force = true): void {
    const w = this.whisper;
    const me = this.ctx?.user?.id;
    const key = JSON.stringify([this.ctx?.message?.id, w, me, this.error]);
    if (!force && key === this.shown) return;
    this.shown = key;
    if (!w) {
      this.hidden = true;
      this.root.replaceChildren();
      return;
    }
    this.hidden = false;
    const other = me === w.toUserId ? w.fromUserId : me === w.fromUserId ? w.toUserId : null;
    const respond = other
      ? el('button', { type: 'button' }, me === w.toUserId ? 'Respond' : 'Open thread')
      : null;
    respond?.setAttribute(
      'aria-label',
      me === w.toUserId ? `Respond to ${w.fromName}` : `Open thread with ${w.toName}`,
    );
    respond?.addEventListener('click', () => void this.openThread(other!));
    const badge = el(
      'div',
      { class: 'badge', role: 'note', 'aria-label': `Whisper from ${w.fromName}` },
      el('span', { class: 'label' }, `Whisper from ${w.fromName}`),
      el('span', {}, `to ${w.toName} · not shown to the visitor`),
      respond,
    );
    this.root.replaceChildren(badge, el('p', { class: 'error', role: 'alert' }, this.error));
    void this.paint(badge);
  }

  /** The tenant's highlight colour (CSSOM, which the CSP allows). */
  private async paint(badge: HTMLElement): Promise<void> {
    if (!this.ctx) return;
    uiSettings ??= this.ctx.api<{ highlightColour: string }>(`${BASE}/ui-settings`).catch(() => {
      uiSettings = null;
      return { highlightColour: '#fff4c2' };
    });
    const { highlightColour } = await uiSettings;
    if (/^#[0-9a-fA-F]{6}$/.test(highlightColour)) badge.style.backgroundColor = highlightColour;
  }

  private async openThread(withUserId: string): Promise<void> {
    const ctx = this.ctx;
    const conversationId = ctx?.message?.conversationId ?? ctx?.conversation?.id;
    if (!ctx || !conversationId) return;
    try {
      const { thread } = await ctx.api<{ thread: unknown }>(
        `${BASE}/conversations/${encodeURIComponent(conversationId)}/threads`,
        { method: 'POST', body: { withUserId } },
      );
      this.error = '';
      document.dispatchEvent(new CustomEvent(OPEN_THREAD_EVENT, { detail: { thread } }));
      notify(this, 'Internal chat opened in the sidebar.');
    } catch (error) {
      this.error = errorText(error);
    }
    this.render();
  }
}

if (!customElements.get('sb-whisper-badge')) {
  customElements.define('sb-whisper-badge', WhisperBadge);
}
