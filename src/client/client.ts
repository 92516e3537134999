import type { Clock } from '../common/clock.js';
import { checkStoredString } from '../common/stored-string.js';
import type { DataConverter } from '../common/converter.js';
import type { WorkflowArgs, WorkflowResult } from '../runtime/definitions.js';
import type { SignalDefinition } from '../runtime/signals.js';
import type { ExecutionRecord, ListFilter, Store } from '../store/types.js';
import { encodeSearchAttributes, type SearchAttributes } from '../common/search-attributes.js';
import { CloseWaiter } from './close-waiter.js';
import { QueryClient } from './query-client.js';
import { WorkflowHandle, type HandleDeps } from './handle.js';
import { buildStartRequest, type StartOptions, type WorkflowRef } from './start-request.js';
import type { StepsShape } from './reset-point.js';
import { ScheduleClient } from './schedule-client.js';

export type { StartOptions, WorkflowRef } from './start-request.js';

type ArgsOf<W> = W extends string ? unknown[] : WorkflowArgs<W>;
type ResultOf<W> = W extends string ? unknown : WorkflowResult<W>;

/** What a client needs from its engine. */
export interface ClientDeps {
  store: Store;
  converter: DataConverter;
  clock: Clock;
  /** How often `result()` polls for closes made by other processes, in ms. @default 100 */
  resultPollMs?: number;
  /** How long `query()` waits for a worker's answer, in ms. @default 10000 */
  queryTimeoutMs?: number;
  /**
   * The graph of a step workflow type (as `definition.graph`), so that `reset({ toStep })` takes
   * its step names. Step workflows this client started from their definition are known anyway.
   * @default none
   */
  stepGraph?: (workflowType: string) => StepsShape | undefined;
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
  private readonly queries: QueryClient;
  /** Graphs of the step workflows started from their definition, by workflow type. */
  private readonly stepGraphs = new Map<string, StepsShape>();
  /** Schedules: workflows started on a cron or interval spec, as Temporal's `client.schedule`. */
  readonly schedule: ScheduleClient;

  constructor(private readonly deps: ClientDeps) {
    this.waiter = new CloseWaiter(deps.store, deps.resultPollMs ?? 100);
    this.queries = new QueryClient(deps.store, deps.queryTimeoutMs ?? 10_000, deps.clock);
    this.schedule = new ScheduleClient({ store: deps.store, converter: deps.converter, clock: deps.clock });
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
    const req = buildStartRequest(this.deps.converter, this.deps.clock.nowMs(), workflow, options);
    this.rememberSteps(workflow);
    await this.deps.store.createExecution(req);
    // Not pinned: its messages reach the chain's newest run (after a continue-as-new, say).
    return new WorkflowHandle(this.handleDeps(), req.workflowId, req.runId, true, false);
  }

  /**
   * Signals the running execution of `options.workflowId`, starting it first when none runs, in
   * one transaction (as Temporal's `signalWithStart`). The handle is pinned to the run signalled.
   *
   * @throws as {@link start}, and DataConverterError for signal arguments that cannot be stored.
   * @example
   * await client.signalWithStart(counter, { workflowId: 'c1', taskQueue: 'q', signal: add, signalArgs: [1] });
   */
  async signalWithStart<W extends WorkflowRef, SArgs extends unknown[]>(
    workflow: W,
    options: StartOptions<ArgsOf<W>> & {
      workflowId: string;
      signal: SignalDefinition<SArgs> | string;
      signalArgs: SArgs;
    },
  ): Promise<WorkflowHandle<ResultOf<W>>> {
    const req = buildStartRequest(this.deps.converter, this.deps.clock.nowMs(), workflow, options);
    const signalName = checkStoredString(
      typeof options.signal === 'string' ? options.signal : options.signal.name,
      'signal name',
    );
    const payload = this.deps.converter.toPayload(options.signalArgs, `arguments of signal '${signalName}'`);
    this.rememberSteps(workflow);
    const runId = await this.deps.store.signalWithStart(req, {
      workflowId: req.workflowId,
      runId: undefined,
      signalName,
      payload,
      nowMs: req.nowMs,
    });
    return new WorkflowHandle(this.handleDeps(), req.workflowId, runId, true, false);
  }

  /** Starts an execution and waits for its result. @throws as {@link start} and `result()`. */
  async execute<W extends WorkflowRef>(workflow: W, options: StartOptions<ArgsOf<W>>): Promise<ResultOf<W>> {
    const handle = await this.start(workflow, options);
    return handle.result();
  }

  /**
   * A handle on the newest run of `workflowId`, or on `runId`. Nothing is checked until it is used.
   * `followRuns: false` pins `result()` to that run: a run that continued as new then throws
   * `WorkflowContinuedAsNewError` (and a retried failure is that run's failure). @default followRuns true
   */
  getHandle<R = unknown>(
    workflowId: string,
    runId?: string,
    options: { followRuns?: boolean } = {},
  ): WorkflowHandle<R> {
    return new WorkflowHandle<R>(this.handleDeps(), workflowId, runId, options.followRuns ?? true);
  }

  /**
   * Executions, newest first, filtered by status, workflow type, workflowId (exact, or a literal
   * substring with `workflowIdContains`), start time (`startedAfterMs` inclusive, `startedBeforeMs`
   * exclusive, epoch ms) and search attributes; paged with `limit` (default 100) and `offset`
   * (default 0), as Temporal's ListWorkflowExecutions.
   *
   * @throws ValidationError for a filter of the wrong type or range (naming it).
   * @example
   * const page2 = await client.list({ workflowIdContains: 'capture-', status: 'FAILED', limit: 20, offset: 20 });
   */
  async list(filter: ListFilter & { searchAttributes?: SearchAttributes } = {}): Promise<ExecutionRecord[]> {
    if (filter.searchAttributes === undefined) return this.deps.store.listExecutions(filter);
    return this.deps.store.listExecutions({
      ...filter,
      searchAttributes: encodeSearchAttributes(filter.searchAttributes),
    });
  }

  /** Stops waiting for results (pending `result()` calls stay pending). */
  close(): void {
    this.waiter.close();
  }

  private handleDeps(): HandleDeps {
    return {
      store: this.deps.store,
      converter: this.deps.converter,
      clock: this.deps.clock,
      waiter: this.waiter,
      queries: this.queries,
      stepGraph: (workflowType) => this.deps.stepGraph?.(workflowType) ?? this.stepGraphs.get(workflowType),
    };
  }

  /** Keeps the graph of a step workflow definition (one with a `graph`), for `reset({ toStep })`. */
  private rememberSteps(workflow: WorkflowRef): void {
    if (typeof workflow !== 'object' || workflow === null || !('graph' in workflow)) return;
    const graph = (workflow as { graph?: StepsShape & { name?: unknown } }).graph;
    if (graph !== undefined && Array.isArray(graph.steps)) this.stepGraphs.set(workflow.name, graph);
  }
}
