/**
 * uTask templates on the engine, on the paths the sample templates do not take: expression
 * variables that throw, http retries on 5xx, cancellation, load errors of unsupported actions and
 * functions (with positions in the file as written, TABs included), and the `baton.step` markers
 * of a run read back from its history. The `subtask` action and foreach strategies:
 * utask-children.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { QueryNotRegisteredError, WorkflowFileError } from '../../src/index.js';
import { FileWorkflowSet } from '../../src/dsl/files/file-set.js';
import { loadWorkflowText } from '../../src/dsl/files/load.js';
import { STEP_MARKER, type StepMark } from '../../src/dsl/files/step-kit.js';
import { fastClock } from '../support/fast-clock.js';
import { eventually, openTestEnv, type TestEnv } from '../support/harness.js';
import { startMockHttp, type MockHttp } from '../support/mock-http.js';
import { samplePath } from '../support/samples.js';
import { awaitFileRun, runWorkflowFiles } from '../support/workflow-files.js';
import { utaskOutcome as outcome } from './run-kit.js';

let mock: MockHttp | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

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

  it('reports lines and columns of a TAB-indented template as written (a TAB is one column)', () => {
    const text = [
      'name: bad',
      'steps:',
      '\tok:',
      '\t\tactoin: {}',
      '\t\taction:',
      '\t\t\ttype: echo',
      '\t\t\tconfiguration: {output: {x: "{{ .input.a | sha256sum }}"}}',
      '\trunScript:',
      '\t\taction:',
      '\t\t\ttype:\tscript',
    ].join('\n');
    expect(loadProblems(text).split('\n')).toEqual([
      expect.stringMatching(/^bad\.yaml:4:3: step 'ok': unknown key 'actoin'/),
      expect.stringMatching(
        /^bad\.yaml:7:32: step 'ok': function 'sha256sum' is not supported .*\(template line 1, column 15\)$/,
      ),
      expect.stringMatching(/^bad\.yaml:10:10: step 'runScript': action type 'script' is not supported/),
    ]);
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
