/**
 * A history event in a few words (the last column of `baton history`), and as JSON for `--json`.
 */
import type { DataConverter, HistoryEvent, Payload } from '../../index.js';
import { causeChain, describeError } from '../output.js';
import { isoMillis, shorten, shortValue } from './format.js';

/** The decoded payload of an event, or a note when it cannot be decoded (e.g. another codec). */
export function decodePayload(converter: DataConverter, payload: Payload | undefined): unknown {
  if (payload === undefined) return undefined;
  try {
    return converter.fromPayload(payload);
  } catch (error) {
    return { undecodable: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The event's attributes in short: `paralyze (seq 1, summary "Paralyze"), input [{"name":"Mewtwo"}]`,
 * `attempt 2, worker w1`,
 * `NON_RETRYABLE_FAILURE: ApplicationFailure [BallBroke]: the ball broke`.
 */
export function eventSummary(e: HistoryEvent, converter: DataConverter): string {
  const payload = (): unknown => decodePayload(converter, e.payload);
  const failure = (): string => {
    const f = payload();
    return f instanceof Error ? shorten(causeChain(f).map(describeError).join(' ← '), 160) : shortValue(f);
  };
  switch (e.eventType) {
    case 'WorkflowExecutionStarted': {
      const from = e.attrs.resetFrom;
      const reset = from === undefined ? '' : `, reset from run ${from.runId} at event ${from.eventId}`;
      return `${e.attrs.workflowType} on ${e.attrs.taskQueue}, attempt ${e.attrs.attempt}${reset}, input ${shortValue(payload())}`;
    }
    case 'ActivityTaskScheduled': {
      const summary = e.attrs.options.summary;
      const named = typeof summary === 'string' ? `, summary ${JSON.stringify(summary)}` : '';
      return `${e.attrs.activityType} (seq ${e.attrs.seq}${named}), input ${shortValue(payload())}`;
    }
    case 'ActivityTaskStarted':
      return `scheduled ${e.attrs.scheduledEventId}, attempt ${e.attrs.attempt}${e.attrs.identity === undefined ? '' : `, worker ${e.attrs.identity}`}`;
    case 'ActivityTaskCompleted':
      return `scheduled ${e.attrs.scheduledEventId}, result ${shortValue(payload())}`;
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut':
      return `scheduled ${e.attrs.scheduledEventId}, ${e.attrs.retryState}: ${failure()}`;
    case 'ActivityTaskCancelRequested':
      return `scheduled ${e.attrs.scheduledEventId}`;
    case 'ActivityTaskCanceled':
      return `scheduled ${e.attrs.scheduledEventId}`;
    case 'TimerStarted':
      return `seq ${e.attrs.seq}, ${e.attrs.durationMs} ms, fires at ${isoMillis(e.attrs.fireAtMs)}`;
    case 'TimerFired':
    case 'TimerCanceled':
      return `seq ${e.attrs.seq}, started ${e.attrs.startedEventId}`;
    case 'WorkflowExecutionSignaled':
      return `${e.attrs.signalName}, input ${shortValue(payload())}`;
    case 'WorkflowExecutionUpdateAccepted':
      return `${e.attrs.updateName} (update ${e.attrs.updateId}), input ${shortValue(payload())}`;
    case 'WorkflowExecutionUpdateCompleted':
      return `update ${e.attrs.updateId}, ${e.attrs.failed ? `failed: ${failure()}` : `result ${shortValue(payload())}`}`;
    case 'UpsertWorkflowSearchAttributes':
      return Object.entries(e.attrs.searchAttributes)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ');
    case 'MarkerRecorded':
      return `${e.attrs.markerName} ${shortValue(payload())}`;
    case 'WorkflowExecutionTimedOut':
      return e.attrs.newExecutionRunId === undefined
        ? e.attrs.timeoutType
        : `${e.attrs.timeoutType}, retried as run ${e.attrs.newExecutionRunId}`;
    case 'WorkflowExecutionCancelRequested':
    case 'WorkflowExecutionTerminated':
      return `reason: ${e.attrs.reason}`;
    case 'WorkflowExecutionCompleted':
      return `result ${shortValue(payload())}`;
    case 'WorkflowExecutionFailed': {
      const next =
        e.attrs.newExecutionRunId === undefined ? '' : `, retried as run ${e.attrs.newExecutionRunId}`;
      return `${failure()}${next}`;
    }
    case 'WorkflowExecutionCanceled':
      return '';
    case 'WorkflowExecutionContinuedAsNew':
      return `continued as new as run ${e.attrs.newExecutionRunId} (${e.attrs.workflowType}, task queue ${e.attrs.taskQueue}), args ${shortValue(payload())}`;
    default:
      // An event type newer than this summary: its attributes as they are.
      return shortValue((e as { attrs: unknown }).attrs);
  }
}

/** An event for `--json`: ids, type, ISO time, attributes and the decoded payload. */
export function eventJson(e: HistoryEvent, converter: DataConverter): Record<string, unknown> {
  const json: Record<string, unknown> = {
    eventId: e.eventId,
    eventType: e.eventType,
    time: isoMillis(e.timeMs),
    attrs: e.attrs,
  };
  if (e.payload !== undefined) json.payload = decodePayload(converter, e.payload);
  return json;
}
