import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ConsoleSession } from '../session.js';
import { baseStyles } from '../forms/form-styles.js';
import type { FieldProblem } from '../forms/json-schema.js';
import '../forms/schema-form.js';
import type { SchemaFormSubmit } from '../forms/schema-form.js';
import { fieldErrors, serverProblems } from '../forms/server-problems.js';
import { brandingSchema, siteSchema } from './admin-schemas.js';
import type { SiteRecord } from './admin-types.js';

/** The embed snippet of a site (and, optionally, one of its branded chat windows). */
export function embedSnippet(origin: string, embedKey: string, window?: string): string {
  const win = window ? ` data-window="${window}"` : '';
  return `<script async src="${origin}/widget/loader.js" data-key="${embedKey}"${win}></script>`;
}

/** What one form is doing: problems from the server and the status line. */
interface FormState {
  readonly errors: readonly FieldProblem[];
  readonly status: string;
  readonly busy: boolean;
}

const IDLE: FormState = { errors: [], status: '', busy: false };

/** A new site starts empty (one object, so re-renders do not reset what is typed). */
const NEW_SITE = Object.freeze({});

/** The details form's value per site record (stable while the record is). */
const detailsOf = new WeakMap<SiteRecord, object>();
function siteDetails(site: SiteRecord): object {
  let value = detailsOf.get(site);
  if (!value) {
    value = { name: site.name, domains: site.domains, allowedOrigins: site.allowedOrigins };
    detailsOf.set(site, value);
  }
  return value;
}

/**
 * Admin → Sites: the tenant's sites; create one; edit its name, domains and allowed origins; its
 * branding (default chat window and named branded windows); and its embed snippet, with a key
 * rotation behind a confirmation.
 */
@customElement('sb-admin-sites')
export class AdminSites extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: minmax(12rem, 16rem) 1fr;
        gap: 1.25rem;
        align-items: start;
      }
      @media (max-width: 760px) {
        .layout {
          grid-template-columns: 1fr;
        }
      }
      nav ul button {
        width: 100%;
        text-align: left;
        margin-bottom: 0.25rem;
      }
      nav ul button[aria-current='true'] {
        border-color: var(--sb-accent, #2457d6);
        box-shadow: inset 3px 0 0 var(--sb-accent, #2457d6);
        font-weight: 600;
      }
      section + section {
        margin-top: 1.25rem;
      }
      textarea.snippet {
        width: 100%;
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 0.85rem;
        background: var(--sb-code-bg, #f3f5f9);
      }
      dialog {
        border: 1px solid var(--sb-border, #c9ceda);
        border-radius: var(--sb-radius, 6px);
        padding: 1rem 1.25rem;
        max-width: 30rem;
        color: var(--sb-text, #1d2330);
        background: var(--sb-surface, #ffffff);
      }
      dialog::backdrop {
        background: rgba(20, 24, 33, 0.45);
      }
    `,
  ];

  @property({ attribute: false }) session!: ConsoleSession;

  @state() private sites: SiteRecord[] | null = null;
  @state() private loadError: string | null = null;
  /** The site shown, `new` for the create form, null for none. */
  @state() private selected: string | null = null;
  @state() private createForm: FormState = IDLE;
  @state() private detailsForm: FormState = IDLE;
  @state() private brandingForm: FormState = IDLE;
  @state() private keyStatus = '';
  @state() private snippetWindow = '';
  @state() private rotating = false;

  @query('dialog') private dialog!: HTMLDialogElement;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const { sites } = await this.session.api<{ sites: SiteRecord[] }>('/api/v1/sites');
      this.sites = sites;
      this.loadError = null;
      if (this.selected === null && sites.length > 0) this.selected = sites[0]!.id;
    } catch (error) {
      this.loadError = serverProblems(error).message;
    }
  }

  private get site(): SiteRecord | null {
    return this.sites?.find((s) => s.id === this.selected) ?? null;
  }

  private replace(site: SiteRecord): void {
    const list = this.sites ?? [];
    const at = list.findIndex((s) => s.id === site.id);
    this.sites = at < 0 ? [...list, site] : list.map((s) => (s.id === site.id ? site : s));
  }

  private select(id: string | null): void {
    this.selected = id;
    this.createForm = IDLE;
    this.detailsForm = IDLE;
    this.brandingForm = IDLE;
    this.keyStatus = '';
    this.snippetWindow = '';
  }

  override render() {
    return html`
      <h2>Sites</h2>
      ${
        this.loadError
          ? html`<div class="banner" role="alert">
              Could not load the sites: ${this.loadError}
              <button type="button" class="link" @click=${() => void this.load()}>Try again</button>
            </div>`
          : nothing
      }
      <div class="layout">
        <nav aria-label="Sites">
          <ul class="plain">
            ${(this.sites ?? []).map(
              (s) =>
                html`<li>
                  <button
                    type="button"
                    aria-current=${s.id === this.selected ? 'true' : 'false'}
                    @click=${() => this.select(s.id)}
                  >
                    ${s.name}
                  </button>
                </li>`,
            )}
          </ul>
          <button
            type="button"
            class="primary"
            aria-expanded=${this.selected === 'new' ? 'true' : 'false'}
            @click=${() => this.select('new')}
          >
            New site
          </button>
        </nav>
        <div>${this.selected === 'new' ? this.renderCreate() : this.renderSite()}</div>
      </div>
      ${this.renderDialog()}
    `;
  }

  private renderCreate() {
    return html`<section aria-labelledby="new-site">
      <h3 id="new-site">New site</h3>
      <sb-schema-form
        label="New site"
        .schema=${siteSchema}
        .value=${NEW_SITE}
        .errors=${this.createForm.errors}
        .status=${this.createForm.status}
        ?busy=${this.createForm.busy}
        submit-label="Create site"
        @sb-submit=${(e: CustomEvent<SchemaFormSubmit>) => void this.create(e.detail.value)}
      ></sb-schema-form>
    </section>`;
  }

  private renderSite() {
    const site = this.site;
    if (!site) {
      return this.sites && this.sites.length === 0
        ? html`<p>No sites yet. Create one to get an embed snippet.</p>`
        : nothing;
    }
    const windows = Object.keys(site.branding.chatWindows ?? {});
    const snippet = embedSnippet(location.origin, site.embedKey, this.snippetWindow || undefined);
    return html`
      <section aria-labelledby="snippet-title">
        <h3 id="snippet-title">Embed snippet of ${site.name}</h3>
        <p class="muted">
          Paste it before <code>&lt;/body&gt;</code> on every page that should offer the chat.
        </p>
        ${
          windows.length > 0
            ? html`<div class="field">
                <label for="snippet-window">Chat window</label>
                <select
                  id="snippet-window"
                  @change=${(e: Event) => {
                    this.snippetWindow = (e.target as HTMLSelectElement).value;
                  }}
                >
                  <option value="" ?selected=${this.snippetWindow === ''}>Default</option>
                  ${windows.map(
                    (w) =>
                      html`<option value=${w} ?selected=${this.snippetWindow === w}>${w}</option>`,
                  )}
                </select>
              </div>`
            : nothing
        }
        <div class="field">
          <label for="snippet">Embed snippet</label>
          <textarea
            id="snippet"
            class="snippet"
            readonly
            rows="3"
            spellcheck="false"
            .value=${snippet}
            @focus=${(e: Event) => (e.target as HTMLTextAreaElement).select()}
          ></textarea>
        </div>
        <div class="actions">
          <button type="button" @click=${() => void this.copy(snippet)}>Copy snippet</button>
          <button type="button" class="danger" @click=${() => this.dialog.showModal()}>
            Rotate embed key…
          </button>
          <p class="status" role="status" aria-live="polite">${this.keyStatus}</p>
        </div>
      </section>
      <section aria-labelledby="site-details">
        <h3 id="site-details">Site details</h3>
        <sb-schema-form
          label="Site details"
          .schema=${siteSchema}
          .value=${siteDetails(site)}
          .errors=${this.detailsForm.errors}
          .status=${this.detailsForm.status}
          ?busy=${this.detailsForm.busy}
          submit-label="Save site"
          @sb-submit=${(e: CustomEvent<SchemaFormSubmit>) =>
            void this.saveSite(site, 'details', withLists(e.detail.value))}
        ></sb-schema-form>
      </section>
      <section aria-labelledby="site-branding">
        <h3 id="site-branding">Chat windows and branding</h3>
        <p class="muted">
          The default chat window, and named branded windows that override it. Empty fields use the
          built-in defaults.
        </p>
        <sb-schema-form
          label="Branding"
          .schema=${brandingSchema}
          .value=${site.branding}
          .errors=${this.brandingForm.errors}
          .status=${this.brandingForm.status}
          ?busy=${this.brandingForm.busy}
          submit-label="Save branding"
          @sb-submit=${(e: CustomEvent<SchemaFormSubmit>) =>
            void this.saveSite(site, 'branding', { branding: e.detail.value })}
        ></sb-schema-form>
      </section>
    `;
  }

  private renderDialog() {
    const site = this.site;
    return html`<dialog aria-labelledby="rotate-title" aria-describedby="rotate-text">
      <h3 id="rotate-title">Rotate the embed key?</h3>
      <p id="rotate-text">
        The current key of ${site?.name ?? 'this site'} stops working at once: the chat disappears
        from every page that still uses the old snippet until you paste the new one.
      </p>
      <div class="actions">
        <button
          type="button"
          class="danger"
          ?disabled=${this.rotating}
          @click=${() => void this.rotate()}
        >
          Rotate key
        </button>
        <button type="button" @click=${() => this.dialog.close()}>Cancel</button>
      </div>
    </dialog>`;
  }

  private async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.keyStatus = 'Snippet copied.';
    } catch {
      this.renderRoot.querySelector<HTMLTextAreaElement>('#snippet')?.select();
      this.keyStatus = 'Copying is not allowed here: the snippet is selected, press Ctrl+C.';
    }
  }

  private async create(value: unknown): Promise<void> {
    this.createForm = { ...IDLE, busy: true };
    try {
      const site = await this.session.api<SiteRecord>('/api/v1/sites', {
        method: 'POST',
        body: value,
      });
      this.replace(site);
      this.select(site.id);
      this.keyStatus = `Site ${site.name} created. Its embed snippet is below.`;
    } catch (error) {
      this.createForm = { ...IDLE, errors: fieldErrors(error) };
    }
  }

  private async saveSite(
    site: SiteRecord,
    which: 'details' | 'branding',
    body: Record<string, unknown>,
  ): Promise<void> {
    const set = (s: FormState) => {
      if (which === 'details') this.detailsForm = s;
      else this.brandingForm = s;
    };
    set({ ...IDLE, busy: true });
    try {
      const after = await this.session.api<SiteRecord>(
        `/api/v1/sites/${encodeURIComponent(site.id)}`,
        { method: 'PATCH', body },
      );
      this.replace(after);
      set({ ...IDLE, status: 'Saved.' });
    } catch (error) {
      // Branding problems come as /branding/…; the branding form's pointers start below it.
      const errors = fieldErrors(error).map((p) =>
        which === 'branding' && p.path.startsWith('/branding')
          ? { ...p, path: p.path.slice('/branding'.length) || '/' }
          : p,
      );
      set({ ...IDLE, errors });
    }
  }

  private async rotate(): Promise<void> {
    const site = this.site;
    if (!site) return;
    this.rotating = true;
    try {
      const after = await this.session.api<SiteRecord>(
        `/api/v1/sites/${encodeURIComponent(site.id)}/embed-key`,
        { method: 'POST' },
      );
      this.replace(after);
      this.dialog.close();
      this.keyStatus = 'The embed key was rotated: paste the new snippet on your pages.';
    } catch (error) {
      this.dialog.close();
      this.keyStatus = `Could not rotate the key: ${serverProblems(error).message}`;
    } finally {
      this.rotating = false;
    }
  }
}

/** The site form leaves empty lists out; a PATCH must send them to clear them. */
function withLists(value: unknown): Record<string, unknown> {
  const v = value as Record<string, unknown>;
  return { ...v, domains: v.domains ?? [], allowedOrigins: v.allowedOrigins ?? [] };
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-admin-sites': AdminSites;
  }
}
