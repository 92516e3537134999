/**
 * uTask templates on the engine, on the paths the sample templates do not take: the `subtask`
 * action (a child template run as a child workflow), `foreach_strategy: sequence` against parallel
 * children, expression variables that throw, http retries on 5xx, load errors of unsupported
 * actions and functions, and the `baton.step` markers of a run read back from its history.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationFailure, QueryNotRegisteredError, WorkflowFileError } from '../../src/index.js';
import { FileWorkflowSet } from '../../src/dsl/files/file-set.js';
import { loadWorkflowText } from '../../src/dsl/files/load.js';
import { STEP_MARKER, type StepMark } from '../../src/dsl/files/step-kit.js';
import type { UtaskRunResult } from '../../src/dsl/utask/import.js';
import { fastClock } from '../support/fast-clock.js';
import { eventually, openTestEnv, type TestEnv } from '../support/harness.js';
import { startMockHttp, type MockHttp, type MockRequest } from '../support/mock-http.js';
import { samplePath } from '../support/samples.js';
import { awaitFileRun, runWorkflowFiles, type FileRun } from '../support/workflow-files.js';

let mock: MockHttp | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** The run's uTask outcome: the result when COMPLETED, else the failure's details[0]. */
function outcome(run: FileRun): UtaskRunResult {
  if (run.status === 'COMPLETED') return run.result as UtaskRunResult;
  expect(run.failure).toBeInstanceOf(ApplicationFailure);
  const failure = run.failure as ApplicationFailure;
  expect(failure.type).toBe('UTaskResolution');
  return failure.details[0] as UtaskRunResult;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// subtask

const PARENT = `
name: Parent-Tpl
title_format: parent of {{.input.who}}
inputs:
  - name: who
steps:
  callChild:
    action:
      type: subtask
      configuration:
        template: Child-Tpl
        input:
          who: "{{.input.who}}"
          mode: "{{.input.mode}}"
  afterChild:
    dependencies: [callChild]
    action:
      type: echo
      configuration:
        output:
          said: "{{.step.callChild.output.greeting}}"
          child: "{{.step.callChild.metadata.task_id}}"
`;

const CHILD = `
name: child-tpl
inputs:
  - name: who
  - name: mode
    optional: true
steps:
  greet:
    action:
      type: echo
      configuration:
        output:
          hello: "{{.input.who}}"
        error_message: '{{if eq .input.mode "fail"}}no greeting for {{.input.who}}{{end}}'
        error_type: client
result_format:
  greeting: "hi {{.step.greet.output.hello}}"
`;

describe('uTask subtask action', () => {
  it("runs the child template as a child workflow '<parent>/<step>'; its result is the step output", async () => {
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': PARENT, 'child.yaml': CHILD },
      input: { who: 'Sacha' },
      workflowId: 'p-1',
    });
    expect(run.status).toBe('COMPLETED');
    const out = outcome(run);
    expect(out.resolution).toBe('DONE');
    expect(out.steps.callChild).toMatchObject({
      state: 'DONE',
      output: { greeting: 'hi Sacha' },
      metadata: { task_id: 'p-1/callChild', state: 'DONE' },
    });
    expect(out.steps.afterChild?.output).toEqual({ said: 'hi Sacha', child: 'p-1/callChild' });
    expect(run.set.files[0]?.references).toEqual(['child-tpl']);

    const child = run.env.baton.client.getHandle('p-1/callChild');
    expect((await child.describe()).status).toBe('COMPLETED');
    expect((await child.describe()).workflowType).toBe('child-tpl@1');
    expect(await child.result()).toMatchObject({ resolution: 'DONE', result: { greeting: 'hi Sacha' } });
  });

  it('makes the step CLIENT_ERROR when the child does not end DONE (and runs nothing after it)', async () => {
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': PARENT, 'child.yaml': CHILD },
      input: { who: 'Sacha', mode: 'fail' },
      workflowId: 'p-2',
    });
    expect(run.status).toBe('FAILED');
    const out = outcome(run);
    expect(out.resolution).toBe('BLOCKED_BADREQUEST');
    expect(out.steps.callChild?.state).toBe('CLIENT_ERROR');
    expect(out.steps.callChild?.metadata).toMatchObject({ task_id: 'p-2/callChild' });
    expect(out.steps.callChild?.error).toMatch(/BLOCKED_BADREQUEST/);
    expect(out.steps.afterChild?.state).toBe('TODO');
    expect(run.steps.callChild).toBe('CLIENT_ERROR');

    const child = run.env.baton.client.getHandle('p-2/callChild');
    expect((await child.describe()).status).toBe('FAILED');
  });

  it('passes json_input, and makes an unknown child template CLIENT_ERROR naming it', async () => {
    const parent = `
name: parent-json
steps:
  good:
    action:
      type: subtask
      configuration:
        template: child-tpl
        json_input: '{"who": "Ondine", "mode": "ok"}'
  missing:
    action:
      type: subtask
      configuration:
        template: no-such-template
`;
    const run = await runWorkflowFiles([], { texts: { 'parent.yaml': parent, 'child.yaml': CHILD } });
    const out = outcome(run);
    expect(out.steps.good).toMatchObject({ state: 'DONE', output: { greeting: 'hi Ondine' } });
    expect(out.steps.missing?.state).toBe('CLIENT_ERROR');
    expect(out.steps.missing?.error).toMatch(/no-such-template/);
  });

  it("runs one child per foreach item, each '<parent>/<step>[i]'", async () => {
    const parent = `
name: parent-loop
steps:
  kids:
    foreach: '["Pierre", "Ondine"]'
    action:
      type: subtask
      configuration:
        template: child-tpl
        input:
          who: "{{.iterator}}"
          mode: ok
`;
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': parent, 'child.yaml': CHILD },
      workflowId: 'p-3',
    });
    const out = outcome(run);
    expect(out.resolution).toBe('DONE');
    expect((out.steps.kids?.children as { output: unknown }[]).map((c) => c.output)).toEqual([
      { greeting: 'hi Pierre' },
      { greeting: 'hi Ondine' },
    ]);
    for (const [i, who] of ['Pierre', 'Ondine'].entries())
      expect(await run.env.baton.client.getHandle(`p-3/kids[${i}]`).result()).toMatchObject({
        result: { greeting: `hi ${who}` },
      });
  });
});

// ---------------------------------------------------------------------------------------------
// foreach strategies

function foreachTemplate(strategy: string | undefined): string {
  return `
name: fan-out
inputs:
  - name: items
    collection: true
steps:
  fetch:
    foreach: "{{.input.items | toJson}}"
${strategy === undefined ? '' : `    foreach_strategy: ${strategy}\n`}    action:
      type: http
      configuration:
        url: "http://api.example.test/item/{{.iterator}}"
`;
}

/** A mock that holds each answer `holdMs` and tracks how many requests it holds at once. */
async function holdingMock(holdMs: number): Promise<{ server: MockHttp; maxActive: () => number }> {
  let active = 0;
  let max = 0;
  const server = await startMockHttp(async (req: MockRequest) => {
    active += 1;
    max = Math.max(max, active);
    await sleep(holdMs);
    active -= 1;
    return { json: { item: req.path.split('/').pop() } };
  });
  mock = server;
  return { server, maxActive: () => max };
}

describe('uTask foreach strategies', () => {
  it('sequence: runs the children one after the other, in item order', async () => {
    const { server, maxActive } = await holdingMock(150);
    const run = await runWorkflowFiles([], {
      texts: { 'fan.yaml': foreachTemplate('sequence') },
      input: { items: ['a', 'b', 'c'] },
      rewriteUrl: (url) => server.rewrite(url),
      utask: { maxRetries: 0 },
    });
    const out = outcome(run);
    expect(out.resolution).toBe('DONE');
    expect(maxActive()).toBe(1);
    expect(server.requests.map((r) => r.path)).toEqual(['/item/a', '/item/b', '/item/c']);
    const arrivals = server.requests.map((r) => r.atMs);
    for (let i = 1; i < arrivals.length; i++)
      expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(140);
    expect(
      (out.steps.fetch?.children as { output: unknown; metadata: { iterator: unknown } }[]).map((c) => [
        c.metadata.iterator,
        c.output,
      ]),
    ).toEqual([
      ['a', { item: 'a' }],
      ['b', { item: 'b' }],
      ['c', { item: 'c' }],
    ]);
  });

  it('parallel (the default): the children overlap', async () => {
    const { server, maxActive } = await holdingMock(400);
    const out = outcome(
      await runWorkflowFiles([], {
        texts: { 'fan.yaml': foreachTemplate(undefined) },
        input: { items: ['a', 'b', 'c'] },
        rewriteUrl: (url) => server.rewrite(url),
        utask: { maxRetries: 0 },
      }),
    );
    expect(out.resolution).toBe('DONE');
    expect(server.requests).toHaveLength(3);
    expect(maxActive()).toBeGreaterThan(1);
  });

  it('sequence: a child in error stops the ones after it; the step takes its state', async () => {
    const server = await startMockHttp((req) =>
      req.path === '/item/b' ? { status: 404, json: { missing: 'b' } } : { json: { ok: true } },
    );
    mock = server;
    const run = await runWorkflowFiles([], {
      texts: { 'fan.yaml': foreachTemplate('sequence') },
      input: { items: ['a', 'b', 'c'] },
      rewriteUrl: (url) => server.rewrite(url),
      utask: { maxRetries: 0 },
    });
    const out = outcome(run);
    expect(out.resolution).toBe('BLOCKED_BADREQUEST');
    expect(out.steps.fetch?.state).toBe('CLIENT_ERROR');
    expect(server.requests.map((r) => r.path)).toEqual(['/item/a', '/item/b']);
    expect(run.steps).toMatchObject({ 'fetch[0]': 'DONE', 'fetch[1]': 'CLIENT_ERROR' });
    expect(run.steps['fetch[2]']).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// expression variables

function expressionTemplate(expression: string, used: boolean): string {
  return `
name: expressions
variables:
  - name: fine
    expression: "'ok-' + (20 + 22)"
  - name: boom
    expression: ${JSON.stringify(expression)}
steps:
  show:
    action:
      type: echo
      configuration:
        output:
          fine: '{{eval "fine"}}'
${used ? `          boom: '{{eval "boom"}}'\n` : ''}`;
}

describe('uTask expression variables', () => {
  it('a throwing expression puts the step that evals it in FATAL_ERROR, naming the variable', async () => {
    const run = await runWorkflowFiles([], {
      texts: { 'x.yaml': expressionTemplate("throw new Error('kaboom')", true) },
    });
    expect(run.status).toBe('FAILED');
    const out = outcome(run);
    expect(out.resolution).toBe('BLOCKED_FATAL');
    expect(out.steps.show?.state).toBe('FATAL_ERROR');
    expect(out.steps.show?.error).toMatch(/variable 'boom'.*kaboom/);
    expect(run.failure?.message).toMatch(/show FATAL_ERROR.*variable 'boom'.*kaboom/);
  });

  it('a throwing expression that no step evals does not matter; the others still work', async () => {
    const out = outcome(
      await runWorkflowFiles([], { texts: { 'x.yaml': expressionTemplate('nope.nothing', false) } }),
    );
    expect(out.resolution).toBe('DONE');
    expect(out.steps.show?.output).toEqual({ fine: 'ok-42' });
  });

  it('an expression that never ends fails the steps that eval it, naming the variables', async () => {
    const run = await runWorkflowFiles([], {
      texts: { 'x.yaml': expressionTemplate('while (true) {}', true) },
    });
    const out = outcome(run);
    expect(out.resolution).toBe('BLOCKED_FATAL');
    expect(out.steps.show?.state).toBe('FATAL_ERROR');
    expect(out.steps.show?.error).toMatch(/variable 'fine'/);
    expect(out.steps.show?.error).toMatch(/ms limit/);
  });
});

// ---------------------------------------------------------------------------------------------
// http retries

/** A test environment on a clock 50 times faster than the machine's (retry back-offs of seconds take ms). */
async function fastEnv(): Promise<TestEnv> {
  return openTestEnv({ clock: fastClock(50) });
}

const RETRIED = `
name: retried
steps:
  call:
    retry_pattern: seconds
    action:
      type: http
      configuration:
        url: http://api.example.test/flaky
`;

describe('uTask http retries', () => {
  it('retries a 503 maxRetries times (3 requests), then the run ends ERROR', async () => {
    const server = await startMockHttp(() => ({ status: 503, json: { error: 'down' } }));
    mock = server;
    const env = await fastEnv();
    const out = outcome(
      await runWorkflowFiles([], {
        texts: { 'r.yaml': RETRIED },
        rewriteUrl: (url) => server.rewrite(url),
        utask: { maxRetries: 2 },
        env,
      }),
    );
    expect(out.resolution).toBe('ERROR');
    expect(out.steps.call).toMatchObject({ state: 'SERVER_ERROR', metadata: { HTTPStatus: 503 } });
    expect(out.steps.call?.error).toMatch(/503/);
    expect(server.requests).toHaveLength(3);
  });

  it('a 503 then a 200 ends DONE with the second answer', async () => {
    const server = await startMockHttp((_req, all) =>
      all.length === 1 ? { status: 503, text: 'busy' } : { json: { ok: true } },
    );
    mock = server;
    const env = await fastEnv();
    const run = await runWorkflowFiles([], {
      texts: { 'r.yaml': RETRIED },
      rewriteUrl: (url) => server.rewrite(url),
      utask: { maxRetries: 2 },
      env,
    });
    expect(run.status).toBe('COMPLETED');
    const out = outcome(run);
    expect(out.steps.call).toMatchObject({ state: 'DONE', output: { ok: true } });
    expect(server.requests).toHaveLength(2);
    expect(run.stepViews.find((v) => v.step === 'call')?.attempt).toBe(2);
  });

  it('never retries a 404', async () => {
    const server = await startMockHttp(() => ({ status: 404, json: {} }));
    mock = server;
    const out = outcome(
      await runWorkflowFiles([], {
        texts: { 'r.yaml': RETRIED },
        rewriteUrl: (url) => server.rewrite(url),
        utask: { maxRetries: 2 },
      }),
    );
    expect(out.steps.call?.state).toBe('CLIENT_ERROR');
    expect(server.requests).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// cancellation

describe('uTask cancellation', () => {
  it('a run cancelled during an http step ends CANCELED (not ERROR), the step CANCELED', async () => {
    const template = `
name: slow
steps:
  call:
    action:
      type: http
      configuration:
        url: http://api.example.test/slow
  after:
    dependencies: ['call:ANY']
    action:
      type: echo
      configuration: {output: {ran: true}}
`;
    const server = await startMockHttp(() => ({ json: {}, delayMs: 3000 }));
    mock = server;
    const set = new FileWorkflowSet([loadWorkflowText(template, 'slow.yaml', { utask: { maxRetries: 0 } })]);
    const env = await openTestEnv();
    env.worker({
      taskQueue: 'files',
      workflows: set.workflows,
      activities: set.activities({ client: env.baton.client, rewriteUrl: (url) => server.rewrite(url) }),
    });
    const handle = await env.baton.client.start(set.files[0]!.definition, { taskQueue: 'files', args: [{}] });
    await eventually(() => (server.requests.length > 0 ? true : undefined));
    await handle.cancel();
    const run = await awaitFileRun(handle, set, env);
    expect(run.status).toBe('CANCELED');
    expect(run.steps).toEqual({ call: 'CANCELED' });
  });
});

// ---------------------------------------------------------------------------------------------
// load errors

/** The problems of loading `text` as `file`, as `file:line:column: message`. */
function loadProblems(text: string, file = 'bad.yaml'): string {
  try {
    loadWorkflowText(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowFileError);
    return (error as WorkflowFileError).message;
  }
  throw new Error('expected the template to be refused');
}

describe('uTask load errors', () => {
  it('refuses an unsupported action type with the step, line and column', () => {
    const text = `name: bad
steps:
  ok:
    action:
      type: echo
      configuration: {output: {a: 1}}
  runScript:
    action:
      type: script
      configuration:
        file_path: x.sh
`;
    expect(loadProblems(text)).toMatch(/^bad\.yaml:9:13: .*runScript.*'script' is not supported/m);
  });

  it('refuses an unknown template function with the step, the function, line and column', () => {
    const text = `name: bad
steps:
  show:
    action:
      type: echo
      configuration:
        output:
          x: "{{ .input.a | sha256sum }}"
`;
    expect(loadProblems(text)).toMatch(/^bad\.yaml:8:\d+: .*show.*sha256sum/m);
  });

  it('lists every problem of a file, in file order', () => {
    const text = `name: bad
steps:
  one:
    action:
      type: ssh
  two:
    action:
      type: email
`;
    const lines = loadProblems(text).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^bad\.yaml:5:\d+: .*one.*'ssh'/);
    expect(lines[1]).toMatch(/^bad\.yaml:8:\d+: .*two.*'email'/);
  });
});

// ---------------------------------------------------------------------------------------------
// history markers and replay

describe('uTask run history', () => {
  it("hello-world-now: the baton.step markers give the result's step states, and the history replays", async () => {
    const server = await startMockHttp(() => ({
      json: { currentDateTime: '2024-05-01T12:34Z', isDayLightSavingsTime: false, dayOfTheWeek: 'Wednesday' },
    }));
    mock = server;
    const run = await runWorkflowFiles([samplePath('utask/hello-world-now.yaml')], {
      input: { language: 'spanish' },
      rewriteUrl: (url) => server.rewrite(url),
      utask: { maxRetries: 0 },
    });
    const out = outcome(run);
    expect(out.resolution).toBe('DONE');

    const marks = run.history
      .filter((e) => e.eventType === 'MarkerRecorded' && e.attrs.markerName === STEP_MARKER)
      .map((e) => run.env.baton.converter.fromPayload<StepMark>(e.payload!));
    const last: Record<string, string> = {};
    for (const m of marks) last[m.step] = m.state;
    const fromResult = Object.fromEntries(Object.entries(out.steps).map(([n, s]) => [n, s.state]));
    expect(last).toEqual(fromResult);
    expect(marks.map((m) => `${m.step}:${m.state}`)).toEqual([
      'getTime:RUNNING',
      'getTime:DONE',
      'sayHello:RUNNING',
      'sayHello:DONE',
    ]);
    // A query on the closed run replays its whole history in a fresh run: a nondeterministic
    // interpreter would fail the replay instead of reaching the (missing) query handler.
    await expect(run.handle.query('no-such-query')).rejects.toBeInstanceOf(QueryNotRegisteredError);
  });
});
