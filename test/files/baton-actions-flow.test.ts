/**
 * Baton's workflow files on a real engine (real SQLite store, real worker): `waitForSignal`
 * (signals sent with the client, before or after the step starts, its timeout) and `workflow`
 * (child workflow files). The file's `timeout` and compensations: baton-compensation.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '../../src/index.js';
import { FileWorkflowSet } from '../../src/dsl/files/file-set.js';
import { loadWorkflowText } from '../../src/dsl/files/load.js';
import { eventually, openTestEnv } from '../support/harness.js';
import { awaitFileRun, runWorkflowFiles } from '../support/workflow-files.js';
import { events, markerEventId, rootOf } from './run-kit.js';

/** Starts the first of `texts` with the client (the test keeps the handle to signal it). */
async function startFiles(texts: Record<string, string>, input?: unknown) {
  const set = new FileWorkflowSet(Object.entries(texts).map(([name, text]) => loadWorkflowText(text, name)));
  const env = await openTestEnv();
  env.worker({
    taskQueue: 'files',
    workflows: set.workflows,
    activities: set.activities({ client: env.baton.client }),
  });
  const first = set.files[0]!;
  const handle = await env.baton.client.start(first.definition, {
    taskQueue: 'files',
    workflowId: `file-${randomUUID()}`,
    args: [first.prepareInput(input)],
  });
  return { set, env, handle, done: () => awaitFileRun(handle, set, env) };
}

const approval = [
  'name: approval',
  'steps:',
  '  prepare: { action: { sleep: "${inputs.delay}" } }',
  '  approve: { action: { waitForSignal: approved, timeout: 10s } }',
  '  second: { action: { waitForSignal: approved, timeout: 10s } }',
  'inputs:',
  '  delay: { type: integer, default: 0 }',
].join('\n');

describe('Baton format: waitForSignal', () => {
  it('outputs the first argument of a signal sent while the step waits', async () => {
    const { handle, done, env } = await startFiles({ 'a.yaml': approval });
    await eventually(async () =>
      markerEventId((await handle.fetchHistory()).events, env, 'approve', 'RUNNING'),
    );
    await handle.signal('approved', { by: 'ada' }, 'ignored');
    await handle.signal('approved', 42);
    const run = await done();
    expect(run.failure).toBeUndefined();
    expect(run.result).toEqual({ prepare: null, approve: { by: 'ada' }, second: 42 });
    expect(run.steps).toEqual({ prepare: 'COMPLETED', approve: 'COMPLETED', second: 'COMPLETED' });
  });

  it('keeps signals sent before the step starts and gives them oldest first', async () => {
    const { handle, done } = await startFiles({ 'a.yaml': approval }, { delay: 300 });
    await handle.signal('approved', 'first');
    await handle.signal('approved', 'second');
    const run = await done();
    expect(run.failure).toBeUndefined();
    expect(run.result).toMatchObject({ approve: 'first', second: 'second' });
    const signaled = events(run.history, 'WorkflowExecutionSignaled');
    expect(signaled).toHaveLength(2);
    const running = markerEventId(run.history, run.env, 'approve', 'RUNNING')!;
    expect(signaled.every((s) => s.eventId < running)).toBe(true);
  });

  it('gives one signal to one waiting step only, when two steps wait for it at once', async () => {
    const text = [
      'name: two',
      'steps:',
      '  a: { dependsOn: [], action: { waitForSignal: go, timeout: 10s } }',
      '  b: { dependsOn: [], action: { waitForSignal: go, timeout: 10s } }',
    ].join('\n');
    const { handle, done, env } = await startFiles({ 't.yaml': text });
    const history = async () => (await handle.fetchHistory()).events;
    await eventually(async () => markerEventId(await history(), env, 'b', 'RUNNING'));
    await handle.signal('go', 'one');
    const first = await eventually(async () => {
      const h = await history();
      return ['a', 'b'].find((s) => markerEventId(h, env, s, 'COMPLETED') !== undefined);
    });
    const other = first === 'a' ? 'b' : 'a';
    expect(markerEventId(await history(), env, other, 'COMPLETED')).toBeUndefined();
    await handle.signal('go', 'two');
    const run = await done();
    expect(run.failure).toBeUndefined();
    expect(run.result).toEqual({ [first]: 'one', [other]: 'two' });
  });

  it('fails the step with SignalTimeout when no signal came within its timeout', async () => {
    const text = [
      'name: impatient',
      'steps:',
      '  approve: { action: { waitForSignal: approved, timeout: 250ms } }',
      '  after: { action: { echo: never } }',
    ].join('\n');
    const { handle, done } = await startFiles({ 'i.yaml': text });
    await handle.signal('other', 'not this one');
    const run = await done();
    expect(run.status).toBe('FAILED');
    const root = rootOf(run.failure);
    expect(root.type).toBe('SignalTimeout');
    expect(root.message).toContain("step 'approve'");
    expect(run.steps).toEqual({ approve: 'FAILED' });
    const started = run.history[0]!.timeMs;
    const closed = run.history.at(-1)!.timeMs;
    expect(closed - started).toBeGreaterThanOrEqual(250 - 5);
    expect(events(run.history, 'TimerStarted').map((t) => t.attrs.durationMs)).toEqual([250]);
  });
});

const child = (version: number, extra: string[] = []) =>
  [
    'name: child',
    `version: ${version}`,
    'inputs:',
    '  n: { type: integer, required: true }',
    'steps:',
    `  double: { action: { echo: "\${inputs.n * ${version + 1}}" } }`,
    ...extra,
    'output: { v: ' + String(version) + ', value: "${steps.double.output}", id: "${workflow.id}" }',
  ].join('\n');

describe('Baton format: the workflow action', () => {
  it('runs a child file (latest version or name@N) as <parent>/<step>; its output is the step’s', async () => {
    const parent = [
      'name: parent',
      'steps:',
      '  latest: { action: { workflow: child, input: { n: 5 } } }',
      '  pinned: { action: { workflow: child@1, input: { n: "${steps.latest.output.value}" } } }',
    ].join('\n');
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': parent, 'child1.yaml': child(1), 'child2.yaml': child(2) },
      workflowId: 'p-1',
    });
    expect(run.failure).toBeUndefined();
    expect(run.result).toEqual({
      latest: { v: 2, value: 15, id: 'p-1/latest' },
      pinned: { v: 1, value: 30, id: 'p-1/pinned' },
    });
    const latest = await run.env.baton.client.getHandle('p-1/latest').describe();
    expect(latest).toMatchObject({ status: 'COMPLETED', workflowType: 'child@2' });
    const pinned = await run.env.baton.client.getHandle('p-1/pinned').describe();
    expect(pinned).toMatchObject({ status: 'COMPLETED', workflowType: 'child@1' });
  });

  it('fails the step when the child fails, and when the child’s input is refused', async () => {
    const parent = [
      'name: parent',
      'steps:',
      '  call: { action: { workflow: child, input: { n: 3 } } }',
      '  bad: { dependsOn: ["call:FAILED"], action: { workflow: child, input: { n: "three" } } }',
      '  after: { dependsOn: ["bad:FAILED"], action: { echo: "${steps.call.error.type} ${steps.bad.error.type}" } }',
    ].join('\n');
    const failing = child(1, ['  boom: { action: { sleep: "${\'not a duration\'}" } }']);
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': parent, 'child.yaml': failing },
      workflowId: 'p-2',
    });
    expect(run.failure).toBeUndefined();
    expect(run.steps).toMatchObject({ call: 'FAILED', bad: 'FAILED', after: 'COMPLETED' });
    expect((run.result as { after: string }).after).toBe('ChildWorkflowFailed ChildWorkflowStartRefused');
    const childRun = await run.env.baton.client.getHandle('p-2/call').describe();
    expect(childRun.status).toBe('FAILED');

    const direct = await runWorkflowFiles([], {
      texts: {
        'parent.yaml': 'name: parent\nsteps:\n  call: { action: { workflow: child, input: { n: 3 } } }',
        'child.yaml': failing,
      },
      workflowId: 'p-3',
    });
    expect(direct.status).toBe('FAILED');
    const failure = direct.failure as Error;
    const chain: string[] = [];
    for (let f: unknown = failure; f instanceof Error; f = f.cause)
      if (f instanceof ApplicationFailure) chain.push(f.type);
    expect(chain[0]).toBe('ChildWorkflowFailed');
    expect(chain).toContain('InvalidDuration');
    expect(direct.steps).toEqual({ call: 'FAILED' });
  });
});
