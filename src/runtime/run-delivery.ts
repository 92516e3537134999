/**
 * Delivery to the workflow code: events resolve its pending calls, and signals, updates and
 * queries reach the handlers it set. A layer of {@link WorkflowRun}; pure, no I/O.
 */
import type { Payload } from '../common/converter.js';
import { ApplicationFailure, BatonFailure, CancelledFailure } from '../common/failures.js';
import type { HistoryEvent } from '../common/history.js';
import { isChildResolution, type ChildWorkflows } from './children.js';
import { MessageHandlers } from './message-handlers.js';
import type { QueryHandler } from './queries.js';
import { RunOutcome } from './run-outcome.js';
import { runIn } from './scopes.js';
import type { SignalHandler } from './signals.js';
import type { RegisteredUpdate } from './updates.js';

/** True for events delivered to the workflow code (they resolve something). */
export function isResolution(event: HistoryEvent): boolean {
  switch (event.eventType) {
    case 'ActivityTaskCompleted':
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut':
    case 'ActivityTaskCanceled':
    case 'TimerFired':
    case 'WorkflowExecutionSignaled':
    case 'WorkflowExecutionUpdateAccepted':
    case 'WorkflowExecutionCancelRequested':
      return true;
    default:
      return isChildResolution(event);
  }
}

/** A run's delivery of events and messages to its code, over {@link RunOutcome}. */
export abstract class RunDelivery extends RunOutcome {
  private readonly handlers = new MessageHandlers((handler, args) => this.runHandler(handler, args));
  /** Child workflows and messages to other executions (`ctx.startChild`, external handles). */
  abstract readonly children: ChildWorkflows;

  /** Delivers an event without letting the code run; call `settle` (or `WorkflowRun.deliver`) after. */
  apply(event: HistoryEvent): void {
    this.currentTimeMs = event.timeMs;
    switch (event.eventType) {
      case 'ActivityTaskCompleted': {
        const call = this.take(event.attrs.seq);
        call?.resolve(event.payload === undefined ? undefined : this.converter.fromPayload(event.payload));
        return;
      }
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut': {
        const call = this.take(event.attrs.seq);
        call?.reject(this.converter.fromPayload(event.payload!));
        return;
      }
      case 'TimerFired':
        this.take(event.attrs.seq)?.resolve(undefined);
        return;
      case 'WorkflowExecutionSignaled':
        this.handlers.signals.deliver(
          event.attrs.signalName,
          this.converter.fromPayload<unknown[]>(event.payload!),
        );
        return;
      case 'ActivityTaskCanceled': {
        const call = this.take(event.attrs.seq);
        call?.reject(this.cancelledActivity(call.label, event.attrs.seq, 'activity cancelled'));
        return;
      }
      case 'WorkflowExecutionUpdateAccepted':
        this.runUpdate(
          event.attrs.updateId,
          event.attrs.updateName,
          this.converter.fromPayload<unknown[]>(event.payload!),
        );
        return;
      case 'WorkflowExecutionCancelRequested':
        this.root.cancel(new CancelledFailure(event.attrs.reason));
        return;
      default:
        this.children.apply(event);
        return;
    }
  }

  setSignalHandler(name: string, handler: SignalHandler<unknown[]> | undefined): void {
    this.handlers.signals.setHandler(name, handler);
  }

  setUpdateHandler(name: string, update: RegisteredUpdate | undefined): void {
    this.handlers.setUpdate(name, update);
  }

  /**
   * Runs an update's validator against the current state (on the first run only; a replay skips
   * it, as the history says it was accepted). Returns the rejection, or undefined to accept.
   */
  validateUpdate(name: string, args: unknown[]): Error | undefined {
    return this.handlers.validateUpdate(name, args);
  }

  /** Runs an accepted update's handler; its outcome becomes a completeUpdate command. */
  private runUpdate(updateId: string, name: string, args: unknown[]): void {
    const update = this.handlers.update(name);
    const complete = (payload: Payload, failed: boolean): void => {
      if (this.closed || this.taskFailure !== undefined || this.log.takeUpdateCompletion(updateId)) return;
      this.commands.push({ kind: 'completeUpdate', updateId, payload, failed });
    };
    const run = async (): Promise<unknown> => {
      if (update === undefined)
        throw ApplicationFailure.nonRetryable(`update '${name}' has no handler`, 'UpdateNotRegistered');
      return update.handler(...args);
    };
    void runIn(this.root, () =>
      run().then(
        (result) =>
          this.guard(() => complete(this.converter.toPayload(result, `result of update '${name}'`), false)),
        (err: unknown) =>
          this.guard(() => {
            if (!(err instanceof BatonFailure)) throw err;
            complete(this.encodeFailure(err), true);
          }),
      ),
    );
  }

  setQueryHandler(name: string, handler: QueryHandler<unknown, unknown[]> | undefined): void {
    this.handlers.setQuery(name, handler);
  }

  /** Answers a query from the workflow's current state. @throws as {@link MessageHandlers.query} */
  query(name: string, args: unknown[]): unknown {
    return this.handlers.query(name, args);
  }

  /** Runs a signal handler; what it throws is handled like what the workflow function throws. */
  private runHandler(handler: SignalHandler<unknown[]>, args: unknown[]): void {
    const run = async (): Promise<void> => handler(...args);
    void runIn(this.root, () => run().catch((err: unknown) => this.guard(() => this.onThrow(err))));
  }
}
