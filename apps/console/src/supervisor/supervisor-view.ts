import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ConversationSnapshot, VisitorSnapshot } from '@switchboard/sdk';
import type { ConsoleSession } from '../session.js';
import { baseStyles } from '../forms/form-styles.js';
import { serverProblems } from '../forms/server-problems.js';
import { renderTabs, tabPanel, tabStyles, type TabSpec } from '../forms/tabs.js';
import {
  SupervisorModel,
  formatWait,
  toAgentInfo,
  type AgentInfo,
  type AgentRow,
  type QueueRow,
} from './supervisor-model.js';

export const SUPERVISOR_TABS: readonly TabSpec[] = [
  { id: 'chats', label: 'Live chats' },
  { id: 'queues', label: 'Queues' },
  { id: 'agents', label: 'Agents' },
];

const STATE_LABELS: Record<string, string> = {
  browsing: 'Browsing',
  waiting: 'Waiting',
  active: 'In chat',
  idle: 'Idle',
  ended: 'Ended',
};

/** The seed product's colour code, always with its meaning in text. */
const COLOUR_LABELS: Record<string, string> = {
  grey: 'Browsing',
  red: 'Waiting for chat',
  yellow: 'Waiting for agent',
  green: 'Waiting for visitor',
  blue: 'Chatted before',
};

const ROLE_LABELS: Record<string, string> = {
  admin: 'Admin',
  supervisor: 'Supervisor',
  agent: 'Agent',
};

const PRESENCE_LABELS: Record<string, string> = {
  online: 'Online',
  away: 'Away',
  offline: 'Offline',
};

/** Agents and users are re-read this often, for capacity changes and new users (no event). */
const AGENTS_REFRESH_MS = 60_000;
const MAX_PAGES = 10;

/**
 * The supervisor view the shell mounts for supervisors and admins: every live chat of the
 * tenant (who has it, waiting time, colour state), the queues (waiting count and longest wait,
 * per department and per routing target) and each agent's presence and load against capacity.
 *
 * One load over REST, then live from the socket: `conversation.updated` and `presence` events
 * (every user socket of the tenant receives them) update the tables at once; a reconnect
 * (`hello`) reloads. "Open" fires `sb-open-conversation` (`detail: { conversationId }`,
 * bubbling, composed) for the shell to open the chat.
 */
@customElement('sb-supervisor-view')
export class SupervisorView extends LitElement {
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
      .summary {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        margin: 0 0 1rem;
        padding: 0;
        list-style: none;
      }
      .summary li {
        border: 1px solid var(--sb-border, #c9ceda);
        border-radius: var(--sb-radius, 6px);
        padding: 0.4rem 0.8rem;
        background: var(--sb-surface, #ffffff);
      }
      .summary strong {
        display: block;
        font-size: 1.25rem;
      }
      .dot {
        display: inline-block;
        width: 0.7rem;
        height: 0.7rem;
        border-radius: 50%;
        margin-right: 0.35rem;
        vertical-align: middle;
        border: 1px solid rgba(0, 0, 0, 0.35);
      }
      .dot.grey {
        background: var(--sb-colour-grey, #6b7280);
      }
      .dot.red {
        background: var(--sb-colour-red, #c62828);
      }
      .dot.yellow {
        background: var(--sb-colour-yellow, #b8860b);
      }
      .dot.green {
        background: var(--sb-colour-green, #2e7d32);
      }
      .dot.blue {
        background: var(--sb-colour-blue, #1f5fbf);
      }
      .dot.online {
        background: var(--sb-colour-green, #2e7d32);
      }
      .dot.away {
        background: var(--sb-colour-yellow, #b8860b);
      }
      .dot.offline {
        background: var(--sb-colour-grey, #6b7280);
      }
      meter {
        width: 7rem;
        height: 1rem;
        vertical-align: middle;
        margin-right: 0.4rem;
      }
      .full {
        color: var(--sb-danger, #b3261e);
        font-weight: 600;
      }
      .table-wrap {
        overflow-x: auto;
      }
      section + section {
        margin-top: 1.25rem;
      }
      .connection {
        font-size: 0.875rem;
      }
    `,
  ];

  @property({ attribute: false }) session!: ConsoleSession;
  /** The section shown: `chats`, `queues` or `agents`. */
  @property({ reflect: true }) tab = 'chats';

  @state() private loaded = false;
  @state() private loadError: string | null = null;
  @state() private now = Date.now();
  @state() private live = false;
  /** Bumped on every change of the model, so Lit re-renders. */
  @state() private version = 0;

  private readonly model = new SupervisorModel();
  /**
   * Server clock minus this browser's clock, from the last heartbeat or conversation event:
   * waiting times are differences of server times, so a browser whose clock is off still shows
   * them right.
   */
  private clockOffset = 0;
  private unsubscribes: (() => void)[] = [];
  private ticker: ReturnType<typeof setInterval> | null = null;
  private refresher: ReturnType<typeof setInterval> | null = null;
  private fetchingVisitors = new Set<string>();
  private reloadQueued = false;

  override connectedCallback(): void {
    super.connectedCallback();
    const client = this.session.client;
    this.unsubscribes = [
      client.on('conversation.updated', (event) => {
        const c = event.conversation as ConversationSnapshot;
        if (!('assignedAgentId' in c)) return;
        // The change just happened on the server: its time tells the server clock's offset.
        this.clockOffset = c.updatedAt - Date.now();
        this.model.applyConversation(c);
        this.lookUpVisitors([c]);
        if (c.assignedAgentId && !this.model.agents.has(c.assignedAgentId)) void this.loadAgents();
        this.changed();
      }),
      client.on('presence', (event) => {
        if (!this.model.applyPresence(event.userId, event.presence)) void this.loadAgents();
        this.changed();
      }),
      client.on('heartbeat', (event) => {
        this.clockOffset = event.at - Date.now();
      }),
      client.on('visitor.updated', (event) => {
        const v = event.visitor as VisitorSnapshot;
        if (v.name) {
          this.model.visitorNames.set(v.id, v.name);
          this.changed();
        }
      }),
      client.on('hello', (hello) => {
        this.live = true;
        // A server that states its time in `hello` (proposed) gives the offset at once.
        const serverTime = (hello as { serverTime?: unknown }).serverTime;
        if (typeof serverTime === 'number') this.clockOffset = serverTime - Date.now();
        // After a reconnect, what happened meanwhile is not replayed: read it again.
        if (this.loaded) void this.load();
      }),
      client.on('state', (s) => {
        this.live = s === 'open';
      }),
    ];
    this.live = client.state === 'open';
    client.connect().catch(() => {
      // The shell shows connection problems; the REST load below still works.
    });
    this.ticker = setInterval(() => {
      this.now = Date.now() + this.clockOffset;
    }, 1000);
    this.refresher = setInterval(() => void this.loadAgents(), AGENTS_REFRESH_MS);
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.unsubscribes) off();
    this.unsubscribes = [];
    if (this.ticker) clearInterval(this.ticker);
    if (this.refresher) clearInterval(this.refresher);
    this.ticker = this.refresher = null;
  }

  private changed(): void {
    this.version += 1;
  }

  private async fetchAgents(): Promise<AgentInfo[]> {
    try {
      const { agents } = await this.session.api<{ agents: Record<string, unknown>[] }>(
        '/api/v1/agents',
      );
      return agents.map(toAgentInfo);
    } catch (error) {
      if (serverProblems(error).status !== 404) throw error;
      // A server without `agents.list`: every enabled user can take chats up to their capacity.
      const { users } = await this.session.api<{ users: Record<string, unknown>[] }>(
        '/api/v1/users',
      );
      return users.map(toAgentInfo);
    }
  }

  private async fetchOpenConversations(): Promise<ConversationSnapshot[]> {
    const all: ConversationSnapshot[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = `state=open&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const answer: { conversations: ConversationSnapshot[]; nextCursor: string | null } =
        await this.session.api(`/api/v1/conversations?${query}`);
      all.push(...answer.conversations);
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    return all;
  }

  private async load(): Promise<void> {
    try {
      const [conversations, agents, departments, visitors] = await Promise.all([
        this.fetchOpenConversations(),
        this.fetchAgents(),
        this.session
          .api<{ departments: { id: string; name: string }[] }>('/api/v1/departments')
          .then((a) => a.departments),
        this.session
          .api<{ visitors: VisitorSnapshot[] }>('/api/v1/visitors?limit=500')
          .then((a) => a.visitors)
          .catch(() => [] as VisitorSnapshot[]),
      ]);
      // Events that arrived during the load are newer than the list: keep them.
      const newer = [...this.model.conversations.values()];
      this.model.reset({ conversations, agents, departments });
      for (const c of newer) this.model.applyConversation(c);
      for (const v of visitors) if (v.name) this.model.visitorNames.set(v.id, v.name);
      this.lookUpVisitors(this.model.liveChats());
      // Before any event: the server's clock is at least at its newest change.
      const newest = Math.max(0, ...conversations.map((c) => c.updatedAt));
      if (newest > Date.now() + this.clockOffset) this.clockOffset = newest - Date.now();
      this.now = Date.now() + this.clockOffset;
      this.loadError = null;
      this.loaded = true;
      this.changed();
    } catch (error) {
      this.loadError = serverProblems(error).message;
    }
  }

  private async loadAgents(): Promise<void> {
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    try {
      const agents = await this.fetchAgents();
      this.model.agents.clear();
      for (const a of agents) if (!a.disabled) this.model.agents.set(a.id, a);
      this.changed();
    } catch {
      // Keep what is shown; the next refresh tries again.
    } finally {
      this.reloadQueued = false;
    }
  }

  /** Names of visitors not yet known, read one by one (few: new chats only). */
  private lookUpVisitors(chats: readonly ConversationSnapshot[]): void {
    for (const c of chats.slice(0, 50)) {
      const id = c.visitorId;
      if (this.model.visitorNames.has(id) || this.fetchingVisitors.has(id)) continue;
      this.fetchingVisitors.add(id);
      this.session
        .api<{ visitor: VisitorSnapshot }>(`/api/v1/visitors/${encodeURIComponent(id)}`)
        .then(({ visitor }) => {
          if (visitor.name) {
            this.model.visitorNames.set(id, visitor.name);
            this.changed();
          }
        })
        .catch(() => {})
        .finally(() => this.fetchingVisitors.delete(id));
    }
  }

  private select(tab: string): void {
    if (tab === this.tab) return;
    this.tab = tab;
    this.dispatchEvent(
      new CustomEvent('sb-supervisor-tab', { detail: { tab }, bubbles: true, composed: true }),
    );
  }

  private open(conversationId: string): void {
    this.dispatchEvent(
      new CustomEvent('sb-open-conversation', {
        detail: { conversationId },
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render() {
    if (!this.session) return nothing;
    if (!this.session.isSupervisor) {
      return html`<h1>Supervision</h1>
        <p>Only supervisors and admins can see every chat and agent.</p>`;
    }
    const tab = SUPERVISOR_TABS.some((t) => t.id === this.tab) ? this.tab : 'chats';
    const totals = this.model.totals(this.now);
    const rows = this.model.agentRows();
    const online = rows.filter((r) => r.agent.presence === 'online');
    const free = online.reduce((n, r) => n + Math.max(0, r.agent.capacity - r.load), 0);
    return html`
      <h1>Supervision</h1>
      <p class="connection muted" role="status">
        ${this.live ? 'Live: updates as they happen.' : 'Reconnecting… the numbers may be late.'}
      </p>
      ${
        this.loadError
          ? html`<div class="banner" role="alert">
              Could not load: ${this.loadError}
              <button type="button" class="link" @click=${() => void this.load()}>Try again</button>
            </div>`
          : nothing
      }
      <ul class="summary" aria-label="Summary">
        <li><strong>${this.model.conversations.size}</strong> open chats</li>
        <li><strong>${totals.waiting}</strong> waiting</li>
        <li>
          <strong
            ><time datetime=${`PT${Math.floor(totals.longestWaitMs / 1000)}S`}
              >${formatWait(totals.longestWaitMs)}</time
            ></strong
          >
          longest wait
        </li>
        <li><strong>${online.length}</strong> agents online</li>
        <li><strong>${free}</strong> free slots</li>
      </ul>
      ${renderTabs('supervisor', 'Supervision sections', SUPERVISOR_TABS, tab, (id) =>
        this.select(id),
      )}
      ${tabPanel(
        'supervisor',
        tab,
        !this.loaded && !this.loadError
          ? html`<p class="muted">Loading…</p>`
          : tab === 'queues'
            ? this.renderQueues()
            : tab === 'agents'
              ? this.renderAgents(rows)
              : this.renderChats(),
      )}
    `;
  }

  private renderChats() {
    const chats = this.model.liveChats();
    if (chats.length === 0) return html`<p>No open chats right now.</p>`;
    return html`<div class="table-wrap">
      <table>
        <caption>
          Live chats
        </caption>
        <thead>
          <tr>
            <th scope="col">Visitor</th>
            <th scope="col">State</th>
            <th scope="col">Agent</th>
            <th scope="col">Waiting / duration</th>
            <th scope="col">Department</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${chats.map((c) => this.renderChatRow(c))}
        </tbody>
      </table>
    </div>`;
  }

  private renderChatRow(c: ConversationSnapshot) {
    const visitor = this.model.visitorName(c);
    const agent = this.model.agentName(c.assignedAgentId);
    const offeredTo = this.model.agentName(c.offeredTo);
    const since = c.state === 'waiting' ? (c.waitingSince ?? c.updatedAt) : c.createdAt;
    const ms = this.now - since;
    return html`<tr data-conversation=${c.id}>
      <th scope="row">${visitor}</th>
      <td>
        <span class="dot ${c.colour}" aria-hidden="true"></span>${STATE_LABELS[c.state] ?? c.state}
        <span class="muted">(${COLOUR_LABELS[c.colour] ?? c.colour})</span>
      </td>
      <td>
        ${
          agent ??
          (c.assignedAgentId
            ? c.assignedAgentId
            : offeredTo
              ? html`<span class="muted">Offered to ${offeredTo}</span>`
              : html`<span class="muted">Nobody</span>`)
        }
      </td>
      <td>
        ${c.state === 'waiting' ? 'Waiting ' : 'For '}<time
          datetime=${`PT${Math.floor(Math.max(0, ms) / 1000)}S`}
          >${formatWait(ms)}</time
        >
      </td>
      <td>${c.departmentId ? (this.model.departments.get(c.departmentId) ?? '—') : '—'}</td>
      <td>
        <button
          type="button"
          aria-label=${`Open chat with ${visitor}`}
          @click=${() => this.open(c.id)}
        >
          Open
        </button>
      </td>
    </tr>`;
  }

  private renderQueueTable(caption: string, first: string, rows: QueueRow[]) {
    return html`<table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">${first}</th>
          <th scope="col">Waiting</th>
          <th scope="col">Offered</th>
          <th scope="col">Longest wait</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              <th scope="row">${r.label}</th>
              <td>${r.waiting}</td>
              <td>${r.offered}</td>
              <td>
                <time datetime=${`PT${Math.floor(r.longestWaitMs / 1000)}S`}
                  >${formatWait(r.longestWaitMs)}</time
                >
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderQueues() {
    const byDepartment = this.model.queuesByDepartment(this.now);
    if (byDepartment.length === 0) return html`<p>Nobody is waiting.</p>`;
    return html`<section>
        ${this.renderQueueTable('Queues by department', 'Department', byDepartment)}
      </section>
      <section>
        ${this.renderQueueTable(
          'Queues by routing target',
          'Target',
          this.model.queuesByTarget(this.now),
        )}
      </section>`;
  }

  private renderAgents(rows: AgentRow[]) {
    if (rows.length === 0) return html`<p>No agents yet.</p>`;
    return html`<div class="table-wrap">
      <table>
        <caption>
          Agents
        </caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Presence</th>
            <th scope="col">Load</th>
            <th scope="col">Chats</th>
            <th scope="col">Skills and groups</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map((r) => this.renderAgentRow(r))}
        </tbody>
      </table>
    </div>`;
  }

  private renderAgentRow(row: AgentRow) {
    const { agent, load } = row;
    const capacity = agent.capacity;
    const full = capacity > 0 && load >= capacity;
    return html`<tr data-agent=${agent.id}>
      <th scope="row">
        ${agent.name}
        ${agent.role ? html`<div class="muted">${ROLE_LABELS[agent.role]}</div>` : nothing}
      </th>
      <td>
        <span class="dot ${agent.presence}" aria-hidden="true"></span>${
          PRESENCE_LABELS[agent.presence] ?? agent.presence
        }
      </td>
      <td>
        <meter
          min="0"
          max=${Math.max(1, capacity)}
          low=${Math.max(1, capacity) * 0.6}
          high=${Math.max(1, capacity) * 0.99}
          optimum="0"
          .value=${load}
          aria-label=${`Load of ${agent.name}`}
          aria-valuetext=${`${load} of ${capacity} chats`}
        ></meter>
        <span class="load ${full ? 'full' : ''}">${load} / ${capacity}</span>
        ${full ? html`<span class="full"> full</span>` : nothing}
        ${row.offered > 0 ? html`<div class="muted">${row.offered} offered</div>` : nothing}
      </td>
      <td>
        ${
          row.chats.length === 0
            ? html`<span class="muted">None</span>`
            : html`<ul class="plain">
                ${row.chats.map((c) => {
                  const visitor = this.model.visitorName(c);
                  return html`<li>
                    <button
                      type="button"
                      class="link"
                      aria-label=${`Open chat with ${visitor}`}
                      @click=${() => this.open(c.id)}
                    >
                      ${visitor}
                    </button>
                  </li>`;
                })}
              </ul>`
        }
      </td>
      <td>
        <ul class="chips" aria-label=${`Skills and groups of ${agent.name}`}>
          ${agent.skills.map((s) => html`<li class="chip">${s}</li>`)}
          ${agent.groups.map((g) => html`<li class="chip">group: ${g}</li>`)}
        </ul>
      </td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-supervisor-view': SupervisorView;
  }
}
