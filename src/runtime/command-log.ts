import { NonDeterminismError } from '../common/errors.js';
import type { HistoryEvent } from '../common/history.js';

/** Event types that carry a command the code made, matched by `seq` on replay. */
function commandSeq(event: HistoryEvent): number | undefined {
  switch (event.eventType) {
    case 'ActivityTaskScheduled':
    case 'TimerStarted':
    case 'UpsertWorkflowSearchAttributes':
    case 'StartChildWorkflowExecutionInitiated':
    case 'SignalExternalWorkflowExecutionInitiated':
    case 'RequestCancelExternalWorkflowExecutionInitiated':
      return event.attrs.seq;
    case 'MarkerRecorded': // a patch marker takes no sequence number (runtime/patches.ts)
      return event.attrs.patchId === undefined ? event.attrs.seq : undefined;
    default:
      return undefined;
  }
}

/** Close events that record a command of the code (not a termination or a timeout). */
const CODE_CLOSES: ReadonlySet<string> = new Set([
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionContinuedAsNew',
]);

/** How a recorded command event reads in a non-determinism message. */
function describeCommand(event: HistoryEvent): string {
  if (event.eventType === 'ActivityTaskScheduled')
    return `ActivityTaskScheduled '${event.attrs.activityType}'`;
  if (event.eventType === 'TimerStarted') return `TimerStarted (${event.attrs.durationMs} ms)`;
  if (event.eventType === 'MarkerRecorded') return `MarkerRecorded '${event.attrs.markerName}'`;
  if (event.eventType === 'StartChildWorkflowExecutionInitiated')
    return `StartChildWorkflowExecutionInitiated '${event.attrs.workflowType}'`;
  if (event.eventType === 'SignalExternalWorkflowExecutionInitiated')
    return `SignalExternalWorkflowExecutionInitiated '${event.attrs.signalName}'`;
  return event.eventType;
}

/**
 * The commands a history already holds, by sequence number: on replay each command the code makes
 * is checked against it (kind and type), and is not made again.
 */
export class CommandLog {
  private readonly recorded = new Map<number, HistoryEvent>();
  private readonly cancels = new Set<number>();
  private readonly completedUpdates = new Set<string>();
  /** True when the history ends with a close the code asked for (complete, fail, cancel, continue-as-new). */
  private readonly closeRecorded: boolean;

  constructor(
    history: readonly HistoryEvent[],
    private readonly where: { workflowType: string; workflowId: string },
  ) {
    for (const event of history) {
      const seq = commandSeq(event);
      if (seq !== undefined) this.recorded.set(seq, event);
      if (event.eventType === 'WorkflowExecutionUpdateCompleted')
        this.completedUpdates.add(event.attrs.updateId);
      if (event.eventType === 'TimerCanceled' || event.eventType === 'ActivityTaskCancelRequested') {
        this.cancels.add(event.attrs.seq);
      }
    }
    this.closeRecorded = history.some((e) => CODE_CLOSES.has(e.eventType));
  }

  /**
   * True while the history holds something the code has not reached yet (a command not made
   * again, or the close): the code is still replaying what was recorded (`ctx.patched` says false).
   */
  holdsMore(): boolean {
    return (
      this.closeRecorded || this.recorded.size > 0 || this.cancels.size > 0 || this.completedUpdates.size > 0
    );
  }

  /**
   * Checks a command against the history.
   * @returns 'new' when the history does not hold it, 'replayed' when it matches, or the
   *   NonDeterminismError when the history holds something else at that sequence number.
   */
  check(
    seq: number,
    actual: string,
    matches: (e: HistoryEvent) => boolean,
  ): 'new' | 'replayed' | NonDeterminismError {
    const recorded = this.recorded.get(seq);
    if (recorded === undefined) return 'new';
    this.recorded.delete(seq);
    return matches(recorded) ? 'replayed' : this.divergence(recorded, seq, actual);
  }

  /** True (once) when the history already holds the cancellation of timer `seq`. */
  takeCancel(seq: number): boolean {
    return this.cancels.delete(seq);
  }

  /** True (once) when the history already holds the completion of update `updateId`. */
  takeUpdateCompletion(updateId: string): boolean {
    return this.completedUpdates.delete(updateId);
  }

  /** At the end of a replay: the first recorded command the code never made, as an error. */
  leftover(): NonDeterminismError | undefined {
    const first = this.recorded.entries().next();
    if (first.done === true) return undefined;
    const [seq, event] = first.value;
    return this.divergence(event, seq, 'nothing (the code made no such call)');
  }

  private divergence(recorded: HistoryEvent, seq: number, actual: string): NonDeterminismError {
    const expected = describeCommand(recorded);
    return new NonDeterminismError(
      `non-determinism in workflow '${this.where.workflowType}' (workflowId '${this.where.workflowId}') at event ${recorded.eventId} (command #${seq}): the history holds ${expected}, the code asked for ${actual}`,
      recorded.eventId,
      expected,
      actual,
    );
  }
}
