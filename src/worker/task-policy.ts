import { BatonError } from '../common/errors.js';
import type { ExecutionRecord } from '../store/types.js';
import type { WorkerServices } from './services.js';

/** An activity call this worker cannot carry out; it fails the workflow task, nothing is appended. */
export class ActivityNotRegisteredError extends BatonError {}

/**
 * True when an activity call becomes an activity task, run by a worker polling `taskQueue`: it
 * names a task queue, and it is not one this worker would run itself (its own queue, with the
 * activity registered here).
 */
export function isActivityTask(
  services: Pick<WorkerServices, 'activities' | 'taskQueue'>,
  activityType: string,
  taskQueue: string | undefined,
): taskQueue is string {
  if (taskQueue === undefined) return false;
  return taskQueue !== services.taskQueue || typeof services.activities[activityType] !== 'function';
}

/**
 * Checks that an activity call can be carried out: routed to a task queue, or registered on this
 * worker.
 *
 * @returns the error to fail the workflow task with, or undefined.
 */
export function checkActivityRoute(
  services: Pick<WorkerServices, 'activities' | 'taskQueue'>,
  activityType: string,
  taskQueue: string | undefined,
): Error | undefined {
  if (isActivityTask(services, activityType, taskQueue)) return undefined;
  if (typeof services.activities[activityType] !== 'function') {
    const registered = Object.keys(services.activities);
    return new ActivityNotRegisteredError(
      `activity type '${activityType}' is not registered on this worker (task queue '${services.taskQueue}') and no taskQueue routes it elsewhere; registered: ${registered.length ? registered.join(', ') : '(none)'}`,
    );
  }
  return undefined;
}

/** Delay before a failed workflow task is tried again: 1 s, doubling, at most 60 s. */
export function taskRetryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 60_000);
}

/**
 * When a failed workflow task is tried again: after its back-off, brought forward to `notAfterMs`
 * while that is still ahead (once it has passed, the claim that tried to close the execution
 * failed, so the back-off applies rather than an immediate retry loop).
 */
function retryAt(nowMs: number, taskAttempt: number, notAfterMs: number | undefined): number {
  const afterBackOff = nowMs + taskRetryDelayMs(taskAttempt + 1);
  return notAfterMs !== undefined && notAfterMs > nowMs ? Math.min(afterBackOff, notAfterMs) : afterBackOff;
}

/**
 * Hands back an execution whose workflow task failed: the error is recorded for `describe()` and
 * the task is tried again after its back-off (at once by a newly started worker), and never
 * later than `notAfterMs` while that is ahead (epoch ms; the workflow's execution or run
 * deadline, so that a task that keeps failing still times the workflow out on time).
 */
export async function blockTask(
  services: WorkerServices,
  e: ExecutionRecord,
  taskAttempt: number,
  error: Error,
  notAfterMs?: number,
): Promise<void> {
  services.logger.warn('workflow task failed; it will be retried', {
    workflowId: e.workflowId,
    runId: e.runId,
    error: error.message,
  });
  await services.store.release({
    runId: e.runId,
    taskQueue: e.taskQueue,
    workerId: services.identity,
    epoch: e.leaseEpoch,
    readyAtMs: retryAt(services.clock.nowMs(), taskAttempt, notAfterMs),
    taskError: `${error.name}: ${error.message}`,
  });
  services.hooks.onWorkflowTaskFailed?.({ workflowId: e.workflowId, runId: e.runId, error });
}
