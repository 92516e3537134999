import type { DataConverter } from '../common/converter.js';
import { failurePayload } from '../common/failure-payload.js';
import { ApplicationFailure } from '../common/failures.js';
import type { HistoryEvent } from '../common/history.js';
import type { WorkflowRun } from '../runtime/workflow-run.js';
import type { ExecutionWrite, InboxRecord } from '../store/types.js';
import type { HistoryWriter } from './history-writer.js';
import { isChildInbox, recordChildInbox } from './child-inbox.js';

/** What recording an inbox row needs from its execution. */
export interface InboxContext {
  writer: HistoryWriter;
  run: WorkflowRun;
  converter: DataConverter;
}

/**
 * Records a signal, update or cancel request from the inbox into `write` (the row is consumed in
 * the same write); returns the event to deliver, or undefined (a rejected update).
 */
export function recordInbox(
  c: InboxContext,
  record: InboxRecord,
  write: ExecutionWrite,
): HistoryEvent | undefined {
  (write.consumedInbox ??= []).push(record.id);
  if (record.kind === 'update') return recordUpdate(c, record, write);
  if (isChildInbox(record)) return recordChildInbox(c.writer, record, write);
  if (record.kind === 'signal') {
    const signalName = typeof record.attrs.signalName === 'string' ? record.attrs.signalName : '';
    const event = c.writer.event('WorkflowExecutionSignaled', { signalName }, record.payload);
    write.events.push(event);
    return event;
  }
  // The workflow decides what stops: its cancellation scopes turn into cancel commands.
  const reason = typeof record.attrs.reason === 'string' ? record.attrs.reason : 'cancelled';
  const event = c.writer.event('WorkflowExecutionCancelRequested', { reason });
  write.events.push(event);
  return event;
}

/**
 * An update from the inbox: its validator runs against the current state; a rejection records
 * nothing in the history (only its outcome for the caller), an acceptance records
 * `WorkflowExecutionUpdateAccepted` and runs the handler.
 */
function recordUpdate(c: InboxContext, record: InboxRecord, write: ExecutionWrite): HistoryEvent | undefined {
  const updateId = String(record.attrs.updateId);
  const updateName = String(record.attrs.updateName);
  const args = record.payload === undefined ? [] : c.converter.fromPayload<unknown[]>(record.payload);
  const rejection = c.run.validateUpdate(updateName, args);
  if (rejection !== undefined) {
    const outcome = failurePayload(
      c.converter,
      ApplicationFailure.fromError(rejection),
      `rejection of update '${updateName}'`,
    );
    (write.updates ??= []).push({ updateId, stage: 'REJECTED', outcome, failed: true });
    return undefined;
  }
  const event = c.writer.event('WorkflowExecutionUpdateAccepted', { updateId, updateName }, record.payload);
  write.events.push(event);
  (write.updates ??= []).push({ updateId, stage: 'ACCEPTED' });
  return event;
}
