import { ApplicationFailure } from '../common/failures.js';
import type { HistoryEvent } from '../common/history.js';
import type { ChildCore } from './children.js';
import type { SignalDefinition } from './signals.js';

/**
 * A handle to another workflow execution, as Temporal's `ExternalWorkflowHandle`: it can signal
 * the execution or ask it to cancel. Each call is a recorded command.
 */
export interface ExternalWorkflowHandle {
  readonly workflowId: string;
  /** The run addressed; undefined: the execution's current run. */
  readonly runId: string | undefined;
  /**
   * Signals the execution; resolves once the signal is in its inbox.
   * @throws ApplicationFailure of type `ExternalWorkflowExecutionNotFound` when it is unknown or closed.
   */
  signal<Args extends unknown[]>(signal: SignalDefinition<Args> | string, ...args: Args): Promise<void>;
  /**
   * Asks the execution to cancel; resolves once the request is in its inbox (the execution
   * decides what stops, as with a client's cancel).
   * @throws ApplicationFailure of type `ExternalWorkflowExecutionNotFound` when it is unknown or closed.
   */
  cancel(): Promise<void>;
}

interface Waiting {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Signals and cancel requests sent by a run to other executions: the commands
 * (`SignalExternalWorkflowExecutionInitiated`, `RequestCancelExternalWorkflowExecutionInitiated`)
 * and the events that settle them.
 */
export class ExternalMessages {
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly core: ChildCore) {}

  /** Sends a signal; resolves once it was delivered. */
  signal(
    workflowId: string,
    runId: string | undefined,
    signal: SignalDefinition<unknown[]> | string,
    args: unknown[],
    childWorkflowOnly: boolean,
  ): Promise<void> {
    const signalName = typeof signal === 'string' ? signal : signal.name;
    const seq = this.core.nextSeq();
    const scope = this.core.scope();
    if (scope.cancellation !== undefined) return Promise.reject(scope.cancellation);
    const payload = this.core.converter.toPayload(args, `arguments of signal '${signalName}'`);
    const matched = this.core.command(
      {
        kind: 'signalExternalWorkflow',
        seq,
        workflowId,
        ...(runId === undefined ? {} : { runId }),
        signalName,
        payload,
        childWorkflowOnly,
      },
      `SignalExternalWorkflowExecutionInitiated '${signalName}'`,
      (e) => e.eventType === 'SignalExternalWorkflowExecutionInitiated' && e.attrs.signalName === signalName,
    );
    return matched ? this.wait(seq) : new Promise(() => {});
  }

  /** Asks an execution to cancel, without waiting; returns the command's sequence number. */
  requestCancel(workflowId: string, runId: string | undefined, childWorkflowOnly: boolean): number {
    const seq = this.core.nextSeq();
    this.core.command(
      {
        kind: 'requestCancelExternalWorkflow',
        seq,
        workflowId,
        ...(runId === undefined ? {} : { runId }),
        childWorkflowOnly,
      },
      'RequestCancelExternalWorkflowExecutionInitiated',
      (e) => e.eventType === 'RequestCancelExternalWorkflowExecutionInitiated',
    );
    return seq;
  }

  /** Asks an execution to cancel; resolves once the request was delivered. */
  cancelAndWait(workflowId: string, runId: string | undefined): Promise<void> {
    const scope = this.core.scope();
    if (scope.cancellation !== undefined) return Promise.reject(scope.cancellation);
    return this.wait(this.requestCancel(workflowId, runId, false));
  }

  private wait(seq: number): Promise<void> {
    return new Promise<void>((resolve, reject) => this.waiting.set(seq, { resolve, reject }));
  }

  /** Delivers a delivery report; false for any other event. */
  apply(event: HistoryEvent): boolean {
    switch (event.eventType) {
      case 'ExternalWorkflowExecutionSignaled':
      case 'ExternalWorkflowExecutionCancelRequested':
        this.take(event.attrs.seq)?.resolve();
        return true;
      case 'SignalExternalWorkflowExecutionFailed':
      case 'RequestCancelExternalWorkflowExecutionFailed':
        this.take(event.attrs.seq)?.reject(
          ApplicationFailure.nonRetryable(event.attrs.message, 'ExternalWorkflowExecutionNotFound'),
        );
        return true;
      default:
        return false;
    }
  }

  private take(seq: number): Waiting | undefined {
    const w = this.waiting.get(seq);
    this.waiting.delete(seq);
    return w;
  }
}
