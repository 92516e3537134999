import {
  resolveActivityOptions,
  type ActivityOptions,
  type ResolvedActivityOptions,
} from '../common/activity-options.js';
import type { DataConverter } from '../common/converter.js';
import { CancelledFailure } from '../common/failures.js';
import type { EventOf, HistoryEvent } from '../common/history.js';
import { seededRandom, uuidFrom } from '../common/ids.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { CommandLog } from './command-log.js';
import { ChildWorkflows } from './children.js';
import { PatchLog, patchMarkerCommand } from './patches.js';
import { isResolution, RunDelivery } from './run-delivery.js';
import { HistoryStats, type ContinueAsNewThresholds } from './continue-as-new.js';
import { ConditionSet, type Condition } from './conditions.js';
import { CancellationScope, currentScope, runIn, runInScope, type ScopeHandle } from './scopes.js';
import { WorkflowContext, type ContextHost, type WorkflowInfo } from './context.js';
import type { WorkflowDefinition } from './definitions.js';

/** What a {@link WorkflowRun} needs from its host; no I/O and no clock. */
export interface WorkflowRunDeps {
  readonly converter: DataConverter;
  /** Resolves after every pending microtask has run (the worker passes `setImmediate`). */
  readonly settle: () => Promise<void>;
  /** Where `ctx.logger` writes when not replaying. */
  readonly logger: Logger;
  /** When `ctx.info.continueAsNewSuggested` turns true. @default 10,000 events or 10 MB */
  readonly continueAsNewThresholds?: ContinueAsNewThresholds | undefined;
}

/**
 * The replay state machine of one workflow execution: it runs the workflow function, turns its
 * calls into {@link Command}s, and feeds it events one at a time, letting microtasks settle
 * between two events. The first run and a replay take exactly this path. On replay every command
 * is checked against the history (kind and activity type at its sequence number).
 */
export class WorkflowRun extends RunDelivery implements ContextHost {
  private readonly baseInfo: Omit<
    WorkflowInfo,
    'historyLength' | 'historySizeBytes' | 'continueAsNewSuggested'
  >;
  /** The history's length and size at the event being processed (`ctx.info`). */
  private readonly historyStats: HistoryStats;
  readonly logger: Logger;
  /** True while events that were already in the history are being delivered. */
  replaying = false;
  private readonly rng: () => number;
  private readonly conditions = new ConditionSet();
  private readonly resolvedOptions = new WeakMap<ActivityOptions, ResolvedActivityOptions>();
  private patches = new PatchLog();
  /** Child workflows and messages to other executions (`ctx.startChild`, external handles). */
  readonly children: ChildWorkflows;

  constructor(
    private readonly definition: WorkflowDefinition,
    private readonly started: EventOf<'WorkflowExecutionStarted'>,
    runId: string,
    private readonly deps: WorkflowRunDeps,
  ) {
    super(started.timeMs);
    const a = started.attrs;
    this.historyStats = new HistoryStats(deps.continueAsNewThresholds);
    this.baseInfo = Object.freeze({
      workflowId: a.workflowId,
      runId,
      workflowType: a.workflowType,
      taskQueue: a.taskQueue,
      attempt: a.attempt,
      startTime: new Date(started.timeMs),
      continuedFromRunId: a.continuedFromRunId,
    });
    this.rng = seededRandom(a.randomSeed);
    this.children = new ChildWorkflows({
      converter: deps.converter,
      workflowId: a.workflowId,
      taskQueue: a.taskQueue,
      nextSeq: () => ++this.seq,
      command: (command, actual, matches) => this.command(command, actual, matches),
      scope: () => currentScope(this.root),
      uuid: () => this.uuid(),
    });
    const log =
      (level: keyof Logger) =>
      (message: string, attrs?: Record<string, unknown>): void => {
        if (this.replaying) return;
        deps.logger[level](message, { workflowId: this.info.workflowId, runId, ...attrs });
      };
    this.logger =
      deps.logger === silentLogger
        ? silentLogger
        : { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  }

  /** This run's info, with the history's length and size at the event being processed. */
  get info(): WorkflowInfo {
    const h = this.historyStats;
    return Object.freeze({
      ...this.baseInfo,
      historyLength: h.length,
      historySizeBytes: h.sizeBytes,
      continueAsNewSuggested: h.suggested,
    });
  }

  /**
   * Runs the workflow function over its whole history (at least `WorkflowExecutionStarted`), in
   * O(history). Afterwards {@link takeCommands} gives the new commands, and {@link taskFailure}
   * is set if the code diverged from the history.
   */
  async replay(history: readonly HistoryEvent[]): Promise<void> {
    this.log = new CommandLog(history, this.info);
    this.patches = new PatchLog(history);
    let lastResolution = 0;
    for (let i = 0; i < history.length; i++) if (isResolution(history[i]!)) lastResolution = i;
    this.replaying = lastResolution > 0;
    if (history[0] !== undefined) this.historyStats.add(history[0]);
    this.startFunction();
    await this.settle();
    for (let i = 1; i < history.length && this.taskFailure === undefined; i++) {
      const event = history[i]!;
      this.historyStats.add(event);
      if (!isResolution(event)) continue;
      this.replaying = i < lastResolution;
      this.apply(event);
      await this.settle();
    }
    this.replaying = false;
    const leftover = this.taskFailure === undefined ? this.log.leftover() : undefined;
    if (leftover !== undefined) this.fail(leftover);
  }

  /**
   * Delivers one new event (already appended) and lets the code run until it waits again.
   * `historySizeBytes`: the size of the history through this event, when the caller counts it.
   */
  async deliver(event: HistoryEvent, historySizeBytes?: number): Promise<void> {
    this.historyStats.reach(event, historySizeBytes);
    this.apply(event);
    await this.settle();
  }

  /** Lets microtasks settle, then re-checks `condition()`s until none changes. */
  private async settle(): Promise<void> {
    await this.deps.settle();
    while (this.checkConditions()) await this.deps.settle();
  }

  private checkConditions(): boolean {
    if (this.conditions.size === 0 || this.closed || this.taskFailure !== undefined) return false;
    let met;
    try {
      met = this.conditions.check();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return false;
    }
    for (const c of met) if (c.timerSeq !== undefined) this.cancelTimer(c.timerSeq);
    return met.length > 0;
  }

  /** Sequence numbers of activity calls still waiting for an outcome. */
  pendingSeqs(): number[] {
    return [...this.pending.keys()];
  }

  nowMs(): number {
    return this.currentTimeMs;
  }

  random(): number {
    return this.rng();
  }

  uuid(): string {
    return uuidFrom(this.rng);
  }

  scheduleActivity(activityType: string, args: unknown[], options: ActivityOptions): Promise<unknown> {
    const seq = ++this.seq;
    let resolved = this.resolvedOptions.get(options);
    if (resolved === undefined) {
      resolved = resolveActivityOptions(options);
      this.resolvedOptions.set(options, resolved);
    }
    const scope = currentScope(this.root);
    if (scope.cancellation !== undefined) {
      return Promise.reject(this.cancelledActivity(activityType, seq, scope.cancellation.message));
    }
    const payload = this.deps.converter.toPayload(args, `arguments of activity '${activityType}'`);
    const matched = this.command(
      { kind: 'scheduleActivity', seq, activityType, options: resolved, payload },
      `ActivityTaskScheduled '${activityType}'`,
      (e) => e.eventType === 'ActivityTaskScheduled' && e.attrs.activityType === activityType,
    );
    if (!matched) return new Promise(() => {});
    const type = resolved.cancellationType ?? 'WAIT_CANCELLATION_COMPLETED';
    return new Promise((resolve, reject) => {
      const unlisten = scope.onCancel((reason) => this.cancelActivity(seq, type, reason));
      this.pending.set(seq, { label: activityType, resolve, reject, unlisten });
    });
  }

  sleep(durationMs: number): Promise<void> {
    const seq = ++this.seq;
    const scope = currentScope(this.root);
    if (scope.cancellation !== undefined) return Promise.reject(scope.cancellation);
    return this.startTimer(seq, durationMs, scope) as Promise<void>;
  }

  condition(fn: () => boolean, timeoutMs: number | undefined): Promise<boolean> {
    const scope = currentScope(this.root);
    if (scope.cancellation !== undefined) return Promise.reject(scope.cancellation);
    if (fn()) return Promise.resolve(true);
    const timerSeq = timeoutMs === undefined ? undefined : ++this.seq;
    return new Promise<boolean>((resolve, reject) => {
      let unlisten = (): void => undefined;
      const condition: Condition = {
        fn,
        resolve: (met) => {
          unlisten();
          resolve(met);
        },
        timerSeq,
      };
      this.conditions.add(condition);
      unlisten = scope.onCancel((reason) => {
        this.conditions.remove(condition);
        if (timerSeq !== undefined) this.cancelTimer(timerSeq);
        reject(reason);
      });
      if (timerSeq === undefined) return;
      this.startTimer(timerSeq, timeoutMs!, undefined)
        .finally(unlisten)
        .then(
          () => {
            this.conditions.remove(condition);
            resolve(false);
          },
          (err: unknown) => {
            this.conditions.remove(condition);
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
    });
  }

  inScope<T>(cancellable: boolean, fn: (scope: ScopeHandle) => Promise<T>): Promise<T> {
    return runInScope(this.root, cancellable, fn);
  }

  async withTimeout<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    const parent = currentScope(this.root);
    const scope = new CancellationScope(true, parent);
    const seq = ++this.seq;
    this.startTimer(seq, timeoutMs, parent).then(
      () => scope.cancel(new CancelledFailure(`timed out after ${timeoutMs} ms`)),
      () => undefined,
    );
    try {
      return await runIn(scope, fn);
    } finally {
      this.cancelTimer(seq);
      parent.release(scope);
    }
  }

  upsertSearchAttributes(searchAttributes: Record<string, string | number | boolean>): void {
    const seq = ++this.seq;
    this.command(
      { kind: 'upsertSearchAttributes', seq, searchAttributes },
      'UpsertWorkflowSearchAttributes',
      (e) => e.eventType === 'UpsertWorkflowSearchAttributes',
    );
  }

  recordMarker(markerName: string, details: unknown): void {
    const seq = ++this.seq;
    const payload = this.deps.converter.toPayload(details, `details of marker '${markerName}'`);
    this.command(
      { kind: 'recordMarker', seq, markerName, payload },
      `MarkerRecorded '${markerName}'`,
      (e) => e.eventType === 'MarkerRecorded' && e.attrs.markerName === markerName,
    );
  }

  patched(patchId: string, deprecated: boolean): boolean {
    const d = this.patches.decide(patchId, this.replaying || this.log.holdsMore(), deprecated);
    if (d.record && !this.closed && this.taskFailure === undefined)
      this.commands.push(patchMarkerCommand(this.deps.converter, patchId, deprecated));
    return d.patched;
  }

  private startFunction(): void {
    const ctx = new WorkflowContext(this);
    const invoke = async (): Promise<unknown> => {
      const payload = this.started.payload;
      const args = payload === undefined ? [] : this.deps.converter.fromPayload<unknown[]>(payload);
      return this.definition.fn(ctx, ...args);
    };
    void runIn(this.root, () =>
      invoke().then(
        (result) => this.guard(() => this.onReturn(result)),
        (err: unknown) => this.guard(() => this.onThrow(err)),
      ),
    );
  }

  protected get identity(): { workflowType: string; workflowId: string } {
    return this.baseInfo;
  }

  protected get converter(): DataConverter {
    return this.deps.converter;
  }
}
