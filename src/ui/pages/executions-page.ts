/**
 * The executions list: filters (kept in the page URL, so back, forward and shared links keep
 * them), pages of `limit` rows, refreshed every 2 s, and the start form.
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiExecutionStatus, ApiExecutionSummary } from '../../server/api-types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { ExecutionFiltersForm } from '../components/execution-filters.js';
import { Pager } from '../components/pager.js';
import { StartForm } from '../components/start-form.js';
import { StatusBadge } from '../components/status-badge.js';
import { listExecutions, listWorkflowTypes, type ExecutionFilters } from '../lib/api.js';
import { formatTime } from '../lib/format.js';
import { executionPath, Link, navigate, pathWithQuery } from '../lib/router.js';
import { usePoll } from '../lib/use-poll.js';

const REFRESH_MS = 2000;
const DEFAULT_LIMIT = 25;

function filtersOf(query: URLSearchParams): ExecutionFilters {
  const get = (k: string): string | undefined => query.get(k) ?? undefined;
  const int = (k: string): number | undefined => {
    const n = Number(query.get(k));
    return query.has(k) && Number.isInteger(n) && n >= 0 ? n : undefined;
  };
  return {
    status: get('status') as ApiExecutionStatus | undefined,
    type: get('type'),
    q: get('q'),
    startedAfter: get('startedAfter'),
    startedBefore: get('startedBefore'),
    limit: int('limit'),
    offset: int('offset'),
  };
}

function Row({ e }: { e: ApiExecutionSummary }): VNode {
  return html`<tr data-testid="execution-row" data-workflow-id=${e.workflowId}>
    <td>
      <${Link} href=${executionPath(e.workflowId, e.runId)} class="id" data-testid="execution-link"
        >${e.workflowId}<//
      >
    </td>
    <td>${e.workflowType}</td>
    <td><${StatusBadge} status=${e.status} /></td>
    <td title=${e.startTime}>${formatTime(e.startTime)}</td>
    <td title=${e.closeTime ?? ''}>${formatTime(e.closeTime)}</td>
    <td class="num">${e.historyLength}</td>
    <td><code class="muted" title=${e.runId}>${e.runId.slice(0, 8)}</code></td>
  </tr>`;
}

export function ExecutionsPage({ query }: { query: URLSearchParams }): VNode {
  const filters = filtersOf(query);
  const limit = filters.limit ?? DEFAULT_LIMIT;
  const offset = filters.offset ?? 0;
  const key = JSON.stringify(filters);
  const list = usePoll(() => listExecutions({ ...filters, limit, offset }), key, REFRESH_MS);
  const types = usePoll(listWorkflowTypes, 'types', null);
  const workflowTypes = types.data ?? [];

  const go = (f: ExecutionFilters): void => navigate(pathWithQuery('/executions', { ...f }));
  const rows = list.data?.executions ?? [];

  return html`<section>
    <div class="page-head">
      <h1>Executions</h1>
      <span class="muted">refreshed every ${REFRESH_MS / 1000} s</span>
    </div>
    <details class="panel" data-testid="start-panel">
      <summary>Start workflow</summary>
      <${StartForm}
        workflowTypes=${workflowTypes}
        onStarted=${(run: { workflowId: string; runId: string }) => navigate(executionPath(run.workflowId, run.runId))}
      />
    </details>
    <${ExecutionFiltersForm}
      filters=${filters}
      workflowTypes=${workflowTypes}
      onChange=${(f: ExecutionFilters) => go({ ...f, offset: undefined })}
    />
    <${ErrorBanner} error=${list.error} />
    <table class="executions" data-testid="executions">
      <thead>
        <tr>
          <th>Workflow id</th>
          <th>Type</th>
          <th>Status</th>
          <th>Started</th>
          <th>Closed</th>
          <th>Events</th>
          <th>Run</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map((e) => html`<${Row} key=${`${e.workflowId}/${e.runId}`} e=${e} />`)}
      </tbody>
    </table>
    ${list.data !== undefined && rows.length === 0 && html`<p class="muted">No executions match.</p>`}
    <${Pager}
      offset=${offset}
      limit=${limit}
      shown=${rows.length}
      nextOffset=${list.data?.nextOffset ?? null}
      onOffset=${(o: number) => go({ ...filters, offset: o === 0 ? undefined : o })}
    />
  </section>`;
}
