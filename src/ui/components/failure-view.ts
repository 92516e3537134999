/** A failure and its cause chain, outermost first. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiFailure } from '../../server/api-types.js';
import { JsonView } from './json-view.js';

function facts(f: ApiFailure): [string, string][] {
  const list: [string, string | number | boolean | undefined][] = [
    ['type', f.type],
    ['activity', f.activityType],
    ['attempt', f.attempt],
    ['retry state', f.retryState],
    ['timeout', f.timeoutType],
    ['non-retryable', f.nonRetryable === true ? 'yes' : undefined],
  ];
  return list
    .filter((x): x is [string, string | number | boolean] => x[1] !== undefined)
    .map(([k, v]) => [k, String(v)]);
}

export function FailureView({ failure }: { failure: ApiFailure }): VNode {
  const chain: ApiFailure[] = [];
  for (let f: ApiFailure | undefined = failure; f !== undefined && chain.length < 50; f = f.cause)
    chain.push(f);
  return html`<ol class="failure-chain" data-testid="failure">
    ${chain.map(
      (f, i) =>
        html`<li key=${i} class="failure">
          ${i > 0 && html`<span class="caused-by">caused by </span>`}
          <strong class="failure-name">${f.name}</strong>: <span class="failure-message">${f.message}</span>
          ${
            facts(f).length > 0 &&
            html`<div class="failure-facts">
              ${facts(f).map(([k, v]) => html`<span key=${k} class="fact"><span class="fact-key">${k}</span> ${v}</span>`)}
            </div>`
          }
          ${f.details !== undefined && f.details.length > 0 && html`<${JsonView} value=${f.details} />`}
          ${
            f.stack !== undefined &&
            html`<details class="stack">
              <summary>Stack</summary>
              <pre>${f.stack}</pre>
            </details>`
          }
        </li>`,
    )}
  </ol>`;
}
