import { css, html, type TemplateResult } from 'lit';

/** One tab of a view's sub-navigation. */
export interface TabSpec {
  readonly id: string;
  readonly label: string;
}

/**
 * Styles of {@link renderTabs}. The tabs are drawn in the view's own shadow root (not a child
 * element) so each panel's `aria-labelledby` can point at its tab.
 */
export const tabStyles = css`
  [role='tablist'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    border-bottom: 1px solid var(--sb-border, #c9ceda);
    margin: 0 0 1rem;
  }
  [role='tab'] {
    border: 1px solid transparent;
    border-bottom: none;
    border-radius: var(--sb-radius, 6px) var(--sb-radius, 6px) 0 0;
    background: none;
    padding: 0.5rem 0.9rem;
    color: var(--sb-text-muted, #4d5566);
    margin-bottom: -1px;
  }
  [role='tab'][aria-selected='true'] {
    color: var(--sb-text, #1d2330);
    background: var(--sb-surface, #ffffff);
    border-color: var(--sb-border, #c9ceda);
    border-bottom: 2px solid var(--sb-accent, #2457d6);
    font-weight: 600;
  }
  [role='tabpanel']:focus-visible {
    outline: 3px solid var(--sb-focus, #7aa2ff);
    outline-offset: 2px;
  }
`;

/**
 * An ARIA tab list (roving tabindex; arrow keys, Home and End move and select). Render the
 * selected panel as `<div role="tabpanel" id="${prefix}-panel" aria-labelledby="${prefix}-tab-${id}">`
 * (see {@link tabPanel}).
 */
export function renderTabs(
  prefix: string,
  label: string,
  tabs: readonly TabSpec[],
  selected: string,
  select: (id: string) => void,
): TemplateResult {
  const onKey = (event: KeyboardEvent) => {
    const index = tabs.findIndex((t) => t.id === selected);
    let next = -1;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    event.preventDefault();
    select(tabs[next]!.id);
    const list = event.currentTarget as HTMLElement;
    void Promise.resolve().then(() =>
      requestAnimationFrame(() =>
        list.querySelector<HTMLElement>(`#${prefix}-tab-${tabs[next]!.id}`)?.focus(),
      ),
    );
  };
  return html`<div role="tablist" aria-label=${label} @keydown=${onKey}>
    ${tabs.map(
      (t) =>
        html`<button
          type="button"
          role="tab"
          id=${`${prefix}-tab-${t.id}`}
          aria-selected=${t.id === selected ? 'true' : 'false'}
          aria-controls=${`${prefix}-panel`}
          tabindex=${t.id === selected ? '0' : '-1'}
          @click=${() => select(t.id)}
        >
          ${t.label}
        </button>`,
    )}
  </div>`;
}

/** The panel of the selected tab. */
export function tabPanel(prefix: string, selected: string, content: unknown): TemplateResult {
  return html`<div
    role="tabpanel"
    id=${`${prefix}-panel`}
    aria-labelledby=${`${prefix}-tab-${selected}`}
    tabindex="0"
  >
    ${content}
  </div>`;
}
