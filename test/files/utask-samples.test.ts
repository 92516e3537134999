/**
 * The uTask sample templates of test/fixtures/samples/utask (copies of ../shared/samples) run on the engine, against a local HTTP
 * server where they call one, with the outcomes the samples' README describes.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '../../src/index.js';
import type { UtaskRunResult } from '../../src/dsl/utask/import.js';
import { startMockHttp, type MockAnswer, type MockHttp } from '../support/mock-http.js';
import { runWorkflowFiles, type FileRun } from '../support/workflow-files.js';
import { samplePath } from '../support/samples.js';

const SAMPLES = samplePath('utask');
const sample = (name: string): string => `${SAMPLES}/${name}`;

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
  expect(failure.nonRetryable).toBe(true);
  return failure.details[0] as UtaskRunResult;
}

async function hello(answer: MockAnswer, input: unknown = {}): Promise<FileRun> {
  const server = await startMockHttp(() => answer);
  mock = server;
  return runWorkflowFiles([sample('hello-world-now.yaml')], {
    input,
    rewriteUrl: (url) => server.rewrite(url),
    utask: { maxRetries: 0 },
  });
}

const NOW = { currentDateTime: '2024-05-01T12:34Z', isDayLightSavingsTime: false, dayOfTheWeek: 'Wednesday' };

describe('uTask hello-world-now.yaml', () => {
  it('greets in english (trailing space) with the time, and calls the API once', async () => {
    const run = await hello({ json: NOW });
    expect(run.status).toBe('COMPLETED');
    const out = outcome(run);
    expect(out.resolution).toBe('DONE');
    expect(out.title).toBe('Say hello in english');
    expect(out.steps.getTime?.state).toBe('DONE');
    expect(out.steps.getTime?.output).toEqual(NOW);
    expect((out.steps.getTime?.metadata as { HTTPStatus: number }).HTTPStatus).toBe(200);
    expect(out.steps.sayHello?.state).toBe('DONE');
    expect(out.steps.sayHello?.output).toEqual({ message: 'Hello World! ', when: '2024-05-01T12:34Z' });
    expect(out.result).toEqual({ echo_message: 'Hello World! ', echo_when: '2024-05-01T12:34Z' });
    expect(run.steps).toMatchObject({ getTime: 'DONE', sayHello: 'DONE' });
    expect(mock?.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/json/utc/now']);
  });

  it('greets in spanish through the JavaScript variable, without a trailing space', async () => {
    const out = outcome(await hello({ json: NOW }, { language: 'spanish' }));
    expect(out.resolution).toBe('DONE');
    expect(out.title).toBe('Say hello in spanish');
    expect(out.steps.sayHello?.output).toEqual({ message: 'Hola mundo!', when: '2024-05-01T12:34Z' });
  });

  it('refuses a language outside legal_values before anything runs', async () => {
    await expect(
      runWorkflowFiles([sample('hello-world-now.yaml')], { input: { language: 'french' } }),
    ).rejects.toThrow(/input 'language'.*"english", "spanish"/);
  });

  it('is BLOCKED_FATAL when the time has seconds (json_schema)', async () => {
    const run = await hello({ json: { ...NOW, currentDateTime: '2024-05-01T12:34:56Z' } });
    expect(run.status).toBe('FAILED');
    const out = outcome(run);
    expect(out.resolution).toBe('BLOCKED_FATAL');
    expect(out.steps.getTime?.state).toBe('FATAL_ERROR');
    expect(out.steps.sayHello?.state).toBe('TODO');
    expect(run.steps.getTime).toBe('FATAL_ERROR');
  });

  it('is BLOCKED_FATAL when the answer is not application/json (the body stays a string)', async () => {
    const out = outcome(
      await hello({ text: JSON.stringify(NOW), headers: { 'content-type': 'text/plain' } }),
    );
    expect(out.resolution).toBe('BLOCKED_FATAL');
    expect(out.steps.getTime?.state).toBe('FATAL_ERROR');
    expect(out.steps.getTime?.output).toBe(JSON.stringify(NOW));
  });

  it('is ERROR on a 503 (SERVER_ERROR), after 1 + maxRetries attempts', async () => {
    const run = await hello({ status: 503, json: { error: 'down' } });
    const out = outcome(run);
    expect(out.resolution).toBe('ERROR');
    expect(out.steps.getTime?.state).toBe('SERVER_ERROR');
    expect(mock?.requests).toHaveLength(1);
  });

  it('is BLOCKED_BADREQUEST on a 404 (CLIENT_ERROR), with the status in the metadata', async () => {
    const out = outcome(await hello({ status: 404, json: { message: 'not found' } }));
    expect(out.resolution).toBe('BLOCKED_BADREQUEST');
    expect(out.steps.getTime?.state).toBe('CLIENT_ERROR');
    expect((out.steps.getTime?.metadata as { HTTPStatus: number }).HTTPStatus).toBe(404);
    expect(mock?.requests).toHaveLength(1);
  });
});

describe('uTask engine test templates', () => {
  it('simple.yaml with its TABs turned into two spaces ends ERROR after one pass', async () => {
    const text = readFileSync(sample('simple.yaml'), 'utf8').replace(/\t/g, '  ');
    const out = outcome(
      await runWorkflowFiles([], { texts: { 'simple.yaml': text }, utask: { maxRetries: 0 } }),
    );
    expect(out.resolution).toBe('ERROR');
    expect(out.steps.stepOne).toMatchObject({ state: 'DONE', output: { foo: 'bar' } });
    expect(out.steps.stepTwo).toMatchObject({ state: 'DONE', output: { foo: 'baz' } });
    expect(out.steps.stepThree).toMatchObject({ state: 'SERVER_ERROR', error: 'FAIL!' });
  });

  it('simple.yaml (TAB-indented: read with two spaces per TAB, with a warning) ends ERROR', async () => {
    const run = await runWorkflowFiles([sample('simple.yaml')], {
      input: { extra: 1 },
      utask: { maxRetries: 0 },
    });
    expect(run.set.files[0]?.warnings.join('\n')).toMatch(/TAB/);
    expect(run.set.files[0]?.workflowType).toBe('simpletemplate@1');
    const out = outcome(run);
    expect(out.resolution).toBe('ERROR');
    expect(out.steps.stepOne).toMatchObject({ state: 'DONE', output: { foo: 'bar' } });
    expect(out.steps.stepTwo).toMatchObject({ state: 'DONE', output: { foo: 'baz' } });
    expect(out.steps.stepThree).toMatchObject({ state: 'SERVER_ERROR', error: 'FAIL!' });
  });

  it('foreach.yaml: skip, check on a sibling, children collected, empty loop DONE', async () => {
    const run = await runWorkflowFiles([sample('foreach.yaml')], { input: { list: ['a', 'b', 'c'] } });
    expect(run.status).toBe('COMPLETED');
    const out = outcome(run);
    expect(out.resolution).toBe('DONE');
    expect(out.steps.emptyLoop).toMatchObject({ state: 'DONE', children: [] });
    const generated = out.steps.generateItems?.children as { output: unknown; state: string }[];
    expect(generated.map((c) => c.output)).toEqual([
      { foo: 'foo-b', bar: 'bar-b' },
      { foo: 'foo-c', bar: 'bar-c' },
    ]);
    const concat = out.steps.concatItems?.children as {
      output: unknown;
      metadata: { iterator: { output: unknown } };
    }[];
    expect(out.steps.concatItems?.state).toBe('DONE');
    expect(concat).toHaveLength(1);
    expect(concat[0]?.output).toEqual({ concat: 'foo-b-bar-b' });
    expect(concat[0]?.metadata.iterator.output).toEqual({ foo: 'foo-b', bar: 'bar-b' });
    expect(out.steps.bStep?.state).toBe('B');
    expect(out.steps.finalStep?.state).toBe('DONE');
    expect(run.steps['generateItems[0]']).toBe('PRUNE');
    expect(run.steps['concatItems[1]']).toBe('PRUNE');
  });

  it('metadata.yaml: a client error with HTTPStatus 404 is moved to custom state NOTFOUND', async () => {
    const out = outcome(await runWorkflowFiles([sample('metadata.yaml')], {}));
    expect(out.resolution).toBe('DONE');
    expect(out.steps.notfound?.state).toBe('NOTFOUND');
    expect(out.steps.notfound?.metadata).toEqual({ HTTPStatus: 404 });
  });

  it('anyDependency.yaml: :ANY waits for final states and stops pruning', async () => {
    const out = outcome(await runWorkflowFiles([sample('anyDependency.yaml')], {}));
    expect(out.resolution).toBe('DONE');
    expect(out.steps.firstStepSuccess?.state).toBe('DONE');
    expect(out.steps.firstStepNotFound?.state).toBe('NOT_FOUND');
    expect(out.steps.secondStepRunsIfAny).toMatchObject({ state: 'DONE', output: { i_ran_anyway: 'yes' } });
    expect(out.steps.thirdStepRunsIfSecondOK?.state).toBe('DONE');
    expect(out.steps.thirdStepRunsIfSecondKO?.state).toBe('PRUNE');
    expect(out.steps.fourthStepWillNotBePruned).toMatchObject({
      state: 'DONE',
      output: { result: 'we_made_it' },
    });
  });
});
