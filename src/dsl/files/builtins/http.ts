/**
 * `baton.http`: one HTTP request made with Node's `fetch`, its answer turned into a
 * {@link HttpResponseValue}. A 2xx answer is the result; any other answer, and no answer at all,
 * is a retryable failure whose type says which (file formats choose what to retry with their
 * retry policies' `nonRetryableErrorTypes`).
 */
import { activityContext, type ActivityContext } from '../../../activity/context.js';
import { ApplicationFailure } from '../../../common/failures.js';
import { BUILTIN_FAILURE, type HttpRequestArg, type HttpResponseValue } from './types.js';

/** Failure type of a request that cannot be sent as given (bad URL, body on a GET). Not retryable. */
export const HTTP_REQUEST_INVALID = 'HttpRequestInvalid';

/** Default whole-request timeout, in ms. */
export const HTTP_DEFAULT_TIMEOUT_MS = 30_000;

/** Options of {@link createHttpActivity}. */
export interface HttpActivityOptions {
  /**
   * Rewrites the final URL (query included) just before the request, e.g. to send calls meant
   * for a public host to a local test server. @default none
   */
  rewriteUrl?: (url: string) => string;
}

/**
 * Makes the `baton.http` activity.
 *
 * The method is upper-cased and `query` appended to the URL. A string body is sent as is; any
 * other body as JSON, with `Content-Type: application/json` unless a header names a content
 * type. The request (connection and the whole answer) is aborted after `timeoutMs` (default
 * 30000) or when the activity attempt is aborted (timeout, cancellation).
 *
 * @returns the {@link HttpResponseValue} of a 2xx answer; the body read per `bodyParsing`.
 * @throws ApplicationFailure `HttpClientError` (4xx) or `HttpServerError` (any other non-2xx),
 *   retryable, `details[0]` the answer; `HttpNetworkError` (refused, reset, DNS, timeout),
 *   retryable, its message naming the URL and the cause; `HttpRequestInvalid`, not retryable,
 *   for a URL that is not absolute http(s) or a body on a GET/HEAD. When the attempt itself was
 *   aborted, its abort reason (a `CancelledFailure` or `TimeoutFailure`) is thrown.
 * @example
 * const http = createHttpActivity({ rewriteUrl: mock.rewrite });
 * const res = await http({ method: 'get', url: 'https://pokeapi.co/api/v2/pokemon/25' });
 */
export function createHttpActivity(
  options: HttpActivityOptions = {},
): (arg: HttpRequestArg) => Promise<HttpResponseValue> {
  return (arg) => httpRequest(arg, options);
}

/** Makes one request, as {@link createHttpActivity}'s activity does. */
export async function httpRequest(
  arg: HttpRequestArg,
  options: HttpActivityOptions = {},
): Promise<HttpResponseValue> {
  const method = String(arg.method ?? 'GET').toUpperCase();
  const url = buildUrl(arg, options);
  const init = buildInit(method, url, arg);
  const timeoutMs = arg.timeoutMs ?? HTTP_DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const attemptSignal = currentActivity()?.signal;
  const signal = attemptSignal === undefined ? timeout : AbortSignal.any([timeout, attemptSignal]);
  let response: HttpResponseValue;
  try {
    const answer = await fetch(url, { ...init, signal });
    const text = await answer.text();
    response = {
      statusCode: answer.status,
      headers: headerRecord(answer.headers),
      body: readBody(text, answer.headers.get('content-type'), arg.bodyParsing ?? 'content-type'),
      reasonPhrase: answer.statusText,
    };
  } catch (error) {
    if (attemptSignal?.aborted === true) throw attemptSignal.reason;
    const cause = timeout.aborted ? `no answer within ${timeoutMs} ms` : describeCause(error);
    throw ApplicationFailure.create({
      message: `${method} ${url} failed: ${cause}`,
      type: BUILTIN_FAILURE.httpNetwork,
      cause: error,
    });
  }
  return checkStatus(method, url, response);
}

/** The activity context when running inside an attempt; undefined when called directly. */
function currentActivity(): ActivityContext | undefined {
  try {
    return activityContext();
  } catch {
    return undefined;
  }
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, HTTP_REQUEST_INVALID);
}

function buildUrl(arg: HttpRequestArg, options: HttpActivityOptions): string {
  let parsed: URL;
  try {
    parsed = new URL(String(arg.url));
  } catch {
    throw invalid(
      `baton.http: url '${String(arg.url)}' is not an absolute URL (expected http:// or https://)`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid(`baton.http: url '${arg.url}' has scheme '${parsed.protocol}' (expected http: or https:)`);
  }
  for (const [key, value] of Object.entries(arg.query ?? {})) {
    parsed.searchParams.append(key, String(value));
  }
  const url = parsed.toString();
  return options.rewriteUrl === undefined ? url : options.rewriteUrl(url);
}

function buildInit(method: string, url: string, arg: HttpRequestArg): RequestInit {
  const headers = new Headers();
  for (const [name, value] of Object.entries(arg.headers ?? {})) headers.set(name, String(value));
  if (arg.body === undefined) return { method, headers };
  if (method === 'GET' || method === 'HEAD') {
    throw invalid(`baton.http: ${method} ${url} has a body (a ${method} request cannot carry one)`);
  }
  if (typeof arg.body === 'string') return { method, headers, body: arg.body };
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return { method, headers, body: JSON.stringify(arg.body) };
}

/** Lower-cased names; a repeated header's values joined with `, `. */
function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  });
  return out;
}

/**
 * The body as the format expects it: `'content-type'` parses JSON only for a `Content-Type` of
 * `application/json` (parameters after `;` ignored, as uTask), `'json-if-parses'` whenever the
 * text parses (as Conductor). Otherwise, and for JSON that does not parse, the text.
 */
function readBody(text: string, contentType: string | null, mode: HttpRequestArg['bodyParsing']): unknown {
  if (text.trim() === '') return text;
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mode !== 'json-if-parses' && mime !== 'application/json') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function checkStatus(method: string, url: string, response: HttpResponseValue): HttpResponseValue {
  const { statusCode, reasonPhrase } = response;
  if (statusCode >= 200 && statusCode < 300) return response;
  const type =
    statusCode >= 400 && statusCode < 500 ? BUILTIN_FAILURE.httpClient : BUILTIN_FAILURE.httpServer;
  throw ApplicationFailure.create({
    message: `${method} ${url} answered ${statusCode}${reasonPhrase === '' ? '' : ` ${reasonPhrase}`}`,
    type,
    details: [response],
  });
}

/** The root cause of a fetch failure, e.g. `connect ECONNREFUSED 127.0.0.1:9`. */
function describeCause(error: unknown): string {
  let current: unknown = error;
  let text = error instanceof Error ? error.message : String(error);
  while (current instanceof Error && current.cause !== undefined) {
    current = current.cause;
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      text = current.message;
      if (typeof code === 'string' && !text.includes(code)) text = `${code}: ${text}`;
    }
  }
  return text;
}
