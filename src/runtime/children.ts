import type {
  ChildReusePolicy,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
} from '../common/child-events.js';
import type { DataConverter } from '../common/converter.js';
import { optionalDurationMs, type Duration } from '../common/duration.js';
import { ValidationError } from '../common/errors.js';
import {
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  TerminatedFailure,
  TimeoutFailure,
  type RetryState,
} from '../common/failures.js';
import type { HistoryEvent } from '../common/history.js';
import { resolveRetryPolicy, type RetryPolicy } from '../common/retry-policy.js';
import type { Command } from './commands.js';
import type { CancellationScope } from './scopes.js';
import type { SignalDefinition } from './signals.js';
import { ExternalMessages, type ExternalWorkflowHandle } from './external-handles.js';

export type { ExternalWorkflowHandle } from './external-handles.js';

/** Options of `ctx.startChild` and `ctx.executeChild`, as Temporal's `ChildWorkflowOptions`. */
export interface ChildWorkflowOptions<Args extends unknown[] = unknown[]> {
  /** The child's workflowId. @default a UUID drawn from the parent's deterministic random source */
  workflowId?: string;
  /** The task queue whose workers run the child. @default the parent's */
  taskQueue?: string;
  /** Arguments of the child workflow function. @default [] */
  args?: Args;
  /** What the parent's close does to the child while it runs. @default 'TERMINATE' */
  parentClosePolicy?: ParentClosePolicy;
  /** What cancelling the parent (or the scope that started the child) does. @default 'WAIT_CANCELLATION_COMPLETED' */
  cancellationType?: ChildWorkflowCancellationType;
  /** What to do when the workflowId was used before. @default 'ALLOW_DUPLICATE' */
  workflowIdReusePolicy?: ChildReusePolicy;
  /** Longest time the child's execution may run (all its runs), as Temporal's. @default unlimited */
  workflowExecutionTimeout?: Duration;
  /** Longest time one run of the child may run, as Temporal's. @default unlimited */
  workflowRunTimeout?: Duration;
  /** Retry policy of the child workflow (its failed runs are retried). @default no retries */
  retry?: RetryPolicy;
}

/** A started child workflow, as Temporal's `ChildWorkflowHandle`. */
export interface ChildWorkflowHandle<R = unknown> {
  readonly workflowId: string;
  /** The runId of the child's first run. */
  readonly firstExecutionRunId: string;
  /**
   * The child's result once it has completed.
   * @throws ChildWorkflowFailure whose cause says why it did not complete (its failure,
   *   `CancelledFailure`, `TerminatedFailure`, `TimeoutFailure`).
   */
  result(): Promise<R>;
  /** Signals the child (recorded as `SignalExternalWorkflowExecutionInitiated`). */
  signal<Args extends unknown[]>(signal: SignalDefinition<Args> | string, ...args: Args): Promise<void>;
}

/** What the child workflows of a run need from the run (its replay state machine). */
export interface ChildCore {
  readonly converter: DataConverter;
  readonly workflowId: string;
  readonly taskQueue: string;
  nextSeq(): number;
  /** Emits a command, or checks it against the history; false when the code diverged. */
  command(command: Command & { seq: number }, actual: string, matches: (e: HistoryEvent) => boolean): boolean;
  /** The cancellation scope the calling code runs in. */
  scope(): CancellationScope;
  uuid(): string;
}

/** One child workflow of the run, from its start command to its close. */
interface Child {
  readonly seq: number;
  readonly workflowId: string;
  readonly workflowType: string;
  readonly cancellationType: ChildWorkflowCancellationType;
  runId?: string;
  closed: boolean;
  /** The scope's cancellation, when it came before the child started. */
  cancelWaiting?: CancelledFailure;
  /** Seq of the cancel request sent, for WAIT_CANCELLATION_REQUESTED. */
  cancelSeq?: number;
  started: Deferred<ChildWorkflowHandle>;
  result: Deferred<unknown>;
  unlisten(): void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A result nobody awaits must not surface as an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const PARENT_CLOSE_POLICIES: readonly ParentClosePolicy[] = ['TERMINATE', 'REQUEST_CANCEL', 'ABANDON'];
const CANCELLATION_TYPES: readonly ChildWorkflowCancellationType[] = [
  'ABANDON',
  'TRY_CANCEL',
  'WAIT_CANCELLATION_REQUESTED',
  'WAIT_CANCELLATION_COMPLETED',
];
const REUSE_POLICIES: readonly ChildReusePolicy[] = [
  'ALLOW_DUPLICATE',
  'ALLOW_DUPLICATE_FAILED_ONLY',
  'REJECT_DUPLICATE',
  'TERMINATE_IF_RUNNING',
];

/** Event types delivered to the child workflows' and external handles' promises. */
const CHILD_RESOLUTIONS: ReadonlySet<string> = new Set([
  'StartChildWorkflowExecutionFailed',
  'ChildWorkflowExecutionStarted',
  'ChildWorkflowExecutionCompleted',
  'ChildWorkflowExecutionFailed',
  'ChildWorkflowExecutionCanceled',
  'ChildWorkflowExecutionTerminated',
  'ChildWorkflowExecutionTimedOut',
  'ExternalWorkflowExecutionSignaled',
  'SignalExternalWorkflowExecutionFailed',
  'ExternalWorkflowExecutionCancelRequested',
  'RequestCancelExternalWorkflowExecutionFailed',
]);

/** True for the events of child workflows and external messages that resolve something. */
export function isChildResolution(event: HistoryEvent): boolean {
  return CHILD_RESOLUTIONS.has(event.eventType);
}

function oneOf<T extends string>(value: T | undefined, allowed: readonly T[], field: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value))
    throw new ValidationError(`${field}: expected one of ${allowed.join(', ')}, got ${String(value)}`);
  return value;
}

/**
 * The child workflows of one run (as Temporal's): start commands, their handles, and what
 * cancelling their scope does, per cancellation type. Messages to other executions (signal,
 * cancel) go through {@link ExternalMessages}.
 */
export class ChildWorkflows {
  private readonly children = new Map<number, Child>();
  /** Signals and cancel requests sent to other executions (children included). */
  readonly external: ExternalMessages;

  constructor(private readonly core: ChildCore) {
    this.external = new ExternalMessages(core);
  }

  /**
   * Starts a child workflow; resolves with its handle once it has started.
   * @throws ValidationError at once for invalid options; the promise rejects with
   *   `ChildWorkflowFailure` when the workflowId is in use (cause type `WorkflowExecutionAlreadyStarted`).
   */
  start(workflowType: string, options: ChildWorkflowOptions): Promise<ChildWorkflowHandle> {
    const resolved = this.resolve(workflowType, options);
    const seq = this.core.nextSeq();
    const workflowId = options.workflowId ?? this.core.uuid();
    if (typeof workflowId !== 'string' || workflowId === '')
      throw new ValidationError('workflowId: expected a non-empty string');
    const scope = this.core.scope();
    if (scope.cancellation !== undefined) return Promise.reject(scope.cancellation);
    const args = options.args ?? [];
    if (!Array.isArray(args)) throw new ValidationError('args: expected an array of arguments');
    const payload = this.core.converter.toPayload(args, `arguments of child workflow '${workflowType}'`);
    const matched = this.core.command(
      { kind: 'startChildWorkflow', seq, workflowId, payload, ...resolved },
      `StartChildWorkflowExecutionInitiated '${workflowType}'`,
      (e) => e.eventType === 'StartChildWorkflowExecutionInitiated' && e.attrs.workflowType === workflowType,
    );
    if (!matched) return new Promise(() => {});
    const child: Child = {
      seq,
      workflowId,
      workflowType,
      cancellationType: resolved.cancellationType,
      closed: false,
      started: deferred(),
      result: deferred(),
      unlisten: () => undefined,
    };
    child.unlisten = scope.onCancel((reason) => this.cancelChild(child, reason));
    this.children.set(seq, child);
    return child.started.promise;
  }

  private resolve(workflowType: string, o: ChildWorkflowOptions) {
    if (typeof workflowType !== 'string' || workflowType === '')
      throw new ValidationError('workflow: expected a definition or a non-empty type name');
    const taskQueue = o.taskQueue ?? this.core.taskQueue;
    if (typeof taskQueue !== 'string' || taskQueue === '')
      throw new ValidationError('taskQueue: expected a non-empty string');
    const executionTimeoutMs = optionalDurationMs(o.workflowExecutionTimeout, 'workflowExecutionTimeout');
    const runTimeoutMs = optionalDurationMs(o.workflowRunTimeout, 'workflowRunTimeout');
    return {
      workflowType,
      taskQueue,
      parentClosePolicy: oneOf(o.parentClosePolicy, PARENT_CLOSE_POLICIES, 'parentClosePolicy', 'TERMINATE'),
      cancellationType: oneOf(
        o.cancellationType,
        CANCELLATION_TYPES,
        'cancellationType',
        'WAIT_CANCELLATION_COMPLETED',
      ),
      workflowIdReusePolicy: oneOf(
        o.workflowIdReusePolicy,
        REUSE_POLICIES,
        'workflowIdReusePolicy',
        'ALLOW_DUPLICATE',
      ),
      ...(executionTimeoutMs === undefined ? {} : { executionTimeoutMs }),
      ...(runTimeoutMs === undefined ? {} : { runTimeoutMs }),
      ...(o.retry === undefined ? {} : { retry: resolveRetryPolicy(o.retry) }),
    };
  }

  /** The scope that started the child was cancelled: what happens depends on its cancellation type. */
  private cancelChild(child: Child, reason: CancelledFailure): void {
    if (child.closed) return;
    if (child.runId === undefined) {
      child.cancelWaiting = reason; // applied once it has started
      return;
    }
    if (child.cancellationType !== 'ABANDON') {
      child.cancelSeq = this.external.requestCancel(child.workflowId, undefined, true);
    }
    if (child.cancellationType === 'ABANDON' || child.cancellationType === 'TRY_CANCEL') {
      this.settle(child, () => child.result.reject(reason));
    }
  }

  /** Delivers a child's or an external message's event; false when it is about neither. */
  apply(event: HistoryEvent): boolean {
    if (this.external.apply(event)) {
      if (event.eventType === 'ExternalWorkflowExecutionCancelRequested')
        this.cancelRequested(event.attrs.seq);
      return true;
    }
    switch (event.eventType) {
      case 'ChildWorkflowExecutionStarted':
        this.started(event.attrs.seq, event.attrs.runId);
        return true;
      case 'StartChildWorkflowExecutionFailed': {
        const child = this.children.get(event.attrs.seq);
        if (child === undefined) return true;
        const cause = ApplicationFailure.nonRetryable(event.attrs.message, 'WorkflowExecutionAlreadyStarted');
        this.settle(child, () =>
          child.started.reject(this.failure(child, '', 'NON_RETRYABLE_FAILURE', cause)),
        );
        return true;
      }
      case 'ChildWorkflowExecutionCompleted': {
        const child = this.children.get(event.attrs.seq);
        const value =
          event.payload === undefined ? undefined : this.core.converter.fromPayload(event.payload);
        if (child !== undefined) this.settle(child, () => child.result.resolve(value));
        return true;
      }
      case 'ChildWorkflowExecutionFailed':
      case 'ChildWorkflowExecutionCanceled':
      case 'ChildWorkflowExecutionTerminated':
      case 'ChildWorkflowExecutionTimedOut': {
        const child = this.children.get(event.attrs.seq);
        if (child === undefined) return true;
        const failure = this.closeFailure(child, event);
        this.settle(child, () => child.result.reject(failure));
        return true;
      }
      default:
        return false;
    }
  }

  private started(seq: number, runId: string): void {
    const child = this.children.get(seq);
    if (child === undefined) return;
    child.runId = runId;
    const handle: ChildWorkflowHandle = {
      workflowId: child.workflowId,
      firstExecutionRunId: runId,
      result: () => child.result.promise,
      signal: (signal, ...args) => this.external.signal(child.workflowId, undefined, signal, args, true),
    };
    child.started.resolve(handle);
    if (child.cancelWaiting !== undefined) this.cancelChild(child, child.cancelWaiting);
  }

  /** A cancel request reached a child: a WAIT_CANCELLATION_REQUESTED child's result rejects now. */
  private cancelRequested(cancelSeq: number): void {
    for (const child of this.children.values()) {
      if (child.cancelSeq !== cancelSeq || child.cancellationType !== 'WAIT_CANCELLATION_REQUESTED') continue;
      this.settle(child, () =>
        child.result.reject(new CancelledFailure('child workflow cancellation requested')),
      );
    }
  }

  /** The failure a child's close event gives the parent. */
  private closeFailure(child: Child, event: HistoryEvent): ChildWorkflowFailure {
    const runId = child.runId ?? '';
    switch (event.eventType) {
      case 'ChildWorkflowExecutionFailed':
        return this.failure(
          child,
          runId,
          event.attrs.retryState,
          this.core.converter.fromPayload(event.payload!),
        );
      case 'ChildWorkflowExecutionCanceled':
        return this.failure(
          child,
          runId,
          'CANCEL_REQUESTED',
          new CancelledFailure('child workflow cancelled'),
        );
      case 'ChildWorkflowExecutionTerminated':
        return this.failure(
          child,
          runId,
          'NON_RETRYABLE_FAILURE',
          new TerminatedFailure(event.attrs.reason ?? 'terminated'),
        );
      default:
        return this.failure(
          child,
          runId,
          'TIMEOUT',
          new TimeoutFailure('child workflow timed out', 'START_TO_CLOSE'),
        );
    }
  }

  private failure(child: Child, runId: string, retryState: RetryState, cause: unknown): ChildWorkflowFailure {
    return new ChildWorkflowFailure(
      `child workflow '${child.workflowType}' (workflowId '${child.workflowId}') did not complete`,
      child.workflowType,
      child.workflowId,
      runId,
      retryState,
      cause,
    );
  }

  /** Settles a child once: it leaves the map and its scope. */
  private settle(child: Child, how: () => void): void {
    if (child.closed) return;
    child.closed = true;
    child.unlisten();
    this.children.delete(child.seq);
    how();
  }
}

/** Handles to other executions, as `ctx.getExternalWorkflowHandle` gives them. */
export function externalHandle(
  children: ChildWorkflows,
  workflowId: string,
  runId: string | undefined,
): ExternalWorkflowHandle {
  if (typeof workflowId !== 'string' || workflowId === '')
    throw new ValidationError('getExternalWorkflowHandle: workflowId must be a non-empty string');
  return {
    workflowId,
    runId,
    signal: (signal, ...args) => children.external.signal(workflowId, runId, signal, args, false),
    cancel: () => children.external.cancelAndWait(workflowId, runId),
  };
}
