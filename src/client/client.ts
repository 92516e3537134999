import type { Clock } from '../common/clock.js';
import type { DataConverter } from '../common/converter.js';
import { ValidationError } from '../common/errors.js';
import { HISTORY_VERSION, type HistoryEvent } from '../common/history.js';
import { newId, newTimeOrderedId } from '../common/ids.js';
import type { WorkflowArgs, WorkflowDefinition, WorkflowResult } from '../runtime/definitions.js';
import type { ExecutionRecord, ListFilter, Store, WorkflowIdReusePolicy } from '../store/types.js';
import { BATON_VERSION } from '../version.js';
import { CloseWaiter } from './close-waiter.js';
import { WorkflowHandle } from './handle.js';

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
}

/** A workflow given by its definition or by its type name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WorkflowRef = WorkflowDefinition<any, any> | string;

type ArgsOf<W> = W extends string ? unknown[] : WorkflowArgs<W>;
type ResultOf<W> = W extends string ? unknown : WorkflowResult<W>;

const REUSE_POLICIES: readonly WorkflowIdReusePolicy[] = [
  'ALLOW_DUPLICATE',
  'ALLOW_DUPLICATE_FAILED_ONLY',
  'REJECT_DUPLICATE',
  'TERMINATE_IF_RUNNING',
];

/** What a client needs from its engine. */
export interface ClientDeps {
  store: Store;
  converter: DataConverter;
  clock: Clock;
  /** How often `result()` polls for closes made by other processes, in ms. @default 100 */
  resultPollMs?: number;
}

/**
 * The client: starts workflow executions and talks to them, as Temporal's `WorkflowClient`.
 *
 * @example
 * const handle = await baton.client.start(capturePokemon, {
 *   workflowId: 'capture-mewtwo', taskQueue: 'capture', args: [sacha(), mewtwo()],
 * });
 * const { trainer, pokemon } = await handle.result();
 */
export class Client {
  private readonly waiter: CloseWaiter;

  constructor(private readonly deps: ClientDeps) {
    this.waiter = new CloseWaiter(deps.store, deps.resultPollMs ?? 100);
  }

  /**
   * Starts an execution: its row, `WorkflowExecutionStarted` and a workflow task are written in
   * one transaction.
   *
   * @throws WorkflowExecutionAlreadyStartedError when the workflowId is running (or the reuse policy refuses).
   * @throws DataConverterError / PayloadTooLargeError for arguments that cannot be stored (nothing written).
   * @throws ValidationError for malformed options.
   */
  async start<W extends WorkflowRef>(
    workflow: W,
    options: StartOptions<ArgsOf<W>>,
  ): Promise<WorkflowHandle<ResultOf<W>>> {
    const workflowType = typeof workflow === 'string' ? workflow : workflow.name;
    if (typeof workflowType !== 'string' || workflowType === '')
      throw new ValidationError('workflow: expected a definition or a non-empty type name');
    if (typeof options?.taskQueue !== 'string' || options.taskQueue === '')
      throw new ValidationError('taskQueue: expected a non-empty string');
    const workflowId = options.workflowId ?? newId();
    if (typeof workflowId !== 'string' || workflowId === '')
      throw new ValidationError('workflowId: expected a non-empty string');
    const reusePolicy = options.workflowIdReusePolicy ?? 'ALLOW_DUPLICATE';
    if (!REUSE_POLICIES.includes(reusePolicy)) {
      throw new ValidationError(
        `workflowIdReusePolicy: expected one of ${REUSE_POLICIES.join(', ')}, got ${String(reusePolicy)}`,
      );
    }
    const args = options.args ?? [];
    if (!Array.isArray(args)) throw new ValidationError('args: expected an array of arguments');
    const payload = this.deps.converter.toPayload(args, `input of workflow '${workflowType}'`);
    const runId = newTimeOrderedId();
    const nowMs = this.deps.clock.nowMs();
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
      },
      payload,
    };
    await this.deps.store.createExecution({
      workflowId,
      runId,
      workflowType,
      taskQueue: options.taskQueue,
      reusePolicy,
      startEvent,
      nowMs,
    });
    return new WorkflowHandle(this.handleDeps(), workflowId, runId);
  }

  /** Starts an execution and waits for its result. @throws as {@link start} and `result()`. */
  async execute<W extends WorkflowRef>(workflow: W, options: StartOptions<ArgsOf<W>>): Promise<ResultOf<W>> {
    const handle = await this.start(workflow, options);
    return handle.result();
  }

  /** A handle on the newest run of `workflowId`, or on `runId`. Nothing is checked until it is used. */
  getHandle<R = unknown>(workflowId: string, runId?: string): WorkflowHandle<R> {
    return new WorkflowHandle<R>(this.handleDeps(), workflowId, runId);
  }

  /** Executions, newest first, filtered by status, workflow type or id. @default limit 100 */
  async list(filter: ListFilter = {}): Promise<ExecutionRecord[]> {
    return this.deps.store.listExecutions(filter);
  }

  /** Stops waiting for results (pending `result()` calls stay pending). */
  close(): void {
    this.waiter.close();
  }

  private handleDeps() {
    return {
      store: this.deps.store,
      converter: this.deps.converter,
      clock: this.deps.clock,
      waiter: this.waiter,
    };
  }
}
