/**
 * Actions of Baton's workflow files on a real engine (real SQLite store, real worker, real HTTP
 * server): `http` (what is sent, the output, which failures are retried, its timeouts), `sleep`
 * (a durable timer), `publish` (an event on a durable topic) and a file `timeout` not reached.
 * `waitForSignal` and `workflow`: baton-actions-flow.test.ts; a file timeout reached and
 * compensations: baton-compensation.test.ts.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '../../src/index.js';
import { startMockHttp, type MockHttp } from '../support/mock-http.js';
import { openTestEnv } from '../support/harness.js';
import { runWorkflowFiles } from '../support/workflow-files.js';
import { events, rootOf } from './run-kit.js';

/** Runs one Baton file given as text. */
function runText(text: string, options: Parameters<typeof runWorkflowFiles>[1] = {}) {
  return runWorkflowFiles([], { ...options, texts: { 'wf.yaml': text } });
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const mocks: MockHttp[] = [];
afterEach(async () => {
  for (const m of mocks.splice(0)) await m.close();
});
async function mock(handler: Parameters<typeof startMockHttp>[0]): Promise<MockHttp> {
  const m = await startMockHttp(handler);
  mocks.push(m);
  return m;
}

/** A file with one `http` step `call` (the given action lines) and `retry`. */
function httpFile(action: string[], retry = '{ maximumAttempts: 4, initialInterval: 10ms }'): string {
  return [
    'name: web',
    'inputs:',
    '  id: { type: integer, default: 7 }',
    'steps:',
    '  call:',
    `    retry: ${retry}`,
    '    action:',
    '      http:',
    ...action.map((l) => `        ${l}`),
  ].join('\n');
}

describe('Baton format: the http action', () => {
  it('sends method, url, headers, query and body as given; the output is { statusCode, headers, body }', async () => {
    const server = await mock((req) => ({
      status: 201,
      json: { got: req.body, path: req.path },
      headers: { 'x-answer': 'yes' },
    }));
    const run = await runText(
      httpFile([
        'method: post',
        'url: "https://api.example.com/items/${inputs.id}"',
        'headers: { X-Count: "${inputs.id + 1}", X-Flag: true, Authorization: "Bearer t-${inputs.id}" }',
        'query: { page: 2, q: "a b", id: "${inputs.id}" }',
        'body: { id: "${inputs.id}", tags: [a, "${string(inputs.id)}"], none: null }',
      ]),
      { rewriteUrl: (u) => server.rewrite(u) },
    );
    expect(run.failure).toBeUndefined();
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/items/7');
    expect(req.query).toEqual({ page: '2', q: 'a b', id: '7' });
    expect(req.headers).toMatchObject({
      'x-count': '8',
      'x-flag': 'true',
      authorization: 'Bearer t-7',
      'content-type': 'application/json',
    });
    expect(req.body).toEqual({ id: 7, tags: ['a', '7'], none: null });
    const output = (run.result as { call: Record<string, unknown> }).call;
    expect(Object.keys(output).sort()).toEqual(['body', 'headers', 'statusCode']);
    expect(output.statusCode).toBe(201);
    expect(output.body).toEqual({ got: { id: 7, tags: ['a', '7'], none: null }, path: '/items/7' });
    expect(output.headers).toMatchObject({ 'x-answer': 'yes', 'content-type': 'application/json' });
    expect(run.steps).toEqual({ call: 'COMPLETED' });
  });

  it('sends a string body as is and reads a non-JSON answer as text', async () => {
    const server = await mock(() => ({
      text: '{"not": "parsed"}',
      headers: { 'content-type': 'text/plain' },
    }));
    const run = await runText(
      httpFile([
        'method: PUT',
        'url: https://api.example.com/raw',
        'headers: { Content-Type: text/plain }',
        'body: "id=${inputs.id}"',
      ]),
      { rewriteUrl: (u) => server.rewrite(u) },
    );
    expect(run.failure).toBeUndefined();
    expect(server.requests[0]).toMatchObject({ method: 'PUT', body: 'id=7' });
    expect(server.requests[0]!.headers['content-type']).toBe('text/plain');
    expect((run.result as { call: { body: unknown } }).call.body).toBe('{"not": "parsed"}');
  });

  it('fails a 4xx answer at once, without retry, with HttpClientError', async () => {
    const server = await mock(() => ({ status: 404, json: { error: 'no such item' } }));
    const run = await runText(httpFile(['url: https://api.example.com/items/1']), {
      rewriteUrl: (u) => server.rewrite(u),
    });
    expect(run.status).toBe('FAILED');
    expect(server.requests).toHaveLength(1);
    const root = rootOf(run.failure);
    expect(root).toBeInstanceOf(ApplicationFailure);
    expect(root.type).toBe('HttpClientError');
    expect(root.message).toContain('answered 404');
    expect(run.steps).toEqual({ call: 'FAILED' });
    const scheduled = events(run.history, 'ActivityTaskScheduled');
    expect(scheduled[0]!.attrs.options.retry.nonRetryableErrorTypes).toContain('HttpClientError');
  });

  it('keeps the policy’s own nonRetryableErrorTypes next to HttpClientError', async () => {
    const server = await mock(() => ({ status: 500 }));
    const run = await runText(
      httpFile(
        ['url: https://api.example.com/x'],
        '{ maximumAttempts: 4, initialInterval: 10ms, nonRetryableErrorTypes: [HttpServerError] }',
      ),
      {
        rewriteUrl: (u) => server.rewrite(u),
      },
    );
    expect(run.status).toBe('FAILED');
    expect(server.requests).toHaveLength(1);
    expect(rootOf(run.failure).type).toBe('HttpServerError');
  });

  it('retries 5xx answers under the step’s policy, then completes', async () => {
    const server = await mock((_req, all) =>
      all.length < 3 ? { status: 503, text: 'busy' } : { json: { ok: true } },
    );
    const run = await runText(httpFile(['url: https://api.example.com/x']), {
      rewriteUrl: (u) => server.rewrite(u),
    });
    expect(run.failure).toBeUndefined();
    expect(server.requests).toHaveLength(3);
    // initialInterval 10ms, coefficient 2: at least 10 ms then 20 ms between the attempts.
    expect(server.requests[1]!.atMs - server.requests[0]!.atMs).toBeGreaterThanOrEqual(8);
    expect(server.requests[2]!.atMs - server.requests[1]!.atMs).toBeGreaterThanOrEqual(18);
    expect(run.result).toMatchObject({ call: { statusCode: 200, body: { ok: true } } });
  });

  it('fails with HttpServerError after maximumAttempts 5xx answers', async () => {
    const server = await mock(() => ({ status: 502 }));
    const run = await runText(
      httpFile(['url: https://api.example.com/x'], '{ maximumAttempts: 3, initialInterval: 10ms }'),
      {
        rewriteUrl: (u) => server.rewrite(u),
      },
    );
    expect(run.status).toBe('FAILED');
    expect(server.requests).toHaveLength(3);
    expect(rootOf(run.failure).type).toBe('HttpServerError');
    expect(run.steps).toEqual({ call: 'FAILED' });
  });

  it('retries a refused connection (HttpNetworkError) under the step’s policy', async () => {
    const server = await mock(() => ({ json: 'up' }));
    const port = await closedPort();
    let calls = 0;
    const run = await runText(httpFile(['url: https://api.example.com/x']), {
      rewriteUrl: (url) =>
        ++calls <= 2
          ? url.replace('https://api.example.com', `http://127.0.0.1:${port}`)
          : server.rewrite(url),
    });
    expect(run.failure).toBeUndefined();
    expect(calls).toBe(3);
    expect(server.requests).toHaveLength(1);
    expect(run.result).toMatchObject({ call: { statusCode: 200, body: 'up' } });

    const refused = await runText(
      httpFile([`url: http://127.0.0.1:${port}/x`], '{ maximumAttempts: 2, initialInterval: 10ms }'),
    );
    expect(refused.status).toBe('FAILED');
    const root = rootOf(refused.failure);
    expect(root.type).toBe('HttpNetworkError');
    expect(root.message).toContain(`127.0.0.1:${port}`);
    expect(events(refused.history, 'ActivityTaskStarted').at(-1)!.attrs.attempt).toBe(2);
  });

  it('shows a network failure to a :FAILED dependent as the HTTP error, not its low-level cause', async () => {
    const port = await closedPort();
    const run = await runText(
      [
        'name: handled',
        'steps:',
        '  call:',
        '    retry: { maximumAttempts: 1 }',
        `    action: { http: { url: "http://127.0.0.1:${port}/x" } }`,
        '  report: { dependsOn: ["call:FAILED"], action: { echo: "${steps.call.error}" } }',
      ].join('\n'),
    );
    expect(run.failure).toBeUndefined();
    const error = (run.result as { report: { type: string; message: string } }).report;
    expect(error.type).toBe('HttpNetworkError');
    expect(error.message).toContain(`GET http://127.0.0.1:${port}/x failed`);
    const reason = run.stepViews.find((v) => v.step === 'call')?.reason;
    expect(reason).toContain(`GET http://127.0.0.1:${port}/x failed`);
  });

  it('gives up a request after http.timeout (HttpNetworkError), per attempt', async () => {
    const server = await mock(() => ({ json: 'late', delayMs: 2_000 }));
    const run = await runText(
      httpFile(
        ['url: https://api.example.com/slow', 'timeout: 150ms'],
        '{ maximumAttempts: 2, initialInterval: 10ms }',
      ),
      { rewriteUrl: (u) => server.rewrite(u) },
    );
    expect(run.status).toBe('FAILED');
    expect(server.requests).toHaveLength(2);
    const root = rootOf(run.failure);
    expect(root.type).toBe('HttpNetworkError');
    expect(root.message).toContain('no answer within 150 ms');
  });

  it('sets the attempt’s startToCloseTimeout from the request’s timeout (+5 s, at least 1m) or the step’s', async () => {
    const server = await mock(() => ({ json: 1 }));
    const run = await runText(
      [
        'name: timeouts',
        'steps:',
        '  short: { action: { http: { url: "https://a.example/1", timeout: 2s } } }',
        '  long: { action: { http: { url: "https://a.example/2", timeout: 2m } } }',
        '  given: { timeout: 3s, action: { http: { url: "https://a.example/3", timeout: 10m } } }',
      ].join('\n'),
      { rewriteUrl: (u) => server.rewrite(u) },
    );
    expect(run.failure).toBeUndefined();
    const timeouts = events(run.history, 'ActivityTaskScheduled').map((e) => [
      e.attrs.options.summary,
      e.attrs.options.startToCloseTimeoutMs,
    ]);
    expect(timeouts).toEqual([
      ['short', 60_000],
      ['long', 125_000],
      ['given', 3_000],
    ]);
  });

  it('fails the step when the attempt outlives the step’s timeout', async () => {
    const server = await mock(() => ({ json: 'late', delayMs: 3_000 }));
    const run = await runText(
      httpFile(['url: https://api.example.com/slow'], '{ maximumAttempts: 1 }').replace(
        '    retry:',
        '    timeout: 200ms\n    retry:',
      ),
      { rewriteUrl: (u) => server.rewrite(u) },
    );
    expect(run.status).toBe('FAILED');
    expect(events(run.history, 'ActivityTaskTimedOut')).toHaveLength(1);
    expect(run.steps).toEqual({ call: 'FAILED' });
  });
});

describe('Baton format: sleep, publish, a file timeout that is not reached', () => {
  it('sleeps at least the duration on a durable timer (a literal or an expression)', async () => {
    const run = await runText(
      [
        'name: nap',
        'inputs:',
        '  ms: { type: integer, default: 250 }',
        'steps:',
        '  first: { action: { sleep: 200ms } }',
        '  second: { action: { sleep: "${inputs.ms}" } }',
        '  after: { action: { echo: done } }',
      ].join('\n'),
    );
    expect(run.failure).toBeUndefined();
    expect(run.result).toEqual({ first: null, second: null, after: 'done' });
    const timers = events(run.history, 'TimerStarted');
    expect(timers.map((t) => t.attrs.durationMs)).toEqual([200, 250]);
    const fired = events(run.history, 'TimerFired');
    expect(fired).toHaveLength(2);
    // A timer counts from workflow time: the start for the first sleep, the first one's firing
    // for the second; it fires no earlier than that plus its duration.
    const bases = [run.history[0]!.timeMs, fired[0]!.timeMs];
    timers.forEach((t, i) => {
      expect(t.attrs.fireAtMs - t.attrs.durationMs).toBeGreaterThanOrEqual(bases[i]!);
      const done = fired.find((f) => f.attrs.startedEventId === t.eventId)!;
      expect(done.timeMs).toBeGreaterThanOrEqual(t.attrs.fireAtMs - 5);
    });
    const started = run.history[0]!.timeMs;
    const echoed = events(run.history, 'ActivityTaskScheduled')[0]!;
    expect(echoed.timeMs - started).toBeGreaterThanOrEqual(450 - 5);
  });

  it('publishes an event on a topic, readable with baton.topics; the same id is deduplicated', async () => {
    const text = [
      'name: pub',
      'inputs:',
      '  n: { type: integer }',
      'steps:',
      '  announce:',
      '    action: { publish: orders.created, event: { n: "${inputs.n}", who: "${workflow.type}" }, id: "order-${inputs.n}" }',
      '  anonymous:',
      '    action: { publish: orders.created, event: [1, 2] }',
    ].join('\n');
    const env = await openTestEnv();
    const run = await runText(text, { input: { n: 7 }, env });
    expect(run.failure).toBeUndefined();
    const { announce, anonymous } = run.result as Record<
      string,
      { id: string; seq: number; deduplicated: boolean }
    >;
    expect(announce).toMatchObject({ id: 'order-7', deduplicated: false });
    expect(anonymous!.deduplicated).toBe(false);
    expect(anonymous!.id).not.toBe('order-7');
    const read = await env.baton.topics.read('orders.created');
    expect(read.map((e) => [e.id, e.event, e.seq])).toEqual([
      ['order-7', { n: 7, who: 'pub@1' }, announce!.seq],
      [anonymous!.id, [1, 2], anonymous!.seq],
    ]);
    expect(read[0]!.correlationId).toBe(run.handle.workflowId);

    const again = await runText(text, { input: { n: 7 }, env, taskQueue: 'files-2' });
    expect(again.failure).toBeUndefined();
    expect((again.result as { announce: unknown }).announce).toEqual({
      id: 'order-7',
      seq: announce!.seq,
      deduplicated: true,
    });
    const after = await env.baton.topics.read('orders.created');
    expect(after.filter((e) => e.id === 'order-7')).toHaveLength(1);
  });

  it('completes a run that ends before its timeout (the timer is cancelled)', async () => {
    const text = ['name: quick', 'timeout: 1h', 'steps:', '  only: { action: { echo: done } }'].join('\n');
    const run = await runWorkflowFiles([], { texts: { 'q.yaml': text } });
    expect(run.failure).toBeUndefined();
    expect(run.result).toEqual({ only: 'done' });
    expect(events(run.history, 'TimerStarted').map((t) => t.attrs.durationMs)).toEqual([3_600_000]);
    expect(events(run.history, 'TimerCanceled')).toHaveLength(1);
  });
});
