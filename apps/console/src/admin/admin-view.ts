import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConsoleSession } from '../session.js';
import { baseStyles } from '../forms/form-styles.js';
import { renderTabs, tabPanel, tabStyles, type TabSpec } from '../forms/tabs.js';
import './admin-departments.js';
import './admin-plugins.js';
import './admin-sites.js';
import './admin-users.js';

/** The admin sections, in tab order. */
export const ADMIN_TABS: readonly TabSpec[] = [
  { id: 'sites', label: 'Sites' },
  { id: 'users', label: 'Users' },
  { id: 'departments', label: 'Departments' },
  { id: 'plugins', label: 'Plugins' },
];

/**
 * The admin view the console shell mounts (lazily) for admins: sites and chat windows, users,
 * departments, plugins. It draws its own tabs; `tab` selects one (the shell may set it from the
 * URL) and changes fire `sb-admin-tab` (`detail: { tab }`, bubbling, composed) so the shell can
 * keep the URL in step.
 */
@customElement('sb-admin-view')
export class AdminView extends LitElement {
  static override styles = [
    baseStyles,
    tabStyles,
    css`
      :host {
        padding: var(--sb-space-4, 16px);
      }
      h1 {
        font-size: 1.4rem;
        margin: 0 0 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) session!: ConsoleSession;
  /** The section shown: `sites`, `users`, `departments` or `plugins`. */
  @property({ reflect: true }) tab = 'sites';

  private select(tab: string): void {
    if (tab === this.tab) return;
    this.tab = tab;
    this.dispatchEvent(
      new CustomEvent('sb-admin-tab', { detail: { tab }, bubbles: true, composed: true }),
    );
  }

  override render() {
    const tab = ADMIN_TABS.some((t) => t.id === this.tab) ? this.tab : 'sites';
    if (!this.session) return html``;
    if (!this.session.isAdmin) {
      return html`<h1>Administration</h1>
        <p>Only admins can change sites, users and plugins.</p>`;
    }
    return html`
      <h1>Administration</h1>
      ${renderTabs('admin', 'Administration sections', ADMIN_TABS, tab, (id) => this.select(id))}
      ${tabPanel('admin', tab, this.renderSection(tab))}
    `;
  }

  private renderSection(tab: string) {
    switch (tab) {
      case 'users':
        return html`<sb-admin-users .session=${this.session}></sb-admin-users>`;
      case 'departments':
        return html`<sb-admin-departments .session=${this.session}></sb-admin-departments>`;
      case 'plugins':
        return html`<sb-admin-plugins .session=${this.session}></sb-admin-plugins>`;
      default:
        return html`<sb-admin-sites .session=${this.session}></sb-admin-sites>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-admin-view': AdminView;
  }
}
