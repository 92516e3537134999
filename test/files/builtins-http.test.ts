import { afterEach, describe, expect, it } from 'vitest';
import { ActivityContext, runInActivityContext } from '../../src/activity/context.js';
import { ApplicationFailure, CancelledFailure } from '../../src/common/failures.js';
import { createHttpActivity, HTTP_REQUEST_INVALID } from '../../src/dsl/files/builtins/http.js';
import {
  BUILTIN_FAILURE,
  type HttpRequestArg,
  type HttpResponseValue,
} from '../../src/dsl/files/builtins/types.js';
import { startMockHttp, type MockAnswer, type MockHttp, type MockRequest } from '../support/mock-http.js';

const mocks: MockHttp[] = [];
afterEach(async () => {
  for (const mock of mocks.splice(0)) await mock.close();
});

async function mockServer(
  handler: (req: MockRequest) => MockAnswer | Promise<MockAnswer>,
): Promise<MockHttp> {
  const mock = await startMockHttp(handler);
  mocks.push(mock);
  return mock;
}

async function httpFailure(call: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

/** A port nothing listens on: a server's, once closed. */
async function closedPort(): Promise<string> {
  const mock = await startMockHttp(() => ({}));
  await mock.close();
  return mock.origin;
}

describe('baton.http: answers', () => {
  it('parses a JSON answer, lower-cases header names and keeps the reason phrase', async () => {
    const mock = await mockServer(() => ({
      json: { id: 25, name: 'pikachu' },
      headers: { 'X-Trace-Id': 'abc' },
    }));
    const http = createHttpActivity();
    const res = await http({ method: 'get', url: `${mock.origin}/api/pokemon/25` });
    expect(res.statusCode).toBe(200);
    expect(res.reasonPhrase).toBe('OK');
    expect(res.body).toEqual({ id: 25, name: 'pikachu' });
    expect(res.headers['x-trace-id']).toBe('abc');
    expect(res.headers['content-type']).toBe('application/json');
    expect(mock.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/api/pokemon/25']]);
  });

  it("'content-type' parsing: JSON only for application/json (parameters ignored), else the text", async () => {
    const mock = await mockServer((req) => {
      if (req.path === '/json-charset')
        return { text: '{"a":1}', headers: { 'content-type': 'Application/JSON; charset=utf-8' } };
      if (req.path === '/text-json') return { text: '{"a":1}', headers: { 'content-type': 'text/plain' } };
      if (req.path === '/bad-json')
        return { text: 'not json', headers: { 'content-type': 'application/json' } };
      return { status: 204 };
    });
    const http = createHttpActivity();
    const body = async (path: string, arg: Partial<HttpRequestArg> = {}) =>
      (await http({ method: 'GET', url: `${mock.origin}${path}`, ...arg })).body;
    expect(await body('/json-charset')).toEqual({ a: 1 });
    expect(await body('/text-json')).toBe('{"a":1}');
    expect(await body('/bad-json')).toBe('not json');
    expect(await body('/empty')).toBe('');
    expect(await body('/text-json', { bodyParsing: 'json-if-parses' })).toEqual({ a: 1 });
    expect(await body('/bad-json', { bodyParsing: 'json-if-parses' })).toBe('not json');
  });

  it('appends query values as text, encoded, after the query already in the URL', async () => {
    const mock = await mockServer(() => ({ json: {} }));
    await createHttpActivity()({
      method: 'GET',
      url: `${mock.origin}/api/time?fixed=1`,
      query: { timeZone: 'America/New_York', n: 3, ok: true, odd: 'a b&c=d' },
    });
    expect(mock.requests[0]!.query).toEqual({
      fixed: '1',
      timeZone: 'America/New_York',
      n: '3',
      ok: 'true',
      odd: 'a b&c=d',
    });
  });

  it('sends a non-string body as JSON with its content type, a string body as is, and headers', async () => {
    const mock = await mockServer(() => ({ json: { ok: true } }));
    const http = createHttpActivity();
    await http({
      method: 'post',
      url: `${mock.origin}/payments/charge`,
      headers: { 'Idempotency-Key': 'ORD-1-charge' },
      body: { orderId: 'ORD-1', amount: 49 },
    });
    await http({
      method: 'PUT',
      url: `${mock.origin}/raw`,
      body: 'plain words',
      headers: { 'content-type': 'text/x-words' },
    });
    await http({
      method: 'POST',
      url: `${mock.origin}/own-type`,
      body: [1, 2],
      headers: { 'Content-Type': 'application/vnd.x+json' },
    });
    const [charge, raw, own] = mock.requests;
    expect(charge!.method).toBe('POST');
    expect(charge!.headers['content-type']).toBe('application/json');
    expect(charge!.headers['idempotency-key']).toBe('ORD-1-charge');
    expect(charge!.body).toEqual({ orderId: 'ORD-1', amount: 49 });
    expect(raw!.body).toBe('plain words');
    expect(raw!.headers['content-type']).toBe('text/x-words');
    expect(own!.headers['content-type']).toBe('application/vnd.x+json');
    expect(own!.body).toEqual([1, 2]);
  });

  it('rewrites the final URL (query included) before the request', async () => {
    const mock = await mockServer(() => ({ json: { rewritten: true } }));
    const seen: string[] = [];
    const http = createHttpActivity({
      rewriteUrl: (url) => {
        seen.push(url);
        return mock.rewrite(url);
      },
    });
    const res = await http({
      method: 'GET',
      url: 'https://timeapi.io/api/time/current/zone',
      query: { timeZone: 'UTC' },
    });
    expect(res.body).toEqual({ rewritten: true });
    expect(seen).toEqual(['https://timeapi.io/api/time/current/zone?timeZone=UTC']);
    expect(mock.requests[0]).toMatchObject({ path: '/api/time/current/zone', query: { timeZone: 'UTC' } });
  });
});

describe('baton.http: failures', () => {
  it('a 404 is a retryable HttpClientError carrying the answer', async () => {
    const mock = await mockServer(() => ({ status: 404, json: { error: 'no such workflow' } }));
    const failure = await httpFailure(
      createHttpActivity()({ method: 'GET', url: `${mock.origin}/api/workflow/0` }),
    );
    expect(failure.type).toBe(BUILTIN_FAILURE.httpClient);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe(`GET ${mock.origin}/api/workflow/0 answered 404 Not Found`);
    const response = failure.details[0] as HttpResponseValue;
    expect(response).toMatchObject({
      statusCode: 404,
      reasonPhrase: 'Not Found',
      body: { error: 'no such workflow' },
    });
    expect(response.headers['content-type']).toBe('application/json');
  });

  it('a 503 (and any non-2xx that is not 4xx) is a retryable HttpServerError', async () => {
    const mock = await mockServer((req) =>
      req.path === '/busy' ? { status: 503, text: 'carrier unavailable' } : { status: 304 },
    );
    const http = createHttpActivity();
    const busy = await httpFailure(http({ method: 'POST', url: `${mock.origin}/busy`, body: {} }));
    expect(busy.type).toBe(BUILTIN_FAILURE.httpServer);
    expect(busy.nonRetryable).toBe(false);
    expect(busy.details[0]).toMatchObject({ statusCode: 503, body: 'carrier unavailable' });
    const notModified = await httpFailure(http({ method: 'GET', url: `${mock.origin}/cached` }));
    expect(notModified.type).toBe(BUILTIN_FAILURE.httpServer);
  });

  it('a refused connection is a retryable HttpNetworkError naming the URL and the cause', async () => {
    const origin = await closedPort();
    const failure = await httpFailure(createHttpActivity()({ method: 'GET', url: `${origin}/x` }));
    expect(failure.type).toBe(BUILTIN_FAILURE.httpNetwork);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain(`GET ${origin}/x failed`);
    expect(failure.message).toContain('ECONNREFUSED');
    expect(failure.details).toEqual([]);
  });

  it('no answer within timeoutMs is an HttpNetworkError saying so', async () => {
    const mock = await mockServer(() => ({ json: {}, delayMs: 2000 }));
    const failure = await httpFailure(
      createHttpActivity()({ method: 'GET', url: `${mock.origin}/slow`, timeoutMs: 150 }),
    );
    expect(failure.type).toBe(BUILTIN_FAILURE.httpNetwork);
    expect(failure.message).toBe(`GET ${mock.origin}/slow failed: no answer within 150 ms`);
  });

  it("stops when the activity attempt is aborted, throwing the attempt's reason", async () => {
    const mock = await mockServer(() => ({ json: {}, delayMs: 2000 }));
    const controller = new AbortController();
    const ctx = new ActivityContext(
      {
        activityType: 'baton.http',
        activityId: '1',
        workflowId: 'w',
        runId: 'r',
        workflowType: 't',
        taskQueue: 'q',
        attempt: 1,
      },
      () => controller.signal,
      undefined,
      () => undefined,
    );
    const call = runInActivityContext(ctx, () =>
      createHttpActivity()({ method: 'GET', url: `${mock.origin}/slow` }),
    );
    setTimeout(() => controller.abort(new CancelledFailure('step cancelled')), 50);
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledFailure);
    expect((error as Error).message).toBe('step cancelled');
  });

  it('refuses, not retryable, a URL that is not http(s) and a body on a GET', async () => {
    const http = createHttpActivity();
    const scheme = await httpFailure(http({ method: 'GET', url: 'ftp://example.org/file' }));
    expect(scheme.type).toBe(HTTP_REQUEST_INVALID);
    expect(scheme.nonRetryable).toBe(true);
    expect(scheme.message).toContain("scheme 'ftp:'");
    const relative = await httpFailure(http({ method: 'GET', url: '/relative' }));
    expect(relative.message).toContain("'/relative' is not an absolute URL");
    const getBody = await httpFailure(http({ method: 'GET', url: 'http://127.0.0.1:9/x', body: { a: 1 } }));
    expect(getBody.type).toBe(HTTP_REQUEST_INVALID);
  });
});
