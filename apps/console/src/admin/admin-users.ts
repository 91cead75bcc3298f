import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { UserSnapshot } from '@switchboard/sdk';
import type { ConsoleSession } from '../session.js';
import { baseStyles } from '../forms/form-styles.js';
import type { FieldProblem, JsonSchema } from '../forms/json-schema.js';
import '../forms/schema-form.js';
import type { SchemaFormSubmit } from '../forms/schema-form.js';
import { fieldErrors, serverProblems } from '../forms/server-problems.js';
import { userSchema } from './admin-schemas.js';
import type { DepartmentRecord } from './admin-types.js';

/** Error codes of `users.create`/`users.update` that belong to one field. */
const CODE_FIELDS = {
  USER_EMAIL_TAKEN: '/email',
  USER_DEPARTMENT_UNKNOWN: '/departmentIds',
  USER_LAST_ADMIN: '/role',
} as const;

const ROLE_LABELS: Record<UserSnapshot['role'], string> = {
  admin: 'Admin',
  supervisor: 'Supervisor',
  agent: 'Agent',
};

/** Every distinct label of `key` across users, with how many users carry it. */
export function labelUnion(
  users: readonly UserSnapshot[],
  key: 'skills' | 'groups',
): { label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const u of users) for (const l of u[key]) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** The fields a user form edits, from a user (the form's value). */
const editValues = new WeakMap<UserSnapshot, object>();
function editValue(user: UserSnapshot): object {
  let v = editValues.get(user);
  if (!v) {
    v = {
      name: user.name,
      email: user.email,
      role: user.role,
      capacity: user.capacity,
      skills: user.skills,
      groups: user.groups,
      departmentIds: user.departmentIds,
      disabled: user.disabled,
    };
    editValues.set(user, v);
  }
  return v;
}

const NEW_USER = Object.freeze({});

/**
 * Admin → Users: the tenant's console users (role, capacity, skills, groups, departments,
 * presence, disabled); create one with a password; edit one. Skills and groups are edited on
 * users; their union is shown as chips.
 */
@customElement('sb-admin-users')
export class AdminUsers extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .unions {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
        gap: 0.75rem;
        margin-bottom: 1rem;
      }
      .table-wrap {
        overflow-x: auto;
      }
      td .chips {
        gap: 0.2rem;
      }
      .editor {
        margin-top: 1rem;
      }
    `,
  ];

  @property({ attribute: false }) session!: ConsoleSession;

  @state() private users: UserSnapshot[] | null = null;
  @state() private departments: DepartmentRecord[] = [];
  @state() private loadError: string | null = null;
  /** `new`, a user id, or null. */
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
      const [users, departments] = await Promise.all([
        this.session.api<{ users: UserSnapshot[] }>('/api/v1/users'),
        this.session.api<{ departments: DepartmentRecord[] }>('/api/v1/departments'),
      ]);
      this.users = users.users;
      this.departments = departments.departments;
      this.loadError = null;
    } catch (error) {
      this.loadError = serverProblems(error).message;
    }
  }

  private schema(mode: 'create' | 'edit'): JsonSchema {
    const skills = labelUnion(this.users ?? [], 'skills').map((l) => l.label);
    const groups = labelUnion(this.users ?? [], 'groups').map((l) => l.label);
    const key = JSON.stringify([mode, this.departments, skills, groups]);
    if (this.schemaCache?.key !== key) {
      this.schemaCache = { key, schema: userSchema(mode, this.departments, { skills, groups }) };
    }
    return this.schemaCache.schema;
  }

  private edit(id: string | null): void {
    this.editing = id;
    this.errors = [];
    this.status = '';
    this.busy = false;
    if (id) {
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>('#editor-title')?.focus(),
      );
    }
  }

  override render() {
    const users = this.users ?? [];
    const deptName = new Map(this.departments.map((d) => [d.id, d.name]));
    return html`
      <h2>Users</h2>
      ${
        this.loadError
          ? html`<div class="banner" role="alert">
              Could not load the users: ${this.loadError}
              <button type="button" class="link" @click=${() => void this.load()}>Try again</button>
            </div>`
          : nothing
      }
      <div class="unions">
        ${this.renderUnion('Skills in use', labelUnion(users, 'skills'))}
        ${this.renderUnion('Groups in use', labelUnion(users, 'groups'))}
      </div>
      <div class="actions">
        <button type="button" class="primary" @click=${() => this.edit('new')}>New user</button>
      </div>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">
            Console users
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Capacity</th>
              <th scope="col">Skills and groups</th>
              <th scope="col">Departments</th>
              <th scope="col">Status</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${users.map(
              (u) =>
                html`<tr>
                  <th scope="row">${u.name}</th>
                  <td>${u.email}</td>
                  <td>${ROLE_LABELS[u.role]}</td>
                  <td>${u.capacity}</td>
                  <td>
                    <ul class="chips" aria-label=${`Skills and groups of ${u.name}`}>
                      ${u.skills.map((s) => html`<li class="chip">${s}</li>`)}
                      ${u.groups.map((g) => html`<li class="chip">group: ${g}</li>`)}
                    </ul>
                  </td>
                  <td>${u.departmentIds.map((id) => deptName.get(id) ?? id).join(', ')}</td>
                  <td>
                    ${
                      u.disabled
                        ? html`<span class="badge off">Disabled</span>`
                        : html`<span class="badge ${u.presence === 'online' ? 'ok' : 'off'}"
                            >${u.presence}</span
                          >`
                    }
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label=${`Edit ${u.name}`}
                      @click=${() => this.edit(u.id)}
                    >
                      Edit
                    </button>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p class="status" role="status" aria-live="polite">${this.status}</p>
      ${this.renderEditor()}
    `;
  }

  private renderUnion(title: string, labels: { label: string; count: number }[]) {
    return html`<section class="card" aria-label=${title}>
      <h3>${title}</h3>
      ${
        labels.length === 0
          ? html`<p class="muted">None yet: add them on a user.</p>`
          : html`<ul class="chips">
              ${labels.map(
                (l) =>
                  html`<li class="chip">
                    ${l.label}
                    <span class="visually-hidden">:</span>
                    <span class="muted">${l.count}</span>
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
  }

  private renderEditor() {
    if (this.editing === null) return nothing;
    const creating = this.editing === 'new';
    const user = creating ? null : this.users?.find((u) => u.id === this.editing);
    if (!creating && !user) return nothing;
    const title = creating ? 'New user' : `Edit ${user!.name}`;
    return html`<section class="card editor" aria-labelledby="editor-title">
      <h3 id="editor-title" tabindex="-1">${title}</h3>
      <sb-schema-form
        label=${title}
        .schema=${this.schema(creating ? 'create' : 'edit')}
        .value=${creating ? NEW_USER : editValue(user!)}
        .errors=${this.errors}
        ?busy=${this.busy}
        submit-label=${creating ? 'Create user' : 'Save user'}
        @sb-submit=${(e: CustomEvent<SchemaFormSubmit>) =>
          void this.save(user ?? null, e.detail.value as Record<string, unknown>)}
      >
        <button slot="actions" type="button" @click=${() => this.edit(null)}>Cancel</button>
      </sb-schema-form>
    </section>`;
  }

  private async save(user: UserSnapshot | null, value: Record<string, unknown>): Promise<void> {
    this.busy = true;
    this.errors = [];
    try {
      if (!user) {
        const created = await this.session.api<UserSnapshot>('/api/v1/users', {
          method: 'POST',
          body: value,
        });
        this.users = [...(this.users ?? []), created];
        this.editing = null;
        this.status = `User ${created.name} created.`;
      } else {
        const before = editValue(user) as Record<string, unknown>;
        const patch: Record<string, unknown> = {};
        // The form leaves empty lists out; here an empty list means "none".
        const edited = {
          skills: [],
          groups: [],
          departmentIds: [],
          ...value,
        };
        for (const [key, v] of Object.entries(edited)) {
          if (JSON.stringify(v) !== JSON.stringify(before[key])) patch[key] = v;
        }
        if (Object.keys(patch).length === 0) {
          this.status = 'Nothing changed.';
          this.editing = null;
          return;
        }
        const after = await this.session.api<UserSnapshot>(
          `/api/v1/users/${encodeURIComponent(user.id)}`,
          { method: 'PATCH', body: patch },
        );
        this.users = (this.users ?? []).map((u) => (u.id === after.id ? after : u));
        this.editing = null;
        this.status = `User ${after.name} saved.`;
      }
    } catch (error) {
      this.errors = fieldErrors(error, CODE_FIELDS);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-admin-users': AdminUsers;
  }
}
