/**
 * Baton's workflow files on a real engine (real SQLite store, real worker): `waitForSignal`
 * (signals sent with the client, before or after the step starts, its timeout), `workflow`
 * (child workflow files), the file's `timeout`, and compensations of `foreach` iterations.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure, type HistoryEvent } from '../../src/index.js';
import { FileWorkflowSet } from '../../src/dsl/files/file-set.js';
import { loadWorkflowText } from '../../src/dsl/files/load.js';
import { STEP_MARKER } from '../../src/dsl/files/step-kit.js';
import { eventually, openTestEnv, type TestEnv } from '../support/harness.js';
import { awaitFileRun, runWorkflowFiles } from '../support/workflow-files.js';

/** The first ApplicationFailure in a failure's cause chain. */
function rootOf(failure: unknown): ApplicationFailure {
  let f = failure as Error | undefined;
  while (f !== undefined && !(f instanceof ApplicationFailure)) f = f.cause as Error | undefined;
  if (f === undefined) throw new Error(`no ApplicationFailure in ${String(failure)}`);
  return f;
}

function events<K extends HistoryEvent['eventType']>(history: HistoryEvent[], type: K) {
  return history.filter((e): e is Extract<HistoryEvent, { eventType: K }> => e.eventType === type);
}

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

/** The eventId of the `baton.step` marker recording `step` in `state`, or undefined. */
function markerEventId(
  history: HistoryEvent[],
  env: TestEnv,
  step: string,
  state: string,
): number | undefined {
  for (const e of events(history, 'MarkerRecorded')) {
    if (e.attrs.markerName !== STEP_MARKER || e.payload === undefined) continue;
    const mark = env.baton.converter.fromPayload<{ step: string; state: string }>(e.payload);
    if (mark.step === step && mark.state === state) return e.eventId;
  }
  return undefined;
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

describe('Baton format: the file’s timeout and compensations', () => {
  it('fails the run with WorkflowTimeout, cancels the steps in flight, compensates the completed ones', async () => {
    const calls: string[] = [];
    const activities = {
      book: async (what: string) => {
        calls.push(`book ${what}`);
        return `${what}-booked`;
      },
      unbook: async (what: string) => {
        calls.push(`unbook ${what}`);
        return null;
      },
    };
    const text = [
      'name: slow',
      'timeout: 300ms',
      'steps:',
      '  hotel: { action: { activity: book, args: [hotel] }, compensate: { activity: unbook, args: ["${result}"] } }',
      '  wait: { action: { sleep: 10s } }',
      '  never: { action: { echo: never } }',
    ].join('\n');
    const run = await runWorkflowFiles([], { texts: { 'slow.yaml': text }, activities });
    expect(run.status).toBe('FAILED');
    const root = rootOf(run.failure);
    expect(root.type).toBe('WorkflowTimeout');
    expect(root.message).toContain('300 ms');
    expect(calls).toEqual(['book hotel', 'unbook hotel-booked']);
    expect(run.steps).toEqual({ hotel: 'COMPENSATED', wait: 'CANCELED' });
    const started = run.history[0]!.timeMs;
    expect(run.history.at(-1)!.timeMs - started).toBeGreaterThanOrEqual(300 - 5);
    expect(events(run.history, 'TimerCanceled').length).toBeGreaterThanOrEqual(1);
  });

  it('on timeout, cancels a child workflow step and a signal wait in flight', async () => {
    const parent = [
      'name: parent',
      'timeout: 300ms',
      'steps:',
      '  call: { action: { workflow: child } }',
      '  approve: { action: { waitForSignal: go } }',
      '  both: { dependsOn: [call, approve], action: { echo: never } }',
    ].join('\n');
    const napping = ['name: child', 'steps:', '  nap: { action: { sleep: 10s } }'].join('\n');
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': parent, 'child.yaml': napping },
      workflowId: 'p-4',
    });
    expect(run.status).toBe('FAILED');
    expect(rootOf(run.failure).type).toBe('WorkflowTimeout');
    expect(run.steps).toEqual({ call: 'CANCELED', approve: 'CANCELED' });
    const childRun = await eventually(async () => {
      const d = await run.env.baton.client.getHandle('p-4/call').describe();
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(childRun.status).toBe('CANCELED');
  });

  for (const parallel of [false, true])
    it(`compensates each completed foreach iteration (parallel: ${parallel}), newest first, after later steps`, async () => {
      const calls: string[] = [];
      const activities = {
        reserve: async (item: string) => {
          calls.push(`reserve ${item}`);
          return `r-${item}`;
        },
        release: async (result: string, item: string, index: number) => {
          calls.push(`release ${result} ${item} ${index}`);
          return null;
        },
        pay: async () => {
          calls.push('pay');
          throw ApplicationFailure.nonRetryable('card refused', 'PaymentRefused');
        },
      };
      const text = [
        'name: order',
        'steps:',
        '  first: { action: { echo: one }, compensate: { activity: release, args: ["${result}", none, -1] } }',
        '  items:',
        '    foreach: [a, b, c]',
        `    parallel: ${parallel}`,
        '    action: { activity: reserve, args: ["${item}"] }',
        '    compensate: { activity: release, args: ["${result}", "${item}", "${index}"] }',
        '  pay: { action: { activity: pay }, retry: { maximumAttempts: 1 } }',
      ].join('\n');
      const run = await runWorkflowFiles([], { texts: { 'order.yaml': text }, activities });
      expect(run.status).toBe('FAILED');
      expect(rootOf(run.failure).type).toBe('PaymentRefused');
      const reserved = calls.filter((c) => c.startsWith('reserve')).map((c) => c.slice(8));
      expect(reserved.sort()).toEqual(['a', 'b', 'c']);
      const releases = calls.slice(calls.indexOf('pay') + 1);
      // Newest first: the iterations in the reverse order they completed, then `first`.
      const expected = [...reserved]
        .reverse()
        .map((item) => `release r-${item} ${item} ${'abc'.indexOf(item)}`);
      if (!parallel) expect(releases).toEqual([...expected, 'release one none -1']);
      else {
        expect(releases.slice(0, 3).sort()).toEqual([...expected].sort());
        expect(releases[3]).toBe('release one none -1');
      }
      expect(run.steps).toEqual({
        first: 'COMPENSATED',
        items: 'COMPENSATED',
        'items[0]': 'COMPENSATED',
        'items[1]': 'COMPENSATED',
        'items[2]': 'COMPENSATED',
        pay: 'FAILED',
      });
      const summaries = events(run.history, 'ActivityTaskScheduled').map((e) => e.attrs.options.summary);
      expect(summaries).toContain('compensate items[2]');
      expect(summaries.at(-1)).toBe('compensate first');
      // The step is marked COMPENSATED after its iterations, before `first`.
      const marked = ['items[0]', 'items[1]', 'items[2]', 'items', 'first'].map((step) =>
        markerEventId(run.history, run.env, step, 'COMPENSATED')!,
      );
      expect(Math.max(...marked.slice(0, 3))).toBeLessThan(marked[3]!);
      expect(marked[3]).toBeLessThan(marked[4]!);
    });

  it('marks a foreach step COMPENSATION_FAILED when one iteration’s compensation failed; the others still run', async () => {
    const calls: string[] = [];
    const activities = {
      release: async (item: string) => {
        calls.push(`release ${item}`);
        if (item === 'b') throw ApplicationFailure.nonRetryable('cannot release b', 'Stuck');
        return null;
      },
      pay: async () => {
        throw ApplicationFailure.nonRetryable('card refused', 'PaymentRefused');
      },
    };
    const text = [
      'name: order',
      'steps:',
      '  items:',
      '    foreach: [a, b, c]',
      '    parallel: false',
      '    retry: { maximumAttempts: 1 }',
      '    action: { echo: "${item}" }',
      '    compensate: { activity: release, args: ["${result}"] }',
      '  pay: { action: { activity: pay }, retry: { maximumAttempts: 1 } }',
    ].join('\n');
    const run = await runWorkflowFiles([], { texts: { 'order.yaml': text }, activities });
    expect(run.status).toBe('FAILED');
    expect(calls).toEqual(['release c', 'release b', 'release a']);
    expect(run.steps).toEqual({
      items: 'COMPENSATION_FAILED',
      'items[0]': 'COMPENSATED',
      'items[1]': 'COMPENSATION_FAILED',
      'items[2]': 'COMPENSATED',
      pay: 'FAILED',
    });
    expect(run.stepViews.find((v) => v.step === 'items[1]')?.reason).toBe('cannot release b');
  });

  it('compensates the iterations that completed when a parallel iteration fails, not the failed one', async () => {
    const calls: string[] = [];
    const activities = {
      reserve: async (item: string) => {
        if (item === 'bad') throw ApplicationFailure.nonRetryable('sold out', 'SoldOut');
        calls.push(`reserve ${item}`);
        return item;
      },
      release: async (item: string) => {
        calls.push(`release ${item}`);
        return null;
      },
    };
    const text = [
      'name: partial',
      'steps:',
      '  items:',
      '    foreach: [a, bad, c]',
      '    retry: { maximumAttempts: 1 }',
      '    action: { activity: reserve, args: ["${item}"] }',
      '    compensate: { activity: release, args: ["${result}"] }',
    ].join('\n');
    const run = await runWorkflowFiles([], { texts: { 'p.yaml': text }, activities });
    expect(run.status).toBe('FAILED');
    expect(rootOf(run.failure).type).toBe('SoldOut');
    expect(run.steps['items[1]']).toBe('FAILED');
    expect(run.stepViews.find((v) => v.step === 'items[1]')?.reason).toBe('sold out');
    expect(run.steps.items).toBe('FAILED');
    const released = calls.filter((c) => c.startsWith('release')).sort();
    const reserved = calls
      .filter((c) => c.startsWith('reserve'))
      .map((c) => `release ${c.slice(8)}`)
      .sort();
    expect(released).toEqual(reserved);
    expect(released).not.toContain('release bad');
  });
});
