/**
 * How a run ends: the workflow function returned (completeWorkflow), threw a failure
 * (failWorkflow), was cancelled (cancelWorkflow), continued as new, or hit a bug (the workflow
 * task fails, nothing is closed). Shared by {@link WorkflowRun}; pure, no I/O.
 */
import type { DataConverter, Payload } from '../common/converter.js';
import { failurePayload } from '../common/failure-payload.js';
import { ApplicationFailure, BatonFailure } from '../common/failures.js';
import { isCancellation } from './cancellation.js';
import type { WorkflowInfo } from './context-host.js';
import { ContinueAsNew, continueAsNewCommand } from './continue-as-new.js';
import { RunCore } from './run-core.js';

/** A run's closing steps, over the command bookkeeping of {@link RunCore}. */
export abstract class RunOutcome extends RunCore {
  /** The data converter results and failures are encoded with. */
  protected abstract get converter(): DataConverter;
  /** The run's info (its workflow type names what failed to encode). */
  abstract get info(): WorkflowInfo;

  /** Runs a close step; anything it throws fails the workflow task instead of escaping. */
  protected guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.closed = false;
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  protected onReturn(result: unknown): void {
    if (this.closed || this.taskFailure !== undefined) return;
    this.closed = true;
    try {
      const payload = this.converter.toPayload(result, `result of workflow '${this.info.workflowType}'`);
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

  protected onThrow(err: unknown): void {
    if (this.closed || this.taskFailure !== undefined) return;
    if (this.root.cancelRequested && isCancellation(err)) {
      this.closed = true;
      this.commands.push({ kind: 'cancelWorkflow' });
    } else if (err instanceof ContinueAsNew) {
      this.closed = true;
      this.commands.push(continueAsNewCommand(err, this.converter, this.info));
    } else if (err instanceof BatonFailure) {
      this.closed = true;
      this.commands.push({ kind: 'failWorkflow', payload: this.encodeFailure(err) });
    } else {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  protected encodeFailure(failure: BatonFailure): Payload {
    return failurePayload(this.converter, failure, `failure of workflow '${this.info.workflowType}'`);
  }
}
