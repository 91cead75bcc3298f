import { css } from 'lit';

/**
 * The palette, declared once on the app's root; the parts inherit it. The app sets `--sb-accent`
 * and `--sb-on-accent` from the site's branding (CSSOM, which the frame's CSP allows).
 */
export const palette = css`
  :host {
    --sb-accent: #1f6feb;
    --sb-on-accent: #ffffff;
    --sb-text: #1b1f24;
    --sb-muted: #59636e;
    --sb-border: #d0d7de;
    --sb-surface: #ffffff;
    --sb-soft: #f3f5f7;
    --sb-danger: #b42318;
  }
`;

/** Shared look of the chat window's parts. */
export const base = css`
  :host {
    font-family:
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      sans-serif;
    font-size: 15px;
    line-height: 1.4;
    color: var(--sb-text);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  select:focus-visible,
  a:focus-visible {
    outline: 3px solid color-mix(in srgb, var(--sb-accent) 55%, #000);
    outline-offset: 2px;
  }
  .primary {
    background: var(--sb-accent);
    color: var(--sb-on-accent);
    border: 0;
    border-radius: 8px;
    padding: 10px 16px;
    font-weight: 600;
  }
  .primary[disabled] {
    opacity: 0.6;
    cursor: default;
  }
  .secondary {
    background: transparent;
    color: var(--sb-text);
    border: 1px solid var(--sb-border);
    border-radius: 8px;
    padding: 8px 14px;
  }
  .error {
    color: var(--sb-danger);
    margin: 8px 0;
  }
`;

/** Forms: one labelled field per row. */
export const forms = css`
  form {
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-weight: 600;
    font-size: 14px;
  }
  .optional {
    font-weight: 400;
    color: var(--sb-muted);
  }
  input,
  select,
  textarea {
    font: inherit;
    font-weight: 400;
    color: var(--sb-text);
    background: var(--sb-surface);
    border: 1px solid var(--sb-border);
    border-radius: 8px;
    padding: 8px 10px;
    width: 100%;
  }
  textarea {
    resize: vertical;
    min-height: 72px;
  }
  p {
    margin: 0;
  }
`;
