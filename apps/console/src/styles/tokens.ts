import { css } from 'lit';

/**
 * The console's design tokens (CSS custom properties) and the few shared rules every component
 * adopts. Colours are chosen to pass WCAG AA contrast on the surfaces they are used on; the
 * conversation colour code always comes with a text label, never colour alone.
 */
export const tokens = css`
  :host {
    --sb-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --sb-font-size: 14px;
    --sb-font-size-sm: 12px;
    --sb-line: 1.4;
    --sb-space-1: 4px;
    --sb-space-2: 8px;
    --sb-space-3: 12px;
    --sb-space-4: 16px;
    --sb-radius: 6px;
    --sb-bg: #f5f6f8;
    --sb-surface: #ffffff;
    --sb-surface-alt: #eef0f3;
    --sb-border: #d5d9e0;
    --sb-text: #1b1f24;
    --sb-text-muted: #555e6b;
    --sb-accent: #1f5fbf;
    --sb-accent-text: #ffffff;
    --sb-accent-soft: #e3ecfa;
    --sb-danger: #b42318;
    --sb-focus: #0b57d0;
    --sb-topbar: #1c2430;
    --sb-topbar-text: #f2f4f7;
    --sb-internal-bg: #fff4d6;
    --sb-internal-border: #c98a00;
    --sb-internal-text: #6b4a00;
    --sb-colour-grey: #6b7280;
    --sb-colour-red: #c62828;
    --sb-colour-yellow: #b8860b;
    --sb-colour-green: #2e7d32;
    --sb-colour-blue: #1f5fbf;
    font-family: var(--sb-font);
    font-size: var(--sb-font-size);
    line-height: var(--sb-line);
    color: var(--sb-text);
  }
`;

/** Buttons, inputs, focus ring, visually-hidden text: shared by every component. */
export const base = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--sb-focus);
    outline-offset: 2px;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--sb-border);
    background: var(--sb-surface);
    border-radius: var(--sb-radius);
    padding: var(--sb-space-1) var(--sb-space-3);
    min-height: 30px;
  }
  button:hover:not(:disabled) {
    background: var(--sb-surface-alt);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  button.primary {
    background: var(--sb-accent);
    color: var(--sb-accent-text);
    border-color: var(--sb-accent);
  }
  button.primary:hover:not(:disabled) {
    background: #174c99;
  }
  button.danger {
    color: var(--sb-danger);
    border-color: var(--sb-danger);
  }
  input[type='text'],
  input[type='email'],
  input[type='password'],
  select,
  textarea {
    border: 1px solid var(--sb-border);
    border-radius: var(--sb-radius);
    background: var(--sb-surface);
    padding: var(--sb-space-1) var(--sb-space-2);
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .muted {
    color: var(--sb-text-muted);
  }
  .error {
    color: var(--sb-danger);
  }
  h1,
  h2,
  h3 {
    margin: 0;
    font-weight: 600;
  }
  h2 {
    font-size: 15px;
  }
  h3 {
    font-size: 13px;
  }
`;

/** The colour code as a small dot next to its text label. */
export const colourDots = css`
  .dot {
    display: inline-block;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    flex: none;
    background: var(--sb-colour-grey);
  }
  .dot.red {
    background: var(--sb-colour-red);
  }
  .dot.yellow {
    background: var(--sb-colour-yellow);
  }
  .dot.green {
    background: var(--sb-colour-green);
  }
  .dot.blue {
    background: var(--sb-colour-blue);
  }
`;
