/**
 * The one table from errors to HTTP statuses and {@link ApiError} bodies. Every error response of
 * `/api/*` and `/metrics` is made here:
 *
 * | status | code                         | when                                                             |
 * |--------|------------------------------|------------------------------------------------------------------|
 * | 400    | `VALIDATION`                 | a request that fails its schema (`issues` says where), a ValidationError or DataConverterError |
 * | 400    | `MALFORMED_JSON`             | a body that is not JSON (the parser's message)                   |
 * | 401    | `UNAUTHORIZED`               | no or wrong bearer token                                         |
 * | 403    | `FORBIDDEN`                  | a cross-origin write, or a foreign `Host` on a server without token |
 * | 404    | `NOT_FOUND`                  | unknown execution, topic or endpoint; `/metrics` not enabled     |
 * | 409    | `ALREADY_STARTED`            | WorkflowExecutionAlreadyStartedError                             |
 * | 409    | `NOT_RUNNING`                | a signal, update, cancel or terminate of a closed execution      |
 * | 413    | `BODY_TOO_LARGE`             | a body over the server's limit, or a payload over the converter's |
 * | 415    | `UNSUPPORTED_MEDIA_TYPE`     | a body that is not `application/json`                            |
 * | 422    | `QUERY_FAILED`/`UPDATE_FAILED` | the workflow refused or failed the query or update             |
 * | 504    | `QUERY_TIMEOUT`              | no worker answered a query in time                               |
 * | 504    | `UPDATE_TIMEOUT`             | no worker completed an update within `updateTimeoutMs` (30 s)    |
 * | 500    | `INTERNAL`                   | anything else (message only; the stack is logged)                |
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  DataConverterError,
  PayloadTooLargeError,
  ValidationError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { QueryFailedError, QueryNotRegisteredError, QueryTimeoutError } from '../runtime/queries.js';
import { WorkflowUpdateFailedError } from '../runtime/updates.js';
import type { ApiError } from './api-types.js';

/** One validation problem: where (`body.workflowType`, `query.limit`) and what. */
export interface ApiIssue {
  path: string;
  message: string;
}

/**
 * An error the API answers with as given: its status, code and message (and issues).
 *
 * @example
 * throw new ApiRequestError(404, 'NOT_FOUND', "topic 'pokemon.dlq' not found");
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: ApiIssue[],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** An error response: its status and body. */
export interface ErrorResponse {
  status: ContentfulStatusCode;
  body: ApiError;
}

/** Where a validation target is named in issue paths. */
const TARGET_NAMES: Record<string, string> = {
  json: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
  form: 'body',
};

/** A zod issue, as much of it as is read here. */
interface ZodIssueLike {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * The 400 response of a request that failed its schema: one issue per problem, its path prefixed
 * with the part of the request (`body`, `query`, `path`).
 */
export function validationResponse(target: string, issues: readonly ZodIssueLike[]): ErrorResponse {
  const where = TARGET_NAMES[target] ?? target;
  const list = issues.map((i) => ({
    path: [where, ...i.path.map((p) => String(p))].join('.'),
    message: i.message,
  }));
  const first = list[0];
  const message =
    first === undefined
      ? `invalid request ${where}`
      : `invalid request ${where}: ${first.path}: ${first.message}${list.length > 1 ? ` (and ${list.length - 1} more)` : ''}`;
  return { status: 400, body: { error: { code: 'VALIDATION', message, issues: list } } };
}

const CLOSED_PREFIX = 'workflow execution already closed';

/** The response to `error`; 500s are logged with their stack (the body carries the message only). */
export function errorResponse(error: unknown, logger: Logger): ErrorResponse {
  const known = knownError(error);
  if (known !== undefined) return known;
  const message = error instanceof Error ? error.message : String(error);
  logger.error('HTTP API: internal error', {
    error: error instanceof Error ? (error.stack ?? message) : message,
  });
  return reply(500, 'INTERNAL', message === '' ? 'internal server error' : message);
}

function reply(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  issues?: ApiIssue[],
): ErrorResponse {
  return { status, body: { error: issues === undefined ? { code, message } : { code, message, issues } } };
}

function knownError(error: unknown): ErrorResponse | undefined {
  if (error instanceof ApiRequestError) return reply(error.status, error.code, error.message, error.issues);
  if (error instanceof HTTPException) return httpException(error);
  if (error instanceof WorkflowNotFoundError) {
    // The store reports a closed execution as not found (as Temporal); the contract says 409.
    return error.message.startsWith(CLOSED_PREFIX)
      ? reply(409, 'NOT_RUNNING', error.message)
      : reply(404, 'NOT_FOUND', error.message);
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError)
    return reply(409, 'ALREADY_STARTED', error.message);
  if (error instanceof PayloadTooLargeError) return reply(413, 'BODY_TOO_LARGE', error.message);
  if (error instanceof ValidationError || error instanceof DataConverterError)
    return reply(400, 'VALIDATION', error.message);
  if (error instanceof QueryTimeoutError) return reply(504, 'QUERY_TIMEOUT', error.message);
  if (error instanceof QueryNotRegisteredError || error instanceof QueryFailedError)
    return reply(422, 'QUERY_FAILED', error.message);
  if (error instanceof WorkflowUpdateFailedError) return reply(422, 'UPDATE_FAILED', error.message);
  return undefined;
}

const HTTP_CODES: Partial<Record<number, string>> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function httpException(e: HTTPException): ErrorResponse {
  const status = e.status;
  if (status === 415) {
    return reply(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'unsupported request body: expected Content-Type: application/json',
    );
  }
  return reply(status, HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'), e.message);
}
