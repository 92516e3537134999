/** A value as indented JSON, as text; long values fold behind a summary line. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { toJson, toJsonLine } from '../lib/format.js';

interface JsonViewProps {
  value: unknown;
  /** Fold values longer than this many lines. @default 12 */
  foldAfter?: number;
  testid?: string;
}

export function JsonView({ value, foldAfter = 12, testid }: JsonViewProps): VNode {
  const text = toJson(value);
  if (text.split('\n').length <= foldAfter)
    return html`<pre class="json" data-testid=${testid}>${text}</pre>`;
  return html`<details class="json-fold" data-testid=${testid}>
    <summary><code>${toJsonLine(value, 100)}</code></summary>
    <pre class="json">${text}</pre>
  </details>`;
}
