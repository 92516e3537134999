import type { Clock } from '../common/clock.js';
import { ApplicationFailure, BatonFailure, TimeoutFailure, type TimeoutType } from '../common/failures.js';
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
  /** Aborts the attempt from outside (cancellation, shutdown); the failure becomes its outcome. */
  external: AbortSignal;
}

/**
 * Runs one attempt of an activity: its `AbortSignal` fires at the startToClose, heartbeat or
 * scheduleToClose timeout, or when `external` aborts; the outcome is then that timeout, whatever
 * the function does later. A plain `Error` becomes an `ApplicationFailure` (type = its name).
 */
export function runAttempt(fn: ActivityFunction, p: AttemptParams): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    const controller = new AbortController();
    const cancels: (() => void)[] = [];
    let settled = false;
    let lastDetails: unknown = p.lastHeartbeatDetails;
    const finish = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      for (const cancel of cancels) cancel();
      p.external.removeEventListener('abort', onExternal);
      resolve(outcome);
    };
    const timeOut = (type: TimeoutType) => (): void => {
      const failure = new TimeoutFailure(
        `activity '${p.info.activityType}' timed out (${type})`,
        type,
        lastDetails,
      );
      controller.abort(failure);
      finish({ ok: false, failure });
    };
    const onExternal = (): void => {
      const reason: unknown = p.external.reason;
      controller.abort(reason);
      finish({ ok: false, failure: ApplicationFailure.fromError(reason) });
    };
    if (p.external.aborted) return onExternal();
    p.external.addEventListener('abort', onExternal);
    const now = p.clock.nowMs();
    if (p.startToCloseTimeoutMs !== undefined)
      cancels.push(p.clock.setTimer(timeOut('START_TO_CLOSE'), p.startToCloseTimeoutMs));
    if (p.deadlineMs !== undefined)
      cancels.push(p.clock.setTimer(timeOut('SCHEDULE_TO_CLOSE'), p.deadlineMs - now));
    let cancelHeartbeat: (() => void) | undefined;
    const armHeartbeat = (): void => {
      cancelHeartbeat?.();
      if (p.heartbeatTimeoutMs !== undefined)
        cancelHeartbeat = p.clock.setTimer(timeOut('HEARTBEAT'), p.heartbeatTimeoutMs);
    };
    armHeartbeat();
    cancels.push(() => cancelHeartbeat?.());
    const ctx = new ActivityContext(p.info, controller.signal, p.lastHeartbeatDetails, (details) => {
      if (settled) return;
      lastDetails = details;
      armHeartbeat();
      p.onHeartbeat(details);
    });
    runInActivityContext(ctx, async () => fn(...p.args)).then(
      (value) => finish({ ok: true, value }),
      (err: unknown) => finish({ ok: false, failure: ApplicationFailure.fromError(err) }),
    );
  });
}
