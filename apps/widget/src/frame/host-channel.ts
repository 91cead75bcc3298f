import {
  WIDGET_PROTOCOL,
  parseHostMessage,
  type FrameMessage,
  type HostMessage,
} from '../common/widget-protocol.js';

/**
 * The origin of the page that embeds this frame: `location.ancestorOrigins[0]` where the browser
 * has it (Chromium, Safari), else the origin of `document.referrer` (the loader asks for an
 * `origin` referrer policy on the iframe). Null when the frame is not embedded.
 */
export function embedderOrigin(win: Window = window): string | null {
  if (win.parent === win) return null;
  const ancestors = win.location.ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors[0] ?? null;
  try {
    return new URL(win.document.referrer).origin;
  } catch {
    return null;
  }
}

/** True when `origin` may embed the widget of a site whose allowed origins are `allowed`. */
export function originAllowed(allowed: readonly string[], origin: string): boolean {
  if (allowed.length === 0 || allowed.includes('*')) return true;
  const lower = origin.toLowerCase();
  return allowed.some((entry) => entry.toLowerCase() === lower);
}

/**
 * The frame's end of the loader channel. Accepts only messages whose source is `window.parent`
 * and whose origin is the embedding page's, with a valid shape; sends only to that origin.
 */
export class HostChannel {
  private readonly listener = (event: MessageEvent) => {
    if (event.source !== this.win.parent || event.origin !== this.origin) return;
    const message = parseHostMessage(event.data);
    if (message) this.receive(message);
  };

  constructor(
    readonly origin: string,
    private readonly receive: (message: HostMessage) => void,
    private readonly win: Window = window,
  ) {}

  start(): void {
    this.win.addEventListener('message', this.listener);
  }

  stop(): void {
    this.win.removeEventListener('message', this.listener);
  }

  send(message: FrameMessage): void {
    this.win.parent.postMessage({ sb: WIDGET_PROTOCOL, ...message }, this.origin);
  }
}
