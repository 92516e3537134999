/**
 * The JSON shapes of Baton's HTTP API (`/api/…`), shared by the server (src/server/) and the web UI
 * (src/ui/). Types only: no runtime code, so the UI bundle imports it freely.
 *
 * Conventions: times are ISO-8601 strings (UTC); durations are milliseconds; payloads (inputs,
 * results, signal arguments, event payloads) are the values the data converter decoded, as JSON;
 * an argument list is a JSON array with one element per argument (as Temporal's `--input`, one per
 * argument). Every error response is {@link ApiError} with a status from one table
 * (src/server/errors.ts): 400 validation, 401 no or wrong token, 404 unknown execution or topic,
 * 409 already started / not running, 413 body too large, 422 query or update failed in the
 * workflow, 504 no worker answered in time, 500 anything else; also 403 (a write from another
 * origin, or a foreign `Host` on a server without token) and 415 (a body that is not JSON).
 */

/** The status of a workflow execution (the store's words). */
export type ApiExecutionStatus =
  'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'TIMED_OUT' | 'CONTINUED_AS_NEW';

/** Every error response body. */
export interface ApiError {
  error: {
    /** Stable machine code, e.g. `NOT_FOUND`, `VALIDATION`, `ALREADY_STARTED`, `UNAUTHORIZED`. */
    code: string;
    /** One line for people, naming what was wrong and what was expected. */
    message: string;
    /** For validation errors: where (`body.workflowType`, `query.limit`) and what. */
    issues?: { path: string; message: string }[];
  };
}

/** A failure and its cause chain, as the UI and `--json` show it. */
export interface ApiFailure {
  /** The error class: `ApplicationFailure`, `ActivityFailure`, `CancelledFailure`, … */
  name: string;
  message: string;
  /** ApplicationFailure's type. */
  type?: string;
  nonRetryable?: boolean;
  activityType?: string;
  attempt?: number;
  retryState?: string;
  timeoutType?: string;
  details?: unknown[];
  stack?: string;
  cause?: ApiFailure;
}

/** One row of the executions list. */
export interface ApiExecutionSummary {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  status: ApiExecutionStatus;
  startTime: string;
  closeTime: string | null;
  /** Number of events in its history. */
  historyLength: number;
}

/** `GET /api/executions?status=&type=&q=&startedAfter=&startedBefore=&limit=&offset=` */
export interface ApiExecutionList {
  executions: ApiExecutionSummary[];
  /** Offset of the next page, or null on the last page. */
  nextOffset: number | null;
}

/** An activity scheduled and not closed. */
export interface ApiPendingActivity {
  activityId: string;
  activityType: string;
  attempt: number;
  firstScheduledTime: string;
  nextAttemptTime: string;
  lastFailure: ApiFailure | null;
  taskQueue?: string;
  worker?: string;
}

/** A signal the execution received (from its history). */
export interface ApiSignal {
  eventId: number;
  name: string;
  args: unknown[];
  time: string;
}

/** One step of a step workflow's graph (see src/dsl/step-graph.ts). */
export interface ApiStepNode {
  name: string;
  activity: string;
  compensation: string | null;
  dependsOn: string[];
}

/** The graph of a step workflow, when the server knows the workflow type as one. */
export interface ApiStepGraph {
  name: string;
  mode: 'sequence' | 'dag';
  steps: ApiStepNode[];
  order: string[];
}

/** `GET /api/executions/:workflowId?runId=` — one execution (the newest run unless `runId`). */
export interface ApiExecutionDetail extends ApiExecutionSummary {
  /** The start arguments. */
  input: unknown[];
  /** Set when COMPLETED. */
  result?: unknown;
  /** Set when FAILED, TIMED_OUT, CANCELED or TERMINATED: the failure with its cause chain. */
  failure?: ApiFailure;
  pendingActivities: ApiPendingActivity[];
  /** Set while the workflow task is blocked (non-determinism, a bug, an unknown type). */
  workflowTaskFailure: { attempt: number; message: string } | null;
  /** Identity of the worker holding the lease. */
  worker: string | null;
  memo: Record<string, unknown> | null;
  searchAttributes: Record<string, string | number | boolean>;
  signals: ApiSignal[];
  stepGraph: ApiStepGraph | null;
  /** The run this one was reset from, when it was made by a reset. */
  resetFrom?: { runId: string; eventId: number; reason: string };
}

/** One history event, its payload decoded. */
export interface ApiHistoryEvent {
  eventId: number;
  eventType: string;
  time: string;
  attrs: Record<string, unknown>;
  /** The decoded payload (arguments, a result; a failure as {@link ApiFailure}), when it has one. */
  payload?: unknown;
}

/** `GET /api/executions/:workflowId/history?runId=` */
export interface ApiHistory {
  workflowId: string;
  runId: string;
  events: ApiHistoryEvent[];
}

/**
 * `GET /api/executions/:workflowId/stream?runId=` — server-sent events: `event: execution` with an
 * {@link ApiExecutionDetail} whenever its history grows or its status changes (one at once on
 * connect), and `event: history` with the {@link ApiHistoryEvent}s appended since the last message.
 * Also: `?afterEventId=N` (or the `Last-Event-ID` header; `history` messages carry `id:` = their
 * last event id) sends only later events; `?token=` carries the token (EventSource sends no
 * headers); a `: heartbeat` comment every 15 s; the stream ends once the run closed.
 */
export type ApiStreamEvent =
  { event: 'execution'; data: ApiExecutionDetail } | { event: 'history'; data: ApiHistoryEvent[] };

/** `POST /api/executions` */
export interface ApiStartRequest {
  workflowType: string;
  /** The arguments. @default [] */
  args?: unknown[];
  /** @default a generated id */
  workflowId?: string;
  /** @default the server's default task queue (`baton dev`: the worker's queue) */
  taskQueue?: string;
}
/** The response of a start (201). */
export interface ApiStartResponse {
  workflowId: string;
  runId: string;
}

/** `POST /api/executions/:workflowId/signal` (204 once the signal is durable). */
export interface ApiSignalRequest {
  name: string;
  args?: unknown[];
}
/** `POST /api/executions/:workflowId/query` → `{ result }` */
export interface ApiQueryRequest {
  name: string;
  args?: unknown[];
}
/** `POST /api/executions/:workflowId/update` → `{ result }` */
export interface ApiUpdateRequest extends ApiQueryRequest {
  /** Makes the update idempotent: a second call with this id gets the first outcome. */
  updateId?: string;
}
/** The response of a query or an update: the handler's result. */
export interface ApiResult {
  result: unknown;
}
/** `POST /api/executions/:workflowId/cancel` and `/terminate` (204). */
export interface ApiReasonRequest {
  reason?: string;
}
/** `POST /api/executions/:workflowId/reset` → {@link ApiStartResponse} of the new run (201). */
export interface ApiResetRequest {
  /** Replay the history up to and including this event, re-execute from there. */
  toEventId?: number;
  /** Or: up to just before this step (or activity type) was first scheduled. */
  toStep?: string;
  reason?: string;
}

/** One consumer group of a topic. */
export interface ApiTopicGroup {
  group: string;
  /** Events not yet acknowledged by the group (waiting, in flight or retrying). */
  lag: number;
  /** Events of this group sent to a dead-letter topic and not redriven. */
  deadLettered: number;
}
/** `GET /api/topics` → `{ topics: ApiTopic[] }` */
export interface ApiTopic {
  topic: string;
  /** Events published to it. */
  events: number;
  groups: ApiTopicGroup[];
}
/** `GET /api/topics/:topic/events?limit=` → `{ events: ApiTopicEvent[] }` (newest last). */
export interface ApiTopicEvent {
  id: string;
  seq: number;
  key: string | null;
  time: string;
  data: unknown;
  /** For dead letters: the original topic, attempts and last error. */
  deadLetter?: { topic: string; group: string; attempts: number; lastError: string };
}
/** `POST /api/topics/:topic/redrive` → `{ redriven: number }` */
export interface ApiRedriveResponse {
  redriven: number;
}

/** `GET /api/workflow-types` → `{ workflowTypes: ApiWorkflowType[] }`: what the server's worker runs. */
export interface ApiWorkflowType {
  name: string;
  taskQueue: string;
  stepGraph: ApiStepGraph | null;
}

/** `GET /api/health`: the server is up (and the token, if any, is right). */
export interface ApiHealth {
  status: 'ok';
  /** Baton's version. */
  version: string;
  /** The store's kind: `sqlite` or `postgres`. */
  store: string;
  /** The topic broker: `store` or `jetstream`. */
  broker: string;
}
