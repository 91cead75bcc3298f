import { html } from 'lit';

/** A paper clip (attachments), decorative: the control around it carries the name. */
export const paperclip = html`<svg viewBox="0 0 24 24" aria-hidden="true" width="16" height="16">
  <path
    d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10h-1.5z"
  />
</svg>`;
