import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../views/login-view.js';
import { Notifications } from '../services/notifications.js';
import { Preferences } from '../services/preferences.js';
import { ConsoleSession } from '../session.js';
import { contributions } from '../slots/slot-host.js';
import { ConsoleStore } from '../store/console-store.js';
import { tokens } from '../styles/tokens.js';
import './app-shell.js';
import { Router } from './router.js';

/**
 * `<sb-console-app>`: the root. Restores the session of this tab (or shows the sign-in form),
 * builds the store, the router and the notifications for a signed-in user, and goes back to the
 * sign-in form with a message when the server refuses the token (`unauthorized`).
 */
@customElement('sb-console-app')
export class ConsoleApp extends LitElement {
  static override styles = [
    tokens,
    css`
      :host {
        display: block;
      }
    `,
  ];

  @state() private session: ConsoleSession | null = null;
  @state() private store: ConsoleStore | null = null;
  @state() private message = '';
  private readonly router = new Router();
  private readonly preferences = new Preferences();
  private notifications: Notifications | null = null;
  private offUnauthorized: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    const restored = ConsoleSession.restore();
    if (restored) this.begin(restored);
  }

  private begin(session: ConsoleSession): void {
    this.end();
    const store = new ConsoleStore(session);
    this.session = session;
    this.store = store;
    this.message = '';
    const offSocket = session.client.on('unauthorized', () => {
      void this.signedOut('Your session has ended. Sign in again to continue.');
    });
    const offRest = session.onRefused(() => {
      void this.signedOut('Your session has ended. Sign in again to continue.');
    });
    this.offUnauthorized = () => {
      offSocket();
      offRest();
    };
    contributions.use(session);
    this.notifications = new Notifications(store, this.preferences);
    store.start().catch(() => undefined);
  }

  private end(): void {
    this.offUnauthorized?.();
    this.offUnauthorized = null;
    this.notifications?.dispose();
    this.notifications = null;
    this.store?.stop();
    contributions.use(null);
  }

  private async signedOut(message: string, revoke = false): Promise<void> {
    const session = this.session;
    this.end();
    this.session = null;
    this.store = null;
    this.message = message;
    sessionStorage.removeItem('switchboard.console.open');
    if (session) {
      if (revoke) await session.logout().catch(() => undefined);
      else {
        session.forget();
        await session.client.close();
      }
    }
  }

  override render() {
    if (!this.session || !this.store) {
      return html`<sb-login-view
        .message=${this.message}
        @sb-signed-in=${(e: CustomEvent<{ session: ConsoleSession }>) => this.begin(e.detail.session)}
      ></sb-login-view>`;
    }
    return html`<sb-app-shell
      .session=${this.session}
      .store=${this.store}
      .router=${this.router}
      .preferences=${this.preferences}
      @sb-sign-out=${() => void this.signedOut('You have signed out.', true)}
    ></sb-app-shell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-console-app': ConsoleApp;
  }
}
