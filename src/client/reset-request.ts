import { StoreError } from '../common/errors.js';
import type { EventOf, HistoryEvent } from '../common/history.js';
import { newTimeOrderedId } from '../common/ids.js';
import type { ExecutionRecord, ResetExecutionRequest } from '../store/types.js';

type Attributes = Record<string, string | number | boolean>;

/**
 * Builds the store's reset request for run `record` at `toEventId` (already checked by
 * `resetPoint`): a new runId; the new run's `WorkflowExecutionStarted`, the old one (same time,
 * input and `randomSeed`, so `ctx.random()` and `ctx.uuid()` replay the same) with `resetFrom`;
 * and the search attributes the run had at that point (see {@link searchAttributesAt}).
 *
 * @throws StoreError when the history does not begin with `WorkflowExecutionStarted`
 */
export function buildResetRequest(
  record: ExecutionRecord,
  history: readonly HistoryEvent[],
  toEventId: number,
  reason: string,
  nowMs: number,
): ResetExecutionRequest {
  const first = history[0];
  if (first?.eventType !== 'WorkflowExecutionStarted')
    throw new StoreError(
      `run '${record.runId}' of workflow '${record.workflowId}' has no WorkflowExecutionStarted event`,
    );
  const startEvent: EventOf<'WorkflowExecutionStarted'> = {
    ...first,
    attrs: { ...first.attrs, resetFrom: { runId: record.runId, eventId: toEventId, reason } },
  };
  return {
    workflowId: record.workflowId,
    runId: record.runId,
    toEventId,
    newRunId: newTimeOrderedId(),
    startEvent,
    searchAttributes: searchAttributesAt(first, history, toEventId, record.searchAttributes),
    reason,
    nowMs,
  };
}

/**
 * The search attributes of a run after event `toEventId`: those given at start merged with the
 * `UpsertWorkflowSearchAttributes` of events 1..toEventId. A run whose start event does not
 * record them (started before they were recorded, or started without any) takes the execution's
 * current ones, less those upserted after the point, then the upserts up to it.
 */
export function searchAttributesAt(
  started: EventOf<'WorkflowExecutionStarted'>,
  history: readonly HistoryEvent[],
  toEventId: number,
  current: Attributes,
): Attributes {
  const out: Attributes = { ...(started.attrs.searchAttributes ?? current) };
  if (started.attrs.searchAttributes === undefined) {
    for (const e of history)
      if (e.eventId > toEventId && e.eventType === 'UpsertWorkflowSearchAttributes')
        for (const name of Object.keys(e.attrs.searchAttributes)) delete out[name];
  }
  for (const e of history) {
    if (e.eventId > toEventId) break;
    if (e.eventType === 'UpsertWorkflowSearchAttributes') Object.assign(out, e.attrs.searchAttributes);
  }
  return out;
}
