import {
  resolveActivityOptions,
  type ActivityOptions,
  type ResolvedActivityOptions,
} from '../common/activity-options.js';
import type { DataConverter } from '../common/converter.js';
import { NonDeterminismError } from '../common/errors.js';
import { ActivityFailure, ApplicationFailure, BatonFailure, CancelledFailure } from '../common/failures.js';
import type { EventOf, HistoryEvent } from '../common/history.js';
import { seededRandom, uuidFrom } from '../common/ids.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { Command } from './commands.js';
import { WorkflowContext, type ContextHost, type WorkflowInfo } from './context.js';
import type { WorkflowDefinition } from './definitions.js';

/** What a {@link WorkflowRun} needs from its host; no I/O and no clock. */
export interface WorkflowRunDeps {
  readonly converter: DataConverter;
  /** Resolves after every pending microtask has run (the worker passes `setImmediate`). */
  readonly settle: () => Promise<void>;
  /** Where `ctx.logger` writes when not replaying. */
  readonly logger: Logger;
}

interface PendingCall {
  readonly activityType: string;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Event types that carry a command the code made, matched by `seq` on replay. */
function commandSeq(event: HistoryEvent): number | undefined {
  return event.eventType === 'ActivityTaskScheduled' ? event.attrs.seq : undefined;
}

/** True for events delivered to the workflow code (they resolve something). */
function isResolution(event: HistoryEvent): boolean {
  switch (event.eventType) {
    case 'ActivityTaskCompleted':
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut':
    case 'WorkflowExecutionCancelRequested':
      return true;
    default:
      return false;
  }
}

/**
 * The replay state machine of one workflow execution: it runs the workflow function, turns its
 * calls into {@link Command}s, and feeds it events one at a time, letting microtasks settle
 * between two events. The first run and a replay take exactly this path. On replay every command
 * is checked against the history (kind and activity type at its sequence number).
 */
export class WorkflowRun implements ContextHost {
  readonly info: WorkflowInfo;
  readonly logger: Logger;
  /** True while events that were already in the history are being delivered. */
  replaying = false;
  /** Set when the run can go no further in this worker: non-determinism or a bug in the code. */
  taskFailure: Error | undefined;
  /** Set once the code has returned or thrown a failure (a close command was made). */
  closed = false;
  private cancelRequested = false;
  private seq = 0;
  private currentTimeMs: number;
  private readonly rng: () => number;
  private readonly pending = new Map<number, PendingCall>();
  private readonly recorded = new Map<number, HistoryEvent>();
  private readonly resolvedOptions = new WeakMap<ActivityOptions, ResolvedActivityOptions>();
  private commands: Command[] = [];

  constructor(
    private readonly definition: WorkflowDefinition,
    private readonly started: EventOf<'WorkflowExecutionStarted'>,
    runId: string,
    private readonly deps: WorkflowRunDeps,
  ) {
    const a = started.attrs;
    this.info = Object.freeze({
      workflowId: a.workflowId,
      runId,
      workflowType: a.workflowType,
      taskQueue: a.taskQueue,
      attempt: a.attempt,
      startTime: new Date(started.timeMs),
    });
    this.currentTimeMs = started.timeMs;
    this.rng = seededRandom(a.randomSeed);
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

  /**
   * Runs the workflow function over its whole history (at least `WorkflowExecutionStarted`), in
   * O(history). Afterwards {@link takeCommands} gives the new commands, and {@link taskFailure}
   * is set if the code diverged from the history.
   */
  async replay(history: readonly HistoryEvent[]): Promise<void> {
    for (const event of history) {
      const seq = commandSeq(event);
      if (seq !== undefined) this.recorded.set(seq, event);
    }
    let lastResolution = 0;
    for (let i = 0; i < history.length; i++) if (isResolution(history[i]!)) lastResolution = i;
    this.replaying = lastResolution > 0;
    this.startFunction();
    await this.deps.settle();
    for (let i = 1; i < history.length && this.taskFailure === undefined; i++) {
      const event = history[i]!;
      if (!isResolution(event)) continue;
      this.replaying = i < lastResolution;
      this.apply(event);
      await this.deps.settle();
    }
    this.replaying = false;
    if (this.taskFailure === undefined && this.recorded.size > 0) {
      const [seq, event] = this.recorded.entries().next().value as [number, HistoryEvent];
      this.fail(this.divergence(event, seq, 'nothing (the code made no such call)'));
    }
  }

  /** Delivers one new event (already appended) and lets the code run until it waits again. */
  async deliver(event: HistoryEvent): Promise<void> {
    this.apply(event);
    await this.deps.settle();
  }

  /** Delivers an event without letting the code run; call `settle` (or {@link deliver}) after. */
  apply(event: HistoryEvent): void {
    this.currentTimeMs = event.timeMs;
    switch (event.eventType) {
      case 'ActivityTaskCompleted': {
        const call = this.take(event.attrs.seq);
        call?.resolve(
          event.payload === undefined ? undefined : this.deps.converter.fromPayload(event.payload),
        );
        return;
      }
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut': {
        const call = this.take(event.attrs.seq);
        call?.reject(this.deps.converter.fromPayload(event.payload!));
        return;
      }
      case 'WorkflowExecutionCancelRequested':
        this.requestCancel(event.attrs.reason);
        return;
      default:
        return;
    }
  }

  /** The commands made since the last call. */
  takeCommands(): Command[] {
    const out = this.commands;
    this.commands = [];
    return out;
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
    if (this.cancelRequested) return Promise.reject(this.cancelledActivity(activityType, seq));
    const payload = this.deps.converter.toPayload(args, `arguments of activity '${activityType}'`);
    const recorded = this.recorded.get(seq);
    if (recorded !== undefined) {
      this.recorded.delete(seq);
      if (recorded.eventType !== 'ActivityTaskScheduled' || recorded.attrs.activityType !== activityType) {
        this.fail(this.divergence(recorded, seq, `ActivityTaskScheduled '${activityType}'`));
        return new Promise(() => {});
      }
    } else if (!this.closed && this.taskFailure === undefined) {
      this.commands.push({ kind: 'scheduleActivity', seq, activityType, options: resolved, payload });
    }
    return new Promise((resolve, reject) => this.pending.set(seq, { activityType, resolve, reject }));
  }

  private startFunction(): void {
    const ctx = new WorkflowContext(this);
    const invoke = async (): Promise<unknown> => {
      const payload = this.started.payload;
      const args = payload === undefined ? [] : this.deps.converter.fromPayload<unknown[]>(payload);
      return this.definition.fn(ctx, ...args);
    };
    invoke().then(
      (result) => this.onReturn(result),
      (err: unknown) => this.onThrow(err),
    );
  }

  private onReturn(result: unknown): void {
    if (this.closed || this.taskFailure !== undefined) return;
    this.closed = true;
    try {
      const payload = this.deps.converter.toPayload(result, `result of workflow '${this.info.workflowType}'`);
      this.commands.push({ kind: 'completeWorkflow', payload });
    } catch (err) {
      const failure = ApplicationFailure.create({
        message: (err as Error).message,
        type: (err as Error).name,
        nonRetryable: true,
      });
      this.commands.push({ kind: 'failWorkflow', payload: this.encodeFailure(failure) });
    }
  }

  private onThrow(err: unknown): void {
    if (this.closed || this.taskFailure !== undefined) return;
    if (this.cancelRequested && isCancellation(err)) {
      this.closed = true;
      this.commands.push({ kind: 'cancelWorkflow' });
    } else if (err instanceof BatonFailure) {
      this.closed = true;
      this.commands.push({ kind: 'failWorkflow', payload: this.encodeFailure(err) });
    } else {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private encodeFailure(failure: BatonFailure): ReturnType<DataConverter['toPayload']> {
    try {
      return this.deps.converter.toPayload(failure, `failure of workflow '${this.info.workflowType}'`);
    } catch (err) {
      const plain = ApplicationFailure.nonRetryable(
        `${failure.message} (failure not storable: ${(err as Error).message})`,
        failure.name,
      );
      return this.deps.converter.toPayload(plain, 'failure');
    }
  }

  private requestCancel(reason: string): void {
    this.cancelRequested = true;
    for (const [seq, call] of [...this.pending]) {
      this.pending.delete(seq);
      call.reject(this.cancelledActivity(call.activityType, seq, reason));
    }
  }

  private cancelledActivity(
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

  private take(seq: number): PendingCall | undefined {
    const call = this.pending.get(seq);
    this.pending.delete(seq);
    return call;
  }

  private fail(err: Error): void {
    this.taskFailure ??= err;
    this.commands = [];
  }

  private divergence(recorded: HistoryEvent, seq: number, actual: string): NonDeterminismError {
    const expected =
      recorded.eventType === 'ActivityTaskScheduled'
        ? `ActivityTaskScheduled '${recorded.attrs.activityType}'`
        : recorded.eventType;
    return new NonDeterminismError(
      `non-determinism in workflow '${this.info.workflowType}' (workflowId '${this.info.workflowId}') at event ${recorded.eventId} (command #${seq}): the history holds ${expected}, the code asked for ${actual}`,
      recorded.eventId,
      expected,
      actual,
    );
  }
}

/** True when `err` or a failure in its cause chain is a {@link CancelledFailure}. */
export function isCancellation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 20; e = e.cause, depth++) {
    if (e instanceof CancelledFailure) return true;
  }
  return false;
}
