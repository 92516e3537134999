import type { ParentLink } from '../common/child-events.js';
import {
  LeaseLostError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '../common/errors.js';
import { HISTORY_VERSION, type EventOf, type HistoryEvent } from '../common/history.js';
import { newId, newTimeOrderedId } from '../common/ids.js';
import type { CloseLinks, InboxRecord, OutgoingRequest } from '../store/types.js';
import { BATON_VERSION } from '../version.js';
import type { WorkerServices } from './services.js';

type Initiated =
  | EventOf<'StartChildWorkflowExecutionInitiated'>
  | EventOf<'SignalExternalWorkflowExecutionInitiated'>
  | EventOf<'RequestCancelExternalWorkflowExecutionInitiated'>;

/** A start, signal or cancel request the store refused; the owner records it as a `…Failed` event. */
export interface ChildSendFailure {
  initiated: Initiated;
  message: string;
}

/** Event types that settle an `…Initiated` event (its `initiatedEventId`). */
const SETTLING: ReadonlySet<string> = new Set([
  'ChildWorkflowExecutionStarted',
  'StartChildWorkflowExecutionFailed',
  'ExternalWorkflowExecutionSignaled',
  'SignalExternalWorkflowExecutionFailed',
  'ExternalWorkflowExecutionCancelRequested',
  'RequestCancelExternalWorkflowExecutionFailed',
]);
const RECEIPTS: ReadonlySet<string> = new Set([
  'childStarted',
  'externalSignaled',
  'externalCancelRequested',
]);
const MAX_SEND_ATTEMPTS = 5;
const RETRY_MS = 500;

/** The execution sending, as the worker holds it. */
export interface SenderSelf {
  workflowId: string;
  runId: string;
  taskQueue: string;
  epoch: number;
  started: EventOf<'WorkflowExecutionStarted'>;
}

/**
 * Sends what a run's child workflow commands ask for (start a child, signal or cancel another
 * execution), once their `…Initiated` event is durable; the store puts a receipt in this run's
 * inbox, or the refusal comes back through `onFailed`. After a claim, {@link recover} sends again
 * what was initiated and neither settled nor receipted (the store fences a previous owner out).
 */
export class ChildSender {
  private mayHaveChildren = false;

  constructor(
    private readonly services: WorkerServices,
    private readonly self: SenderSelf,
    private readonly onFailed: (failure: ChildSendFailure) => void,
  ) {}

  /** A child was initiated in this run. */
  initiated(): void {
    this.mayHaveChildren = true;
  }

  /** The hints of a closing write (its parent, whether it may have open children). */
  /** Notes from the history whether the run started children (its close must reach them). */
  markChildren(history: readonly HistoryEvent[]): void {
    if (history.some((e) => e.eventType === 'StartChildWorkflowExecutionInitiated'))
      this.mayHaveChildren = true;
  }

  closeLinks(): CloseLinks | undefined {
    const parent = this.self.started.attrs.parent;
    if (parent === undefined && !this.mayHaveChildren) return undefined;
    return { ...(parent === undefined ? {} : { parent }), openChildren: this.mayHaveChildren };
  }

  startChild(initiated: EventOf<'StartChildWorkflowExecutionInitiated'>): void {
    const a = initiated.attrs;
    const nowMs = this.services.clock.nowMs();
    const parent: ParentLink = {
      workflowId: this.self.workflowId,
      runId: this.self.runId,
      taskQueue: this.self.taskQueue,
      initiatedEventId: initiated.eventId,
      seq: a.seq,
      parentClosePolicy: a.parentClosePolicy,
    };
    const startEvent: HistoryEvent = {
      eventId: 1,
      eventType: 'WorkflowExecutionStarted',
      timeMs: nowMs,
      attrs: {
        workflowType: a.workflowType,
        workflowId: a.workflowId,
        taskQueue: a.taskQueue,
        attempt: 1,
        randomSeed: newId(),
        historyVersion: HISTORY_VERSION,
        batonVersion: BATON_VERSION,
        ...(a.executionTimeoutMs === undefined ? {} : { executionTimeoutMs: a.executionTimeoutMs }),
        ...(a.runTimeoutMs === undefined ? {} : { runTimeoutMs: a.runTimeoutMs }),
        ...(a.retry === undefined ? {} : { retry: a.retry }),
        parent,
      },
      payload: initiated.payload,
    };
    const start = {
      workflowId: a.workflowId,
      runId: newTimeOrderedId(),
      workflowType: a.workflowType,
      taskQueue: a.taskQueue,
      reusePolicy: a.workflowIdReusePolicy,
      startEvent,
      nowMs,
      parent,
    };
    this.send(initiated, { kind: 'startChild', from: this.from(), start }, 1);
  }

  signal(initiated: EventOf<'SignalExternalWorkflowExecutionInitiated'>): void {
    const a = initiated.attrs;
    const signal = {
      workflowId: a.workflowId,
      runId: a.runId,
      signalName: a.signalName,
      payload: initiated.payload!,
      nowMs: this.services.clock.nowMs(),
    };
    const ids = { seq: a.seq, initiatedEventId: initiated.eventId };
    this.send(initiated, { kind: 'signal', from: this.from(), ...ids, signal }, 1);
  }

  cancel(initiated: EventOf<'RequestCancelExternalWorkflowExecutionInitiated'>): void {
    const a = initiated.attrs;
    const req: OutgoingRequest = {
      kind: 'cancel',
      from: this.from(),
      seq: a.seq,
      initiatedEventId: initiated.eventId,
      workflowId: a.workflowId,
      runId: a.runId,
      reason: `cancellation requested by workflow '${this.self.workflowId}'`,
      nowMs: this.services.clock.nowMs(),
    };
    this.send(initiated, req, 1);
  }

  /** After a claim: sends again what was initiated and is neither settled nor receipted. */
  recover(history: readonly HistoryEvent[], inbox: readonly InboxRecord[]): void {
    this.markChildren(history);
    const settled = new Set<number>();
    for (const e of history)
      if (SETTLING.has(e.eventType)) settled.add((e.attrs as { initiatedEventId: number }).initiatedEventId);
    for (const r of inbox) if (RECEIPTS.has(r.kind)) settled.add(Number(r.attrs.initiatedEventId));
    for (const e of history) {
      if (settled.has(e.eventId)) continue;
      if (e.eventType === 'StartChildWorkflowExecutionInitiated') this.startChild(e);
      else if (e.eventType === 'SignalExternalWorkflowExecutionInitiated') this.signal(e);
      else if (e.eventType === 'RequestCancelExternalWorkflowExecutionInitiated') this.cancel(e);
    }
  }

  private from(): OutgoingRequest['from'] {
    return { runId: this.self.runId, workerId: this.services.identity, epoch: this.self.epoch };
  }

  private send(initiated: Initiated, req: OutgoingRequest, attempt: number): void {
    this.services.store.sendFromWorkflow(req).catch((err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError || err instanceof WorkflowNotFoundError) {
        this.onFailed({ initiated, message: err.message });
      } else if (!(err instanceof LeaseLostError)) {
        // Not sent: tried again a few times; past that, the next owner's recovery sends it.
        this.services.logger.warn('could not send a child workflow request', {
          workflowId: this.self.workflowId,
          runId: this.self.runId,
          request: req.kind,
          attempt,
          error: (err as Error).message,
        });
        if (attempt < MAX_SEND_ATTEMPTS)
          this.services.clock.setTimer(() => this.send(initiated, req, attempt + 1), RETRY_MS * attempt);
      }
    });
  }
}
