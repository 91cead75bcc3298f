/**
 * <sb-billboards-rotator>: the `widget.waiting` slot element. Shows the site's active
 * billboards one at a time while the visitor waits, and hides for good (in this conversation)
 * once an agent has answered.
 *
 * - Rotation: each billboard stays `intervalSeconds`, then the next one fades in. Rotation
 *   pauses while the pointer is over the element or focus is inside it, and stops with the
 *   "Pause rotation" button. With `prefers-reduced-motion: reduce` nothing rotates by itself
 *   and nothing animates: the visitor pages with "Previous message" / "Next message".
 * - Hiding: an agent's `message.created` event (`message.author.kind === 'agent'`) is the
 *   signal. A context whose conversation has ended, or whose snapshot says the last public
 *   message came from an agent (`lastAuthor`, console-style snapshots), hides it too.
 * - Counting: the first time a billboard is shown in a conversation, one impression is
 *   recorded; a click on its link records a click while the link opens in a new tab
 *   (`rel="noopener noreferrer"`). The server dedupes per conversation as well.
 * - Text is always rendered with `textContent`: HTML in a billboard shows as typed.
 *
 * Plain DOM, no imports at run time: the widget loads this file as is.
 */
import type { SlotContext } from '@switchboard/sdk/ui';
import type { ActiveBillboard, ActiveBillboards } from '../common/types.js';

const BASE = '/api/v1/plugins/billboards';

const CSS = `
:host { display: block; }
:host([hidden]) { display: none; }
.box { border: 1px solid #d0d5dd; border-radius: 8px; padding: 8px 10px; background: #fff;
  color: #1d2939; font: inherit; }
.slide { min-height: 1.5em; overflow-wrap: anywhere; white-space: pre-wrap; }
.slide.enter { animation: sb-bb-fade 250ms ease-out; }
.slide p { margin: 0; }
.slide a { color: #175cd3; }
.slide img { display: block; max-width: 100%; height: auto; border-radius: 4px; }
.controls { display: flex; gap: 4px; justify-content: flex-end; margin-top: 6px; }
.controls[hidden] { display: none; }
button { font: inherit; min-width: 28px; min-height: 28px; border: 1px solid #d0d5dd;
  border-radius: 6px; background: #f9fafb; color: inherit; cursor: pointer; }
button:focus-visible, a:focus-visible { outline: 2px solid #175cd3; outline-offset: 2px; }
@keyframes sb-bb-fade { from { opacity: 0; } to { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .slide.enter { animation: none; } }
`;

interface ConversationLike {
  readonly id: string;
  readonly state?: string;
  readonly lastAuthor?: string | null;
}

interface MessageEventLike {
  readonly conversationId?: string;
  readonly message?: { readonly author?: { readonly kind?: string }; readonly kind?: string };
}

let sheet: CSSStyleSheet | null = null;
const styles = (): CSSStyleSheet => {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
};

function button(label: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.setAttribute('aria-label', label);
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

export class BillboardsRotator extends HTMLElement {
  private readonly root = this.attachShadow({ mode: 'open' });
  private ctx: SlotContext | null = null;
  private unsubscribe: (() => void) | null = null;
  private billboards: readonly ActiveBillboard[] = [];
  private index = 0;
  private conversationId: string | null = null;
  private loadedFor: string | null | undefined = undefined;
  private answered = false;
  private readonly seen = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private hovered = false;
  private focused = false;
  private stopped = false;
  private readonly motion = matchMedia('(prefers-reduced-motion: reduce)');

  private readonly box = document.createElement('section');
  private readonly slide = document.createElement('div');
  private readonly controls = document.createElement('div');
  private readonly prev = button('Previous message', '‹', () => this.step(-1, true));
  private readonly toggle = button('Pause rotation', '❚❚', () => this.toggleRotation());
  private readonly next = button('Next message', '›', () => this.step(1, true));

  constructor() {
    super();
    this.root.adoptedStyleSheets = [styles()];
    this.box.className = 'box';
    this.box.setAttribute('aria-roledescription', 'carousel');
    this.box.setAttribute('aria-label', 'Announcements');
    this.slide.className = 'slide';
    this.slide.setAttribute('role', 'group');
    this.slide.setAttribute('aria-roledescription', 'slide');
    this.controls.className = 'controls';
    this.controls.append(this.prev, this.toggle, this.next);
    this.box.append(this.slide, this.controls);
    this.box.addEventListener('pointerenter', () => this.setHover(true));
    this.box.addEventListener('pointerleave', () => this.setHover(false));
    this.box.addEventListener('focusin', () => this.setFocus(true));
    this.box.addEventListener('focusout', (e) => {
      if (!this.box.contains(e.relatedTarget as Node | null)) this.setFocus(false);
    });
  }

  /** Set by the widget; a new object whenever the conversation changes. */
  get context(): SlotContext | null {
    return this.ctx;
  }

  set context(value: SlotContext | null) {
    this.ctx = value;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (!value) {
      this.render();
      return;
    }
    const conversation = value.conversation as ConversationLike | null;
    const id = conversation?.id ?? null;
    if (id !== this.conversationId) {
      this.conversationId = id;
      this.answered = false;
      this.seen.clear();
    }
    if (conversation && (conversation.state === 'ended' || conversation.lastAuthor === 'agent')) {
      this.answered = true;
    }
    this.unsubscribe = value.on('message.created', (event) => this.onMessage(event));
    if (this.isConnected) this.load();
    this.render();
  }

  connectedCallback(): void {
    // An app may set `context` before this module defined the element: take that value over.
    if (Object.hasOwn(this, 'context')) {
      const early = (this as { context?: SlotContext | null }).context ?? null;
      delete (this as { context?: unknown }).context;
      this.context = early;
    }
    if (!this.root.contains(this.box)) this.root.append(this.box);
    this.motion.addEventListener('change', this.onMotion);
    this.load();
    this.render();
  }

  disconnectedCallback(): void {
    this.motion.removeEventListener('change', this.onMotion);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.clearTimer();
  }

  private readonly onMotion = () => this.render();

  private onMessage(event: unknown): void {
    const e = event as MessageEventLike;
    if (this.conversationId && e.conversationId && e.conversationId !== this.conversationId) return;
    if (e.message?.author?.kind === 'agent' && e.message.kind !== 'event') {
      this.answered = true;
      this.render();
    }
  }

  /** The chat window whose set to show: `context.window` if the app gives it, else `?window=`. */
  private windowName(): string | null {
    const fromContext = (this.ctx as { window?: unknown } | null)?.window;
    if (typeof fromContext === 'string' && fromContext) return fromContext;
    return new URLSearchParams(location.search).get('window');
  }

  /** Fetches the active billboards once per conversation. */
  private load(): void {
    const ctx = this.ctx;
    if (!ctx || this.loadedFor === this.conversationId || this.answered) return;
    const conversationId = this.conversationId;
    this.loadedFor = conversationId;
    const window = this.windowName();
    const query = window ? `?window=${encodeURIComponent(window)}` : '';
    ctx
      .api<ActiveBillboards>(`${BASE}/active${query}`)
      .then((answer) => {
        if (this.conversationId !== conversationId) return;
        this.billboards = answer.billboards;
        this.index = 0;
        this.render(true);
      })
      .catch(() => {
        // No billboards (plugin disabled, network): show nothing rather than an error.
        this.billboards = [];
        this.render();
      });
  }

  private get rotating(): boolean {
    return (
      this.billboards.length > 1 &&
      !this.motion.matches &&
      !this.stopped &&
      !this.hovered &&
      !this.focused
    );
  }

  private setHover(on: boolean): void {
    this.hovered = on;
    this.schedule();
  }

  private setFocus(on: boolean): void {
    this.focused = on;
    this.schedule();
  }

  private toggleRotation(): void {
    this.stopped = !this.stopped;
    this.render();
  }

  private step(delta: number, byHand: boolean): void {
    const n = this.billboards.length;
    if (n === 0) return;
    this.index = (this.index + delta + n) % n;
    // Paging by hand restarts the wait, so the chosen message gets its full time.
    if (byHand) this.clearTimer();
    this.render(true);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Starts the wait for the next billboard unless one is running; stops it when paused. */
  private schedule(): void {
    if (this.hidden || !this.rotating || !this.isConnected) return this.clearTimer();
    if (this.timer !== null) return;
    const current = this.billboards[this.index];
    const seconds = Math.max(1, current?.intervalSeconds ?? 8);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.step(1, false);
    }, seconds * 1000);
  }

  private render(changed = false): void {
    const show = Boolean(this.ctx) && !this.answered && this.billboards.length > 0;
    this.hidden = !show;
    if (!show) {
      this.clearTimer();
      this.slide.replaceChildren();
      return;
    }
    const n = this.billboards.length;
    this.index = Math.min(this.index, n - 1);
    const current = this.billboards[this.index]!;
    if (changed || this.slide.dataset.id !== current.id) {
      this.slide.replaceChildren(this.content(current));
      this.slide.dataset.id = current.id;
      this.slide.setAttribute('aria-label', `${this.index + 1} of ${n}`);
      this.slide.classList.remove('enter');
      if (!this.motion.matches) {
        void this.slide.offsetWidth; // restart the fade
        this.slide.classList.add('enter');
      }
      this.recordImpression(current);
    }
    const autoCapable = n > 1 && !this.motion.matches;
    this.controls.hidden = n < 2;
    this.toggle.hidden = !autoCapable;
    this.toggle.setAttribute('aria-label', this.stopped ? 'Resume rotation' : 'Pause rotation');
    this.toggle.textContent = this.stopped ? '▶' : '❚❚';
    // Automatic changes are not announced (they would interrupt); chosen ones are.
    this.slide.setAttribute('aria-live', this.rotating ? 'off' : 'polite');
    this.schedule();
  }

  private content(b: ActiveBillboard): HTMLElement {
    const link = (child: Node | string): HTMLAnchorElement => {
      const a = document.createElement('a');
      a.href = b.linkUrl!;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      a.append(child);
      a.addEventListener('click', () => this.recordClick(b));
      return a;
    };
    if (b.kind === 'image' && b.imageUrl) {
      const img = document.createElement('img');
      img.src = b.imageUrl;
      img.alt = b.text;
      return b.linkUrl ? link(img) : img;
    }
    const p = document.createElement('p');
    const text = document.createTextNode(b.text);
    if (b.kind === 'link' && b.linkUrl) p.append(link(text));
    else p.append(text);
    return p;
  }

  private post(path: string): void {
    const ctx = this.ctx;
    if (!ctx || !this.conversationId) return;
    ctx
      .api(`${BASE}${path}`, { method: 'POST', body: { conversationId: this.conversationId } })
      .catch(() => undefined);
  }

  private recordImpression(b: ActiveBillboard): void {
    if (!this.conversationId || this.seen.has(b.id)) return;
    this.seen.add(b.id);
    this.post(`/billboards/${encodeURIComponent(b.id)}/impressions`);
  }

  private recordClick(b: ActiveBillboard): void {
    this.post(`/billboards/${encodeURIComponent(b.id)}/clicks`);
  }
}

if (!customElements.get('sb-billboards-rotator')) {
  customElements.define('sb-billboards-rotator', BillboardsRotator);
}
