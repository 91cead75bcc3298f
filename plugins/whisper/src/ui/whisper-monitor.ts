/**
 * <sb-whisper-monitor>: the `conversation.header` element for supervisors (contribution
 * permission `conversation.monitor`). "Monitor" starts an audited silent monitoring session
 * (`POST …/monitor`) and watches the conversation on the console's socket
 * (`conversation.subscribe`): its messages arrive live and the visitor sees nothing. Stopping
 * ends the audited session; the socket watch is the console's to drop (it does so when the
 * conversation's tab closes). "Barge in" joins visibly (`POST …/barge-in`: the visitor sees
 * "<name> joined the chat."), after which the supervisor writes with the console's composer.
 * Hidden on ended chats and on one's own.
 */
import type { SlotContext } from '@switchboard/sdk/ui';
import { BASE, BASE_CSS, el, errorText, notify, sheetOf } from './dom.js';

const styles = sheetOf(BASE_CSS);

interface MonitorsAnswer {
  readonly monitors: readonly { readonly userId: string }[];
}

class WhisperMonitor extends HTMLElement {
  private readonly root = this.attachShadow({ mode: 'open' });
  private ctx: SlotContext | null = null;
  private conversationId: string | null = null;
  private monitoring = false;
  private busy = false;
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
    const id = value?.conversation?.id ?? null;
    if (id !== this.conversationId) {
      this.conversationId = id;
      this.monitoring = false;
      this.error = '';
      if (id && this.applicable) void this.load(id);
    }
    this.render(false);
  }

  connectedCallback(): void {
    this.render();
  }

  private get applicable(): boolean {
    const c = this.ctx?.conversation;
    const me = this.ctx?.user?.id;
    return Boolean(c && me && c.state !== 'ended' && c.assignedAgentId !== me);
  }

  private get path(): string {
    return `${BASE}/conversations/${encodeURIComponent(this.conversationId ?? '')}`;
  }

  /** Whether this user already monitors the conversation (after a reload, say). */
  private async load(id: string): Promise<void> {
    try {
      const answer = await this.ctx!.api<MonitorsAnswer>(`${this.path}/monitors`);
      if (this.conversationId !== id) return;
      this.monitoring = answer.monitors.some((m) => m.userId === this.ctx?.user?.id);
      if (this.monitoring) await this.ctx!.call('conversation.subscribe', { conversationId: id });
    } catch (error) {
      this.error = errorText(error);
    }
    this.render();
  }

  private render(force = true): void {
    const c = this.ctx?.conversation;
    const key = JSON.stringify([this.applicable, this.monitoring, this.busy, this.error, c?.state]);
    if (!force && key === this.shown) return;
    this.shown = key;
    if (!this.applicable) {
      this.hidden = true;
      this.root.replaceChildren();
      return;
    }
    this.hidden = false;
    const monitor = el(
      'button',
      {
        type: 'button',
        disabled: this.busy,
        'aria-pressed': String(this.monitoring),
        title: 'Receive this chat live; the visitor and the agent see nothing',
      },
      'Monitor',
    );
    monitor.addEventListener('click', () => void this.toggle());
    const live = c?.state === 'active' || c?.state === 'idle';
    const barge = live
      ? el(
          'button',
          { type: 'button', disabled: this.busy, title: 'Join visibly: the visitor is told' },
          'Barge in',
        )
      : null;
    barge?.addEventListener('click', () => void this.bargeIn());
    this.root.replaceChildren(
      el('div', { class: 'row', role: 'group', 'aria-label': 'Monitoring' }, monitor, barge),
      el('p', { class: 'error', role: 'alert' }, this.error),
    );
  }

  private async toggle(): Promise<void> {
    const ctx = this.ctx;
    const id = this.conversationId;
    if (!ctx || !id || this.busy) return;
    this.busy = true;
    this.error = '';
    this.render();
    try {
      if (this.monitoring) {
        // The watch stays: the console itself watches the conversations it has open (and drops
        // the watch when their tab closes); a socket's watches are not counted per user.
        await ctx.api(`${this.path}/monitor`, { method: 'DELETE' });
        this.monitoring = false;
        notify(this, 'Monitoring stopped.');
      } else {
        await ctx.api(`${this.path}/monitor`, { method: 'POST' });
        await ctx.call('conversation.subscribe', { conversationId: id });
        this.monitoring = true;
        notify(this, 'Monitoring: new messages arrive live. The visitor sees nothing.');
      }
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private async bargeIn(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx || !this.conversationId || this.busy) return;
    this.busy = true;
    this.error = '';
    this.render();
    try {
      await ctx.api(`${this.path}/barge-in`, { method: 'POST' });
      await ctx.call('conversation.subscribe', { conversationId: this.conversationId });
      this.monitoring = false;
      notify(this, 'You joined the chat; the visitor has been told.');
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
      this.render();
    }
  }
}

if (!customElements.get('sb-whisper-monitor')) {
  customElements.define('sb-whisper-monitor', WhisperMonitor);
}
