/**
 * The built-in activities that workflow files call (reserved `baton.` names), and the shapes of
 * their argument and result. Every file format compiles its HTTP calls, scripts, jq transforms
 * and child workflows onto these, so they are recorded, retried and replayed like any activity.
 */

/** Activity type names of the built-ins. */
export const BUILTIN = Object.freeze({
  /** One HTTP request: `(HttpRequestArg) => HttpResponseValue`. */
  http: 'baton.http',
  /** Returns its argument: `(value) => value` (a recorded step that does nothing else). */
  echo: 'baton.echo',
  /** Runs a script in an isolated QuickJS sandbox: `(ScriptArg) => completion value`. */
  script: 'baton.script',
  /** Runs a jq program: `(JqArg) => JqResult`. */
  jq: 'baton.jq',
  /** Starts (and by default awaits) another file workflow: `(WorkflowCallArg) => result`. */
  workflow: 'baton.workflow',
});

/**
 * Failure types the built-ins throw (as `ApplicationFailure.type`). The three HTTP types are
 * retryable (each format decides which to retry with `nonRetryableErrorTypes`); the others are not.
 */
export const BUILTIN_FAILURE = Object.freeze({
  /** A 4xx answer. `details[0]` is the {@link HttpResponseValue}. */
  httpClient: 'HttpClientError',
  /** A 5xx answer (or any other non-2xx, non-4xx). `details[0]` is the {@link HttpResponseValue}. */
  httpServer: 'HttpServerError',
  /** No answer: connection refused or reset, DNS, or the request's timeout. No details. */
  httpNetwork: 'HttpNetworkError',
  /** A script threw, or ran past its time or memory limit. */
  script: 'ScriptError',
  /** A jq program failed to compile or to run. */
  jq: 'JqError',
  /** The child workflow failed, was cancelled, terminated or timed out; the cause says which. */
  childFailed: 'ChildWorkflowFailed',
});

/** Argument of `baton.http`. */
export interface HttpRequestArg {
  /** `GET`, `POST` … (upper-cased by the activity). */
  method: string;
  /** Absolute `http:` or `https:` URL. */
  url: string;
  headers?: Record<string, string>;
  /** Appended to the URL's query string (values turned into text). */
  query?: Record<string, string | number | boolean>;
  /**
   * The body: a string is sent as is; anything else (object, array, number, boolean, null) as
   * JSON, with `Content-Type: application/json` unless `headers` name one. Absent: no body.
   */
  body?: unknown;
  /** Whole-request timeout in ms (connect + answer). @default 30000 */
  timeoutMs?: number;
  /**
   * How the answer's body is read: `'content-type'` parses JSON only when the answer's
   * `Content-Type` is `application/json` (uTask); `'json-if-parses'` parses it whenever it parses
   * (Conductor). Otherwise the body is the text ('' when empty).
   * @default 'content-type'
   */
  bodyParsing?: 'content-type' | 'json-if-parses';
}

/** Result of `baton.http` (and `details[0]` of its HTTP failures). */
export interface HttpResponseValue {
  statusCode: number;
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: unknown;
  reasonPhrase: string;
}

/** Argument of `baton.script`. */
export interface ScriptArg {
  /** JavaScript source, run as a script: its completion value is the result. */
  script: string;
  /** Global variables the script sees (JSON values), e.g. `{ $: input }` for Conductor. */
  bindings: Record<string, unknown>;
  /** CPU time limit in ms. @default 1000 */
  timeoutMs?: number;
}

/** Argument of `baton.jq`. */
export interface JqArg {
  query: string;
  input: unknown;
}

/** Result of `baton.jq`: the program's first output, and all of them. */
export interface JqResult {
  result: unknown;
  resultList: unknown[];
}

/** Argument of `baton.workflow`. */
export interface WorkflowCallArg {
  /** A workflow file's name (its latest version) or `name@version`. */
  workflow: string;
  /** The child's input (checked with its `prepareInput`). */
  input: unknown;
  /** The child's workflowId: deterministic, so a retried attempt finds the child it started. */
  workflowId: string;
  /** Task queue of the child. */
  taskQueue: string;
  /** Await the child's result (`true`), or return `{ workflowId, runId }` once started. @default true */
  wait?: boolean;
}
