import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ConsoleSession } from '../session.js';
import { base, tokens } from '../styles/tokens.js';

/**
 * `<sb-login-view>`: email and password. Fires `sb-signed-in` with `detail.session` on success.
 * `message` explains why the agent is here again (session expired, revoked).
 */
@customElement('sb-login-view')
export class LoginView extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 100vh;
        background: var(--sb-bg);
      }
      form {
        background: var(--sb-surface);
        border: 1px solid var(--sb-border);
        border-radius: 10px;
        padding: 28px;
        width: min(360px, 92vw);
        display: flex;
        flex-direction: column;
        gap: var(--sb-space-3);
        box-shadow: 0 4px 16px rgb(0 0 0 / 6%);
      }
      h1 {
        font-size: 20px;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: var(--sb-space-1);
        font-weight: 500;
      }
      input {
        padding: var(--sb-space-2);
      }
      .notice {
        background: var(--sb-accent-soft);
        border-radius: var(--sb-radius);
        padding: var(--sb-space-2);
        margin: 0;
      }
      .error {
        margin: 0;
      }
      button {
        min-height: 36px;
      }
    `,
  ];

  /** Why the user has to sign in (again), shown above the form. */
  @property() message = '';
  @state() private error = '';
  @state() private busy = false;
  @query('input[name=email]') private emailInput!: HTMLInputElement;

  override firstUpdated(): void {
    this.emailInput?.focus();
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      this.error = 'Enter your email and password.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const session = await ConsoleSession.login(email, password);
      this.dispatchEvent(
        new CustomEvent('sb-signed-in', { detail: { session }, bubbles: true, composed: true }),
      );
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <main>
        <form @submit=${this.submit} aria-labelledby="title" novalidate>
          <h1 id="title">Sign in to Switchboard</h1>
          ${this.message ? html`<p class="notice" role="status">${this.message}</p>` : nothing}
          <label>
            Email
            <input name="email" type="email" autocomplete="username" required />
          </label>
          <label>
            Password
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          <button class="primary" type="submit" ?disabled=${this.busy}>
            ${this.busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    `;
  }
}
