/** The facts of one execution: ids, type, task queue, times, worker, attributes, reset origin. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiExecutionDetail } from '../../server/api-types.js';
import { formatDuration, formatTime, toJsonLine } from '../lib/format.js';
import { executionPath, Link } from '../lib/router.js';

/** ` at event 4: try again` */
function resetText(from: { eventId: number; reason: string }): string {
  return ` at event ${from.eventId}${from.reason === '' ? '' : `: ${from.reason}`}`;
}

export function ExecutionSummary({ detail, nowMs }: { detail: ApiExecutionDetail; nowMs: number }): VNode {
  const startMs = Date.parse(detail.startTime);
  const endMs = detail.closeTime === null ? nowMs : Date.parse(detail.closeTime);
  const attrs = Object.entries(detail.searchAttributes);
  return html`<dl class="summary" data-testid="summary">
    <dt>Workflow id</dt>
    <dd><code class="id" data-testid="workflow-id">${detail.workflowId}</code></dd>
    <dt>Run id</dt>
    <dd><code data-testid="run-id">${detail.runId}</code></dd>
    <dt>Workflow type</dt>
    <dd data-testid="workflow-type">${detail.workflowType}</dd>
    <dt>Task queue</dt>
    <dd>${detail.taskQueue}</dd>
    <dt>Started</dt>
    <dd title=${detail.startTime}>${formatTime(detail.startTime)}</dd>
    <dt>Closed</dt>
    <dd title=${detail.closeTime ?? ''}>${formatTime(detail.closeTime)}</dd>
    <dt>Duration</dt>
    <dd>${formatDuration(endMs - startMs)}${detail.closeTime === null ? ' so far' : ''}</dd>
    <dt>History</dt>
    <dd>${detail.historyLength} events</dd>
    <dt>Worker</dt>
    <dd>${detail.worker ?? '—'}</dd>
    ${
      attrs.length > 0 &&
      html`<dt>Search attributes</dt>
        <dd>
          ${attrs.map(([k, v]) => html`<span key=${k} class="fact"><span class="fact-key">${k}</span> ${String(v)}</span>`)}
        </dd>`
    }
    ${
      detail.memo !== null &&
      html`<dt>Memo</dt>
        <dd><code>${toJsonLine(detail.memo, 300)}</code></dd>`
    }
    ${
      detail.resetFrom !== undefined &&
      html`<dt>Reset from</dt>
        <dd data-testid="reset-from">
          <${Link} href=${executionPath(detail.workflowId, detail.resetFrom.runId)}>
            <code>${detail.resetFrom.runId}</code>
          <//>
          <span>${resetText(detail.resetFrom)}</span>
        </dd>`
    }
  </dl>`;
}
