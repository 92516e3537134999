/**
 * The engine's records as the API's JSON shapes (see api-types.ts): execution summaries, history
 * events with their payloads decoded, and an execution's detail.
 */
import type { Baton } from '../baton.js';
import type { WorkflowExecutionDescription } from '../client/handle.js';
import type { DataConverter, Payload } from '../common/converter.js';
import { CancelledFailure, TerminatedFailure, TimeoutFailure } from '../common/failures.js';
import type { HistoryEvent } from '../common/history.js';
import type { StepGraph } from '../dsl/step-graph.js';
import type { ExecutionRecord } from '../store/types.js';
import type {
  ApiExecutionDetail,
  ApiExecutionSummary,
  ApiFailure,
  ApiHistoryEvent,
  ApiPendingActivity,
  ApiSignal,
  ApiStepGraph,
} from './api-types.js';
import { apiFailure, jsonValue } from './json-values.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** One row of the executions list. */
export function executionSummary(r: ExecutionRecord): ApiExecutionSummary {
  return {
    workflowId: r.workflowId,
    runId: r.runId,
    workflowType: r.workflowType,
    taskQueue: r.taskQueue,
    status: r.status,
    startTime: iso(r.startTimeMs),
    closeTime: r.closeTimeMs === undefined ? null : iso(r.closeTimeMs),
    historyLength: r.lastEventId,
  };
}

/**
 * A payload decoded and made JSON (a failure as {@link ApiFailure}); a payload that cannot be
 * decoded (e.g. encrypted with a codec this server lacks) as `{ "@undecodable": message }`.
 */
export function decodedPayload(converter: DataConverter, payload: Payload): unknown {
  try {
    return jsonValue(converter.fromPayload(payload));
  } catch (error) {
    return { '@undecodable': error instanceof Error ? error.message : String(error) };
  }
}

/** One history event, its payload decoded. */
export function historyEvent(converter: DataConverter, e: HistoryEvent): ApiHistoryEvent {
  const out: ApiHistoryEvent = {
    eventId: e.eventId,
    eventType: e.eventType,
    time: iso(e.timeMs),
    attrs: jsonValue(e.attrs) as Record<string, unknown>,
  };
  if (e.payload !== undefined) out.payload = decodedPayload(converter, e.payload);
  return out;
}

/** A step workflow's graph as the API shows it. */
export function apiStepGraph(graph: StepGraph): ApiStepGraph {
  return {
    name: graph.name,
    mode: graph.mode,
    steps: graph.steps.map((s) => ({
      name: s.name,
      activity: s.activity,
      compensation: s.compensation,
      dependsOn: [...s.dependsOn],
    })),
    order: [...graph.order],
  };
}

/** The graph a workflow definition carries (a step workflow), else null. */
export function stepGraphOf(definition: { name: string } | undefined): ApiStepGraph | null {
  const graph = (definition as { graph?: StepGraph } | undefined)?.graph;
  return graph === undefined ? null : apiStepGraph(graph);
}

/** Where the pieces of a detail come from. */
export interface DetailSources {
  baton: Baton;
  /** Workflow definitions by type, for step graphs. */
  workflows: ReadonlyMap<string, { name: string }>;
}

/**
 * The detail of the newest run of `workflowId` (or of `runId`), from `describe()` and its history.
 *
 * @throws WorkflowNotFoundError when there is no such execution.
 */
export async function executionDetail(
  src: DetailSources,
  workflowId: string,
  runId: string | undefined,
): Promise<ApiExecutionDetail> {
  const d = await src.baton.client.getHandle(workflowId, runId).describe();
  const history = await src.baton.store.getHistory(d.runId);
  return detailOf(src, d, history);
}

/** The detail of a described execution, given its history. */
export function detailOf(
  src: DetailSources,
  d: WorkflowExecutionDescription,
  history: readonly HistoryEvent[],
): ApiExecutionDetail {
  const converter = src.baton.converter;
  const first = history[0];
  const input = first?.payload === undefined ? [] : decodedPayload(converter, first.payload);
  const detail: ApiExecutionDetail = {
    workflowId: d.workflowId,
    runId: d.runId,
    workflowType: d.workflowType,
    taskQueue: d.taskQueue,
    status: d.status,
    startTime: d.startTime.toISOString(),
    closeTime: d.closeTime === undefined ? null : d.closeTime.toISOString(),
    historyLength: d.historyLength,
    input: Array.isArray(input) ? input : [input],
    pendingActivities: d.pendingActivities.map((a): ApiPendingActivity => ({
      activityId: a.activityId,
      activityType: a.activityType,
      attempt: a.attempt,
      firstScheduledTime: a.firstScheduledTime.toISOString(),
      nextAttemptTime: a.nextAttemptTime.toISOString(),
      lastFailure: a.lastFailure === undefined ? null : apiFailure(a.lastFailure),
      ...(a.taskQueue === undefined ? {} : { taskQueue: a.taskQueue }),
      ...(a.worker === undefined ? {} : { worker: a.worker }),
    })),
    workflowTaskFailure: d.workflowTaskFailure ?? null,
    worker: d.worker ?? null,
    memo: d.memo === undefined ? null : (jsonValue(d.memo) as Record<string, unknown>),
    searchAttributes: d.searchAttributes,
    signals: signalsOf(converter, history),
    stepGraph: stepGraphOf(src.workflows.get(d.workflowType)),
  };
  addOutcome(detail, converter, history.at(-1));
  if (d.resetFrom !== undefined) {
    const { runId, eventId, reason } = d.resetFrom;
    detail.resetFrom = { runId, eventId, reason };
  }
  return detail;
}

function signalsOf(converter: DataConverter, history: readonly HistoryEvent[]): ApiSignal[] {
  const signals: ApiSignal[] = [];
  for (const e of history) {
    if (e.eventType !== 'WorkflowExecutionSignaled') continue;
    const args = e.payload === undefined ? [] : decodedPayload(converter, e.payload);
    signals.push({
      eventId: e.eventId,
      name: e.attrs.signalName,
      args: Array.isArray(args) ? args : [args],
      time: iso(e.timeMs),
    });
  }
  return signals;
}

/** Sets `result` or `failure` from the close event, as `handle.result()` reads it. */
function addOutcome(
  detail: ApiExecutionDetail,
  converter: DataConverter,
  last: HistoryEvent | undefined,
): void {
  if (last === undefined) return;
  const failure = (error: unknown): ApiFailure => apiFailure(error);
  switch (last.eventType) {
    case 'WorkflowExecutionCompleted':
      if (last.payload !== undefined) detail.result = decodedPayload(converter, last.payload);
      return;
    case 'WorkflowExecutionFailed': {
      const decoded = last.payload === undefined ? undefined : decodedPayload(converter, last.payload);
      detail.failure = isApiFailure(decoded) ? decoded : failure(new Error('workflow execution failed'));
      return;
    }
    case 'WorkflowExecutionCanceled':
      detail.failure = failure(new CancelledFailure('workflow execution cancelled'));
      return;
    case 'WorkflowExecutionTerminated':
      detail.failure = failure(new TerminatedFailure(last.attrs.reason));
      return;
    case 'WorkflowExecutionTimedOut':
      detail.failure = failure(
        new TimeoutFailure(
          `workflow execution timed out (${last.attrs.timeoutType})`,
          last.attrs.timeoutType === 'workflowRunTimeout' ? 'START_TO_CLOSE' : 'SCHEDULE_TO_CLOSE',
        ),
      );
      return;
    default:
      return;
  }
}

function isApiFailure(v: unknown): v is ApiFailure {
  return typeof v === 'object' && v !== null && typeof (v as ApiFailure).name === 'string' && 'message' in v;
}
