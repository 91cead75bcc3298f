import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../slots/sb-slot.js';
import type { ConsoleStore } from '../store/console-store.js';
import { StoreController } from '../store/store-controller.js';
import type { HistoryRow, PageViewRow } from '../store/types.js';
import { base, tokens } from '../styles/tokens.js';
import { downloadWithToken } from '../util/download.js';
import { formatDateTime, formatDuration, formatTime } from '../util/format.js';

const MAX_DEPTH = 6;

/** Custom data as text: scalars as text, objects as nested definition lists, arrays as lists. */
function renderValue(value: unknown, depth = 0): TemplateResult | string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'object') return String(value);
  if (depth >= MAX_DEPTH) return JSON.stringify(value);
  if (Array.isArray(value)) {
    return html`<ol class="array">
      ${value.map((item) => html`<li>${renderValue(item, depth + 1)}</li>`)}
    </ol>`;
  }
  return html`<dl>
    ${Object.entries(value as Record<string, unknown>).map(
      ([key, item]) =>
        html`<dt>${key}</dt>
          <dd>${renderValue(item, depth + 1)}</dd>`,
    )}
  </dl>`;
}

function safeHref(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null;
}

/**
 * `<sb-visitor-panel>`: who the visitor is and what they did: current page, pages with times,
 * referrer, location, custom data pushed by the site, past conversations with their transcripts,
 * and the `visitor.panel` slot. Live through `visitor.updated`.
 */
@customElement('sb-visitor-panel')
export class VisitorPanel extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: block;
        overflow-y: auto;
        background: var(--sb-surface);
        min-height: 0;
      }
      section {
        padding: var(--sb-space-3);
        border-bottom: 1px solid var(--sb-border);
      }
      h2 {
        overflow-wrap: anywhere;
      }
      h3 {
        margin-bottom: var(--sb-space-2);
      }
      dl {
        margin: 0;
        display: grid;
        grid-template-columns: minmax(56px, max-content) minmax(0, 1fr);
        gap: 2px var(--sb-space-2);
      }
      dt {
        color: var(--sb-text-muted);
        overflow-wrap: anywhere;
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      dd dl {
        grid-template-columns: max-content minmax(0, 1fr);
        border-left: 2px solid var(--sb-border);
        padding-left: var(--sb-space-2);
      }
      ol,
      ul {
        margin: 0;
        padding-left: 18px;
      }
      ol.array {
        padding-left: 14px;
      }
      li {
        margin-bottom: var(--sb-space-1);
        overflow-wrap: anywhere;
      }
      .small {
        font-size: var(--sb-font-size-sm);
      }
      a {
        color: var(--sb-accent);
      }
      .link {
        border: 0;
        background: none;
        color: var(--sb-accent);
        text-decoration: underline;
        padding: 0;
        min-height: 0;
      }
      sb-slot {
        display: block;
        padding: var(--sb-space-3);
      }
      sb-slot[data-empty] {
        display: none;
      }
    `,
  ];

  @property({ attribute: false }) store!: ConsoleStore;
  @property() visitorId = '';
  /** The conversation shown next to the panel, left out of the history. */
  @property() currentConversationId = '';
  private readonly watcher = new StoreController(this);
  private loadedFor = '';

  override willUpdate(): void {
    this.watcher.watch(this.store);
    if (this.store && this.visitorId && this.visitorId !== this.loadedFor) {
      this.loadedFor = this.visitorId;
      void this.store.loadVisitor(this.visitorId, true);
    }
  }

  private openConversation(id: string): void {
    this.dispatchEvent(
      new CustomEvent('sb-open-conversation', {
        detail: { conversationId: id },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private downloadTranscript(row: HistoryRow): void {
    downloadWithToken(
      this.store.session,
      `${row.transcriptUrl}?format=xml`,
      `transcript-${row.conversationId}.xml`,
    ).catch(() => undefined);
  }

  private page(view: PageViewRow) {
    const href = safeHref(view.url);
    const label = view.title || view.url;
    return html`${
        href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${label}</a>` : label
      }
      <div class="small muted">
        ${view.title ? html`<span>${view.url}</span> · ` : nothing}${formatTime(view.at)}
        ${view.timeOnPageMs !== null ? html` · ${formatDuration(view.timeOnPageMs)}` : nothing}
      </div>`;
  }

  override render() {
    const store = this.store;
    if (!store || !this.visitorId) return nothing;
    const visitor = store.visitors.get(this.visitorId);
    if (!visitor)
      return html`<section><p class="muted" role="status">Loading visitor…</p></section>`;
    const details = store.details.get(this.visitorId);
    const pages = details?.pageViews ?? [];
    const current = pages[0];
    const referrer = [...pages].reverse().find((p) => p.referrer)?.referrer ?? null;
    const location = Object.entries(visitor.location ?? {});
    const custom = visitor.customData ?? {};
    const history = (details?.history ?? []).filter(
      (h) => h.conversationId !== this.currentConversationId,
    );
    return html`
      <section aria-labelledby="visitor-name">
        <h2 id="visitor-name">${store.visitorName(visitor.id)}</h2>
        <dl class="small">
          ${
            visitor.email
              ? html`<dt>Email</dt>
                  <dd>${visitor.email}</dd>`
              : nothing
          }
          <dt>Visits</dt>
          <dd>${visitor.visitCount}</dd>
          ${
            visitor.language
              ? html`<dt>Language</dt>
                  <dd>${visitor.language}</dd>`
              : nothing
          }
          <dt>Last seen</dt>
          <dd>${formatDateTime(visitor.lastSeenAt)}</dd>
          ${
            visitor.userAgent
              ? html`<dt>Browser</dt>
                  <dd>${visitor.userAgent}</dd>`
              : nothing
          }
        </dl>
      </section>
      <section aria-labelledby="current-page">
        <h3 id="current-page">Current page</h3>
        ${current ? this.page(current) : html`<p class="muted small">No page view yet.</p>`}
      </section>
      <section aria-labelledby="pages">
        <h3 id="pages">Pages visited (${pages.length})</h3>
        ${
          pages.length
            ? html`<ol>
                ${pages.map((p) => html`<li>${this.page(p)}</li>`)}
              </ol>`
            : html`<p class="muted small">None.</p>`
        }
      </section>
      <section aria-labelledby="origin">
        <h3 id="origin">Referrer and location</h3>
        <dl class="small">
          <dt>Referrer</dt>
          <dd>${referrer ?? 'Direct'}</dd>
          ${location.map(
            ([k, v]) =>
              html`<dt>${k}</dt>
                <dd>${v}</dd>`,
          )}
        </dl>
      </section>
      <section aria-labelledby="custom-data">
        <h3 id="custom-data">Custom data</h3>
        ${
          Object.keys(custom).length
            ? renderValue(custom)
            : html`<p class="muted small">The site has pushed no data.</p>`
        }
      </section>
      <section aria-labelledby="history">
        <h3 id="history">Previous conversations</h3>
        ${
          history.length
            ? html`<ul>
                ${history.map(
                  (h) =>
                    html`<li>
                      <a
                        href=${`/console/conversations/${encodeURIComponent(h.conversationId)}`}
                        @click=${(e: Event) => {
                          e.preventDefault();
                          this.openConversation(h.conversationId);
                        }}
                        >Transcript of ${formatDateTime(h.createdAt)}</a
                      >
                      <div class="small muted">
                        ${h.messageCount} messages ·
                        ${h.state}${h.endReason ? ` (${h.endReason})` : ''} ·
                        <button
                          type="button"
                          class="link small"
                          aria-label=${`Download transcript of ${formatDateTime(h.createdAt)}`}
                          @click=${() => this.downloadTranscript(h)}
                        >
                          Download
                        </button>
                      </div>
                    </li>`,
                )}
              </ul>`
            : html`<p class="muted small">No earlier conversations.</p>`
        }
      </section>
      <sb-slot name="visitor.panel" .parts=${{ visitor }}></sb-slot>
    `;
  }
}
