import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from './form-styles.js';
import {
  childPointer,
  choicesOf,
  humanize,
  kindOf,
  validate,
  withDefaults,
  type FieldProblem,
  type JsonSchema,
} from './json-schema.js';
import {
  emptyDraft,
  fromDraft,
  toDraft,
  type Draft,
  type DraftEntry,
  type DraftObject,
} from './schema-draft.js';

/** `detail` of the `sb-submit` event: the value, valid against the schema as far as we check. */
export interface SchemaFormSubmit {
  readonly value: unknown;
}

/** Reads and writes one place of the draft (a property, a list item, a map entry's value). */
interface Place {
  get(): Draft;
  set(next: Draft): void;
}

/** How a field is drawn: its label, pointer, whether required, and its ids. */
interface FieldFrame {
  readonly schema: JsonSchema;
  readonly place: Place;
  readonly pointer: string;
  readonly label: string;
  readonly required: boolean;
}

/**
 * A form generated from a JSON Schema (the subset of `json-schema.ts`), for plugin settings and
 * the console's own admin forms.
 *
 * - Every control has a label, help text from `description`, and its problems inline, tied with
 *   `aria-describedby` and `aria-invalid`; objects and lists are fieldsets with legends.
 * - On submit the value is checked here first; problems are shown at their fields and focus
 *   moves to the first one. Otherwise `sb-submit` (bubbling, composed) carries the value.
 * - The owner sends it and, on a 400, sets `errors` (use `serverProblems()` from
 *   `server-problems.ts`): the server's JSON pointers land on the same fields. On success it
 *   sets `value` (the saved one) and `status` (e.g. "Saved."), announced politely.
 *
 * @fires sb-submit - `detail: SchemaFormSubmit`
 */
@customElement('sb-schema-form')
export class SchemaForm extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .items {
        display: grid;
        gap: 0.5rem;
      }
      textarea.json {
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        min-height: 7rem;
      }
      .form-problems ul {
        margin: 0.25rem 0 0;
        padding-left: 1.25rem;
      }
      .root-fields > fieldset:first-child {
        margin-top: 0;
      }
    `,
  ];

  /** The JSON Schema of the value (`type: 'object'` at the root); null shows a note. */
  @property({ attribute: false }) schema: JsonSchema | null = null;
  /** The current value; missing keys show the schema's defaults. */
  @property({ attribute: false }) value: unknown = undefined;
  /** Problems from the server (JSON pointers), shown at their fields. */
  @property({ attribute: false }) errors: readonly FieldProblem[] = [];
  /** Text of the submit button. */
  @property({ attribute: 'submit-label' }) submitLabel = 'Save';
  /** Accessible name of the form (e.g. "Settings of Canned responses"). */
  @property() label = '';
  /** True while the owner is saving: the submit button is disabled. */
  @property({ type: Boolean }) busy = false;
  /** A status line announced politely ("Saved."). */
  @property() status = '';

  @state() private draft: Draft = {};
  @state() private problems: readonly FieldProblem[] = [];
  private checked = false;
  private idSeq = 0;
  private claimed = new Set<FieldProblem>();

  /** The value as currently typed (without checking it), e.g. to preview it. */
  currentValue(): unknown {
    if (!this.schema) return this.value;
    return fromDraft(this.schema, this.draft, '', [], true).value;
  }

  /** Checks the form as on submit; answers the problems found (and shows them). */
  async check(): Promise<readonly FieldProblem[]> {
    this.checked = true;
    this.problems = this.clientProblems().problems;
    if (this.problems.length > 0) await this.focusFirstProblem();
    return this.problems;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('schema') || changed.has('value')) && this.schema) {
      this.draft = toDraft(this.schema, withDefaults(this.schema, this.value));
      this.problems = [];
      this.checked = false;
    }
    if (changed.has('errors') && this.errors.length > 0) {
      this.problems = this.errors;
      void this.focusFirstProblem();
    }
  }

  override render() {
    if (!this.schema) {
      return html`<p class="muted">There is nothing to set here.</p>`;
    }
    this.idSeq = 0;
    this.claimed = new Set();
    const body = this.renderRoot$(this.schema);
    const unclaimed = this.problems.filter((p) => !this.claimed.has(p));
    return html`
      <form novalidate aria-label=${this.label || nothing} @submit=${this.onSubmit}>
        ${
          this.problems.length > 0
            ? html`<div class="banner form-problems" role="alert" tabindex="-1" id="problems">
                ${
                  this.problems.length === 1
                    ? 'One problem: fix the field marked below.'
                    : `${this.problems.length} problems: fix the fields marked below.`
                }
                ${
                  unclaimed.length > 0
                    ? html`<ul>
                        ${unclaimed.map(
                          (p) => html`<li>${p.path === '/' ? '' : `${p.path}: `}${p.message}</li>`,
                        )}
                      </ul>`
                    : nothing
                }
              </div>`
            : nothing
        }
        <div class="root-fields">${body}</div>
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this.busy}>${this.submitLabel}</button>
          <slot name="actions"></slot>
          <p class="status" role="status" aria-live="polite">${this.status}</p>
        </div>
      </form>
    `;
  }

  /** The root object's properties without a surrounding fieldset. */
  private renderRoot$(schema: JsonSchema): TemplateResult {
    const place: Place = {
      get: () => this.draft,
      set: (next) => {
        this.draft = next;
      },
    };
    if (kindOf(schema) === 'object') {
      return this.renderProperties(schema, place.get() as DraftObject, '');
    }
    return this.renderField({
      schema,
      place,
      pointer: '/',
      label: schema.title ?? 'Value',
      required: true,
    });
  }

  private renderProperties(schema: JsonSchema, fields: DraftObject, pointer: string) {
    return html`${Object.entries(schema.properties ?? {}).map(([key, child]) => {
      if (!(key in fields)) fields[key] = emptyDraft(child);
      return this.renderField({
        schema: child,
        place: {
          get: () => fields[key]!,
          set: (next) => {
            fields[key] = next;
          },
        },
        pointer: childPointer(pointer || '/', key),
        label: child.title ?? humanize(key),
        required: schema.required?.includes(key) ?? false,
      });
    })}`;
  }

  private nextId(): string {
    this.idSeq += 1;
    return `f${this.idSeq}`;
  }

  /** Problems of a field: those at its pointer, and below it for fields that hold a list. */
  private problemsAt(pointer: string, withChildren: boolean): FieldProblem[] {
    const mine = this.problems.filter(
      (p) =>
        p.path === pointer ||
        (withChildren && (p.path.startsWith(`${pointer}/`) || p.path.startsWith(`${pointer}#`))),
    );
    for (const p of mine) this.claimed.add(p);
    return mine;
  }

  private describe(problems: FieldProblem[], pointer: string, id: string, help: string | null) {
    const errorId = `${id}-error`;
    const helpId = `${id}-help`;
    const describedBy = [help ? helpId : null, problems.length > 0 ? errorId : null]
      .filter(Boolean)
      .join(' ');
    const messages = problems.map((p) => {
      if (p.path === pointer) return p.message;
      const rest = p.path.slice(pointer.length + 1);
      const index = Number(rest.split('/')[0]);
      return Number.isInteger(index) ? `Item ${index + 1}: ${p.message}` : `${rest}: ${p.message}`;
    });
    return {
      describedBy: describedBy || nothing,
      invalid: problems.length > 0 ? 'true' : 'false',
      help: help ? html`<p class="help" id=${helpId}>${help}</p>` : nothing,
      error:
        problems.length > 0
          ? html`<p class="error" id=${errorId}>${messages.join(' ')}</p>`
          : nothing,
    };
  }

  private labelText(frame: FieldFrame) {
    return html`${frame.label}${
      frame.required ? html`<span class="muted"> (required)</span>` : nothing
    }`;
  }

  private changed(place: Place, next: Draft): void {
    place.set(next);
    if (this.checked) this.problems = this.clientProblems().problems;
    this.requestUpdate();
  }

  private renderField(frame: FieldFrame): TemplateResult {
    const { schema, place, pointer } = frame;
    const kind = kindOf(schema);
    const id = this.nextId();
    switch (kind) {
      case 'string':
      case 'number':
      case 'json':
      case 'strings': {
        const problems = this.problemsAt(pointer, kind !== 'string' && kind !== 'number');
        const help = helpOf(schema, kind);
        const d = this.describe(problems, pointer, id, help);
        const text = place.get() as string;
        const onInput = (e: Event) =>
          this.changed(place, (e.target as HTMLInputElement | HTMLTextAreaElement).value);
        const multiline =
          kind === 'json' ||
          kind === 'strings' ||
          schema['x-multiline'] === true ||
          (kind === 'string' && (schema.maxLength ?? 0) > 300 && !schema.pattern && !schema.format);
        return html`<div class="field">
          <label for=${id}>${this.labelText(frame)}</label>
          ${
            multiline
              ? html`<textarea
                  id=${id}
                  class=${kind === 'json' ? 'json' : ''}
                  .value=${text}
                  spellcheck=${kind === 'json' ? 'false' : 'true'}
                  placeholder=${schema['x-placeholder'] ?? nothing}
                  aria-invalid=${d.invalid}
                  aria-describedby=${d.describedBy}
                  @input=${onInput}
                ></textarea>`
              : html`<input
                  id=${id}
                  type=${inputType(schema)}
                  inputmode=${
                    kind === 'number'
                      ? typeOfNumber(schema) === 'integer'
                        ? 'numeric'
                        : 'decimal'
                      : nothing
                  }
                  autocomplete=${schema.format === 'password' ? 'new-password' : 'off'}
                  placeholder=${schema['x-placeholder'] ?? nothing}
                  .value=${text}
                  aria-invalid=${d.invalid}
                  aria-describedby=${d.describedBy}
                  @input=${onInput}
                />`
          }
          ${d.help} ${d.error}
        </div>`;
      }
      case 'boolean': {
        const problems = this.problemsAt(pointer, false);
        const d = this.describe(problems, pointer, id, schema.description ?? null);
        return html`<div class="field">
          <div class="check">
            <input
              id=${id}
              type="checkbox"
              .checked=${place.get() as boolean}
              aria-invalid=${d.invalid}
              aria-describedby=${d.describedBy}
              @change=${(e: Event) => this.changed(place, (e.target as HTMLInputElement).checked)}
            />
            <label for=${id}>${frame.label}</label>
          </div>
          ${d.help} ${d.error}
        </div>`;
      }
      case 'choice': {
        const problems = this.problemsAt(pointer, false);
        const d = this.describe(problems, pointer, id, schema.description ?? null);
        const choices = choicesOf(schema)!;
        const current = place.get() as string;
        const hasDefault = schema.default !== undefined;
        return html`<div class="field">
          <label for=${id}>${this.labelText(frame)}</label>
          <select
            id=${id}
            aria-invalid=${d.invalid}
            aria-describedby=${d.describedBy}
            @change=${(e: Event) => this.changed(place, (e.target as HTMLSelectElement).value)}
          >
            ${
              frame.required && hasDefault
                ? nothing
                : html`<option value="" ?selected=${current === ''}>
                    ${frame.required ? 'Choose…' : 'Not set'}
                  </option>`
            }
            ${choices.map(
              (c, i) =>
                html`<option value=${String(i)} ?selected=${current === String(i)}>
                  ${c.label}
                </option>`,
            )}
          </select>
          ${d.help} ${d.error}
        </div>`;
      }
      case 'choices': {
        const problems = this.problemsAt(pointer, true);
        const d = this.describe(problems, pointer, id, schema.description ?? null);
        const picked = place.get() as boolean[];
        const choices = choicesOf(schema.items!)!;
        return html`<fieldset aria-describedby=${d.describedBy}>
          <legend>${this.labelText(frame)}</legend>
          ${choices.length === 0 ? html`<p class="muted">Nothing to choose from yet.</p>` : nothing}
          ${choices.map((c, i) => {
            const cid = `${id}-${i}`;
            return html`<div class="check">
              <input
                id=${cid}
                type="checkbox"
                .checked=${picked[i] ?? false}
                aria-invalid=${d.invalid}
                @change=${(e: Event) => {
                  const next = [...picked];
                  next[i] = (e.target as HTMLInputElement).checked;
                  this.changed(place, next);
                }}
              />
              <label for=${cid}>${c.label}</label>
            </div>`;
          })}
          ${d.help} ${d.error}
        </fieldset>`;
      }
      case 'object': {
        const problems = this.problemsAt(pointer, false);
        const d = this.describe(problems, pointer, id, schema.description ?? null);
        return html`<fieldset aria-describedby=${d.describedBy}>
          <legend>${this.labelText(frame)}</legend>
          ${d.help} ${d.error} ${this.renderProperties(schema, place.get() as DraftObject, pointer)}
        </fieldset>`;
      }
      case 'list':
        return this.renderList(frame, id);
      case 'map':
        return this.renderMap(frame, id);
    }
  }

  private renderList(frame: FieldFrame, id: string): TemplateResult {
    const { schema, place, pointer } = frame;
    const items = place.get() as Draft[];
    const problems = this.problemsAt(pointer, false);
    const d = this.describe(problems, pointer, id, schema.description ?? null);
    const itemSchema = schema.items!;
    const itemName = itemSchema.title ?? singular(frame.label);
    return html`<fieldset aria-describedby=${d.describedBy}>
      <legend>${this.labelText(frame)}</legend>
      ${d.help} ${d.error}
      <div class="items">
        ${items.map((item, i) => {
          const itemPointer = childPointer(pointer, i);
          const itemPlace: Place = {
            get: () => items[i]!,
            set: (next) => {
              items[i] = next;
            },
          };
          const name = `${itemName} ${i + 1}`;
          return html`<fieldset>
            <legend>${name}</legend>
            ${this.renderInner(itemSchema, itemPlace, itemPointer, name, item)}
            <button
              type="button"
              class="danger"
              @click=${() => {
                items.splice(i, 1);
                this.changed(place, items);
              }}
            >
              Remove ${lowerFirst(name)}
            </button>
          </fieldset>`;
        })}
      </div>
      <div class="actions">
        <button
          type="button"
          @click=${() => {
            items.push(emptyDraft(itemSchema));
            this.changed(place, items);
          }}
        >
          Add ${itemName.toLowerCase()}
        </button>
      </div>
    </fieldset>`;
  }

  private renderMap(frame: FieldFrame, id: string): TemplateResult {
    const { schema, place, pointer } = frame;
    const entries = place.get() as DraftEntry[];
    const problems = this.problemsAt(pointer, false);
    const d = this.describe(problems, pointer, id, schema.description ?? null);
    const valueSchema = schema.additionalProperties as JsonSchema;
    const itemName = valueSchema.title ?? singular(frame.label);
    const keyHelp = schema.propertyNames?.description ?? null;
    return html`<fieldset aria-describedby=${d.describedBy}>
      <legend>${this.labelText(frame)}</legend>
      ${d.help} ${d.error}
      <div class="items">
        ${entries.map((entry, i) => {
          const keyPointer = `${childPointer(pointer, i)}#key`;
          const valuePointer = childPointer(pointer, entry.key.trim() || `#${i}`);
          const keyProblems = this.problemsAt(keyPointer, false).concat(
            this.problems.filter((p) => p.path === valuePointer && p.message.startsWith('name ')),
          );
          for (const p of keyProblems) this.claimed.add(p);
          const keyId = this.nextId();
          const kd = this.describe(keyProblems, keyPointer, keyId, keyHelp);
          const name = entry.key.trim()
            ? `${itemName} “${entry.key.trim()}”`
            : `${itemName} ${i + 1}`;
          const valuePlace: Place = {
            get: () => entry.value,
            set: (next) => {
              entry.value = next;
            },
          };
          return html`<fieldset>
            <legend>${name}</legend>
            <div class="field">
              <label for=${keyId}>Name<span class="muted"> (required)</span></label>
              <input
                id=${keyId}
                type="text"
                autocomplete="off"
                .value=${entry.key}
                aria-invalid=${kd.invalid}
                aria-describedby=${kd.describedBy}
                @input=${(e: Event) => {
                  entry.key = (e.target as HTMLInputElement).value;
                  this.changed(place, entries);
                }}
              />
              ${kd.help} ${kd.error}
            </div>
            ${this.renderInner(valueSchema, valuePlace, valuePointer, name, entry.value)}
            <button
              type="button"
              class="danger"
              @click=${() => {
                entries.splice(i, 1);
                this.changed(place, entries);
              }}
            >
              Remove ${lowerFirst(name)}
            </button>
          </fieldset>`;
        })}
      </div>
      <div class="actions">
        <button
          type="button"
          @click=${() => {
            entries.push({ key: '', value: emptyDraft(valueSchema) });
            this.changed(place, entries);
          }}
        >
          Add ${itemName.toLowerCase()}
        </button>
      </div>
    </fieldset>`;
  }

  /** An item of a list or map: an object's fields directly (its fieldset is the item's). */
  private renderInner(
    schema: JsonSchema,
    place: Place,
    pointer: string,
    name: string,
    draft: Draft,
  ): TemplateResult {
    if (kindOf(schema) === 'object') {
      const problems = this.problemsAt(pointer, false);
      return html`${
        problems.length > 0
          ? html`<p class="error">${problems.map((p) => p.message).join(' ')}</p>`
          : nothing
      }
      ${this.renderProperties(schema, draft as DraftObject, pointer)}`;
    }
    return this.renderField({ schema, place, pointer, label: name, required: true });
  }

  private clientProblems(): { value: unknown; problems: FieldProblem[] } {
    const problems: FieldProblem[] = [];
    const schema = this.schema!;
    const { value } = fromDraft(schema, this.draft, '', problems, true);
    if (value !== undefined) {
      const seen = new Set(problems.map((p) => p.path));
      for (const p of validate(schema, value)) {
        if (!seen.has(p.path)) problems.push(p);
      }
    }
    return { value, problems };
  }

  private async focusFirstProblem(): Promise<void> {
    await this.updateComplete;
    const root = this.renderRoot as ShadowRoot;
    const target =
      root.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      root.querySelector<HTMLElement>('#problems');
    target?.focus();
  }

  private onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!this.schema || this.busy) return;
    this.checked = true;
    this.status = '';
    const { value, problems } = this.clientProblems();
    this.problems = problems;
    if (problems.length > 0) {
      await this.focusFirstProblem();
      return;
    }
    this.dispatchEvent(
      new CustomEvent<SchemaFormSubmit>('sb-submit', {
        detail: { value },
        bubbles: true,
        composed: true,
      }),
    );
  };
}

function typeOfNumber(schema: JsonSchema): string {
  return typeof schema.type === 'string' ? schema.type : 'number';
}

function inputType(schema: JsonSchema): string {
  if (schema.format === 'password') return 'password';
  if (schema.format === 'email') return 'email';
  if (schema.format === 'uri') return 'url';
  return 'text';
}

function helpOf(schema: JsonSchema, kind: string): string | null {
  const parts = [schema.description ?? ''];
  if (kind === 'strings') parts.push('One per line.');
  if (kind === 'json') parts.push('Written as JSON.');
  const text = parts.filter(Boolean).join(' ');
  return text || null;
}

function singular(label: string): string {
  if (/ies$/i.test(label)) return label.replace(/ies$/i, 'y');
  if (/s$/i.test(label) && !/ss$/i.test(label)) return label.slice(0, -1);
  return label;
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-schema-form': SchemaForm;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
