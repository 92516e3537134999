import type { DataConverter } from '../common/converter.js';
import { checkStoredString } from '../common/stored-string.js';
import { ValidationError } from '../common/errors.js';
import { optionalDurationMs, type Duration } from '../common/duration.js';
import { resolveRetryPolicy, type RetryPolicy } from '../common/retry-policy.js';
import { encodeSearchAttributes, type SearchAttributes } from '../common/search-attributes.js';
import { HISTORY_VERSION, type HistoryEvent } from '../common/history.js';
import { newId, newTimeOrderedId } from '../common/ids.js';
import type { WorkflowDefinition } from '../runtime/definitions.js';
import type { CreateExecutionRequest, WorkflowIdReusePolicy } from '../store/types.js';
import { BATON_VERSION } from '../version.js';

/** Options of `client.start()`, as Temporal's `WorkflowStartOptions`. */
export interface StartOptions<Args extends unknown[] = unknown[]> {
  /** The task queue whose workers run the workflow. Required. */
  taskQueue: string;
  /** A business id, unique among running executions. @default a random UUID */
  workflowId?: string;
  /** Arguments of the workflow function (converted before anything is written). @default [] */
  args?: Args;
  /** What to do when the workflowId was used before. @default 'ALLOW_DUPLICATE' */
  workflowIdReusePolicy?: WorkflowIdReusePolicy;
  /** Longest time the execution may run; it then closes TIMED_OUT. As Temporal's. @default unlimited */
  workflowExecutionTimeout?: Duration;
  /** Longest time this run may run; it then closes TIMED_OUT. As Temporal's. @default unlimited */
  workflowRunTimeout?: Duration;
  /**
   * Retry policy of the whole workflow, as Temporal's: a failed run is followed by a new run
   * (attempt + 1) after the back-off; `result()` follows the runs. @default no retries
   */
  retry?: RetryPolicy;
  /** Values kept with the execution and shown by `describe()` (not indexed). */
  memo?: Record<string, unknown>;
  /** Indexed values, usable as `list({ searchAttributes })` filters; the workflow may upsert them. */
  searchAttributes?: SearchAttributes;
}

/** A workflow given by its definition or by its type name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WorkflowRef = WorkflowDefinition<any, any> | string;

const REUSE_POLICIES: readonly WorkflowIdReusePolicy[] = [
  'ALLOW_DUPLICATE',
  'ALLOW_DUPLICATE_FAILED_ONLY',
  'REJECT_DUPLICATE',
  'TERMINATE_IF_RUNNING',
];

/**
 * Validates start options and builds the store's start request (the `WorkflowExecutionStarted`
 * event with its converted arguments).
 *
 * @throws ValidationError naming the field; DataConverterError for arguments that cannot be stored.
 */
export function buildStartRequest(
  converter: DataConverter,
  nowMs: number,
  workflow: WorkflowRef,
  options: StartOptions,
): CreateExecutionRequest {
  const workflowType = typeof workflow === 'string' ? workflow : workflow.name;
  if (typeof workflowType !== 'string' || workflowType === '')
    throw new ValidationError('workflow: expected a definition or a non-empty type name');
  if (typeof options?.taskQueue !== 'string' || options.taskQueue === '')
    throw new ValidationError('taskQueue: expected a non-empty string');
  const workflowId = options.workflowId ?? newId();
  if (typeof workflowId !== 'string' || workflowId === '')
    throw new ValidationError('workflowId: expected a non-empty string');
  checkStoredString(workflowId, 'workflowId');
  checkStoredString(options.taskQueue, 'taskQueue');
  const reusePolicy = options.workflowIdReusePolicy ?? 'ALLOW_DUPLICATE';
  if (!REUSE_POLICIES.includes(reusePolicy)) {
    throw new ValidationError(
      `workflowIdReusePolicy: expected one of ${REUSE_POLICIES.join(', ')}, got ${String(reusePolicy)}`,
    );
  }
  const args = options.args ?? [];
  if (!Array.isArray(args)) throw new ValidationError('args: expected an array of arguments');
  const payload = converter.toPayload(args, `input of workflow '${workflowType}'`);
  const runId = newTimeOrderedId();
  const executionTimeoutMs = optionalDurationMs(options.workflowExecutionTimeout, 'workflowExecutionTimeout');
  const runTimeoutMs = optionalDurationMs(options.workflowRunTimeout, 'workflowRunTimeout');
  const memo =
    options.memo === undefined
      ? undefined
      : converter.toPayload(options.memo, `memo of workflow '${workflowType}'`);
  const searchAttributes =
    options.searchAttributes === undefined ? undefined : encodeSearchAttributes(options.searchAttributes);
  const startEvent: HistoryEvent = {
    eventId: 1,
    eventType: 'WorkflowExecutionStarted',
    timeMs: nowMs,
    attrs: {
      workflowType,
      workflowId,
      taskQueue: options.taskQueue,
      attempt: 1,
      randomSeed: newId(),
      historyVersion: HISTORY_VERSION,
      batonVersion: BATON_VERSION,
      ...(executionTimeoutMs === undefined ? {} : { executionTimeoutMs }),
      ...(runTimeoutMs === undefined ? {} : { runTimeoutMs }),
      ...(options.retry === undefined ? {} : { retry: resolveRetryPolicy(options.retry) }),
      // Kept so that a reset knows them apart from the ones the workflow upserted later.
      ...(searchAttributes === undefined ? {} : { searchAttributes }),
    },
    payload,
  };
  return {
    workflowId,
    runId,
    workflowType,
    taskQueue: options.taskQueue,
    reusePolicy,
    startEvent,
    nowMs,
    memo,
    searchAttributes,
  };
}
