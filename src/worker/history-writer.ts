import type { Clock } from '../common/clock.js';
import type { DataConverter } from '../common/converter.js';
import { failurePayload, storableFailure } from '../common/failure-payload.js';
import { ActivityFailure } from '../common/failures.js';
import type { EventOf, ExecutionStatus, HistoryEvent } from '../common/history.js';
import type { Command } from '../runtime/commands.js';
import type { ActivityOutcome } from './activity-runner.js';
import { eventSizeBytes } from '../runtime/continue-as-new.js';

/** Commands that close an execution, and the status each leaves. */
export type CloseKind = 'completeWorkflow' | 'failWorkflow' | 'cancelWorkflow';
export const CLOSE_STATUS: Record<CloseKind, ExecutionStatus> = {
  completeWorkflow: 'COMPLETED',
  failWorkflow: 'FAILED',
  cancelWorkflow: 'CANCELED',
};

/**
 * Makes the events of one execution held here: ids follow one another from the history's last
 * event, times come from the worker's clock.
 */
export class HistoryWriter {
  constructor(
    private readonly clock: Clock,
    private readonly converter: DataConverter,
    private readonly identity: string,
    /** The id of the last event made (committed or about to be). */
    public lastEventId: number,
    /** Bytes of the history through the last event made (`ctx.info.historySizeBytes`). */
    public sizeBytes = 0,
  ) {}

  event<K extends HistoryEvent['eventType']>(
    eventType: K,
    attrs: EventOf<K>['attrs'],
    payload?: EventOf<K>['payload'],
  ): HistoryEvent {
    const event = {
      eventId: ++this.lastEventId,
      eventType,
      timeMs: this.clock.nowMs(),
      attrs,
      payload,
    } as HistoryEvent;
    this.sizeBytes += eventSizeBytes(event);
    return event;
  }

  /**
   * `ActivityTaskStarted` (the final attempt, with the earlier attempts' last failure) and the
   * outcome event; a failure reaches the workflow as an `ActivityFailure` whose cause is it.
   */
  activityOutcome(o: ActivityOutcome): [started: HistoryEvent, outcome: HistoryEvent] {
    const r = o.state.record;
    const started = this.event(
      'ActivityTaskStarted',
      {
        seq: r.seq,
        scheduledEventId: r.scheduledEventId,
        attempt: r.attempt,
        // The worker that ran the attempt: this one, or the one that took the activity task (none
        // when no worker took it: SCHEDULE_TO_START, or cancelled before).
        ...identityOf(o.state, this.identity),
      },
      r.lastFailure,
    );
    const ids = { seq: r.seq, scheduledEventId: r.scheduledEventId, startedEventId: started.eventId };
    if (o.eventType === 'ActivityTaskCompleted')
      return [started, this.event('ActivityTaskCompleted', ids, o.payload)];
    if (o.eventType === 'ActivityTaskCanceled') {
      const payload = failurePayload(
        this.converter,
        o.failure,
        `cancellation of activity '${r.activityType}'`,
      );
      return [started, this.event('ActivityTaskCanceled', ids, payload)];
    }
    const message =
      o.eventType === 'ActivityTaskTimedOut' ? 'activity task timed out' : 'activity task failed';
    const what = `failure of activity '${r.activityType}'`;
    const cause = storableFailure(this.converter, o.failure, what);
    const failure = new ActivityFailure(
      message,
      r.activityType,
      String(r.seq),
      r.attempt,
      o.retryState,
      cause,
    );
    const payload = failurePayload(this.converter, failure, what);
    return [started, this.event(o.eventType, { ...ids, retryState: o.retryState }, payload)];
  }

  /** The close event of a close command. */
  close(c: Extract<Command, { kind: CloseKind }>, newExecutionRunId?: string): HistoryEvent {
    switch (c.kind) {
      case 'completeWorkflow':
        return this.event('WorkflowExecutionCompleted', {}, c.payload);
      case 'failWorkflow':
        return this.event(
          'WorkflowExecutionFailed',
          newExecutionRunId === undefined ? {} : { retryState: 'IN_PROGRESS', newExecutionRunId },
          c.payload,
        );
      case 'cancelWorkflow':
        return this.event('WorkflowExecutionCanceled', {});
    }
  }
}

/** The `identity` attribute of an attempt's ActivityTaskStarted. */
function identityOf(state: ActivityOutcome['state'], own: string): { identity?: string } {
  if (state.record.taskQueue === undefined) return { identity: own };
  return state.remoteWorker === undefined ? {} : { identity: state.remoteWorker };
}
