/**
 * <sb-billboards-admin>: the `admin.settings` page of the billboards plugin. Lists a site's (or
 * chat window's) billboards in display order with impressions, clicks and CTR, and creates,
 * edits, reorders, enables and deletes them. Talks to the server only through `context.api`.
 * Every user-written string is rendered with `textContent`. Plain DOM, no imports at run time.
 */
import type { SlotContext } from '@switchboard/sdk/ui';
import type { Billboard, BillboardKind, BillboardReport } from '../common/types.js';

const BASE = '/api/v1/plugins/billboards';
/** Mirrors the server's limits (src/common/limits.ts); the server has the last word. */
const MAX_PER_SCOPE = 10;
const TEXT_MAX = 280;
const IMAGE_MAX_BYTES = 256 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

interface SiteInfo {
  id: string;
  name: string;
  windows: string[];
}

const CSS = `
:host { display: block; font: inherit; color: inherit; }
h2 { font-size: 1.2em; margin: 0 0 12px; }
.bar { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; margin-bottom: 12px; }
label { display: flex; flex-direction: column; gap: 2px; font-size: 0.9em; }
label.inline { flex-direction: row; align-items: center; gap: 6px; }
table { border-collapse: collapse; width: 100%; margin-bottom: 12px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e4e7ec; vertical-align: top; }
td.text { max-width: 320px; overflow-wrap: anywhere; white-space: pre-wrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.actions { display: flex; gap: 4px; flex-wrap: wrap; }
button { font: inherit; padding: 4px 10px; border: 1px solid #d0d5dd; border-radius: 6px;
  background: #f9fafb; color: inherit; cursor: pointer; }
button.primary { background: #175cd3; border-color: #175cd3; color: #fff; }
button:disabled { opacity: 0.5; cursor: default; }
button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible {
  outline: 2px solid #175cd3; outline-offset: 1px; }
form { display: grid; gap: 10px; max-width: 560px; padding: 12px; border: 1px solid #d0d5dd;
  border-radius: 8px; margin-bottom: 12px; }
fieldset { border: 0; padding: 0; margin: 0; display: grid; gap: 10px; }
legend { font-weight: 600; margin-bottom: 6px; }
textarea { min-height: 4em; }
.hint { font-size: 0.85em; color: #475467; }
.error { color: #b42318; white-space: pre-wrap; }
.empty { color: #475467; }
`;

let sheet: CSSStyleSheet | null = null;
const styles = (): CSSStyleSheet => {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
};

/** `document.createElement` with properties and children. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, unknown>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key.startsWith('aria-') || key === 'role' || key === 'for') {
      el.setAttribute(key, String(value));
    } else {
      (el as unknown as Record<string, unknown>)[key] = value;
    }
  }
  el.append(...children);
  return el;
}

/** epoch ms → the value of a `datetime-local` input (local time), or ''. */
function toLocalInput(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const fromLocalInput = (value: string): number | null => (value ? new Date(value).getTime() : null);

const short = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

function errorText(error: unknown): string {
  const e = error as { message?: string };
  return e.message ?? 'Something went wrong.';
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export class BillboardsAdmin extends HTMLElement {
  private readonly root = this.attachShadow({ mode: 'open' });
  private ctx: SlotContext | null = null;
  private sites: SiteInfo[] = [];
  private siteId = '';
  private window: string | null = null;
  private billboards: Billboard[] = [];
  private report: BillboardReport | null = null;
  private reportAllowed = true;
  private from = '';
  private to = '';
  private editing: Billboard | 'new' | null = null;
  private readonly status = h('p', { role: 'status', className: 'hint' });
  private readonly alert = h('p', { role: 'alert', className: 'error' });
  private started = false;

  constructor() {
    super();
    this.root.adoptedStyleSheets = [styles()];
  }

  get context(): SlotContext | null {
    return this.ctx;
  }

  set context(value: SlotContext | null) {
    this.ctx = value;
    if (value && !this.started && this.isConnected) void this.start();
  }

  connectedCallback(): void {
    // An app may set `context` before this module defined the element: take that value over.
    if (Object.hasOwn(this, 'context')) {
      const early = (this as { context?: SlotContext | null }).context ?? null;
      delete (this as { context?: unknown }).context;
      this.context = early;
    }
    if (this.ctx && !this.started) void this.start();
    else this.render();
  }

  private api<T>(path: string, method?: 'POST' | 'PATCH' | 'PUT' | 'DELETE', body?: unknown) {
    if (!this.ctx) return Promise.reject(new Error('Not connected.'));
    return this.ctx.api<T>(`${BASE}${path}`, method ? { method, body } : undefined);
  }

  private async start(): Promise<void> {
    this.started = true;
    try {
      const { sites } = await this.api<{ sites: SiteInfo[] }>('/sites');
      this.sites = sites;
      this.siteId = sites[0]?.id ?? '';
      await this.refresh();
    } catch (error) {
      this.fail(error);
    }
  }

  private async refresh(): Promise<void> {
    if (!this.siteId) return this.render();
    const scope = `siteId=${encodeURIComponent(this.siteId)}&window=${encodeURIComponent(this.window ?? '')}`;
    const { billboards } = await this.api<{ billboards: Billboard[] }>(`/billboards?${scope}`);
    this.billboards = billboards;
    if (this.reportAllowed) {
      const range =
        (this.from ? `&from=${encodeURIComponent(new Date(this.from).toISOString())}` : '') +
        (this.to
          ? `&to=${encodeURIComponent(new Date(new Date(this.to).getTime() + DAY_MS).toISOString())}`
          : ''); // "until" includes that day
      try {
        this.report = await this.api<BillboardReport>(`/report?${scope}${range}`);
      } catch (error) {
        if ((error as { status?: number }).status === 403) {
          this.reportAllowed = false;
          this.report = null;
        } else throw error;
      }
    }
    this.render();
  }

  private fail(error: unknown): void {
    this.alert.textContent = errorText(error);
    this.render();
  }

  private async run(work: () => Promise<unknown>, done: string): Promise<void> {
    this.alert.textContent = '';
    try {
      await work();
      this.status.textContent = done;
      await this.refresh();
    } catch (error) {
      this.fail(error);
    }
  }

  private render(): void {
    const children: Node[] = [h('h2', {}, 'Billboards')];
    if (!this.ctx) {
      this.root.replaceChildren(...children);
      return;
    }
    children.push(this.scopeBar());
    if (this.sites.length === 0) {
      children.push(
        h('p', { className: 'empty' }, 'Create a site first: billboards belong to a site.'),
      );
    } else {
      children.push(this.table());
      const full = this.billboards.length >= MAX_PER_SCOPE;
      const add = h(
        'button',
        { type: 'button', className: 'primary', disabled: full || this.editing !== null },
        'Add billboard',
      );
      add.addEventListener('click', () => {
        this.editing = 'new';
        this.render();
      });
      children.push(add);
      if (full) {
        children.push(
          h(
            'p',
            { className: 'hint' },
            `${MAX_PER_SCOPE} billboards is the most; delete one to add another.`,
          ),
        );
      }
      if (this.editing) children.push(this.form(this.editing));
    }
    children.push(this.alert, this.status);
    this.root.replaceChildren(...children);
  }

  private scopeBar(): HTMLElement {
    const site = h('select', { id: 'site' });
    for (const s of this.sites)
      site.append(h('option', { value: s.id, selected: s.id === this.siteId }, s.name));
    site.addEventListener('change', () => {
      this.siteId = site.value;
      this.window = null;
      this.editing = null;
      void this.refresh().catch((e: unknown) => this.fail(e));
    });
    const windows = this.sites.find((s) => s.id === this.siteId)?.windows ?? [];
    const win = h('select', { id: 'window' }, h('option', { value: '' }, 'Every window'));
    for (const w of windows) win.append(h('option', { value: w, selected: w === this.window }, w));
    win.addEventListener('change', () => {
      this.window = win.value || null;
      this.editing = null;
      void this.refresh().catch((e: unknown) => this.fail(e));
    });
    const bar = h(
      'div',
      { className: 'bar' },
      h('label', {}, 'Site', site),
      h('label', {}, 'Chat window', win),
    );
    if (this.reportAllowed) {
      const from = h('input', { type: 'date', value: this.from });
      const to = h('input', { type: 'date', value: this.to });
      const apply = h('button', { type: 'button' }, 'Update counts');
      apply.addEventListener('click', () => {
        this.from = from.value;
        this.to = to.value;
        void this.run(async () => undefined, 'Counts updated.');
      });
      bar.append(h('label', {}, 'Counts from', from), h('label', {}, 'Counts until', to), apply);
    }
    return bar;
  }

  private table(): HTMLElement {
    if (this.billboards.length === 0) {
      return h('p', { className: 'empty' }, 'No billboards here yet.');
    }
    const counts = new Map((this.report?.billboards ?? []).map((r) => [r.id, r]));
    const head = h('tr', {});
    const columns = ['#', 'Message', 'Kind', 'Enabled', 'Schedule'];
    if (this.reportAllowed) columns.push('Impressions', 'Clicks', 'CTR');
    columns.push('Actions');
    for (const c of columns) head.append(h('th', { scope: 'col' }, c));
    const body = h('tbody', {});
    this.billboards.forEach((b, i) => {
      const row = h('tr', {});
      row.append(h('td', { className: 'num' }, String(i + 1)));
      const message = h('td', { className: 'text' }, b.text);
      if (b.linkUrl) message.append(h('div', { className: 'hint' }, b.linkUrl));
      row.append(message, h('td', {}, b.kind));
      const enabled = h('input', {
        type: 'checkbox',
        checked: b.enabled,
        'aria-label': `Enabled: ${short(b.text)}`,
      });
      enabled.addEventListener(
        'change',
        () =>
          void this.run(
            () => this.api(`/billboards/${b.id}`, 'PATCH', { enabled: enabled.checked }),
            enabled.checked ? 'Billboard enabled.' : 'Billboard disabled.',
          ),
      );
      row.append(h('td', {}, enabled));
      const when = [
        b.startsAt ? `from ${new Date(b.startsAt).toLocaleString()}` : '',
        b.endsAt ? `until ${new Date(b.endsAt).toLocaleString()}` : '',
      ].filter(Boolean);
      row.append(h('td', {}, when.join(' ') || 'always'));
      if (this.reportAllowed) {
        const c = counts.get(b.id);
        row.append(
          h('td', { className: 'num' }, String(c?.impressions ?? 0)),
          h('td', { className: 'num' }, String(c?.clicks ?? 0)),
          h('td', { className: 'num' }, `${((c?.ctr ?? 0) * 100).toFixed(1)}%`),
        );
      }
      const actions = h('div', { className: 'actions' });
      const act = (text: string, label: string, disabled: boolean, fn: () => void) => {
        const button = h('button', { type: 'button', disabled, 'aria-label': label }, text);
        button.addEventListener('click', fn);
        actions.append(button);
      };
      const move = (to: number) => {
        const ids = this.billboards.map((x) => x.id);
        ids.splice(i, 1);
        ids.splice(to, 0, b.id);
        void this.run(
          () => this.api('/order', 'PUT', { siteId: this.siteId, window: this.window, ids }),
          'Order saved.',
        );
      };
      act('↑', `Move up: ${short(b.text)}`, i === 0, () => move(i - 1));
      act('↓', `Move down: ${short(b.text)}`, i === this.billboards.length - 1, () => move(i + 1));
      act('Edit', `Edit: ${short(b.text)}`, false, () => {
        this.editing = b;
        this.render();
      });
      act('Delete', `Delete: ${short(b.text)}`, false, () => {
        if (!confirm(`Delete the billboard "${short(b.text)}" and its counts?`)) return;
        void this.run(() => this.api(`/billboards/${b.id}`, 'DELETE'), 'Billboard deleted.');
      });
      row.append(h('td', {}, actions));
      body.append(row);
    });
    return h('table', {}, h('thead', {}, head), body);
  }

  private form(editing: Billboard | 'new'): HTMLElement {
    const b = editing === 'new' ? null : editing;
    const kind = h(
      'select',
      {},
      h('option', { value: 'text', selected: b?.kind === 'text' }, 'Text'),
      h('option', { value: 'link', selected: b?.kind === 'link' }, 'Text with a link'),
      h('option', { value: 'image', selected: b?.kind === 'image' }, 'Image banner'),
    );
    const text = h('textarea', { value: b?.text ?? '', maxLength: TEXT_MAX, required: true });
    const textLabel = h('span', {});
    const counter = h('span', { className: 'hint', id: 'text-count' });
    text.setAttribute('aria-describedby', 'text-count');
    const link = h('input', { type: 'url', value: b?.linkUrl ?? '', placeholder: 'https://' });
    const image = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp' });
    const enabled = h('input', { type: 'checkbox', checked: b?.enabled ?? true });
    const interval = h('input', {
      type: 'number',
      min: '3',
      max: '60',
      value: b?.intervalSeconds === null || !b ? '' : String(b.intervalSeconds),
      placeholder: 'default',
    });
    const starts = h('input', { type: 'datetime-local', value: toLocalInput(b?.startsAt ?? null) });
    const ends = h('input', { type: 'datetime-local', value: toLocalInput(b?.endsAt ?? null) });
    const linkLabel = h('label', {}, 'Link (http or https)', link);
    const imageLabel = h(
      'label',
      {},
      b?.imageId
        ? 'Replace image (PNG, JPEG, GIF or WebP, at most 256 KB)'
        : 'Image (PNG, JPEG, GIF or WebP, at most 256 KB)',
      image,
    );
    const sync = () => {
      const k = kind.value as BillboardKind;
      textLabel.textContent = k === 'image' ? 'Alternative text' : 'Text';
      linkLabel.hidden = k === 'text';
      imageLabel.hidden = k !== 'image';
      counter.textContent = `${[...text.value].length} / ${TEXT_MAX}`;
    };
    kind.addEventListener('change', sync);
    text.addEventListener('input', sync);
    sync();
    const save = h('button', { type: 'submit', className: 'primary' }, 'Save billboard');
    const cancel = h('button', { type: 'button' }, 'Cancel');
    cancel.addEventListener('click', () => {
      this.editing = null;
      this.render();
    });
    const form = h(
      'form',
      { 'aria-label': b ? 'Edit billboard' : 'New billboard' },
      h(
        'fieldset',
        {},
        h('legend', {}, b ? 'Edit billboard' : 'New billboard'),
        h('label', {}, 'Kind', kind),
        h('label', {}, textLabel, text),
        counter,
        linkLabel,
        imageLabel,
        h('label', { className: 'inline' }, enabled, 'Enabled'),
        h('label', {}, 'Seconds shown (3–60, empty for the default)', interval),
        h('label', {}, 'Starts', starts),
        h('label', {}, 'Ends', ends),
      ),
      h('div', { className: 'actions' }, save, cancel),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const k = kind.value as BillboardKind;
      void this.run(
        async () => {
          let imageId = k === 'image' ? (b?.imageId ?? null) : null;
          const file = image.files?.[0];
          if (k === 'image' && file) {
            if (file.size > IMAGE_MAX_BYTES) {
              throw new Error(
                `The image is ${file.size} bytes; the limit is 256 KB. Resize or compress it.`,
              );
            }
            const uploaded = await this.api<{ id: string }>('/images', 'POST', {
              data: await toBase64(file),
            });
            imageId = uploaded.id;
          }
          const fields = {
            kind: k,
            text: text.value,
            linkUrl: k === 'text' || !link.value.trim() ? null : link.value.trim(),
            imageId,
            enabled: enabled.checked,
            intervalSeconds: interval.value ? Number(interval.value) : null,
            startsAt: fromLocalInput(starts.value),
            endsAt: fromLocalInput(ends.value),
          };
          if (b) await this.api(`/billboards/${b.id}`, 'PATCH', fields);
          else
            await this.api('/billboards', 'POST', {
              siteId: this.siteId,
              window: this.window,
              ...fields,
            });
          this.editing = null;
        },
        b ? 'Billboard saved.' : 'Billboard added.',
      );
    });
    return form;
  }
}

if (!customElements.get('sb-billboards-admin')) {
  customElements.define('sb-billboards-admin', BillboardsAdmin);
}
