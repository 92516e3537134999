/**
 * What the workflow context ({@link WorkflowContext}) knows of its execution and asks of the
 * engine: the execution's info, and the host the replay state machine implements.
 */
import type { ActivityOptions } from '../common/activity-options.js';
import type { Logger } from '../common/logger.js';
import type { ChildWorkflows } from './children.js';
import type { QueryHandler } from './queries.js';
import type { ScopeHandle } from './scopes.js';
import type { SignalHandler } from './signals.js';
import type { RegisteredUpdate } from './updates.js';

/** What a workflow knows about its own execution, as Temporal's `WorkflowInfo`. */
export interface WorkflowInfo {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly taskQueue: string;
  /** Attempt of this run, starting at 1. */
  readonly attempt: number;
  /** When the execution started (its `WorkflowExecutionStarted` event). */
  readonly startTime: Date;
  /** On a run started by continue-as-new: the run it continued from. */
  readonly continuedFromRunId: string | undefined;
  /** Events in this run's history through the event being processed (deterministic). */
  readonly historyLength: number;
  /** Bytes of this run's history through the event being processed: its payloads as stored plus 128 bytes per event (type and attributes). */
  readonly historySizeBytes: number;
  /**
   * True once the history is past the worker's `continueAsNewSuggestedAt` (default 10,000 events
   * or 10 MB): time to call `ctx.continueAsNew()`, as Temporal's.
   */
  readonly continueAsNewSuggested: boolean;
}

/** The engine side of the context: implemented by the replay state machine. */
export interface ContextHost {
  readonly info: WorkflowInfo;
  readonly logger: Logger;
  nowMs(): number;
  random(): number;
  uuid(): string;
  scheduleActivity(activityType: string, args: unknown[], options: ActivityOptions): Promise<unknown>;
  sleep(durationMs: number): Promise<void>;
  condition(fn: () => boolean, timeoutMs: number | undefined): Promise<boolean>;
  setSignalHandler(name: string, handler: SignalHandler<unknown[]> | undefined): void;
  setQueryHandler(name: string, handler: QueryHandler<unknown, unknown[]> | undefined): void;
  setUpdateHandler(name: string, update: RegisteredUpdate | undefined): void;
  upsertSearchAttributes(searchAttributes: Record<string, string | number | boolean>): void;
  recordMarker(markerName: string, details: unknown): void;
  /** `ctx.patched(id)` (deprecated: false) and `ctx.deprecatePatch(id)` (true); see runtime/patches.ts. */
  patched(patchId: string, deprecated: boolean): boolean;
  inScope<T>(cancellable: boolean, fn: (scope: ScopeHandle) => Promise<T>): Promise<T>;
  withTimeout<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T>;
  /** Child workflows and messages to other executions (runtime/children.ts). */
  readonly children: ChildWorkflows;
}
