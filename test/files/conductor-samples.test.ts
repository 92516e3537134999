/**
 * The Conductor samples (hello, fork/join, do-while, retry) run on the engine against a local
 * HTTP server, with the outcomes the samples' README (../shared/samples/README.md) describes.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { samplePath } from '../support/samples.js';
import { ApplicationFailure } from '../../src/index.js';
import { startMockHttp, type MockAnswer, type MockHttp, type MockRequest } from '../support/mock-http.js';
import { runWorkflowFiles } from '../support/workflow-files.js';

const sample = (file: string): string => samplePath(`conductor/${file}`);

let mock: MockHttp | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function serve(
  handler: (req: MockRequest, all: readonly MockRequest[]) => MockAnswer | Promise<MockAnswer>,
) {
  mock = await startMockHttp(handler);
  return mock;
}

function outputOf(failure: unknown): unknown {
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect((failure as ApplicationFailure).type).toBe('ConductorWorkflowFailed');
  return (failure as ApplicationFailure).details[0];
}

describe('conductor/workflow.json (hello_workflow)', () => {
  it('GETs the API with JSON headers and summarises its answer with an INLINE script', async () => {
    const http = await serve(() => ({ json: { hostName: 'mock-1', apiRandomDelay: '0 ms', randomInt: 42 } }));
    const run = await runWorkflowFiles([sample('workflow.json')], { rewriteUrl: (url) => http.rewrite(url) });
    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({
      summary: 'Host mock-1 responded in 0 ms with random value 42',
      apiResponse: { hostName: 'mock-1', apiRandomDelay: '0 ms', randomInt: 42 },
    });
    expect(http.requests).toHaveLength(1);
    const [req] = http.requests;
    expect(req).toMatchObject({ method: 'GET', path: '/api', body: '' });
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers.accept).toBe('application/json');
    expect(run.steps).toEqual({ fetch_ref: 'COMPLETED', parse_ref: 'COMPLETED' });
  });

  it('parses a JSON body whatever its content type', async () => {
    const http = await serve(() => ({
      text: '{"hostName":"h","apiRandomDelay":"1 ms","randomInt":0}',
      headers: { 'content-type': 'text/plain' },
    }));
    const run = await runWorkflowFiles([sample('workflow.json')], { rewriteUrl: (url) => http.rewrite(url) });
    expect(run.result).toMatchObject({ summary: 'Host h responded in 1 ms with random value 0' });
  });

  it('a 500 fails fetch_ref without a retry (no task definition): FAILED after 1 request, parse_ref never scheduled', async () => {
    const http = await serve(() => ({ status: 500, json: { error: 'down' } }));
    const run = await runWorkflowFiles([sample('workflow.json')], { rewriteUrl: (url) => http.rewrite(url) });
    expect(run.status).toBe('FAILED');
    expect(http.requests).toHaveLength(1);
    expect(run.steps).toEqual({ fetch_ref: 'FAILED' });
    const scheduled = run.history.filter((e) => e.eventType === 'ActivityTaskScheduled');
    expect(scheduled.map((e) => e.eventType === 'ActivityTaskScheduled' && e.attrs.options.summary)).toEqual([
      'fetch_ref',
    ]);
  });
});

describe('conductor/multistep-workflow.json (fork/join)', () => {
  const times: Record<string, string> = {
    UTC: '2025-01-02T03:04:05.0000000',
    'America/New_York': '2025-01-01T22:04:05.0000000',
  };

  it('runs both branches in parallel and joins their outputs', async () => {
    let release!: () => void;
    const bothArrived = new Promise<void>((r) => (release = r));
    const http = await serve(async (req, all) => {
      if (all.length >= 2) release();
      await bothArrived; // the first answer waits for the second request: the branches overlap
      return { json: { dateTime: times[req.query.timeZone!] } };
    });
    const run = await runWorkflowFiles([sample('multistep-workflow.json')], {
      rewriteUrl: (url) => http.rewrite(url),
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({ utcTime: times.UTC, newYorkTime: times['America/New_York'] });
    expect(http.requests.map((r) => r.query.timeZone).sort()).toEqual(['America/New_York', 'UTC']);
    expect(run.steps).toEqual({
      fork_parallel_calls: 'COMPLETED',
      fetch_utc_time: 'COMPLETED',
      fetch_ny_time: 'COMPLETED',
      join_results: 'COMPLETED',
    });
  });

  it("the JOIN's output is the map of its joinOn tasks' outputs", async () => {
    const http = await serve((req) => ({ json: { dateTime: times[req.query.timeZone!] } }));
    const def = JSON.parse(readFileSync(sample('multistep-workflow.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    def.outputParameters = { joined: '${join_results.output}' };
    const run = await runWorkflowFiles([], {
      rewriteUrl: (url) => http.rewrite(url),
      texts: { 'joined.json': JSON.stringify(def) },
    });
    const joined = (
      run.result as { joined: Record<string, { response: { statusCode: number; body: unknown } }> }
    ).joined;
    expect(Object.keys(joined).sort()).toEqual(['fetch_ny_time', 'fetch_utc_time']);
    expect(joined.fetch_utc_time!.response).toMatchObject({ statusCode: 200, body: { dateTime: times.UTC } });
    expect(joined.fetch_ny_time!.response.body).toEqual({ dateTime: times['America/New_York'] });
  });

  it('fails without retrying when one branch gets a 500', async () => {
    const http = await serve((req) =>
      req.query.timeZone === 'UTC' ? { status: 500, json: { error: 'down' } } : { json: { dateTime: 'x' } },
    );
    const run = await runWorkflowFiles([sample('multistep-workflow.json')], {
      rewriteUrl: (url) => http.rewrite(url),
    });
    expect(run.status).toBe('FAILED');
    expect(http.requests.filter((r) => r.query.timeZone === 'UTC')).toHaveLength(1);
    expect(run.steps.fetch_utc_time).toBe('FAILED');
    expect(run.steps.join_results).toBeUndefined();
    expect((run.failure as ApplicationFailure).message).toMatch(/500/);
  });
});

describe('conductor/dowhile-workflow.json', () => {
  it('loops exactly 3 times, one request after the other, and reports the third answer', async () => {
    let open = 0;
    let overlapped = false;
    const http = await serve(async (_req, all) => {
      open += 1;
      if (open > 1) overlapped = true;
      await new Promise((r) => setTimeout(r, 20));
      open -= 1;
      return { json: { dateTime: `T${all.length}` } };
    });
    const run = await runWorkflowFiles([sample('dowhile-workflow.json')], {
      rewriteUrl: (url) => http.rewrite(url),
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({ sampledAt: 'T3', iterations: 3 });
    expect(http.requests).toHaveLength(3);
    expect(overlapped).toBe(false);
    expect(run.steps).toMatchObject({
      poll_loop: 'COMPLETED',
      'fetch_current_time[1]': 'COMPLETED',
      'fetch_current_time[2]': 'COMPLETED',
      'fetch_current_time[3]': 'COMPLETED',
      summarize: 'COMPLETED',
    });
    expect(run.steps['fetch_current_time[4]']).toBeUndefined();
  });

  it('fails after 2 requests when the second gets a 500, and never summarizes', async () => {
    const http = await serve((_req, all) =>
      all.length === 2 ? { status: 500, text: 'boom' } : { json: { dateTime: 'T' } },
    );
    const run = await runWorkflowFiles([sample('dowhile-workflow.json')], {
      rewriteUrl: (url) => http.rewrite(url),
    });
    expect(run.status).toBe('FAILED');
    expect(http.requests).toHaveLength(2);
    expect(run.steps['fetch_current_time[2]']).toBe('FAILED');
    expect(run.steps.poll_loop).toBe('FAILED');
    expect(run.steps.summarize).toBeUndefined();
    expect(outputOf(run.failure)).toEqual({ sampledAt: null, iterations: null });
  });
});

describe('conductor/retry-workflow.json', () => {
  it('a 404 fails the run after exactly one request; statusCode and body resolve to null', async () => {
    const http = await serve(() => ({ status: 404, json: { message: 'not found' } }));
    const run = await runWorkflowFiles([sample('retry-workflow.json')], {
      rewriteUrl: (url) => http.rewrite(url),
    });
    expect(run.status).toBe('FAILED');
    expect(http.requests).toHaveLength(1);
    expect(http.requests[0]!.path).toBe('/api/workflow/00000000-0000-0000-0000-000000000000');
    expect(run.steps).toEqual({ call_failing_endpoint: 'FAILED' });
    const view = run.stepViews.find((s) => s.step === 'call_failing_endpoint');
    expect(view?.reason).toMatch(/404/);
    expect(run.failure!.message).toMatch(/FAILED: .*404/);
    expect(outputOf(run.failure)).toEqual({ statusCode: null, body: null });
  });

  it('a 200 completes with the status code and the parsed body', async () => {
    const http = await serve(() => ({ json: { ok: true } }));
    const run = await runWorkflowFiles([sample('retry-workflow.json')], {
      rewriteUrl: (url) => http.rewrite(url),
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({ statusCode: 200, body: { ok: true } });
  });
});
