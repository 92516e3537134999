/**
 * One execution: status, facts, input, result or failure, pending activities, timeline, step
 * graph, signals and history, with the actions; live while it runs.
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiExecutionDetail, ApiHistoryEvent, ApiStartResponse } from '../../server/api-types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { ExecutionActions } from '../components/execution-actions.js';
import { ExecutionSummary } from '../components/execution-summary.js';
import { FailureView } from '../components/failure-view.js';
import { HistoryTable } from '../components/history-table.js';
import { JsonView } from '../components/json-view.js';
import { PendingActivities } from '../components/pending-activities.js';
import { SignalsTable } from '../components/signals-table.js';
import { StatusBadge } from '../components/status-badge.js';
import { StepGraphView } from '../components/step-graph-view.js';
import { TimelineView } from '../components/timeline-view.js';
import { markedStepStates, stepStates } from '../lib/step-states.js';
import { buildTimeline } from '../lib/timeline-model.js';
import { executionPath, Link, navigate } from '../lib/router.js';
import { useExecution, type LiveExecution } from '../lib/use-execution.js';
import { useNow } from '../lib/use-now.js';

/** Step names and activity types: where a reset may go back to. */
function resetTargets(detail: ApiExecutionDetail, events: readonly ApiHistoryEvent[]): string[] {
  const names = new Set(detail.stepGraph?.steps.map((s) => s.name) ?? []);
  for (const e of events)
    if (e.eventType === 'ActivityTaskScheduled' && typeof e.attrs.activityType === 'string')
      names.add(e.attrs.activityType);
  return [...names];
}

function Outcome({ detail }: { detail: ApiExecutionDetail }): VNode | null {
  if (detail.status === 'COMPLETED')
    return html`<section>
      <h2>Result</h2>
      <${JsonView} value=${detail.result} foldAfter=${80} testid="result" />
    </section>`;
  if (detail.failure !== undefined)
    return html`<section>
      <h2>Failure</h2>
      <${FailureView} failure=${detail.failure} />
    </section>`;
  return null;
}

interface BodyProps {
  detail: ApiExecutionDetail;
  events: ApiHistoryEvent[];
  mode: LiveExecution['mode'];
  reload: () => void;
}

function Body({ detail, events, mode, reload }: BodyProps): VNode {
  const running = detail.status === 'RUNNING';
  const nowMs = useNow(1000, running);
  const closeMs = detail.closeTime === null ? null : Date.parse(detail.closeTime);
  const timeline = buildTimeline(events, detail.pendingActivities, nowMs, closeMs);
  const lastEventId = events.at(-1)?.eventId ?? detail.historyLength;
  const onReset = (run: ApiStartResponse): void => navigate(executionPath(run.workflowId, run.runId));

  return html`<div class="page-head">
      <h1>
        <span class="muted">Execution</span>
        <span class="id" data-testid="page-title">${detail.workflowId}</span>
      </h1>
      ${
        mode !== 'idle' &&
        html`<span
          class="live"
          data-testid="live"
          title=${mode === 'stream' ? 'server-sent events' : 'polling'}
        >
          ● live
        </span>`
      }
      <${StatusBadge} status=${detail.status} />
    </div>
    <${ExecutionActions}
      detail=${detail}
      steps=${resetTargets(detail, events)}
      lastEventId=${lastEventId}
      onChanged=${reload}
      onReset=${onReset}
    />
    ${
      detail.workflowTaskFailure !== null &&
      html`<div class="error-banner" role="alert" data-testid="workflow-task-failure">
        <strong>Workflow task blocked (attempt ${detail.workflowTaskFailure.attempt}): </strong>
        ${detail.workflowTaskFailure.message}
      </div>`
    }
    <${ExecutionSummary} detail=${detail} nowMs=${nowMs} />
    <section>
      <h2>Input</h2>
      <${JsonView} value=${detail.input} foldAfter=${80} testid="input" />
    </section>
    <${Outcome} detail=${detail} />
    <section>
      <h2>Pending activities</h2>
      <${PendingActivities} activities=${detail.pendingActivities} />
    </section>
    <section>
      <h2>Timeline</h2>
      <${TimelineView} timeline=${timeline} />
    </section>
    ${
      detail.stepGraph !== null &&
      html`<section>
        <h2>Steps <span class="muted">${detail.stepGraph.mode}</span></h2>
        <${StepGraphView}
          graph=${detail.stepGraph}
          states=${stepStates(detail.stepGraph, events)}
          labels=${markedLabels(events)}
        />
      </section>`
    }
    <section>
      <h2>Signals</h2>
      <${SignalsTable} signals=${detail.signals} />
    </section>
    <section>
      <h2>History <span class="muted">${events.length} events</span></h2>
      <${HistoryTable} events=${events} />
    </section>`;
}

export function ExecutionPage({
  workflowId,
  runId,
}: {
  workflowId: string;
  runId: string | undefined;
}): VNode {
  const live = useExecution(workflowId, runId);
  return html`<section class="execution" data-testid="execution-page">
    <p class="crumbs"><${Link} href="/executions">← Executions<//></p>
    ${
      // Until the execution loads (or when it cannot), the page names the id it was asked for.
      live.detail === undefined &&
      html`<div class="page-head">
        <h1>
          <span class="muted">Execution</span>
          <span class="id" data-testid="page-title">${workflowId}</span>
        </h1>
      </div>`
    }
    <${ErrorBanner} error=${live.error} />
    ${
      live.detail === undefined
        ? live.error === undefined && html`<p class="muted">Loading…</p>`
        : html`<${Body}
            detail=${live.detail}
            events=${live.events}
            mode=${live.mode}
            reload=${live.reload}
          />`
    }
  </section>`;
}

/** The state names a workflow file recorded, by step (undefined for a step workflow in code). */
function markedLabels(events: readonly ApiHistoryEvent[]): Map<string, string> | undefined {
  const marked = markedStepStates(events);
  return marked === undefined ? undefined : new Map([...marked].map(([step, m]) => [step, m.label]));
}
