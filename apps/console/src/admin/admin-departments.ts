import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ConsoleSession } from '../session.js';
import { baseStyles } from '../forms/form-styles.js';
import type { FieldProblem, JsonSchema } from '../forms/json-schema.js';
import '../forms/schema-form.js';
import type { SchemaFormSubmit } from '../forms/schema-form.js';
import { fieldErrors, serverProblems } from '../forms/server-problems.js';
import { departmentSchema } from './admin-schemas.js';
import type { DepartmentRecord, SiteRecord } from './admin-types.js';

const NEW_DEPARTMENT = Object.freeze({});
const valueOf = new WeakMap<DepartmentRecord, object>();
function departmentValue(d: DepartmentRecord): object {
  let v = valueOf.get(d);
  if (!v) {
    v = d.siteId ? { name: d.name, siteId: d.siteId } : { name: d.name };
    valueOf.set(d, v);
  }
  return v;
}

/**
 * Admin → Departments: list, create, rename, move to one site (or every site), delete. Users
 * join departments on their own form.
 */
@customElement('sb-admin-departments')
export class AdminDepartments extends LitElement {
  static override styles = [baseStyles];

  @property({ attribute: false }) session!: ConsoleSession;

  @state() private departments: DepartmentRecord[] | null = null;
  @state() private sites: SiteRecord[] = [];
  @state() private loadError: string | null = null;
  @state() private editing: string | null = null;
  @state() private errors: readonly FieldProblem[] = [];
  @state() private busy = false;
  @state() private status = '';
  private schemaCache: { key: string; schema: JsonSchema } | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [departments, sites] = await Promise.all([
        this.session.api<{ departments: DepartmentRecord[] }>('/api/v1/departments'),
        this.session.api<{ sites: SiteRecord[] }>('/api/v1/sites'),
      ]);
      this.departments = departments.departments;
      this.sites = sites.sites;
      this.loadError = null;
    } catch (error) {
      this.loadError = serverProblems(error).message;
    }
  }

  private get schema(): JsonSchema {
    const key = JSON.stringify(this.sites.map((s) => [s.id, s.name]));
    if (this.schemaCache?.key !== key) {
      this.schemaCache = { key, schema: departmentSchema(this.sites) };
    }
    return this.schemaCache.schema;
  }

  private edit(id: string | null): void {
    this.editing = id;
    this.errors = [];
    this.busy = false;
  }

  override render() {
    const siteName = new Map(this.sites.map((s) => [s.id, s.name]));
    const list = this.departments ?? [];
    return html`
      <h2>Departments</h2>
      <p class="muted">
        Chats can be routed to a department; agents join departments on their user form.
      </p>
      ${
        this.loadError
          ? html`<div class="banner" role="alert">
              Could not load departments: ${this.loadError}
            </div>`
          : nothing
      }
      <div class="actions">
        <button type="button" class="primary" @click=${() => this.edit('new')}>
          New department
        </button>
      </div>
      ${
        list.length === 0 && this.departments
          ? html`<p>No departments yet.</p>`
          : html`<table>
              <caption class="visually-hidden">
                Departments
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Site</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${list.map(
                  (d) =>
                    html`<tr>
                      <th scope="row">${d.name}</th>
                      <td>${d.siteId ? (siteName.get(d.siteId) ?? d.siteId) : 'Every site'}</td>
                      <td>
                        <div class="row">
                          <button
                            type="button"
                            aria-label=${`Edit ${d.name}`}
                            @click=${() => this.edit(d.id)}
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            class="danger"
                            aria-label=${`Delete ${d.name}`}
                            @click=${() => void this.deleteDepartment(d)}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <p class="status" role="status" aria-live="polite">${this.status}</p>
      ${this.renderEditor()}
    `;
  }

  private renderEditor() {
    if (this.editing === null) return nothing;
    const creating = this.editing === 'new';
    const department = creating ? null : this.departments?.find((d) => d.id === this.editing);
    if (!creating && !department) return nothing;
    const title = creating ? 'New department' : `Edit ${department!.name}`;
    return html`<section class="card" aria-label=${title}>
      <h3>${title}</h3>
      <sb-schema-form
        label=${title}
        .schema=${this.schema}
        .value=${creating ? NEW_DEPARTMENT : departmentValue(department!)}
        .errors=${this.errors}
        ?busy=${this.busy}
        submit-label=${creating ? 'Create department' : 'Save department'}
        @sb-submit=${(e: CustomEvent<SchemaFormSubmit>) =>
          void this.save(department ?? null, e.detail.value as Record<string, unknown>)}
      >
        <button slot="actions" type="button" @click=${() => this.edit(null)}>Cancel</button>
      </sb-schema-form>
    </section>`;
  }

  private async save(
    department: DepartmentRecord | null,
    value: Record<string, unknown>,
  ): Promise<void> {
    this.busy = true;
    this.errors = [];
    try {
      const body = { name: value.name, siteId: value.siteId ?? null };
      const saved = department
        ? await this.session.api<DepartmentRecord>(
            `/api/v1/departments/${encodeURIComponent(department.id)}`,
            { method: 'PATCH', body },
          )
        : await this.session.api<DepartmentRecord>('/api/v1/departments', {
            method: 'POST',
            body,
          });
      const list = this.departments ?? [];
      this.departments = department
        ? list.map((d) => (d.id === saved.id ? saved : d))
        : [...list, saved];
      this.editing = null;
      this.status = `Department ${saved.name} ${department ? 'saved' : 'created'}.`;
    } catch (error) {
      this.errors = fieldErrors(error);
    } finally {
      this.busy = false;
    }
  }

  private async deleteDepartment(department: DepartmentRecord): Promise<void> {
    if (!confirm(`Delete the department ${department.name}? Its users leave it.`)) return;
    try {
      await this.session.api(`/api/v1/departments/${encodeURIComponent(department.id)}`, {
        method: 'DELETE',
      });
      this.departments = (this.departments ?? []).filter((d) => d.id !== department.id);
      if (this.editing === department.id) this.editing = null;
      this.status = `Department ${department.name} deleted.`;
    } catch (error) {
      this.status = `Could not delete ${department.name}: ${serverProblems(error).message}`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-admin-departments': AdminDepartments;
  }
}
