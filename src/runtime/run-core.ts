import type { ActivityCancellationType } from '../common/activity-options.js';
import { ActivityFailure, CancelledFailure } from '../common/failures.js';
import type { HistoryEvent } from '../common/history.js';
import type { Command } from './commands.js';
import { CommandLog } from './command-log.js';
import { isCancellation } from './cancellation.js';
import { CancellationScope, type ScopeOwner } from './scopes.js';
import { NonDeterminismError, UnhandledRejectionError } from '../common/errors.js';

/** A call of the workflow code waiting for its outcome (an activity or a timer). */
export interface PendingCall {
  /** `'timer'` or the activity type. */
  readonly label: string;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  /** Stops listening to its scope's cancellation. */
  unlisten(): void;
}

/**
 * The state every command of a run goes through: sequence numbers, the calls waiting for an
 * outcome, the commands made, and their check against the history on replay. Timers and
 * activity cancellation live here too, as they are plain command bookkeeping.
 */
export abstract class RunCore implements ScopeOwner {
  /** Set when the run can go no further in this worker: non-determinism or a bug in the code. */
  taskFailure: Error | undefined;
  /** Set once the code has returned or thrown a failure (a close command was made). */
  closed = false;
  /** The workflow's root cancellation scope; a cancellation request cancels it. */
  protected readonly root: CancellationScope = new CancellationScope(true, undefined, this);
  protected seq = 0;
  protected readonly pending = new Map<number, PendingCall>();
  protected log = new CommandLog([], { workflowType: '', workflowId: '' });
  protected commands: Command[] = [];

  constructor(protected currentTimeMs: number) {}

  /** The commands made since the last call. */
  takeCommands(): Command[] {
    const out = this.commands;
    this.commands = [];
    return out;
  }

  /**
   * Records a timer command (or matches it on replay); resolves when it fires, rejects when
   * `scope` (if given) is cancelled first.
   */
  protected startTimer(
    seq: number,
    durationMs: number,
    scope: CancellationScope | undefined,
  ): Promise<unknown> {
    const fireAtMs = this.currentTimeMs + durationMs;
    const matched = this.command(
      { kind: 'startTimer', seq, durationMs, fireAtMs },
      `TimerStarted (${durationMs} ms)`,
      (e) => e.eventType === 'TimerStarted',
    );
    if (!matched) return new Promise(() => {});
    return new Promise((resolve, reject) => {
      const unlisten = scope?.onCancel((reason) => this.cancelTimer(seq, reason)) ?? (() => undefined);
      this.pending.set(seq, { label: 'timer', resolve, reject, unlisten });
    });
  }

  /** Cancels a pending timer (TimerCanceled), rejecting its promise with `reason` when given. */
  protected cancelTimer(seq: number, reason?: CancelledFailure): void {
    const call = this.take(seq);
    if (call === undefined) return;
    if (!this.log.takeCancel(seq)) this.commands.push({ kind: 'cancelTimer', seq });
    if (reason !== undefined) call.reject(reason);
  }

  /** The cancellation of an activity's scope reached it: what happens depends on its cancellation type. */
  protected cancelActivity(seq: number, type: ActivityCancellationType, reason: CancelledFailure): void {
    const call = this.pending.get(seq);
    if (call === undefined) return;
    if (type !== 'ABANDON' && !this.log.takeCancel(seq))
      this.commands.push({ kind: 'requestCancelActivity', seq });
    if (type === 'WAIT_CANCELLATION_COMPLETED') return; // rejected by ActivityTaskCanceled, once it has stopped
    this.take(seq);
    call.reject(this.cancelledActivity(call.label, seq, reason.message));
  }

  /**
   * Emits a command, or on replay checks it against the history at its sequence number.
   * @returns false when the code diverged (the task has failed).
   */
  protected command(
    command: Command & { seq: number },
    actual: string,
    matches: (e: HistoryEvent) => boolean,
  ): boolean {
    const verdict = this.log.check(command.seq, actual, matches);
    if (verdict instanceof NonDeterminismError) {
      this.fail(verdict);
      return false;
    }
    if (verdict === 'new' && !this.closed && this.taskFailure === undefined) this.commands.push(command);
    return true;
  }

  protected cancelledActivity(
    activityType: string,
    seq: number,
    reason = 'workflow cancellation requested',
  ): ActivityFailure {
    return new ActivityFailure(
      'activity cancelled',
      activityType,
      String(seq),
      0,
      'CANCEL_REQUESTED',
      new CancelledFailure(reason),
    );
  }

  protected take(seq: number): PendingCall | undefined {
    const call = this.pending.get(seq);
    if (call === undefined) return undefined;
    this.pending.delete(seq);
    call.unlisten();
    return call;
  }

  /** Identifies the run in the errors it reports. */
  protected abstract get identity(): { workflowType: string; workflowId: string };

  /**
   * A promise the code made rejected with no handler: the workflow task fails with
   * {@link UnhandledRejectionError} (ignored once the run has closed or already failed its task,
   * and when it is a cancellation after the workflow was asked to cancel).
   */
  unhandledRejection(reason: unknown): void {
    if (this.closed || this.taskFailure !== undefined) return;
    // A floating activity or timer that a requested cancellation rejected cannot change what the
    // workflow does next: ignored, or a cancelled workflow could never finish its cleanup.
    if (this.root.cancelRequested && isCancellation(reason)) return;
    const { workflowType, workflowId } = this.identity;
    this.fail(new UnhandledRejectionError(workflowType, workflowId, reason));
  }

  protected fail(err: Error): void {
    this.taskFailure ??= err;
    this.commands = [];
  }
}
