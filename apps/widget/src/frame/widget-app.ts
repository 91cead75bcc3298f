import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SlotContext } from '@switchboard/sdk/ui';
import type { HostMessage, WidgetEventName } from '../common/widget-protocol.js';
import type { UiContribution, WidgetConfig } from './api-types.js';
import { ChatController } from './chat-controller.js';
import './chat-window.js';
import { HostChannel, embedderOrigin, originAllowed } from './host-channel.js';
import { base, palette } from './styles.js';
import { requestJson } from './visitor-session.js';
import type { SlotBase } from './widget-slot.js';

const WINDOW_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const COLOUR = /^#[0-9a-f]{6}$/i;

/**
 * The chat window's root, in the iframe the loader adds to a site's page. It learns which page
 * embeds it, checks that page's origin against the site's allowed origins, and only then talks to
 * it (the loader channel) and shows the chat button. Closed, the frame is button-sized; opened,
 * it asks the loader for room and shows the window.
 */
@customElement('sb-widget-app')
export class WidgetApp extends LitElement {
  static override styles = [
    palette,
    base,
    css`
      :host {
        display: block;
        height: 100vh;
        overflow: hidden;
      }
      .launcher {
        position: absolute;
        right: 8px;
        bottom: 8px;
        width: 56px;
        height: 56px;
        border-radius: 50%;
        border: 0;
        background: var(--sb-accent);
        color: var(--sb-on-accent);
        box-shadow: 0 3px 10px rgb(0 0 0 / 25%);
        display: grid;
        place-items: center;
      }
      :host([left]) .launcher {
        right: auto;
        left: 8px;
      }
      .launcher svg {
        width: 28px;
        height: 28px;
        fill: currentColor;
      }
      .badge {
        position: absolute;
        top: -2px;
        right: -2px;
        min-width: 20px;
        height: 20px;
        border-radius: 10px;
        background: #d1242f;
        color: #fff;
        font-size: 12px;
        font-weight: 700;
        display: grid;
        place-items: center;
        padding: 0 5px;
      }
      sb-chat-window {
        height: 100%;
      }
      .notice {
        padding: 16px;
      }
    `,
  ];

  @state() private mode: 'booting' | 'standalone' | 'ready' = 'booting';
  @state() private open = false;
  @state() private unread = 0;
  @state() private contributions: readonly UiContribution[] = [];
  @state() private slotBase: SlotBase | null = null;
  private controller: ChatController | null = null;
  private channel: HostChannel | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKey);
    void this.boot();
  }

  override render() {
    if (this.mode === 'standalone') {
      return html`<p class="notice" role="status">
        This is a Switchboard chat window. Add the embed snippet to your site to show it there.
      </p>`;
    }
    if (this.mode !== 'ready' || !this.controller) return nothing;
    if (this.open) {
      return html`<sb-chat-window
        .controller=${this.controller}
        .contributions=${this.contributions}
        .slotBase=${this.slotBase}
        @minimize=${() => this.setOpen(false, true)}
      ></sb-chat-window>`;
    }
    const label = this.unread
      ? `Chat with us (${this.unread} unread message${this.unread === 1 ? '' : 's'})`
      : 'Chat with us';
    return html`<button
      type="button"
      class="launcher"
      aria-label=${label}
      aria-expanded="false"
      @click=${() => this.setOpen(true, true)}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path
          d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z"
        />
      </svg>
      ${this.unread ? html`<span class="badge" aria-hidden="true">${this.unread}</span>` : nothing}
    </button>`;
  }

  private async boot(): Promise<void> {
    const params = new URLSearchParams(location.search);
    const key = params.get('key') ?? '';
    const windowName = params.get('window') ?? '';
    const origin = embedderOrigin();
    if (!origin || !key) {
      this.mode = 'standalone';
      return;
    }
    let config: WidgetConfig;
    try {
      const query = new URLSearchParams({ embedKey: key });
      if (WINDOW_NAME.test(windowName)) query.set('window', windowName);
      config = await requestJson<WidgetConfig>('GET', `/api/v1/widget/config?${query}`);
    } catch {
      return; // Unknown key or server trouble: stay silent; the loader removes the frame.
    }
    // The browser enforces frame-ancestors; this check also keeps us from talking to a page of
    // another origin (and from starting a session for it).
    if (config.allowedOrigins && !originAllowed(config.allowedOrigins, origin)) return;

    this.applyLook(config);
    const controller = new ChatController(config, key, (name, detail) => this.emit(name, detail));
    this.controller = controller;
    controller.addEventListener('change', () => this.changed());
    this.channel = new HostChannel(origin, (m) => this.fromHost(m));
    this.channel.start();
    this.mode = 'ready';
    await this.updateComplete;
    this.channel.send({ type: 'ready', data: { position: config.branding.position } });
    // The window was open on the previous page of the site: keep it open on this one.
    if (remembered(key)) this.setOpen(true, false);
    await controller.start();
    await this.loadContributions();
  }

  private applyLook(config: WidgetConfig): void {
    const colour = COLOUR.test(config.branding.colour) ? config.branding.colour : '#1f6feb';
    this.style.setProperty('--sb-accent', colour);
    this.style.setProperty('--sb-on-accent', onColour(colour));
    this.toggleAttribute('left', config.branding.position === 'bottom-left');
    document.title = config.branding.title;
  }

  private fromHost(message: HostMessage): void {
    const controller = this.controller;
    if (!controller) return;
    switch (message.type) {
      case 'page':
        return controller.pageView(message.data);
      case 'set':
        return controller.setData(message.data);
      case 'open':
        return this.setOpen(true, true);
      case 'close':
        return this.setOpen(false, false);
    }
  }

  private setOpen(open: boolean, moveFocus: boolean): void {
    if (this.open === open) return;
    this.open = open;
    if (open) this.unread = 0;
    remember(new URLSearchParams(location.search).get('key') ?? '', open);
    this.channel?.send({ type: 'resize', data: open ? 'open' : 'closed' });
    this.emit(open ? 'open' : 'close', null);
    if (!moveFocus) return;
    void this.updateComplete.then(() => {
      const target = this.renderRoot.querySelector(open ? 'sb-chat-window' : '.launcher');
      (target as HTMLElement | null)?.focus();
    });
  }

  private readonly onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && this.open) {
      event.preventDefault();
      this.setOpen(false, true);
    }
  };

  private lastCount = 0;

  /** The controller changed: count unread agent messages while closed, refresh slot contexts. */
  private changed(): void {
    const c = this.controller!;
    const incoming = c.messages.list.filter((m) => !m.mine && m.kind !== 'event').length;
    if (!this.open && incoming > this.lastCount) this.unread += incoming - this.lastCount;
    this.lastCount = incoming;
    const conversation = c.conversation;
    const previous = this.slotBase;
    if (
      !previous ||
      previous.conversation?.id !== conversation?.id ||
      (previous.conversation as { state?: string } | null)?.state !== conversation?.state
    ) {
      this.slotBase = this.makeSlotBase();
    }
  }

  private makeSlotBase(): SlotBase | null {
    const c = this.controller;
    const session = c?.session;
    if (!c || !session) return null;
    return {
      surface: 'widget',
      api: <T>(path: string, init?: { method?: string; body?: unknown }) => {
        if (!path.startsWith('/api/v1/')) {
          return Promise.reject(new Error('SlotContext.api: the path must start with /api/v1/'));
        }
        return session.api<T>(init?.method ?? 'GET', path, init?.body);
      },
      call: <T>(type: string, data?: Readonly<Record<string, unknown>>) =>
        session.client.call<T>(type, data ?? {}),
      on: (type: string, handler: (event: unknown) => void) => session.client.on(type, handler),
      user: null,
      // The visitor's own views of the conversation and of themselves (no agent-side fields).
      conversation: c.conversation as unknown as SlotContext['conversation'],
      visitor: session.me.visitor as unknown as SlotContext['visitor'],
      message: null,
    };
  }

  private async loadContributions(): Promise<void> {
    const session = this.controller?.session;
    if (!session) return;
    try {
      const answer = await session.api<{ contributions: UiContribution[] }>(
        'GET',
        '/api/v1/ui/contributions?surface=widget',
      );
      this.contributions = answer.contributions.filter((c) => c.slot.startsWith('widget.'));
      this.slotBase = this.makeSlotBase();
    } catch {
      // No plugin UI: the slots stay empty.
    }
  }

  private emit(name: WidgetEventName, detail: unknown): void {
    this.channel?.send({ type: 'event', data: { name, detail } });
  }
}

/** Black or white, whichever reads better on `hex`. */
function onColour(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.35 ? '#000000' : '#ffffff';
}

/** Whether the window is open, per tab (sessionStorage is shared by the tab's frames of our origin). */
function remembered(key: string): boolean {
  try {
    return sessionStorage.getItem(`switchboard.open.${key}`) === '1';
  } catch {
    return false;
  }
}

function remember(key: string, open: boolean): void {
  try {
    if (open) sessionStorage.setItem(`switchboard.open.${key}`, '1');
    else sessionStorage.removeItem(`switchboard.open.${key}`);
  } catch {
    // No storage: the window starts closed on the next page.
  }
}
