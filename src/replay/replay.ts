/**
 * Replay testing, as Temporal's `Worker.runReplayHistory`: runs current workflow code against saved
 * histories, with no store and no worker, and reports where the code no longer makes the decisions
 * the history recorded.
 *
 * @module
 */
import { DataConverter } from '../common/converter.js';
import { NonDeterminismError, ValidationError, WorkflowTypeNotRegisteredError } from '../common/errors.js';
import type { EventOf } from '../common/history.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { Command } from '../runtime/commands.js';
import type { WorkflowDefinition } from '../runtime/definitions.js';
import { resolveContinueAsNewThresholds, type ContinueAsNewThresholds } from '../runtime/continue-as-new.js';
import { watchUnhandledRejections } from '../runtime/unhandled-rejections.js';
import { WorkflowRun } from '../runtime/workflow-run.js';
import { parseSavedHistory, type ReplayableHistory, type SavedHistory } from './history-file.js';

/** Options of {@link replayHistory} and {@link replayHistories}. */
export interface ReplayOptions {
  /**
   * The data converter the history was written with (its codec, if any): payloads are decoded
   * with it.
   * @default new DataConverter() (JSON payloads, no codec)
   */
  dataConverter?: DataConverter;
  /** Where `ctx.logger` writes for code that runs past the history. @default silentLogger */
  logger?: Logger;
  /**
   * The worker option of the same name the history was made under: code that reads
   * `ctx.info.continueAsNewSuggested` replays the same only with the same bounds.
   * @default 10,000 events or 10 MB (the worker's default)
   */
  continueAsNewSuggestedAt?: Partial<ContinueAsNewThresholds>;
}

/** Workflow definitions to replay with: one, or a list (typed ones as `defineWorkflow` makes them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReplayWorkflows = WorkflowDefinition<any, any> | readonly WorkflowDefinition<any, any>[];

/** A history to replay: as `fetchHistory()` returns it, a saved document, or its JSON text. */
export type HistoryInput = ReplayableHistory | SavedHistory | string;

/** The outcome of replaying one history with {@link replayHistories}. */
export interface ReplayResult {
  workflowId: string;
  runId: string;
  /** The workflow type of the history (undefined when the history could not be read). */
  workflowType: string | undefined;
  /**
   * Why the history does not replay: a `NonDeterminismError`, a `WorkflowTypeNotRegisteredError`,
   * a `ValidationError` (not a readable history), or what the workflow code threw.
   */
  error?: Error;
}

/** The close command each code-made close event records. */
const CLOSE_COMMANDS: Readonly<Record<string, Command['kind']>> = {
  WorkflowExecutionCompleted: 'completeWorkflow',
  WorkflowExecutionFailed: 'failWorkflow',
  WorkflowExecutionCanceled: 'cancelWorkflow',
  WorkflowExecutionContinuedAsNew: 'continueAsNew',
};

/** How a command reads in a non-determinism message (the event it would record). */
function describeCommand(c: Command): string {
  switch (c.kind) {
    case 'scheduleActivity':
      return `ActivityTaskScheduled '${c.activityType}'`;
    case 'startTimer':
      return `TimerStarted (${c.durationMs} ms)`;
    case 'recordMarker':
      return `MarkerRecorded '${c.markerName}'`;
    case 'completeWorkflow':
      return 'WorkflowExecutionCompleted';
    case 'failWorkflow':
      return 'WorkflowExecutionFailed';
    case 'cancelWorkflow':
      return 'WorkflowExecutionCanceled';
    case 'continueAsNew':
      return 'WorkflowExecutionContinuedAsNew';
    default:
      return `a ${c.kind} command`;
  }
}

function toHistory(input: HistoryInput): ReplayableHistory {
  if (typeof input === 'string') return parseSavedHistory(input);
  const what = input === null ? 'null' : typeof input;
  if (typeof input !== 'object' || input === null)
    throw new ValidationError(
      `replayHistory: expected a history (what fetchHistory() returns, a saved history or its JSON text), got ${what}`,
    );
  if ('format' in input) return parseSavedHistory(input);
  if (!Array.isArray((input as { events?: unknown }).events))
    throw new ValidationError('replayHistory: expected a history with an events list');
  return input;
}

/**
 * For a history closed by the code (completed, failed, cancelled): the code, once replayed, must
 * have closed the same way and asked for nothing more.
 */
function closeDivergence(
  history: ReplayableHistory,
  type: string,
  commands: Command[],
): NonDeterminismError | undefined {
  const last = history.events[history.events.length - 1]!;
  const expectedKind = CLOSE_COMMANDS[last.eventType];
  if (expectedKind === undefined) return undefined;
  const other = commands.find((c) => c.kind !== expectedKind);
  const closed = commands.some((c) => c.kind === expectedKind);
  if (other === undefined && closed) return undefined;
  const actual = other !== undefined ? describeCommand(other) : 'nothing more (the code is still waiting)';
  return new NonDeterminismError(
    `non-determinism in workflow '${type}' (workflowId '${history.workflowId}') at event ${last.eventId}: the history holds ${last.eventType}, the code asked for ${actual}`,
    last.eventId,
    last.eventType,
    actual,
  );
}

/**
 * Replays one history against current workflow code, as a worker would after a crash, with no
 * store and no worker: activities are not run, their recorded outcomes are delivered.
 *
 * @param workflows - the workflow definitions; the one whose type the history names is run.
 * @param history - as `handle.fetchHistory()` returns it, a saved document, or its JSON text.
 * @throws NonDeterminismError (with the event id, what the history holds and what the code asked
 *   for) when the code diverges from the history: another command, a command the history lacks,
 *   a recorded command never made, or another close.
 * @throws WorkflowTypeNotRegisteredError naming the type and the ones given.
 * @throws ValidationError when `history` is not a readable history; anything the code throws.
 * @example
 * await replayHistory([capturePokemon], JSON.parse(readFileSync('capture.history.json', 'utf8')));
 */
export async function replayHistory(
  workflows: ReplayWorkflows,
  history: HistoryInput,
  options: ReplayOptions = {},
): Promise<void> {
  const h = toHistory(history);
  const started = h.events[0] as EventOf<'WorkflowExecutionStarted'>;
  const type = started.attrs.workflowType;
  const list = (Array.isArray(workflows) ? workflows : [workflows]) as readonly WorkflowDefinition[];
  const definition = list.find((w) => w.name === type);
  if (definition === undefined)
    throw new WorkflowTypeNotRegisteredError(
      `cannot replay workflowId '${h.workflowId}' (runId '${h.runId}'): workflow type '${type}' is not among the workflows given (${list.map((w) => w.name).join(', ') || 'none'})`,
    );
  const run = new WorkflowRun(definition, started, h.runId, {
    converter: options.dataConverter ?? new DataConverter(),
    settle: () => new Promise((resolve) => setImmediate(resolve)),
    logger: options.logger ?? silentLogger,
    continueAsNewThresholds: resolveContinueAsNewThresholds(options.continueAsNewSuggestedAt),
  });
  const unwatch = watchUnhandledRejections();
  try {
    await run.replay(h.events);
  } finally {
    unwatch();
  }
  if (run.taskFailure !== undefined) throw run.taskFailure;
  const divergence = closeDivergence(h, type, run.takeCommands());
  if (divergence !== undefined) throw divergence;
}

/**
 * Replays several histories (see {@link replayHistory}), one after the other, and reports one
 * result per history, in order, instead of stopping at the first that fails.
 *
 * @example
 * const results = await replayHistories([capturePokemon, capturePokemonSaga], histories);
 * const failed = results.filter((r) => r.error !== undefined);
 */
export async function replayHistories(
  workflows: ReplayWorkflows,
  histories: Iterable<HistoryInput>,
  options: ReplayOptions = {},
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const input of histories) {
    let h: ReplayableHistory | undefined;
    try {
      h = toHistory(input);
      await replayHistory(workflows, h, options);
      results.push({ workflowId: h.workflowId, runId: h.runId, workflowType: typeOf(h) });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      results.push({
        workflowId: h?.workflowId ?? '',
        runId: h?.runId ?? '',
        workflowType: h && typeOf(h),
        error,
      });
    }
  }
  return results;
}

function typeOf(h: ReplayableHistory): string | undefined {
  const first = h.events[0];
  return first?.eventType === 'WorkflowExecutionStarted' ? first.attrs.workflowType : undefined;
}
