import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { UiContribution } from '@switchboard/sdk';
import '../components/conversation-dock.js';
import type { ConversationDock } from '../components/conversation-dock.js';
import '../components/conversation-list.js';
import '../components/live-announcer.js';
import type { LiveAnnouncer } from '../components/live-announcer.js';
import '../components/preferences-menu.js';
import '../components/presence-switch.js';
import '../components/visitor-panel.js';
import type { Preferences } from '../services/preferences.js';
import type { ConsoleSession } from '../session.js';
import '../slots/sb-slot.js';
import { contributions } from '../slots/slot-host.js';
import type { ConsoleStore } from '../store/console-store.js';
import { StoreController } from '../store/store-controller.js';
import type { Notice } from '../store/types.js';
import { base, tokens } from '../styles/tokens.js';
import '../views/queue-view.js';
import '../views/visitors-view.js';
import { routePath, type Route, type Router } from './router.js';

interface NavEntry {
  readonly label: string;
  readonly route: Route;
  readonly current: boolean;
  readonly badge?: number;
}

/**
 * `<sb-app-shell>`: the signed-in console. A top bar (views, presence, preferences, sign out),
 * the current view, and the open-conversations dock, which stays the same element in every view
 * so a chat remains on screen while the agent works elsewhere. In the inbox the layout is list |
 * conversation | visitor panel; elsewhere it is view | dock.
 */
@customElement('sb-app-shell')
export class AppShell extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100vh;
        background: var(--sb-bg);
        min-width: 1000px;
      }
      .topbar {
        display: flex;
        align-items: center;
        gap: var(--sb-space-3);
        padding: 0 var(--sb-space-3);
        min-height: 48px;
        background: var(--sb-topbar);
        color: var(--sb-topbar-text);
      }
      .brand {
        font-weight: 700;
        font-size: 16px;
        margin-right: var(--sb-space-2);
      }
      nav ul {
        display: flex;
        gap: 2px;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        display: inline-flex;
        align-items: center;
        gap: var(--sb-space-1);
        color: var(--sb-topbar-text);
        text-decoration: none;
        padding: var(--sb-space-2) var(--sb-space-3);
        border-radius: var(--sb-radius);
      }
      nav a:hover {
        background: rgb(255 255 255 / 10%);
      }
      nav a[aria-current='page'] {
        background: rgb(255 255 255 / 18%);
        font-weight: 600;
      }
      nav a:focus-visible,
      .topbar :focus-visible {
        outline-color: #9cc2ff;
      }
      .count {
        background: #ffffff;
        color: var(--sb-topbar);
        border-radius: 10px;
        padding: 0 6px;
        font-size: 11px;
        font-weight: 700;
      }
      .spacer {
        flex: 1;
      }
      .user {
        font-size: var(--sb-font-size-sm);
      }
      .conn {
        font-size: var(--sb-font-size-sm);
        background: #fde7c8;
        color: #5c3b00;
        border-radius: 10px;
        padding: 2px 8px;
      }
      .topbar button {
        background: transparent;
        color: var(--sb-topbar-text);
        border-color: rgb(255 255 255 / 35%);
      }
      .topbar button:hover:not(:disabled) {
        background: rgb(255 255 255 / 10%);
      }
      .body {
        flex: 1;
        display: grid;
        min-height: 0;
        grid-template-columns: minmax(0, 1fr) minmax(380px, 440px);
      }
      .body.inbox {
        grid-template-columns: minmax(220px, 280px) minmax(400px, 1fr) minmax(260px, 320px);
      }
      .body.nodock:not(.inbox) {
        grid-template-columns: minmax(0, 1fr) 0;
      }
      .body.nodock:not(.inbox) .dock {
        display: none;
      }
      main {
        min-height: 0;
        min-width: 0;
        overflow: auto;
        display: flex;
        flex-direction: column;
      }
      main > * {
        flex: 1;
        min-height: 0;
      }
      .dock {
        display: flex;
        min-height: 0;
        min-width: 0;
        border-left: 1px solid var(--sb-border);
      }
      .inbox .dock {
        border-left: 0;
      }
      sb-conversation-dock {
        flex: 1;
      }
      aside {
        border-left: 1px solid var(--sb-border);
        min-height: 0;
        overflow-y: auto;
        background: var(--sb-surface);
        display: flex;
        flex-direction: column;
      }
      aside sb-slot[data-empty] {
        display: none;
      }
      aside sb-slot {
        padding: var(--sb-space-3);
        border-top: 1px solid var(--sb-border);
      }
      .placeholder {
        padding: var(--sb-space-4);
      }
    `,
  ];

  @property({ attribute: false }) session!: ConsoleSession;
  @property({ attribute: false }) store!: ConsoleStore;
  @property({ attribute: false }) router!: Router;
  @property({ attribute: false }) preferences!: Preferences;
  @state() private lazyReady = new Set<string>();
  @query('sb-live-announcer') private announcer!: LiveAnnouncer;
  @query('sb-conversation-dock') private dock!: ConversationDock;
  private readonly watcher = new StoreController(this);
  private offNotice: (() => void) | null = null;
  private lastRoute: Route | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.offNotice = this.store.onNotice((n) => this.onNotice(n));
  }

  override disconnectedCallback(): void {
    this.offNotice?.();
    super.disconnectedCallback();
  }

  override willUpdate(): void {
    this.watcher.watch(this.store, this.router, contributions);
    const route = this.router.route;
    if (route !== this.lastRoute) {
      // Plugins come and go without an event: look again whenever the agent changes view.
      if (this.lastRoute && this.lastRoute.view !== route.view) void contributions.refresh();
      this.lastRoute = route;
      if (route.view === 'conversations' && route.conversationId) {
        this.store.setActive(route.conversationId);
      }
      if (route.view === 'supervisor') this.loadLazy('supervisor');
      if (route.view === 'admin') this.loadLazy('admin');
    }
  }

  private loadLazy(which: 'supervisor' | 'admin'): void {
    if (this.lazyReady.has(which)) return;
    const loading =
      which === 'admin'
        ? import('../admin/admin-view.js')
        : import('../supervisor/supervisor-view.js');
    loading
      .then(() => {
        this.lazyReady = new Set([...this.lazyReady, which]);
      })
      .catch(() => this.announcer?.toast(`The ${which} view could not be loaded.`));
  }

  private onNotice(notice: Notice): void {
    const a = this.announcer;
    if (!a) return;
    switch (notice.kind) {
      case 'message':
        a.announce(`New message from ${notice.name}: ${notice.text}`);
        break;
      case 'waiting':
        a.announce(`New chat waiting: ${notice.name}`);
        break;
      case 'offer':
        a.announce(`Chat offered to you: ${notice.name}`);
        break;
      case 'info':
        a.toast(notice.text);
        break;
    }
  }

  // --- events from the views ---

  private onOpenConversation(event: Event): void {
    const id = (event as CustomEvent<{ conversationId?: unknown }>).detail?.conversationId;
    if (typeof id !== 'string' || !id) return;
    event.stopPropagation();
    this.store.open(id);
    if (this.router.route.view === 'conversations') {
      this.router.go({ view: 'conversations', conversationId: id });
    }
    this.dock?.focusComposer();
  }

  private onDockClosed(): void {
    const route = this.router.route;
    if (route.view === 'conversations') {
      this.router.go({ view: 'conversations', conversationId: this.store.activeId }, true);
    }
  }

  private onNotify(event: Event): void {
    const message = (event as CustomEvent<{ message?: unknown }>).detail?.message;
    if (typeof message === 'string' && message) this.announcer?.toast(message);
  }

  private navigate(event: MouseEvent, route: Route): void {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    if (route.view === 'conversations' && !route.conversationId && this.store.activeId) {
      route = { view: 'conversations', conversationId: this.store.activeId };
    }
    this.router.go(route);
  }

  private async signOut(): Promise<void> {
    this.dispatchEvent(new CustomEvent('sb-sign-out', { bubbles: true, composed: true }));
  }

  // --- rendering ---

  private pluginEntries(): UiContribution[] {
    return contributions.list.filter((c) => c.slot === 'console.nav' || c.slot === 'console.view');
  }

  private navEntries(): NavEntry[] {
    const route = this.router.route;
    const session = this.session;
    const entries: NavEntry[] = [
      {
        label: 'Conversations',
        route: { view: 'conversations', conversationId: null },
        current: route.view === 'conversations',
        badge: this.store.waitingCount(),
      },
      {
        label: 'Visitors',
        route: { view: 'visitors', visitorId: null },
        current: route.view === 'visitors',
      },
      {
        label: 'Queue',
        route: { view: 'queue' },
        current: route.view === 'queue',
        badge: this.store.queue().length,
      },
    ];
    if (session.isSupervisor) {
      entries.push({
        label: 'Supervisor',
        route: { view: 'supervisor' },
        current: route.view === 'supervisor',
      });
    }
    if (session.isAdmin) {
      entries.push({
        label: 'Admin',
        route: { view: 'admin', tab: null },
        current: route.view === 'admin',
      });
    }
    for (const c of this.pluginEntries()) {
      entries.push({
        label: c.title ?? c.pluginId,
        route: { view: 'plugin', pluginId: c.pluginId, element: c.element },
        current:
          route.view === 'plugin' && route.pluginId === c.pluginId && route.element === c.element,
      });
    }
    return entries;
  }

  private mainView(route: Route): unknown {
    const store = this.store;
    switch (route.view) {
      case 'conversations':
        return html`<sb-conversation-list .store=${store}></sb-conversation-list>`;
      case 'visitors':
        return html`<sb-visitors-view
          .store=${store}
          .selectedId=${route.visitorId}
          @sb-select-visitor=${(e: CustomEvent<{ visitorId: string }>) =>
            this.router.go({ view: 'visitors', visitorId: e.detail.visitorId })}
        ></sb-visitors-view>`;
      case 'queue':
        return html`<sb-queue-view .store=${store}></sb-queue-view>`;
      case 'supervisor':
        if (!this.session.isSupervisor) return this.notAllowed();
        return this.lazyReady.has('supervisor')
          ? html`<sb-supervisor-view .session=${this.session}></sb-supervisor-view>`
          : html`<p class="placeholder muted" role="status">Loading…</p>`;
      case 'admin':
        if (!this.session.isAdmin) return this.notAllowed();
        return this.lazyReady.has('admin')
          ? html`<sb-admin-view
              .session=${this.session}
              .tab=${route.tab ?? undefined}
              @sb-admin-tab=${(e: CustomEvent<{ tab: string }>) =>
                this.router.go({ view: 'admin', tab: e.detail.tab }, true)}
            ></sb-admin-view>`
          : html`<p class="placeholder muted" role="status">Loading…</p>`;
      case 'plugin': {
        const contribution = this.pluginEntries().find(
          (c) => c.pluginId === route.pluginId && c.element === route.element,
        );
        if (!contribution) {
          return html`<p class="placeholder muted" role="status">
            ${contributions.loaded ? 'This plugin view is not available.' : 'Loading…'}
          </p>`;
        }
        const key = `${contribution.pluginId}|${contribution.element}`;
        return keyed(
          key,
          html`<sb-slot
            name=${contribution.slot}
            .filter=${(c: UiContribution) =>
              c.pluginId === contribution.pluginId && c.element === contribution.element}
          ></sb-slot>`,
        );
      }
    }
  }

  private notAllowed(): TemplateResult {
    return html`<p class="placeholder muted">You do not have access to this view.</p>`;
  }

  private aside() {
    const store = this.store;
    const c = store.activeId ? store.conversations.get(store.activeId) : undefined;
    if (!c)
      return html`<aside aria-label="Visitor">
        <p class="placeholder muted">No visitor selected.</p>
      </aside>`;
    const visitor = store.visitors.get(c.visitorId) ?? null;
    return html`<aside aria-label="Visitor">
      <sb-visitor-panel
        .store=${store}
        visitorId=${c.visitorId}
        currentConversationId=${c.id}
      ></sb-visitor-panel>
      <sb-slot name="conversation.sidebar" .parts=${{ conversation: c, visitor }}></sb-slot>
    </aside>`;
  }

  override render() {
    const store = this.store;
    const route = this.router.route;
    const inbox = route.view === 'conversations';
    const user = this.session.user;
    const classes = ['body', inbox ? 'inbox' : 'split', store.openIds.length ? '' : 'nodock'].join(
      ' ',
    );
    return html`
      <header class="topbar">
        <span class="brand">Switchboard</span>
        <nav aria-label="Views">
          <ul>
            ${this.navEntries().map(
              (e) =>
                html`<li>
                  <a
                    href=${routePath(e.route)}
                    aria-current=${e.current ? 'page' : 'false'}
                    @click=${(ev: MouseEvent) => this.navigate(ev, e.route)}
                    >${e.label}${
                      e.badge
                        ? html`<span class="count" aria-label=${`${e.badge} waiting`}
                            >${e.badge}</span
                          >`
                        : nothing
                    }</a
                  >
                </li>`,
            )}
          </ul>
        </nav>
        <span class="spacer"></span>
        ${
          store.connection !== 'open'
            ? html`<span class="conn" role="status">
                ${store.connection === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
              </span>`
            : nothing
        }
        <sb-presence-switch .store=${store}></sb-presence-switch>
        <sb-preferences-menu .preferences=${this.preferences}></sb-preferences-menu>
        <span class="user">${user.name}</span>
        <button type="button" @click=${this.signOut}>Sign out</button>
      </header>
      <div
        class=${classes}
        @sb-open-conversation=${this.onOpenConversation}
        @sb-dock-closed=${this.onDockClosed}
        @sb-notify=${this.onNotify}
      >
        <main aria-label=${inbox ? 'Conversation list' : 'View'}>${this.mainView(route)}</main>
        <section class="dock" aria-label="Open conversations">
          <sb-conversation-dock .store=${store}></sb-conversation-dock>
        </section>
        ${inbox ? this.aside() : nothing}
      </div>
      <sb-live-announcer></sb-live-announcer>
    `;
  }
}
