import { CHILD_CLOSE_EVENTS } from '../common/child-events.js';
import type { RetryState } from '../common/failures.js';
import type { HistoryEvent } from '../common/history.js';
import type { ExecutionWrite, InboxRecord } from '../store/types.js';
import type { ChildSendFailure } from './child-sender.js';
import type { HistoryWriter } from './history-writer.js';

/** True for the inbox rows that bring news of children and external messages. */
export function isChildInbox(record: InboxRecord): boolean {
  return (
    record.kind === 'childStarted' ||
    record.kind === 'childClosed' ||
    record.kind === 'externalSignaled' ||
    record.kind === 'externalCancelRequested'
  );
}

/** Records a child's or an external message's inbox row as its event (the row is consumed by the caller). */
export function recordChildInbox(
  writer: HistoryWriter,
  record: InboxRecord,
  write: ExecutionWrite,
): HistoryEvent {
  const a = record.attrs as {
    seq: number;
    initiatedEventId: number;
    workflowId: string;
    runId?: string;
    status?: keyof typeof CHILD_CLOSE_EVENTS;
    retryState?: RetryState;
    reason?: string;
  };
  const ids = { seq: a.seq, initiatedEventId: a.initiatedEventId, workflowId: a.workflowId };
  const run = { ...ids, runId: a.runId ?? '' };
  const target = a.runId === undefined ? ids : run;
  let event: HistoryEvent;
  if (record.kind === 'childStarted') event = writer.event('ChildWorkflowExecutionStarted', run);
  else if (record.kind === 'externalSignaled')
    event = writer.event('ExternalWorkflowExecutionSignaled', target);
  else if (record.kind === 'externalCancelRequested')
    event = writer.event('ExternalWorkflowExecutionCancelRequested', target);
  else event = childClosedEvent(writer, a.status, run, a, record);
  write.events.push(event);
  return event;
}

function childClosedEvent(
  writer: HistoryWriter,
  status: keyof typeof CHILD_CLOSE_EVENTS | undefined,
  run: { seq: number; initiatedEventId: number; workflowId: string; runId: string },
  a: { retryState?: RetryState; reason?: string },
  record: InboxRecord,
): HistoryEvent {
  switch (status) {
    case 'COMPLETED':
      return writer.event('ChildWorkflowExecutionCompleted', run, record.payload);
    case 'FAILED':
      return writer.event(
        'ChildWorkflowExecutionFailed',
        { ...run, retryState: a.retryState ?? 'RETRY_POLICY_NOT_SET' },
        record.payload,
      );
    case 'CANCELED':
      return writer.event('ChildWorkflowExecutionCanceled', run);
    case 'TIMED_OUT':
      return writer.event('ChildWorkflowExecutionTimedOut', run);
    default:
      return writer.event('ChildWorkflowExecutionTerminated', {
        ...run,
        ...(a.reason === undefined ? {} : { reason: a.reason }),
      });
  }
}

/** Records a refused start, signal or cancel request as its `…Failed` event. */
export function recordSendFailure(
  writer: HistoryWriter,
  f: ChildSendFailure,
  write: ExecutionWrite,
): HistoryEvent {
  const i = f.initiated;
  const ids = { seq: i.attrs.seq, initiatedEventId: i.eventId, workflowId: i.attrs.workflowId };
  let event: HistoryEvent;
  if (i.eventType === 'StartChildWorkflowExecutionInitiated') {
    event = writer.event('StartChildWorkflowExecutionFailed', {
      ...ids,
      workflowType: i.attrs.workflowType,
      cause: 'WORKFLOW_ALREADY_EXISTS',
      message: f.message,
    });
  } else {
    const target = {
      ...ids,
      ...(i.attrs.runId === undefined ? {} : { runId: i.attrs.runId }),
      cause: 'EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND' as const,
      message: f.message,
    };
    event =
      i.eventType === 'SignalExternalWorkflowExecutionInitiated'
        ? writer.event('SignalExternalWorkflowExecutionFailed', target)
        : writer.event('RequestCancelExternalWorkflowExecutionFailed', target);
  }
  write.events.push(event);
  return event;
}
