/**
 * The saved-history format: one execution's event history as a JSON document, for replay tests
 * (`replayHistory`, `baton replay`) and for bug reports. See docs/replay.md.
 *
 * ```json
 * {
 *   "format": "baton.history",
 *   "formatVersion": 1,
 *   "workflowId": "capture-1",
 *   "runId": "…",
 *   "workflowType": "CapturePokemon",
 *   "events": [
 *     { "eventId": 1, "eventType": "WorkflowExecutionStarted", "timeMs": 1767225600000,
 *       "attrs": { … }, "payload": "[{\"name\":\"Sacha\"}]" }
 *   ]
 * }
 * ```
 *
 * Payloads are kept exactly as the store keeps them: a JSON payload as its text (a string), a
 * payload the codec made into bytes as `{ "base64": "…" }`. Replaying a history saved with a
 * codec needs the same codec.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { ValidationError } from '../common/errors.js';
import type { Payload } from '../common/converter.js';
import type { EventAttributes, HistoryEvent } from '../common/history.js';

/** The `format` field of a saved history. */
export const HISTORY_FILE_FORMAT = 'baton.history';
/** The `formatVersion` this Baton writes; it reads every version up to this one. */
export const HISTORY_FILE_VERSION = 1;

/**
 * An event history in memory, as `handle.fetchHistory()` returns it (the client's
 * `WorkflowHistory` has this shape).
 */
export interface ReplayableHistory {
  workflowId: string;
  runId: string;
  /** In order, from event 1 (`WorkflowExecutionStarted`), payloads as stored. */
  events: HistoryEvent[];
}

/** A payload in a saved history: JSON text, or the codec's bytes in base64. */
export type SavedPayload = string | { base64: string };

/** One event in a saved history. */
export interface SavedEvent {
  eventId: number;
  eventType: string;
  /** Epoch milliseconds when the event was recorded. */
  timeMs: number;
  attrs: Record<string, unknown>;
  payload?: SavedPayload;
}

/** A saved history: the JSON document {@link historyToJson} writes. */
export interface SavedHistory {
  format: typeof HISTORY_FILE_FORMAT;
  formatVersion: number;
  workflowId: string;
  runId: string;
  /** The workflow type (also in event 1), for people reading the file. */
  workflowType: string;
  events: SavedEvent[];
}

/** Every event type, as a record so that a new event type that is not listed fails to compile. */
const KNOWN_EVENT_TYPES: Record<keyof EventAttributes, true> = {
  WorkflowExecutionStarted: true,
  ActivityTaskScheduled: true,
  ActivityTaskStarted: true,
  ActivityTaskCompleted: true,
  ActivityTaskFailed: true,
  ActivityTaskTimedOut: true,
  ActivityTaskCancelRequested: true,
  ActivityTaskCanceled: true,
  TimerStarted: true,
  TimerFired: true,
  TimerCanceled: true,
  WorkflowExecutionSignaled: true,
  WorkflowExecutionUpdateAccepted: true,
  WorkflowExecutionUpdateCompleted: true,
  UpsertWorkflowSearchAttributes: true,
  MarkerRecorded: true,
  StartChildWorkflowExecutionInitiated: true,
  StartChildWorkflowExecutionFailed: true,
  ChildWorkflowExecutionStarted: true,
  ChildWorkflowExecutionCompleted: true,
  ChildWorkflowExecutionFailed: true,
  ChildWorkflowExecutionCanceled: true,
  ChildWorkflowExecutionTerminated: true,
  ChildWorkflowExecutionTimedOut: true,
  SignalExternalWorkflowExecutionInitiated: true,
  ExternalWorkflowExecutionSignaled: true,
  SignalExternalWorkflowExecutionFailed: true,
  RequestCancelExternalWorkflowExecutionInitiated: true,
  ExternalWorkflowExecutionCancelRequested: true,
  RequestCancelExternalWorkflowExecutionFailed: true,
  WorkflowExecutionTimedOut: true,
  WorkflowExecutionCancelRequested: true,
  WorkflowExecutionCompleted: true,
  WorkflowExecutionFailed: true,
  WorkflowExecutionCanceled: true,
  WorkflowExecutionTerminated: true,
  WorkflowExecutionContinuedAsNew: true,
};
const EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(KNOWN_EVENT_TYPES));

function savePayload(payload: Payload): SavedPayload {
  return typeof payload === 'string' ? payload : { base64: Buffer.from(payload).toString('base64') };
}

/**
 * A history as the saved document (a plain object, ready for `JSON.stringify`).
 *
 * @throws ValidationError when the history is empty or does not start with `WorkflowExecutionStarted`.
 * @example
 * const saved = toSavedHistory(await handle.fetchHistory());
 */
export function toSavedHistory(history: ReplayableHistory): SavedHistory {
  const first = history.events[0];
  if (first?.eventType !== 'WorkflowExecutionStarted')
    throw new ValidationError(
      `history of workflowId '${history.workflowId}' (runId '${history.runId}'): expected event 1 to be WorkflowExecutionStarted, got ${first?.eventType ?? 'no events'}`,
    );
  return {
    format: HISTORY_FILE_FORMAT,
    formatVersion: HISTORY_FILE_VERSION,
    workflowId: history.workflowId,
    runId: history.runId,
    workflowType: first.attrs.workflowType,
    events: history.events.map((e) => ({
      eventId: e.eventId,
      eventType: e.eventType,
      timeMs: e.timeMs,
      attrs: e.attrs as Record<string, unknown>,
      ...(e.payload === undefined ? {} : { payload: savePayload(e.payload) }),
    })),
  };
}

/**
 * A history as the text of a saved-history file: JSON, two-space indented, newline-terminated.
 *
 * @throws ValidationError as {@link toSavedHistory}.
 * @example
 * writeFileSync('capture.history.json', historyToJson(await handle.fetchHistory()));
 */
export function historyToJson(history: ReplayableHistory): string {
  return `${JSON.stringify(toSavedHistory(history), null, 2)}\n`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads one saved event; `where` names it in errors. */
function readEvent(v: unknown, index: number, where: string): HistoryEvent {
  const at = `${where}: events[${index}]`;
  if (!isObject(v)) throw new ValidationError(`${at}: expected an object`);
  const { eventId, eventType, timeMs, attrs, payload } = v;
  if (eventId !== index + 1)
    throw new ValidationError(
      `${at}: expected eventId ${index + 1} (ids start at 1, no gaps), got ${JSON.stringify(eventId)}`,
    );
  if (typeof eventType !== 'string' || !EVENT_TYPES.has(eventType))
    throw new ValidationError(`${at}: unknown eventType ${JSON.stringify(eventType)}`);
  if (typeof timeMs !== 'number' || !Number.isFinite(timeMs))
    throw new ValidationError(
      `${at}: expected timeMs to be epoch milliseconds, got ${JSON.stringify(timeMs)}`,
    );
  if (!isObject(attrs)) throw new ValidationError(`${at}: expected attrs to be an object`);
  const event = { eventId, eventType, timeMs, attrs } as HistoryEvent;
  if (typeof payload === 'string') event.payload = payload;
  else if (isObject(payload) && typeof payload.base64 === 'string')
    event.payload = new Uint8Array(Buffer.from(payload.base64, 'base64'));
  else if (payload !== undefined)
    throw new ValidationError(`${at}: expected payload to be JSON text or { "base64": "…" }`);
  return event;
}

/**
 * Reads a saved history (the parsed document or its text) back into events with payloads as
 * stored.
 *
 * @param source - names the history in errors, e.g. its file name. @default 'history'
 * @throws ValidationError naming `source` and the field: not JSON, not a `baton.history`
 *   document, a newer `formatVersion`, or a malformed event.
 * @example
 * const history = parseSavedHistory(readFileSync(file, 'utf8'), file);
 */
export function parseSavedHistory(input: unknown, source = 'history'): ReplayableHistory {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (err) {
      throw new ValidationError(`${source}: not JSON (${(err as Error).message})`);
    }
  }
  if (!isObject(doc) || doc.format !== HISTORY_FILE_FORMAT)
    throw new ValidationError(`${source}: expected a saved history ("format": "${HISTORY_FILE_FORMAT}")`);
  const version = doc.formatVersion;
  if (
    typeof version !== 'number' ||
    !Number.isInteger(version) ||
    version < 1 ||
    version > HISTORY_FILE_VERSION
  )
    throw new ValidationError(
      `${source}: formatVersion ${JSON.stringify(version)} is not one this Baton reads (1 to ${HISTORY_FILE_VERSION})`,
    );
  const { workflowId, runId, events } = doc;
  if (typeof workflowId !== 'string' || typeof runId !== 'string')
    throw new ValidationError(`${source}: expected workflowId and runId to be strings`);
  if (!Array.isArray(events) || events.length === 0)
    throw new ValidationError(`${source}: expected events to be a non-empty array`);
  const read = events.map((e, i) => readEvent(e, i, source));
  if (read[0]!.eventType !== 'WorkflowExecutionStarted')
    throw new ValidationError(
      `${source}: expected event 1 to be WorkflowExecutionStarted, got ${read[0]!.eventType}`,
    );
  return { workflowId, runId, events: read };
}
