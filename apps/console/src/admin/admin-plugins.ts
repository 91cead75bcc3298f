import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ConsoleSession } from '../session.js';
import { baseStyles } from '../forms/form-styles.js';
import type { FieldProblem, JsonSchema } from '../forms/json-schema.js';
import '../forms/schema-form.js';
import type { SchemaFormSubmit } from '../forms/schema-form.js';
import { serverProblems } from '../forms/server-problems.js';
import type { PluginInfo, PluginSettings } from './admin-types.js';
import './admin-settings-slot.js';

const STATE_LABELS: Record<PluginInfo['state'], { text: string; tone: string }> = {
  active: { text: 'Active', tone: 'ok' },
  inactive: { text: 'Inactive', tone: 'warn' },
  disabled: { text: 'Disabled', tone: 'off' },
  failed: { text: 'Failed', tone: 'bad' },
  quarantined: { text: 'Quarantined', tone: 'bad' },
};

/** The settings of one plugin while its form is open. */
interface OpenSettings {
  readonly pluginId: string;
  readonly schema: JsonSchema | null;
  readonly value: Record<string, unknown>;
  readonly errors: readonly FieldProblem[];
  readonly status: string;
  readonly busy: boolean;
  readonly loadError: string | null;
}

/**
 * Admin → Plugins: every configured plugin with its state, a switch to enable or disable it at
 * run time (deployment-wide), and its tenant settings as a form generated from the JSON Schema
 * it declares. Below the list, the `admin.settings` slot (plugins' own admin panels).
 */
@customElement('sb-admin-plugins')
export class AdminPlugins extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .plugin header {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: baseline;
        justify-content: space-between;
      }
      .plugin h3 {
        margin: 0;
      }
      .switch {
        display: inline-flex;
        align-items: center;
        gap: 0.5rem;
        border-radius: 999px;
        padding: 0.25rem 0.75rem 0.25rem 0.35rem;
      }
      .switch .knob {
        display: inline-block;
        width: 2.2rem;
        height: 1.2rem;
        border-radius: 999px;
        background: var(--sb-text-muted, #4d5566);
        position: relative;
      }
      .switch .knob::after {
        content: '';
        position: absolute;
        top: 0.15rem;
        left: 0.15rem;
        width: 0.9rem;
        height: 0.9rem;
        border-radius: 50%;
        background: #ffffff;
        transition: left 0.15s;
      }
      .switch[aria-checked='true'] .knob {
        background: var(--sb-accent, #2457d6);
      }
      .switch[aria-checked='true'] .knob::after {
        left: 1.15rem;
      }
      .settings {
        margin-top: 0.75rem;
        border-top: 1px solid var(--sb-border, #c9ceda);
        padding-top: 0.75rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.15rem 0.75rem;
        margin: 0.5rem 0 0;
        font-size: 0.875rem;
      }
      dt {
        color: var(--sb-text-muted, #4d5566);
      }
      dd {
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) session!: ConsoleSession;

  @state() private plugins: PluginInfo[] | null = null;
  @state() private loadError: string | null = null;
  @state() private status = '';
  @state() private pending = new Set<string>();
  @state() private open: OpenSettings | null = null;
  /** Whether this user may turn plugins on and off (`plugins.manage`: deployment admins). */
  @state() private canManage = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [{ plugins }, me] = await Promise.all([
        this.session.api<{ plugins: PluginInfo[] }>('/api/v1/plugins'),
        this.session
          .api<{ permissions?: string[] }>('/api/v1/auth/me')
          .catch(() => ({ permissions: [] as string[] })),
      ]);
      const granted = me.permissions ?? [];
      this.canManage = granted.includes('plugins.manage') || granted.includes('*');
      this.plugins = plugins;
      this.loadError = null;
    } catch (error) {
      this.loadError = serverProblems(error).message;
    }
  }

  override render() {
    return html`
      <h2>Plugins</h2>
      <p class="muted" id="plugins-note">
        Turning a plugin on or off applies to the whole server, for every tenant, at
        once${this.canManage ? '' : ': only admins of the deployment’s own tenant can do it'}.
        Settings apply to your tenant only.
      </p>
      <p class="status" role="status" aria-live="polite">${this.status}</p>
      ${
        this.loadError
          ? html`<div class="banner" role="alert">
              Could not load the plugins: ${this.loadError}
              <button type="button" class="link" @click=${() => void this.load()}>Try again</button>
            </div>`
          : nothing
      }
      ${this.plugins === null && !this.loadError ? html`<p class="muted">Loading…</p>` : nothing}
      ${this.plugins?.length === 0 ? html`<p>No plugins are configured on this server.</p>` : nothing}
      <ul class="plain" aria-label="Plugins">
        ${(this.plugins ?? []).map((p) => this.renderPlugin(p))}
      </ul>
      <section aria-labelledby="more-settings">
        <h2 id="more-settings">More settings from plugins</h2>
        <sb-admin-settings-slot .session=${this.session}></sb-admin-settings-slot>
      </section>
    `;
  }

  private renderPlugin(plugin: PluginInfo) {
    const label = STATE_LABELS[plugin.state] ?? { text: plugin.state, tone: 'off' };
    const on = plugin.state !== 'disabled';
    const busy = this.pending.has(plugin.id);
    const titleId = `plugin-${plugin.id}-title`;
    const open = this.open?.pluginId === plugin.id ? this.open : null;
    return html`<li class="card plugin" aria-labelledby=${titleId}>
      <header>
        <div>
          <h3 id=${titleId}>${plugin.displayName}</h3>
          <span class="muted">${plugin.packageName} ${plugin.version}</span>
        </div>
        <div class="row">
          <span class="badge ${label.tone}">${label.text}</span>
          <button
            type="button"
            class="switch"
            role="switch"
            aria-checked=${on ? 'true' : 'false'}
            aria-label=${`${plugin.displayName} enabled`}
            aria-describedby=${this.canManage ? nothing : 'plugins-note'}
            ?disabled=${busy || !this.canManage}
            @click=${() => void this.setEnabled(plugin, !on)}
          >
            <span class="knob" aria-hidden="true"></span>
            <span aria-hidden="true">${on ? 'On' : 'Off'}</span>
          </button>
        </div>
      </header>
      ${plugin.description ? html`<p>${plugin.description}</p>` : nothing}
      ${plugin.reason ? html`<p class="muted">Why: ${plugin.reason}</p>` : nothing}
      <dl>
        ${
          plugin.dependencies.length > 0
            ? html`<dt>Needs</dt>
                <dd>${plugin.dependencies.join(', ')}</dd>`
            : nothing
        }
        ${
          plugin.faults.errors + plugin.faults.timeouts > 0
            ? html`<dt>Faults</dt>
                <dd>${plugin.faults.errors} errors, ${plugin.faults.timeouts} timeouts</dd>`
            : nothing
        }
      </dl>
      ${
        plugin.hasSettings
          ? html`<div class="actions">
              <button
                type="button"
                aria-expanded=${open ? 'true' : 'false'}
                aria-controls=${`plugin-${plugin.id}-settings`}
                @click=${() => void this.toggleSettings(plugin)}
              >
                ${open ? 'Hide settings' : 'Settings'}
              </button>
            </div>`
          : nothing
      }
      <div id=${`plugin-${plugin.id}-settings`} class=${open ? 'settings' : ''}>
        ${open ? this.renderSettings(plugin, open) : nothing}
      </div>
    </li>`;
  }

  private renderSettings(plugin: PluginInfo, open: OpenSettings) {
    if (open.loadError) {
      return html`<div class="banner" role="alert">
        Could not load the settings: ${open.loadError}
      </div>`;
    }
    return html`<h4>Settings of ${plugin.displayName}</h4>
      <sb-schema-form
        label=${`Settings of ${plugin.displayName}`}
        .schema=${open.schema}
        .value=${open.value}
        .errors=${open.errors}
        .status=${open.status}
        ?busy=${open.busy}
        submit-label="Save settings"
        @sb-submit=${(e: CustomEvent<SchemaFormSubmit>) => void this.save(plugin, e.detail.value)}
      ></sb-schema-form>`;
  }

  private async toggleSettings(plugin: PluginInfo): Promise<void> {
    if (this.open?.pluginId === plugin.id) {
      this.open = null;
      return;
    }
    const base = { pluginId: plugin.id, errors: [], status: '', busy: false };
    this.open = { ...base, schema: null, value: {}, loadError: null };
    try {
      const answer = await this.session.api<PluginSettings>(
        `/api/v1/plugins/${encodeURIComponent(plugin.id)}/settings`,
      );
      if (this.open?.pluginId !== plugin.id) return;
      this.open = {
        ...base,
        schema: (answer.schema as JsonSchema | null) ?? null,
        value: answer.value,
        loadError: null,
      };
    } catch (error) {
      if (this.open?.pluginId !== plugin.id) return;
      this.open = { ...this.open, loadError: serverProblems(error).message };
    }
  }

  private async save(plugin: PluginInfo, value: unknown): Promise<void> {
    const open = this.open;
    if (!open || open.pluginId !== plugin.id) return;
    this.open = { ...open, busy: true, status: '', errors: [] };
    try {
      const answer = await this.session.api<PluginSettings>(
        `/api/v1/plugins/${encodeURIComponent(plugin.id)}/settings`,
        { method: 'PUT', body: value },
      );
      this.open = {
        ...open,
        value: answer.value,
        busy: false,
        errors: [],
        status: 'Saved.',
      };
    } catch (error) {
      const problems = serverProblems(error);
      this.open = {
        ...open,
        busy: false,
        status: '',
        errors:
          problems.fields.length > 0 ? problems.fields : [{ path: '/', message: problems.message }],
      };
    }
  }

  private async setEnabled(plugin: PluginInfo, enabled: boolean): Promise<void> {
    this.pending = new Set([...this.pending, plugin.id]);
    this.status = '';
    try {
      const after = await this.session.api<PluginInfo>(
        `/api/v1/plugins/${encodeURIComponent(plugin.id)}/state`,
        { method: 'PUT', body: { enabled } },
      );
      // The switch follows the answer at once; dependants may have changed too: reload.
      this.plugins = (this.plugins ?? []).map((p) => (p.id === after.id ? after : p));
      await this.load();
      const state = STATE_LABELS[after.state]?.text.toLowerCase() ?? after.state;
      const why = after.reason && after.state !== 'disabled' ? ` ${after.reason}` : '';
      this.status = `${after.displayName} is now ${state}.${why}`;
    } catch (error) {
      this.status = `Could not change ${plugin.displayName}: ${serverProblems(error).message}`;
    } finally {
      const next = new Set(this.pending);
      next.delete(plugin.id);
      this.pending = next;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-admin-plugins': AdminPlugins;
  }
}
