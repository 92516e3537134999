/**
 * `baton.workflow`: starts another file workflow as a child (its workflowId derived from the
 * parent's, so a retried attempt finds the child it started) and, by default, awaits its result.
 */
import { activityContext, type ActivityContext } from '../../../activity/context.js';
import type { Client } from '../../../client/client.js';
import type { WorkflowHandle } from '../../../client/handle.js';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '../../../common/errors.js';
import { ApplicationFailure, BatonFailure, CancelledFailure } from '../../../common/failures.js';
import type { FileWorkflow } from '../types.js';
import { BUILTIN_FAILURE, type WorkflowCallArg } from './types.js';

/** Failure type of a child that cannot be started: unknown workflow, bad input. Not retryable. */
export const CHILD_START_REFUSED = 'ChildWorkflowStartRefused';

/** Options of {@link createWorkflowCallActivity}. */
export interface WorkflowCallOptions {
  /** The client children are started with. */
  client: Client;
  /** The workflow file a name (`name` or `name@version`) stands for. @throws when none. */
  resolve: (name: string) => FileWorkflow;
  /** How often the activity heartbeats while it waits for the child, in ms. @default 1000 */
  heartbeatEveryMs?: number;
}

/** What a started child is, as `baton.workflow` returns it with `wait: false`. */
export interface StartedChild {
  workflowId: string;
  runId: string;
}

/** Heartbeat details: the run this activity started, so a later attempt attaches to it. */
interface ChildDetails {
  child?: StartedChild;
}

/**
 * Makes the `baton.workflow` activity.
 *
 * It resolves `arg.workflow`, checks the input with the child's `prepareInput`, and starts the
 * child on `arg.taskQueue` under `arg.workflowId`. A later attempt of the same activity attaches
 * to the run an earlier one started (from its heartbeat details, or the running execution the
 * start collided with) instead of starting another. While it waits it heartbeats every
 * `heartbeatEveryMs` with `{ child: { workflowId, runId } }`; when the attempt is cancelled it
 * cancels the child and throws the cancellation.
 *
 * @returns the child's result (`wait`, the default), or {@link StartedChild} once started.
 * @throws ApplicationFailure `ChildWorkflowFailed`, not retryable, when the child failed, was
 *   cancelled, terminated or timed out (the child's failure is the cause, `details[0]` the
 *   {@link StartedChild}); `ChildWorkflowStartRefused`, not retryable, for an unknown workflow
 *   or an input its `prepareInput` refuses.
 */
export function createWorkflowCallActivity(
  options: WorkflowCallOptions,
): (arg: WorkflowCallArg) => Promise<unknown> {
  return async (arg) => {
    const ctx = currentActivity();
    const handle = await startOrAttach(options, arg, ctx);
    const child: StartedChild = { workflowId: handle.workflowId, runId: handle.runId! };
    if (arg.wait === false) return child;
    return awaitChild(handle, child, arg.workflow, ctx, options.heartbeatEveryMs ?? 1000);
  };
}

function currentActivity(): ActivityContext | undefined {
  try {
    return activityContext();
  } catch {
    return undefined;
  }
}

function refused(message: string, cause: unknown): ApplicationFailure {
  return ApplicationFailure.create({ message, type: CHILD_START_REFUSED, nonRetryable: true, cause });
}

/** A handle pinned to the child's run: the one an earlier attempt started, or a new one. */
async function startOrAttach(
  options: WorkflowCallOptions,
  arg: WorkflowCallArg,
  ctx: ActivityContext | undefined,
): Promise<WorkflowHandle> {
  const earlier = (ctx?.heartbeatDetails as ChildDetails | undefined)?.child;
  if (earlier?.workflowId === arg.workflowId && typeof earlier.runId === 'string') {
    return options.client.getHandle(earlier.workflowId, earlier.runId);
  }
  let def: FileWorkflow;
  let input: unknown;
  try {
    def = options.resolve(arg.workflow);
  } catch (error) {
    throw refused(`child workflow '${arg.workflow}' is unknown: ${messageOf(error)}`, error);
  }
  try {
    input = def.prepareInput(arg.input);
  } catch (error) {
    throw refused(`input of child workflow '${def.workflowType}' refused: ${messageOf(error)}`, error);
  }
  let handle: WorkflowHandle;
  try {
    handle = await options.client.start(def.definition, {
      workflowId: arg.workflowId,
      taskQueue: arg.taskQueue,
      args: [input],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError) || error.runId === undefined) throw error;
    handle = options.client.getHandle(arg.workflowId, error.runId);
  }
  try {
    ctx?.heartbeat({ child: { workflowId: handle.workflowId, runId: handle.runId! } } satisfies ChildDetails);
  } catch (reason) {
    // Cancelled while starting: the child is not wanted any more.
    if (reason instanceof CancelledFailure) await cancelChild(handle);
    throw reason;
  }
  return handle;
}

/** The child's result, heartbeating meanwhile; stops (and cancels the child) when the attempt is cancelled. */
async function awaitChild(
  handle: WorkflowHandle,
  child: StartedChild,
  name: string,
  ctx: ActivityContext | undefined,
  heartbeatEveryMs: number,
): Promise<unknown> {
  let stop: ((reason: unknown) => void) | undefined;
  const stopped = new Promise<never>((_resolve, reject) => (stop = reject));
  const signal = ctx?.signal;
  const onAbort = (): void => stop?.(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted === true) onAbort();
  const timer =
    ctx === undefined
      ? undefined
      : setInterval(() => {
          try {
            ctx.heartbeat({ child } satisfies ChildDetails);
          } catch (reason) {
            stop?.(reason);
          }
        }, heartbeatEveryMs);
  try {
    return await Promise.race([handle.result(), stopped]);
  } catch (error) {
    if (error instanceof CancelledFailure) await cancelChild(handle);
    throw childFailure(error, child, name);
  } finally {
    if (timer !== undefined) clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Asks the child to cancel (best effort: it may have closed meanwhile). */
async function cancelChild(handle: WorkflowHandle): Promise<void> {
  await handle.cancel('the step that started it was cancelled').catch(() => undefined);
}

/** The error to throw for a child that did not complete. */
function childFailure(error: unknown, child: StartedChild, name: string): unknown {
  if (!(error instanceof WorkflowFailedError)) return error;
  const cause = error.cause;
  const why = cause instanceof BatonFailure || cause instanceof Error ? cause.message : error.message;
  return ApplicationFailure.create({
    message: `child workflow '${name}' (workflowId '${child.workflowId}') ${outcomeOf(error)}: ${why}`,
    type: BUILTIN_FAILURE.childFailed,
    nonRetryable: true,
    details: [child],
    cause,
  });
}

/** `failed`, `was cancelled`, `was terminated`, `timed out`, from the client's message. */
function outcomeOf(error: WorkflowFailedError): string {
  if (error.message.includes('cancelled')) return 'was cancelled';
  if (error.message.includes('terminated')) return 'was terminated';
  if (error.message.includes('timed out')) return 'timed out';
  return 'failed';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
