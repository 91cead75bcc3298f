import type {
  ConversationSnapshot,
  MessageSnapshot,
  UiContribution,
  UiSlot,
  VisitorSnapshot,
} from '@switchboard/sdk';
import type { SlotContext } from '@switchboard/sdk/ui';
import type { ConsoleSession } from '../session.js';

/**
 * The plugin slot host (DESIGN §6): loads the console's UI contributions, imports each
 * contributed module once (cached per URL), creates its custom element, hands it a
 * {@link SlotContext} and keeps the console working when a plugin does not: a module that fails
 * to import, an element whose constructor, `connectedCallback` or `context` setter throws, or
 * one that throws later from its own module, is replaced by a small "Plugin <id> failed to show"
 * line (role=status) in its slot. Framework-free, so any view (Lit or not) can host a slot.
 */

/** What a slot knows about where it is; the host adds the plugin id, the API and the user. */
export interface SlotContextParts {
  readonly conversation?: ConversationSnapshot | null;
  readonly visitor?: VisitorSnapshot | null;
  readonly message?: MessageSnapshot | null;
}

/** A mounted slot: give it new context parts, or take it down. */
export interface SlotMount {
  update(parts: SlotContextParts): void;
  dispose(): void;
}

export interface MountOptions {
  /** Mount only the contributions this accepts (e.g. one console.view). */
  readonly filter?: (contribution: UiContribution) => boolean;
}

const REFRESH_MS = 60_000;

/** The contributions of the signed-in user, refetched on every `hello` and every minute. */
class Contributions {
  list: readonly UiContribution[] = [];
  loaded = false;
  private session: ConsoleSession | null = null;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private offHello: (() => void) | null = null;
  private key = '';

  use(session: ConsoleSession | null): void {
    this.stop();
    this.session = session;
    this.list = [];
    this.loaded = false;
    this.key = '';
    if (!session) return;
    this.offHello = session.client.on('hello', () => void this.refresh());
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const session = this.session;
    if (!session) return;
    try {
      const { contributions } = await session.api<{ contributions: UiContribution[] }>(
        '/api/v1/ui/contributions?surface=console',
      );
      if (session !== this.session) return;
      const key = JSON.stringify(contributions);
      this.loaded = true;
      if (key === this.key) return;
      this.key = key;
      this.list = contributions;
      for (const listener of [...this.listeners]) listener();
    } catch {
      // Keep the last list; the next refresh tries again.
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  of(slot: UiSlot): UiContribution[] {
    return this.list.filter((c) => c.slot === slot).sort((a, b) => a.order - b.order);
  }

  get currentSession(): ConsoleSession | null {
    return this.session;
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.offHello?.();
    this.offHello = null;
  }
}

/** The console's contributions; the app calls `contributions.use(session)` after sign-in. */
export const contributions = new Contributions();

// --- module loading ---

const modules = new Map<string, Promise<void>>();

/** Imports a plugin module once per URL (a failed import is retried on the next mount). */
function loadModule(url: string): Promise<void> {
  let loading = modules.get(url);
  if (!loading) {
    loading = import(/* @vite-ignore */ url).then(() => undefined);
    loading.catch(() => modules.delete(url));
    modules.set(url, loading);
  }
  return loading;
}

// --- failures raised later, from a plugin's own module (a Lit update, a timer) ---

const failureWatchers = new Map<string, Set<() => void>>();

function watchModuleErrors(moduleUrl: string, onFailure: () => void): () => void {
  const href = new URL(moduleUrl, location.href).href;
  let set = failureWatchers.get(href);
  if (!set) failureWatchers.set(href, (set = new Set()));
  set.add(onFailure);
  return () => set.delete(onFailure);
}

if (typeof window !== 'undefined') {
  window.addEventListener('error', (event) => {
    const set = event.filename ? failureWatchers.get(event.filename) : undefined;
    if (!set || set.size === 0) return;
    event.preventDefault();
    for (const fail of [...set]) fail();
  });
}

/**
 * Runs `fn` and tells whether it threw, or reported an exception while it ran. Custom element
 * reactions (constructor during `createElement`, `connectedCallback` during `append`) do not
 * throw to the caller: the browser reports them as an `error` event on the window,
 * synchronously. Listening only for the duration of the call pins such a report on this element.
 */
function guarded(fn: () => void): unknown {
  let failure: unknown = null;
  const onError = (event: ErrorEvent) => {
    failure = event.error ?? new Error(event.message);
    event.preventDefault();
  };
  window.addEventListener('error', onError);
  try {
    fn();
  } catch (error) {
    failure = error;
  } finally {
    window.removeEventListener('error', onError);
  }
  return failure;
}

// --- mounting ---

function contextFor(
  session: ConsoleSession,
  contribution: UiContribution,
  parts: SlotContextParts,
): SlotContext {
  return Object.freeze({
    pluginId: contribution.pluginId,
    slot: contribution.slot,
    surface: 'console' as const,
    api: <T = unknown>(path: string, init?: { method?: string; body?: unknown }) =>
      session.api<T>(path, init ?? {}),
    call: <T = unknown>(type: string, data?: Readonly<Record<string, unknown>>) =>
      session.client.call<T>(type, data ?? {}),
    on: (type: string, handler: (event: unknown) => void) => session.client.on(type, handler),
    user: session.user,
    conversation: parts.conversation ?? null,
    visitor: parts.visitor ?? null,
    message: parts.message ?? null,
  });
}

function keyOf(c: UiContribution): string {
  return `${c.pluginId}|${c.element}|${c.moduleUrl}`;
}

interface Mounted {
  readonly contribution: UiContribution;
  readonly box: HTMLElement;
  element: HTMLElement | null;
  failed: boolean;
  offErrors: () => void;
}

/** The small inline error shown in place of a plugin that failed. */
function failureLine(pluginId: string): HTMLElement {
  const line = document.createElement('p');
  line.setAttribute('role', 'status');
  line.className = 'sb-slot-error';
  line.textContent = `Plugin ${pluginId} failed to show`;
  // CSSOM styles: allowed by the CSP, unlike style attributes in markup.
  line.style.margin = '2px 0';
  line.style.fontSize = '12px';
  line.style.color = '#b42318';
  return line;
}

/**
 * Mounts every contribution to `slotName` into `container` (each in its own box), in `order`,
 * with `contextParts` as the context's conversation/visitor/message. Follows the contributions
 * as plugins come and go. Exported for the admin views (`admin.settings`).
 */
export function mountSlot(
  slotName: UiSlot,
  container: HTMLElement,
  contextParts: SlotContextParts = {},
  options: MountOptions = {},
): SlotMount {
  let parts = contextParts;
  let disposed = false;
  const mounted = new Map<string, Mounted>();

  const fail = (m: Mounted) => {
    if (m.failed) return;
    m.failed = true;
    m.offErrors();
    m.element?.remove();
    m.element = null;
    m.box.replaceChildren(failureLine(m.contribution.pluginId));
  };

  const setContext = (m: Mounted) => {
    const session = contributions.currentSession;
    if (!session || !m.element || m.failed) return;
    const element = m.element as HTMLElement & { context?: SlotContext };
    const failure = guarded(() => {
      element.context = contextFor(session, m.contribution, parts);
    });
    if (failure) fail(m);
  };

  const mountOne = async (m: Mounted) => {
    const { contribution } = m;
    try {
      await loadModule(contribution.moduleUrl);
    } catch {
      if (!disposed) fail(m);
      return;
    }
    if (disposed || mounted.get(keyOf(contribution)) !== m) return;
    const Ctor = customElements.get(contribution.element);
    if (!Ctor) return fail(m);
    let element: HTMLElement | null = null;
    const created = guarded(() => {
      element = document.createElement(contribution.element);
    });
    // A throwing constructor leaves a plain "failed" element behind instead of throwing.
    if (created || !element || !((element as HTMLElement) instanceof Ctor)) return fail(m);
    m.element = element;
    m.offErrors = watchModuleErrors(contribution.moduleUrl, () => fail(m));
    setContext(m);
    if (m.failed) return;
    const appended = guarded(() => m.box.append(element!));
    if (appended) fail(m);
  };

  const sync = () => {
    if (disposed) return;
    const wanted = contributions.of(slotName).filter((c) => !options.filter || options.filter(c));
    const keys = new Set(wanted.map(keyOf));
    for (const [key, m] of mounted) {
      if (keys.has(key)) continue;
      m.offErrors();
      m.box.remove();
      mounted.delete(key);
    }
    for (const contribution of wanted) {
      const key = keyOf(contribution);
      let m = mounted.get(key);
      if (!m) {
        const box = document.createElement('div');
        box.className = 'sb-slot-item';
        box.dataset.plugin = contribution.pluginId;
        m = { contribution, box, element: null, failed: false, offErrors: () => undefined };
        mounted.set(key, m);
        void mountOne(m);
      }
      container.append(m.box); // keeps the boxes in contribution order
    }
    container.toggleAttribute('data-empty', wanted.length === 0);
  };

  const off = contributions.subscribe(sync);
  sync();

  return {
    update(next) {
      parts = next;
      for (const m of mounted.values()) setContext(m);
    },
    dispose() {
      disposed = true;
      off();
      for (const m of mounted.values()) {
        m.offErrors();
        m.box.remove();
      }
      mounted.clear();
    },
  };
}

/** True when some plugin contributes to `slotName` (to skip empty per-message slots). */
export function hasContributions(slotName: UiSlot): boolean {
  return contributions.of(slotName).length > 0;
}
