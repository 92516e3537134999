/**
 * The HTTP API client of the UI: one function per endpoint of src/server/api-types.ts, each call
 * with the token (when set). A non-2xx answer throws {@link ApiRequestError} with the server's
 * {@link ApiError} message.
 */
import type {
  ApiError,
  ApiExecutionDetail,
  ApiExecutionList,
  ApiExecutionStatus,
  ApiHistory,
  ApiRedriveResponse,
  ApiResetRequest,
  ApiSignalRequest,
  ApiStartRequest,
  ApiStartResponse,
  ApiTopic,
  ApiTopicEvent,
  ApiWorkflowType,
} from '../../server/api-types.js';
import { isDotSegment } from './paths.js';
import { apiToken, authHeaders } from './token.js';

/** An API call that failed: HTTP status, the server's error code and message. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

function isApiError(body: unknown): body is ApiError {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = body.error;
  return typeof error === 'object' && error !== null && 'message' in error;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    if (res.ok) throw new ApiRequestError(res.status, 'BAD_RESPONSE', `${path}: the answer is not JSON`);
  }
  if (!res.ok) {
    if (isApiError(parsed)) {
      const { code, message, issues } = parsed.error;
      throw new ApiRequestError(res.status, code, message, issues);
    }
    throw new ApiRequestError(res.status, 'HTTP', `${method} ${path}: HTTP ${res.status} ${res.statusText}`);
  }
  return parsed as T;
}

/**
 * `value` (a workflow id, a topic name) encoded as one path segment of an API URL.
 *
 * @throws ApiRequestError `UNADDRESSABLE` for `.` and `..`: URL parsing (the browser's, and the
 *   server's) drops such a segment, even percent-encoded, so the call would reach another endpoint
 *   or another execution (`/api/executions/./history` is `/api/executions/history`, the detail of
 *   the workflow `history`). The API has no other way to name them yet. (The calls that take
 *   such a string are `async`, so that this is a rejection; `streamUrl`, which returns a URL,
 *   throws it.)
 */
function seg(what: string, value: string): string {
  if (isDotSegment(value))
    throw new ApiRequestError(
      0,
      'UNADDRESSABLE',
      `the HTTP API cannot name the ${what} "${value}": a URL path segment "${value}" is removed by URL parsing, even percent-encoded`,
    );
  return encodeURIComponent(value);
}
const wf = (workflowId: string): string => seg('workflow id', workflowId);

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

/** The filters of the executions list (times as ISO-8601 strings). */
export interface ExecutionFilters {
  status?: ApiExecutionStatus | undefined;
  type?: string | undefined;
  q?: string | undefined;
  startedAfter?: string | undefined;
  startedBefore?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export function listExecutions(filters: ExecutionFilters): Promise<ApiExecutionList> {
  return request('GET', withQuery('/api/executions', { ...filters }));
}

export async function getExecution(workflowId: string, runId?: string): Promise<ApiExecutionDetail> {
  return request('GET', withQuery(`/api/executions/${wf(workflowId)}`, { runId }));
}

export async function getHistory(workflowId: string, runId?: string): Promise<ApiHistory> {
  return request('GET', withQuery(`/api/executions/${wf(workflowId)}/history`, { runId }));
}

/**
 * The URL of an execution's server-sent events. EventSource cannot send headers, so the token
 * rides as the `token` query parameter.
 */
export function streamUrl(workflowId: string, runId?: string): string {
  return withQuery(`/api/executions/${wf(workflowId)}/stream`, { runId, token: apiToken() ?? undefined });
}

export function startExecution(req: ApiStartRequest): Promise<ApiStartResponse> {
  return request('POST', '/api/executions', req);
}

export async function signalExecution(workflowId: string, req: ApiSignalRequest): Promise<void> {
  return request('POST', `/api/executions/${wf(workflowId)}/signal`, req);
}

export async function cancelExecution(workflowId: string, reason: string): Promise<void> {
  return request('POST', `/api/executions/${wf(workflowId)}/cancel`, reason === '' ? {} : { reason });
}

export async function terminateExecution(workflowId: string, reason: string): Promise<void> {
  return request('POST', `/api/executions/${wf(workflowId)}/terminate`, reason === '' ? {} : { reason });
}

export async function resetExecution(workflowId: string, req: ApiResetRequest): Promise<ApiStartResponse> {
  return request('POST', `/api/executions/${wf(workflowId)}/reset`, req);
}

export async function listWorkflowTypes(): Promise<ApiWorkflowType[]> {
  const body = await request<{ workflowTypes: ApiWorkflowType[] }>('GET', '/api/workflow-types');
  return body.workflowTypes;
}

export async function listTopics(): Promise<ApiTopic[]> {
  const body = await request<{ topics: ApiTopic[] }>('GET', '/api/topics');
  return body.topics;
}

export async function listTopicEvents(topic: string, limit: number): Promise<ApiTopicEvent[]> {
  const body = await request<{ events: ApiTopicEvent[] }>(
    'GET',
    withQuery(`/api/topics/${seg('topic', topic)}/events`, { limit }),
  );
  return body.events;
}

export async function redriveTopic(topic: string): Promise<ApiRedriveResponse> {
  return request('POST', `/api/topics/${seg('topic', topic)}/redrive`, {});
}
