/**
 * The UI's URLs, pure (no DOM): the path of each page, how a path reads back as a route, and how
 * user strings (workflow ids, topic names) go in a URL path.
 *
 * A path segment that is `.` or `..` cannot carry a user string: the WHATWG URL parser (the
 * browser's address bar and links, `fetch`, `EventSource`, and the server's Node adapter) drops it,
 * `..` with the segment before, and it reads `%2E` as a dot, so percent-encoding does not help
 * (`/executions/%2E%2E` is `/`). The page of such an id puts the id in its query instead
 * (`/execution?workflowId=..`), and {@link isDotSegment} tells the API client it cannot name it in
 * a path.
 */

/** True when `s`, as one URL path segment, would be removed by URL parsing: `.` and `..`. */
export function isDotSegment(s: string): boolean {
  return s === '.' || s === '..';
}

/** A path with a query built from the defined, non-empty values. */
export function pathWithQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

/**
 * The page of one execution: `/executions/<id>` (the id encoded: it is a user string), or
 * `/execution?workflowId=<id>` for an id that cannot be a path segment.
 */
export function executionPath(workflowId: string, runId?: string): string {
  if (isDotSegment(workflowId)) return pathWithQuery('/execution', { workflowId, runId });
  return pathWithQuery(`/executions/${encodeURIComponent(workflowId)}`, { runId });
}

/** The page of one topic: `/topics/<topic>`, or `/topic?topic=<topic>` for `.` and `..`. */
export function topicPath(topic: string): string {
  if (isDotSegment(topic)) return pathWithQuery('/topic', { topic });
  return `/topics/${encodeURIComponent(topic)}`;
}

/** A page of the UI, with what it shows. */
export type Route =
  | { page: 'executions' }
  | { page: 'execution'; workflowId: string; runId: string | undefined }
  | { page: 'topics' }
  | { page: 'topic'; topic: string }
  | { page: 'notFound' };

/** A path segment as the user wrote it (ids and topic names are encoded in links). */
function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The page of a path (as `location.pathname`, still encoded) and its query. */
export function routeOf(path: string, query: URLSearchParams): Route {
  const parts = path.split('/').filter((p) => p !== '');
  const [first, second] = parts;
  if (first === undefined || (first === 'executions' && second === undefined)) return { page: 'executions' };
  if (first === 'executions' && second !== undefined && parts.length === 2)
    return { page: 'execution', workflowId: decodeSegment(second), runId: query.get('runId') ?? undefined };
  const workflowId = query.get('workflowId');
  if (first === 'execution' && parts.length === 1 && workflowId !== null && workflowId !== '')
    return { page: 'execution', workflowId, runId: query.get('runId') ?? undefined };
  if (first === 'topics' && second === undefined) return { page: 'topics' };
  if (first === 'topics' && second !== undefined && parts.length === 2)
    return { page: 'topic', topic: decodeSegment(second) };
  const topic = query.get('topic');
  if (first === 'topic' && parts.length === 1 && topic !== null && topic !== '')
    return { page: 'topic', topic };
  return { page: 'notFound' };
}
