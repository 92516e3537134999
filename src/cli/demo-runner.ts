/**
 * What the `baton demo …` commands share: opening the store, a worker that prints each activity
 * attempt as it happens, waiting for the end of the execution (result, blocked task or Ctrl-C),
 * and the step and failure lines.
 */
import {
  Baton,
  StoreError,
  type BatonOptions,
  type ActivityAttemptEvent,
  type ActivityRecordedEvent,
  type Worker,
  type WorkflowDefinition,
  type WorkflowHandle,
} from '../index.js';
import { causeChain, describeError, err, ExitCode, out, pad } from './output.js';

/** One activity attempt, as shown and as in the JSON output. */
export interface StepRecord {
  activity: string;
  attempt: number;
  outcome: ActivityAttemptEvent['outcome'];
  elapsedMs: number;
  error?: string;
}

/** How a demo's execution ended, as far as the demo saw. */
export type Ending<R> =
  | { kind: 'completed'; result: R }
  | { kind: 'failed'; error: unknown }
  | { kind: 'blocked'; error: Error }
  | { kind: 'interrupted' };

/**
 * Opens `store` (with `options`), runs `run` on it and closes it; returns `run`'s exit code, or 2 (with a message)
 * when the store cannot be opened or fails.
 */
export async function withStore(
  store: string,
  run: (baton: Baton) => Promise<number>,
  options: BatonOptions = {},
): Promise<number> {
  let baton: Baton;
  try {
    baton = await Baton.open(store, options);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    err(`baton: ${error.message}`);
    return ExitCode.USAGE;
  }
  try {
    return await run(baton);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    err(`baton: store error: ${error.message}`);
    return ExitCode.USAGE;
  } finally {
    await baton.close();
  }
}

/** Options of {@link demoWorker}. */
export interface DemoWorkerOptions {
  taskQueue: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  workflows: readonly WorkflowDefinition<any, any>[];
  activities: object;
  /** Only this execution's activities are recorded and shown. */
  workflowId: string;
  /** When true, steps are recorded but not printed. */
  json: boolean;
  /** A note printed after the step's line (e.g. what a compensation undoes). */
  note?: (step: StepRecord) => string | undefined;
  /** Called right after an activity's final outcome of this execution is durable. */
  onRecorded?: (event: ActivityRecordedEvent) => void;
}

/** A demo's worker, the steps it has seen, and a promise settled when the workflow task is blocked. */
export interface DemoWorker<R> {
  worker: Worker;
  steps: StepRecord[];
  blocked: Promise<Ending<R>>;
}

/** A worker (lease 2 s, identity `baton-demo`) that records and prints the execution's attempts. */
export function demoWorker<R>(baton: Baton, o: DemoWorkerOptions): DemoWorker<R> {
  const steps: StepRecord[] = [];
  const startedMs = Date.now();
  let onBlocked: (error: Error) => void = () => {};
  const blocked = new Promise<Ending<R>>(
    (resolve) => (onBlocked = (error) => resolve({ kind: 'blocked', error })),
  );
  const worker = baton.worker({
    taskQueue: o.taskQueue,
    workflows: o.workflows,
    activities: o.activities,
    leaseTimeout: '2s',
    identity: 'baton-demo',
    hooks: {
      onActivityAttempt(e) {
        if (e.workflowId !== o.workflowId) return;
        const step = toStep(e);
        steps.push(step);
        if (!o.json) out(formatStep(step, Date.now() - startedMs, o.note?.(step)));
      },
      onActivityRecorded(e) {
        if (e.workflowId === o.workflowId) o.onRecorded?.(e);
      },
      onWorkflowTaskFailed(e) {
        if (e.workflowId === o.workflowId) onBlocked(e.error);
      },
    },
  });
  return { worker, steps, blocked };
}

/** Runs `worker` while `fn` runs, then shuts it down and waits for it to stop. */
export async function whileRunning<T>(worker: Worker, fn: () => Promise<T>): Promise<T> {
  const running = worker.run();
  try {
    return await fn();
  } finally {
    await worker.shutdown();
    await running;
  }
}

/** The execution's result as an {@link Ending}. */
export function settleResult<R>(handle: WorkflowHandle<R>): Promise<Ending<R>> {
  return handle.result().then(
    (result): Ending<R> => ({ kind: 'completed', result }),
    (error: unknown): Ending<R> => ({ kind: 'failed', error }),
  );
}

/** The result, a blocked workflow task, or Ctrl-C, whichever comes first. */
export async function waitForEnd<R>(
  handle: WorkflowHandle<R>,
  blocked: Promise<Ending<R>>,
): Promise<Ending<R>> {
  let onSigint: () => void = () => {};
  const interrupted = new Promise<Ending<R>>(
    (resolve) => (onSigint = () => resolve({ kind: 'interrupted' })),
  );
  process.once('SIGINT', onSigint);
  try {
    return await Promise.race([settleResult(handle), blocked, interrupted]);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function toStep(e: ActivityAttemptEvent): StepRecord {
  const step: StepRecord = {
    activity: e.activityType,
    attempt: e.attempt,
    outcome: e.outcome,
    elapsedMs: e.elapsedMs,
  };
  if (e.error !== undefined) step.error = e.error;
  return step;
}

/** Activity types whose completion is in the execution's history, in order. */
export async function completedActivities<R>(handle: WorkflowHandle<R>): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  const types = new Map<number, string>();
  const done: string[] = [];
  for (const e of events) {
    if (e.eventType === 'ActivityTaskScheduled') types.set(e.eventId, e.attrs.activityType);
    if (e.eventType === 'ActivityTaskCompleted') done.push(types.get(e.attrs.scheduledEventId) ?? '?');
  }
  return done;
}

/** A step as a line: time since the demo started, activity, attempt, outcome, elapsed, error. */
export function formatStep(s: StepRecord, sinceStartMs: number, note?: string): string {
  const at = `+${(sinceStartMs / 1000).toFixed(2)}s`;
  const error = s.error === undefined ? '' : `  ${s.error}`;
  const suffix = note === undefined ? '' : `  (${note})`;
  const line = `  ${pad(at, 8)} ${pad(s.activity, 14)} attempt ${pad(String(s.attempt), 3)} ${pad(s.outcome, 10)} ${pad(`${s.elapsedMs} ms`, 7)}${error}${suffix}`;
  return line.trimEnd();
}

/** The lines of an error and its causes: the error, then `caused by …` for each cause. */
export function failureLines(error: unknown): string[] {
  return causeChain(error).map((e, i) => `  ${i === 0 ? '' : 'caused by '}${describeError(e)}`);
}

/** Prints `title` and the cause chain of `error` to stderr. */
export function printFailure(title: string, error: unknown): void {
  err(title);
  for (const line of failureLines(error)) err(line);
}
