/**
 * Every workflow file's execution records the fingerprint of the definition it started with, and
 * checks its input inside the workflow: a file changed under the same name@version cannot resume
 * an execution (NonDeterminismError, the execution waits for the original file); an execution
 * started without prepareInput (HTTP API, another client) still gets the defaults and checks; the
 * HTTP API refuses a bad input before writing anything.
 */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure, NonDeterminismError, WorkflowFailedError } from '../../src/index.js';
import { DEV_TASK_QUEUE } from '../../src/cli/dev-command.js';
import { FileWorkflowSet } from '../../src/dsl/files/file-set.js';
import { loadWorkflowText } from '../../src/dsl/files/load.js';
import { eventually, openTestEnv } from '../support/harness.js';
import { openApiEnv } from '../server/support.js';

const ORIGINAL = `
name: Guarded
steps:
  wait: { action: { waitForSignal: go } }
  after: { dependsOn: [wait], action: { echo: '\${steps.wait.output}' } }
`;
// The same name@version with a step inserted before the others.
const CHANGED = `
name: Guarded
steps:
  first: { action: { echo: inserted } }
  wait: { dependsOn: [first], action: { waitForSignal: go } }
  after: { dependsOn: [wait], action: { echo: '\${steps.wait.output}' } }
`;

const TEMPLATED = JSON.stringify({
  name: 'templated',
  inputTemplate: { who: 'world' },
  tasks: [
    {
      name: 't',
      taskReferenceName: 't',
      type: 'INLINE',
      inputParameters: { evaluatorType: 'javascript', expression: "'hi ' + $.w", w: '${workflow.input.who}' },
    },
  ],
});

const UTASK = `
name: picky
inputs:
  - name: lang
    legal_values: [english, spanish]
steps:
  say:
    action: { type: echo, configuration: { output: { lang: '{{.input.lang}}' } } }
`;

describe('workflow files: the definition an execution started with', () => {
  it('a changed file under the same name@version cannot resume it: NonDeterminismError; the original file can', async () => {
    const env = await openTestEnv();
    const original = new FileWorkflowSet([loadWorkflowText(ORIGINAL, 'guarded.yaml')]);
    const changed = new FileWorkflowSet([loadWorkflowText(CHANGED, 'guarded.yaml')]);
    expect(original.files[0]!.fingerprint).not.toBe(changed.files[0]!.fingerprint);
    const w1 = env.worker({
      taskQueue: 'g',
      workflows: original.workflows,
      activities: original.activities({ client: env.baton.client }),
      shutdownGraceTime: 50,
    });
    const handle = await env.baton.client.start(original.files[0]!.definition, {
      taskQueue: 'g',
      workflowId: 'guarded-1',
      args: [{}],
    });
    await eventually(async () => ((await handle.fetchHistory()).events.length >= 3 ? true : undefined));
    await w1.shutdown();

    const failures: Error[] = [];
    const w2 = env.worker({
      taskQueue: 'g',
      workflows: changed.workflows,
      activities: changed.activities({ client: env.baton.client }),
      hooks: { onWorkflowTaskFailed: (e) => failures.push(e.error) },
    });
    await handle.signal('go', 'now');
    await eventually(() => (failures.length > 0 ? true : undefined));
    await w2.shutdown();
    expect(failures[0]).toBeInstanceOf(NonDeterminismError);
    expect(failures[0]!.message).toContain(`baton.definition:${original.files[0]!.fingerprint}`);
    expect(failures[0]!.message).toContain(`baton.definition:${changed.files[0]!.fingerprint}`);
    // Nothing of the changed file ran.
    const events = (await handle.fetchHistory()).events;
    expect(events.filter((e) => e.eventType === 'ActivityTaskScheduled')).toHaveLength(0);

    env.worker({
      taskQueue: 'g',
      workflows: original.workflows,
      activities: original.activities({ client: env.baton.client }),
    });
    expect(await handle.result()).toEqual({ wait: 'now', after: 'now' });
  });

  it('an execution started without prepareInput still gets the defaults (Conductor inputTemplate) and the checks (uTask legal_values)', async () => {
    const env = await openTestEnv();
    const set = new FileWorkflowSet([
      loadWorkflowText(TEMPLATED, 'templated.json'),
      loadWorkflowText(UTASK, 'picky.yaml'),
    ]);
    env.worker({
      taskQueue: 'g',
      workflows: set.workflows,
      activities: set.activities({ client: env.baton.client }),
    });
    const templated = set.resolve('templated');
    expect(await env.baton.client.execute(templated.definition, { taskQueue: 'g', args: [{}] })).toEqual({
      result: 'hi world',
    });
    const picky = set.resolve('picky');
    const refused = await env.baton.client
      .execute(picky.definition, { taskQueue: 'g', args: [{ lang: 'zz' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowFailedError);
    const cause = (refused as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidInput');
    expect(cause.message).toMatch(/lang/);
  });

  it('the HTTP API refuses an input the file refuses (400) and writes nothing; it fills in defaults', async () => {
    const set = new FileWorkflowSet([
      loadWorkflowText(TEMPLATED, 'templated.json'),
      loadWorkflowText(UTASK, 'picky.yaml'),
    ]);
    const api = await openApiEnv({ worker: false, workflows: set.workflows });
    api.env.worker({
      taskQueue: DEV_TASK_QUEUE,
      workflows: set.workflows,
      activities: set.activities({ client: api.env.baton.client }),
    });
    const bad = await api.call('POST', '/api/executions', {
      workflowType: 'picky@1',
      workflowId: 'p-1',
      args: [{ lang: 'zz' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/lang/);
    expect((await api.env.baton.client.list({})).map((e) => e.workflowId)).not.toContain('p-1');
    const ok = await api.call('POST', '/api/executions', {
      workflowType: 'templated@1',
      workflowId: 't-1',
      args: [],
    });
    expect(ok.status).toBe(201);
    expect(await api.env.baton.client.getHandle('t-1').result()).toEqual({ result: 'hi world' });
  });
});
