import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import {
  ApplicationFailure,
  BatonFailure,
  CancelledFailure,
  TimeoutFailure,
  type TimeoutType,
} from '../common/failures.js';
import type { ActivityFunction } from '../runtime/definitions.js';
import { ActivityContext, runInActivityContext, type ActivityInfo } from './context.js';

/** How one attempt ended. A late result of a timed-out attempt is discarded. */
export type AttemptOutcome = { ok: true; value: unknown } | { ok: false; failure: BatonFailure };

/** One attempt's limits and hooks. Times are epoch ms, durations ms. */
export interface AttemptParams {
  info: ActivityInfo;
  args: unknown[];
  startToCloseTimeoutMs: number | undefined;
  heartbeatTimeoutMs: number | undefined;
  /** The scheduleToClose deadline, if any. */
  deadlineMs: number | undefined;
  /** Heartbeat details of the previous attempt. */
  lastHeartbeatDetails: unknown;
  onHeartbeat(details: unknown): void;
  clock: Clock;
  /** The worker's logger; the attempt's `logger` binds the ids of `info` to it. @default silent */
  logger?: Logger;
}

/** A running attempt: its outcome, and how to end it from outside. */
export interface RunningAttempt {
  readonly outcome: Promise<AttemptOutcome>;
  /** Ends the attempt with `reason` as its failure and fires its `AbortSignal` (cancellation, shutdown). */
  readonly abort: (reason: BatonFailure) => void;
  /**
   * Asks the activity to stop (its cancellation was requested): its `AbortSignal` fires and
   * `heartbeat()` throws `reason`, but the attempt ends only when the function does.
   */
  readonly cancel: (reason: CancelledFailure) => void;
}

/**
 * Starts one attempt of an activity. Its `AbortSignal` fires at the startToClose, heartbeat or
 * scheduleToClose timeout, or on {@link RunningAttempt.abort}; the outcome is then that failure,
 * whatever the function does later. A plain `Error` becomes an `ApplicationFailure` (type = its
 * name). The `AbortController` is made only if the activity reads its signal.
 */
export function runAttempt(fn: ActivityFunction, p: AttemptParams): RunningAttempt {
  const { clock } = p;
  let controller: AbortController | undefined;
  let lastDetails: unknown = p.lastHeartbeatDetails;
  let cancelStartToClose: (() => void) | undefined;
  let cancelDeadline: (() => void) | undefined;
  let cancelHeartbeat: (() => void) | undefined;
  let settled = false;
  let cancelReason: CancelledFailure | undefined;
  let resolve!: (outcome: AttemptOutcome) => void;
  const outcome = new Promise<AttemptOutcome>((r) => (resolve = r));
  const finish = (result: AttemptOutcome): void => {
    if (settled) return;
    settled = true;
    cancelStartToClose?.();
    cancelDeadline?.();
    cancelHeartbeat?.();
    resolve(result);
  };
  const abort = (reason: BatonFailure): void => {
    if (settled) return;
    finish({ ok: false, failure: reason });
    controller?.abort(reason);
  };
  const cancel = (reason: CancelledFailure): void => {
    if (settled || cancelReason !== undefined) return;
    cancelReason = reason;
    controller?.abort(reason);
  };
  const timeOut = (type: TimeoutType) => (): void =>
    abort(new TimeoutFailure(`activity '${p.info.activityType}' timed out (${type})`, type, lastDetails));
  if (p.startToCloseTimeoutMs !== undefined) {
    cancelStartToClose = clock.setTimer(timeOut('START_TO_CLOSE'), p.startToCloseTimeoutMs);
  }
  if (p.deadlineMs !== undefined) {
    cancelDeadline = clock.setTimer(timeOut('SCHEDULE_TO_CLOSE'), p.deadlineMs - clock.nowMs());
  }
  const heartbeatTimeoutMs = p.heartbeatTimeoutMs;
  const armHeartbeat = (): void => {
    if (heartbeatTimeoutMs === undefined) return;
    cancelHeartbeat?.();
    cancelHeartbeat = clock.setTimer(timeOut('HEARTBEAT'), heartbeatTimeoutMs);
  };
  armHeartbeat();
  const ctx = new ActivityContext(
    p.info,
    () => {
      if (controller === undefined) {
        controller = new AbortController();
        if (cancelReason !== undefined) controller.abort(cancelReason);
        else if (settled) controller.abort(new ApplicationFailure('the attempt has ended', 'AttemptEnded'));
      }
      return controller.signal;
    },
    p.lastHeartbeatDetails,
    (details) => {
      if (cancelReason !== undefined) throw cancelReason;
      if (settled) return;
      lastDetails = details;
      armHeartbeat();
      p.onHeartbeat(details);
    },
    p.logger,
  );
  runInActivityContext(ctx, async () => fn(...p.args)).then(
    (value) => finish({ ok: true, value }),
    (err: unknown) => finish({ ok: false, failure: ApplicationFailure.fromError(err) }),
  );
  return { outcome, abort, cancel };
}
