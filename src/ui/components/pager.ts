/** Previous / next page of a list paged by limit and offset. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';

interface PagerProps {
  offset: number;
  limit: number;
  shown: number;
  nextOffset: number | null;
  onOffset: (offset: number) => void;
}

export function Pager({ offset, limit, shown, nextOffset, onOffset }: PagerProps): VNode {
  return html`<nav class="pager" data-testid="pager">
    <button type="button" disabled=${offset === 0} onClick=${() => onOffset(Math.max(0, offset - limit))}>
      ← Previous
    </button>
    <span class="muted">${shown === 0 ? 'no rows' : `rows ${offset + 1}–${offset + shown}`}</span>
    <button
      type="button"
      disabled=${nextOffset === null}
      onClick=${() => nextOffset !== null && onOffset(nextOffset)}
    >
      Next →
    </button>
  </nav>`;
}
