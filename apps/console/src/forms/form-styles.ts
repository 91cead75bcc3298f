import { css } from 'lit';

/**
 * Shared look of the admin and supervisor views and of generated forms. Colours come from the
 * shell's custom properties, with fallbacks that pass WCAG AA contrast on white.
 */
export const baseStyles = css`
  :host {
    display: block;
    color: var(--sb-text, #1d2330);
    font: inherit;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h2,
  h3,
  h4 {
    margin: 0 0 0.5rem;
    line-height: 1.25;
  }
  h2 {
    font-size: 1.25rem;
  }
  h3 {
    font-size: 1.05rem;
  }
  p {
    margin: 0 0 0.5rem;
  }
  .muted,
  .help {
    color: var(--sb-text-muted, #4d5566);
    font-size: 0.875rem;
  }
  .help {
    margin: 0.15rem 0 0;
  }
  .error {
    color: var(--sb-danger, #b3261e);
    font-size: 0.875rem;
    margin: 0.15rem 0 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--sb-radius, 6px);
    padding: 0.4rem 0.85rem;
    border: 1px solid var(--sb-border-strong, #6b7385);
    background: var(--sb-surface, #ffffff);
    color: var(--sb-text, #1d2330);
  }
  button.primary {
    background: var(--sb-accent, #2457d6);
    border-color: var(--sb-accent, #2457d6);
    color: var(--sb-accent-text, #ffffff);
  }
  button.danger {
    color: var(--sb-danger, #b3261e);
    border-color: var(--sb-danger, #b3261e);
  }
  button.link {
    border: none;
    background: none;
    padding: 0.2rem 0.3rem;
    color: var(--sb-link, #1a4cc0);
    text-decoration: underline;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  [tabindex]:focus-visible {
    outline: 3px solid var(--sb-focus, #7aa2ff);
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--sb-text, #1d2330);
    background: var(--sb-surface, #ffffff);
    border: 1px solid var(--sb-border-strong, #6b7385);
    border-radius: var(--sb-radius, 6px);
    padding: 0.35rem 0.5rem;
    max-width: 100%;
  }
  input[type='checkbox'] {
    width: 1.05rem;
    height: 1.05rem;
    margin: 0;
    vertical-align: middle;
  }
  textarea {
    width: min(36rem, 100%);
    min-height: 4.5rem;
  }
  input:not([type='checkbox']) {
    width: min(24rem, 100%);
  }
  [aria-invalid='true'] {
    border-color: var(--sb-danger, #b3261e);
    box-shadow: 0 0 0 1px var(--sb-danger, #b3261e);
  }
  fieldset {
    border: 1px solid var(--sb-border, #c9ceda);
    border-radius: var(--sb-radius, 6px);
    margin: 0.5rem 0;
    padding: 0.5rem 0.85rem 0.75rem;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 0.25rem;
  }
  .field {
    margin: 0.6rem 0;
  }
  .field > label,
  .label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.2rem;
  }
  .check {
    display: flex;
    gap: 0.5rem;
    align-items: center;
  }
  .check > label {
    font-weight: 600;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    margin-top: 0.75rem;
  }
  .card {
    border: 1px solid var(--sb-border, #c9ceda);
    border-radius: var(--sb-radius, 6px);
    background: var(--sb-surface, #ffffff);
    padding: 0.75rem 1rem;
    margin: 0 0 0.75rem;
  }
  .banner {
    border-left: 4px solid var(--sb-danger, #b3261e);
    background: var(--sb-danger-soft, #fdecea);
    padding: 0.5rem 0.75rem;
    margin: 0.5rem 0;
  }
  .status {
    min-height: 1.25rem;
    color: var(--sb-success, #1e6b34);
    font-size: 0.875rem;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  caption {
    text-align: left;
    font-weight: 600;
    padding: 0.25rem 0;
  }
  th,
  td {
    text-align: left;
    padding: 0.4rem 0.5rem;
    border-bottom: 1px solid var(--sb-border, #c9ceda);
    vertical-align: middle;
  }
  th {
    font-size: 0.875rem;
    color: var(--sb-text-muted, #4d5566);
  }
  ul.plain {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 0.35rem;
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .chip {
    display: inline-block;
    border-radius: 999px;
    padding: 0.1rem 0.6rem;
    background: var(--sb-chip, #e8ecf6);
    color: var(--sb-text, #1d2330);
    font-size: 0.85rem;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 0.05rem 0.55rem;
    font-size: 0.8rem;
    font-weight: 600;
    border: 1px solid currentColor;
  }
  .badge.ok {
    color: var(--sb-success, #1e6b34);
  }
  .badge.warn {
    color: var(--sb-warning, #7a4d00);
  }
  .badge.bad {
    color: var(--sb-danger, #b3261e);
  }
  .badge.off {
    color: var(--sb-text-muted, #4d5566);
  }
  code,
  pre {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.85rem;
  }
  pre {
    white-space: pre-wrap;
    word-break: break-all;
    background: var(--sb-code-bg, #f3f5f9);
    border: 1px solid var(--sb-border, #c9ceda);
    border-radius: var(--sb-radius, 6px);
    padding: 0.5rem 0.75rem;
    margin: 0.25rem 0;
  }
`;
