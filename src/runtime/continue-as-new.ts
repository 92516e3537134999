import type { DataConverter, Payload } from '../common/converter.js';
import { ValidationError } from '../common/errors.js';
import { failurePayload } from '../common/failure-payload.js';
import { ApplicationFailure } from '../common/failures.js';
import type { HistoryEvent } from '../common/history.js';
import type { Command } from './commands.js';
import type { WorkflowDefinition } from './definitions.js';

/**
 * Continue-as-new, as Temporal's: the workflow closes its run (`WorkflowExecutionContinuedAsNew`)
 * and a new run of the same workflowId starts with a fresh history, in one store transaction.
 * See docs/continue-as-new.md.
 */

/** Options of a continue-as-new, as Temporal's `ContinueAsNewOptions`. Unset fields keep the current run's. */
export interface ContinueAsNewOptions {
  /** The workflow type of the new run (a name or a definition). @default this run's */
  workflowType?: string | WorkflowDefinition<never[], unknown>;
  /** The task queue of the new run. @default this run's */
  taskQueue?: string;
  /** The memo of the new run (replaces it). @default this run's memo, kept as it is */
  memo?: Record<string, unknown>;
}

/**
 * What `ctx.continueAsNew()` throws, as Temporal's `ContinueAsNew` error: let it escape the
 * workflow function (or a signal handler). A `catch` that swallows it cancels the continue-as-new;
 * rethrow it from a catch-all.
 */
export class ContinueAsNew extends Error {
  override readonly name = 'ContinueAsNew';

  constructor(
    /** The arguments of the new run. */
    readonly args: unknown[],
    readonly options: Readonly<ContinueAsNewOptions>,
  ) {
    super('workflow continues as new');
  }
}

/**
 * Checks options of a continue-as-new and freezes a copy.
 * @throws ValidationError naming the field.
 */
export function checkContinueAsNewOptions(options: ContinueAsNewOptions): Readonly<ContinueAsNewOptions> {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('continueAsNew options: expected an object');
  const { workflowType, taskQueue, memo } = options;
  const typeName = typeof workflowType === 'object' ? workflowType?.name : workflowType;
  if (typeName !== undefined && (typeof typeName !== 'string' || typeName === ''))
    throw new ValidationError(
      'continueAsNew workflowType: expected a non-empty string or a workflow definition',
    );
  if (taskQueue !== undefined && (typeof taskQueue !== 'string' || taskQueue === ''))
    throw new ValidationError('continueAsNew taskQueue: expected a non-empty string');
  if (memo !== undefined && (typeof memo !== 'object' || memo === null || Array.isArray(memo)))
    throw new ValidationError('continueAsNew memo: expected an object');
  return Object.freeze({ ...options });
}

/**
 * The `continueAsNew` command of a caught {@link ContinueAsNew}; its values go through the data
 * converter. When they cannot be stored, the workflow fails instead (a non-retryable
 * `ApplicationFailure` naming what was refused), as a result that cannot be stored does.
 */
export function continueAsNewCommand(
  err: ContinueAsNew,
  converter: DataConverter,
  current: { workflowType: string; taskQueue: string },
): Command {
  const o = err.options;
  const workflowType =
    (typeof o.workflowType === 'object' ? o.workflowType.name : o.workflowType) ?? current.workflowType;
  try {
    const payload = converter.toPayload(err.args, `arguments of the new run of workflow '${workflowType}'`);
    const memo: Payload | undefined =
      o.memo === undefined ? undefined : converter.toPayload(o.memo, 'memo of the new run');
    return {
      kind: 'continueAsNew',
      workflowType,
      taskQueue: o.taskQueue ?? current.taskQueue,
      payload,
      ...(memo === undefined ? {} : { memo }),
    };
  } catch (e) {
    const failure = ApplicationFailure.create({
      message: (e as Error).message,
      type: (e as Error).name,
      nonRetryable: true,
    });
    const what = `failure of workflow '${current.workflowType}'`;
    return { kind: 'failWorkflow', payload: failurePayload(converter, failure, what) };
  }
}

/** When a run's `continueAsNewSuggested` turns true: past either bound. */
export interface ContinueAsNewThresholds {
  /** Events in the history. @default 10_000 */
  readonly historyLength: number;
  /** Bytes of the history (payloads as stored plus 128 per event). @default 10 MB (10 × 1024 × 1024) */
  readonly historySizeBytes: number;
}

/** Temporal's suggestion bounds: 10,000 events or 10 MB. */
export const DEFAULT_CONTINUE_AS_NEW_THRESHOLDS: ContinueAsNewThresholds = Object.freeze({
  historyLength: 10_000,
  historySizeBytes: 10 * 1024 * 1024,
});

/**
 * Resolves the worker option `continueAsNewSuggestedAt`.
 * @throws ValidationError naming the field when a bound is not an integer ≥ 1.
 */
export function resolveContinueAsNewThresholds(
  o: Partial<ContinueAsNewThresholds> | undefined,
): ContinueAsNewThresholds {
  const out = { ...DEFAULT_CONTINUE_AS_NEW_THRESHOLDS, ...o };
  for (const key of ['historyLength', 'historySizeBytes'] as const) {
    const v = out[key];
    if (!Number.isInteger(v) || v < 1)
      throw new ValidationError(`continueAsNewSuggestedAt.${key}: expected an integer ≥ 1, got ${String(v)}`);
  }
  return Object.freeze(out);
}

/** UTF-8 length of a string, without encoding it (Node's native count: the hot path calls it per event). */
function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** What an event's type and attributes count for in `historySizeBytes`, in bytes (a fixed estimate). */
export const EVENT_OVERHEAD_BYTES = 128;

/**
 * The size an event counts for in `historySizeBytes`: its payload as stored plus a fixed
 * {@link EVENT_OVERHEAD_BYTES} for its type and attributes (a pure function of the stored event,
 * so a replay counts the same). Payloads are what makes histories large; counting the attributes
 * exactly would serialise every event once more on the hot path, for a few percent of the total.
 */
export function eventSizeBytes(event: HistoryEvent): number {
  const p = event.payload;
  return EVENT_OVERHEAD_BYTES + (p === undefined ? 0 : typeof p === 'string' ? utf8Length(p) : p.byteLength);
}

/**
 * The history as the workflow code sees it at the event being processed: its length and size,
 * and whether continue-as-new is suggested. The same on the first run and on replay.
 */
export class HistoryStats {
  length = 0;
  sizeBytes = 0;

  constructor(private readonly thresholds: ContinueAsNewThresholds = DEFAULT_CONTINUE_AS_NEW_THRESHOLDS) {}

  /** Counts one more event of the history. */
  add(event: HistoryEvent): void {
    this.length = event.eventId;
    this.sizeBytes += eventSizeBytes(event);
  }

  /** A new event being delivered; `totalBytes` is the size of the history through it, when known. */
  reach(event: HistoryEvent, totalBytes: number | undefined): void {
    if (totalBytes === undefined) return this.add(event);
    this.length = event.eventId;
    this.sizeBytes = totalBytes;
  }

  get suggested(): boolean {
    return this.length >= this.thresholds.historyLength || this.sizeBytes >= this.thresholds.historySizeBytes;
  }
}
