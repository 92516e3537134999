/**
 * Step workflows on the engine, on real SQLite files: a run SIGKILLed after step 2 of 3 resumes in
 * a new process without running steps 1 and 2 again; independent DAG branches run in parallel and
 * their join waits for both; a step that fails for good cancels the steps in flight and
 * compensates the completed ones newest first; a cancelled workflow compensates too. The demos
 * are in step-demos.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  WorkflowFailedError,
  activityContext,
  defineStepWorkflow,
  type HistoryEvent,
} from '../../src/index.js';
import { runTs } from '../support/child.js';
import { eventually, latch, openTestEnv } from '../support/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Activity types, in history order, of the events of type `eventType`. */
function activitiesWith(events: HistoryEvent[], eventType: HistoryEvent['eventType']): string[] {
  const typeOf = new Map<number, string>();
  const out: string[] = [];
  for (const e of events) {
    if (e.eventType === 'ActivityTaskScheduled') typeOf.set(e.eventId, e.attrs.activityType);
    if (e.eventType === eventType) {
      const scheduled = (e.attrs as { scheduledEventId?: number }).scheduledEventId;
      out.push(eventType === 'ActivityTaskScheduled' ? typeOf.get(e.eventId)! : typeOf.get(scheduled!)!);
    }
  }
  return out;
}

describe('a step workflow killed after step 2 of 3 (real processes, SIGKILL)', () => {
  it('resumes in a new process: steps 1 and 2 are not run again, step 3 runs once', async () => {
    const env = await openTestEnv();
    const sideEffects = join(env.dir, 'side-effects.log');
    const fixture = 'test/fixtures/steps-worker.ts';
    const first = runTs(fixture, ['start', env.url, 'steps-crash', sideEffects]);
    const killed = await first.exited;
    expect(killed.signal, first.stderr()).toBe('SIGKILL');
    const lines = () => readFileSync(sideEffects, 'utf8').trim().split('\n');
    expect(lines().map((l) => l.split(' ')[0])).toEqual(['one', 'two']);

    const handle = env.baton.client.getHandle('steps-crash');
    const before = (await handle.fetchHistory()).events;
    expect(activitiesWith(before, 'ActivityTaskCompleted')).toEqual(['stepOne', 'stepTwo']);
    expect(before.map((e) => e.eventType)).not.toContain('WorkflowExecutionCompleted');

    const second = runTs(fixture, ['resume', env.url, 'steps-crash', sideEffects]);
    const exit = await second.exited;
    expect(exit.code, second.stderr()).toBe(0);
    const expected = { one: 5, two: 50, three: 'three got 50' };
    expect(JSON.parse(second.stdout())).toEqual(expected);
    expect(await handle.result()).toEqual(expected);

    const pids = Object.fromEntries(lines().map((l) => l.split(' ') as [string, string]));
    expect(lines().map((l) => l.split(' ')[0])).toEqual(['one', 'two', 'three']);
    expect(pids.one).toBe(String(first.proc.pid));
    expect(pids.two).toBe(String(first.proc.pid));
    expect(pids.three).toBe(String(second.proc.pid));
    const after = (await handle.fetchHistory()).events;
    expect(activitiesWith(after, 'ActivityTaskCompleted')).toEqual(['stepOne', 'stepTwo', 'stepThree']);
    expect(after.at(-1)?.eventType).toBe('WorkflowExecutionCompleted');
  }, 60_000);
});

describe('a DAG: A → (B, C) → D', () => {
  it('B and C run at the same time; D starts after both ended and gets both outputs', async () => {
    const env = await openTestEnv();
    const spans: Record<string, { start: number; end: number }> = {};
    const timed =
      (name: string, ms: number, fn: (...a: never[]) => unknown) =>
      async (...args: never[]): Promise<unknown> => {
        const start = performance.now();
        await sleep(ms);
        const value = fn(...args);
        spans[name] = { start, end: performance.now() };
        return value;
      };
    const activities = {
      a: timed('A', 0, (n: number) => n + 1),
      b: timed('B', 300, (n: number) => n * 2),
      c: timed('C', 300, (n: number) => n * 3),
      d: timed('D', 0, (b: number, c: number) => `${b}+${c}`),
    };
    const wf = defineStepWorkflow<number>({
      name: 'Diamond',
      steps: [
        { name: 'A', run: 'a', dependsOn: [] },
        { name: 'B', run: 'b', dependsOn: ['A'] },
        { name: 'C', run: 'c', dependsOn: ['A'] },
        { name: 'D', run: 'd', dependsOn: ['B', 'C'], args: (_input, o) => [o.B, o.C] },
      ],
    });
    env.worker({ taskQueue: 'dag', workflows: [wf], activities });
    const handle = await env.baton.client.start(wf, { taskQueue: 'dag', args: [1] });
    expect(await handle.result()).toEqual({ A: 2, B: 4, C: 6, D: '4+6' });

    const { A, B, C, D } = spans as Record<'A' | 'B' | 'C' | 'D', { start: number; end: number }>;
    expect(B.start).toBeGreaterThanOrEqual(A.end);
    expect(C.start).toBeGreaterThanOrEqual(A.end);
    // Observable overlap: each started before the other ended.
    expect(B.start).toBeLessThan(C.end);
    expect(C.start).toBeLessThan(B.end);
    expect(D.start).toBeGreaterThanOrEqual(Math.max(B.end, C.end));

    // In the history too: B and C are scheduled in the same turn, in declaration order, before
    // either completes; D is scheduled after both completed.
    const types = (await handle.fetchHistory()).events
      .filter((e) => e.eventType === 'ActivityTaskScheduled' || e.eventType === 'ActivityTaskCompleted')
      .map((e) =>
        e.eventType === 'ActivityTaskScheduled' ? `scheduled ${e.attrs.activityType}` : 'completed',
      );
    expect(types.slice(0, 4)).toEqual(['scheduled a', 'completed', 'scheduled b', 'scheduled c']);
    expect(types.slice(4)).toEqual(['completed', 'completed', 'scheduled d', 'completed']);
  });

  it('a DAG replayed by another worker mid-run makes the same decisions: no step runs twice but the lost one', async () => {
    const env = await openTestEnv();
    const counts: Record<string, number> = {};
    const acts = (gate: Promise<void>) => {
      const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
      return {
        a: async (n: number) => (count('a'), n + 1),
        b: async (n: number) => (count('b'), n * 2),
        c: async (n: number) => {
          count('c');
          await gate;
          return n * 3;
        },
        d: async (b: number, c: number) => (count('d'), b + c),
      };
    };
    const wf = defineStepWorkflow<number>({
      name: 'DiamondReplay',
      activityOptions: { startToCloseTimeout: '30s', retry: { initialInterval: 20 } },
      steps: [
        { name: 'A', run: 'a', dependsOn: [] },
        { name: 'B', run: 'b', dependsOn: ['A'] },
        { name: 'C', run: 'c', dependsOn: ['A'] },
        { name: 'D', run: 'd', dependsOn: ['B', 'C'], args: (_input, o) => [o.B, o.C] },
      ],
    });
    const never = latch();
    const w1 = env.worker({
      taskQueue: 'replay',
      workflows: [wf],
      activities: acts(never.promise),
      shutdownGraceTime: 50,
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'replay', args: [1] });
    await eventually(async () => {
      const { events } = await handle.fetchHistory();
      return activitiesWith(events, 'ActivityTaskCompleted').join() === 'a,b' ? true : undefined;
    });
    await w1.shutdown();

    const failures: Error[] = [];
    const open = latch();
    open.release();
    env.worker({
      taskQueue: 'replay',
      workflows: [wf],
      activities: acts(open.promise),
      hooks: { onWorkflowTaskFailed: (e) => failures.push(e.error) },
    });
    expect(await handle.result()).toEqual({ A: 2, B: 4, C: 6, D: 10 });
    expect(failures).toEqual([]);
    expect(counts).toEqual({ a: 1, b: 1, c: 2, d: 1 });
    const { events } = await handle.fetchHistory();
    expect(activitiesWith(events, 'ActivityTaskScheduled')).toEqual(['a', 'b', 'c', 'd']);
    never.release();
  });

  it('each step gets its own retry and timeout over the workflow activity options', async () => {
    const env = await openTestEnv();
    let calls = 0;
    const wf = defineStepWorkflow({
      name: 'StepOptions',
      activityOptions: { startToCloseTimeout: '20s', retry: { initialInterval: 10, maximumAttempts: 9 } },
      steps: [
        { name: 'flaky', run: 'flaky', retry: { maximumAttempts: 2 }, timeout: '3s' },
        { name: 'plain', run: 'plain' },
      ],
    });
    const activities = {
      flaky: async (x: unknown): Promise<unknown> => {
        if (++calls === 1) throw new Error('first attempt fails');
        return x;
      },
      plain: async (x: unknown): Promise<unknown> => x,
    };
    env.worker({ taskQueue: 'opts', workflows: [wf], activities });
    const handle = await env.baton.client.start(wf, { taskQueue: 'opts', args: ['in'] });
    expect(await handle.result()).toEqual({ flaky: 'in', plain: 'in' });
    expect(calls).toBe(2);
    const scheduled = (await handle.fetchHistory()).events.flatMap((e) =>
      e.eventType === 'ActivityTaskScheduled' ? [e.attrs.options] : [],
    );
    expect(scheduled[0]).toMatchObject({
      startToCloseTimeoutMs: 3000,
      retry: { initialIntervalMs: 10, maximumAttempts: 2 },
    });
    expect(scheduled[1]).toMatchObject({
      startToCloseTimeoutMs: 20_000,
      retry: { initialIntervalMs: 10, maximumAttempts: 9 },
    });
  });
});

/** Activities one, two, three (three fails for good when asked) and their compensations; records calls. */
function recordingActivities(failThree: boolean) {
  const calls: string[] = [];
  const compensated: Record<string, unknown> = {};
  return {
    calls,
    compensated,
    activities: {
      one: async (n: number) => (calls.push('one'), n + 1),
      two: async (n: number) => (calls.push('two'), n * 10),
      three: async (n: number) => {
        calls.push('three');
        if (failThree) throw ApplicationFailure.nonRetryable('three is out of Poké Balls', 'NoPokeballs');
        return n;
      },
      undoOne: async (v: unknown) => void (calls.push('undoOne'), (compensated.undoOne = v)),
      undoTwo: async (v: unknown) => void (calls.push('undoTwo'), (compensated.undoTwo = v)),
    },
  };
}

const compensatedSteps = defineStepWorkflow<number>({
  name: 'Compensated',
  activityOptions: { startToCloseTimeout: '10s', retry: { initialInterval: 10 } },
  steps: [
    { name: 'one', run: 'one', compensate: 'undoOne' },
    { name: 'two', run: 'two', compensate: 'undoTwo' },
    { name: 'three', run: 'three' },
  ],
});

describe('failures and compensations', () => {
  it('step 3 fails for good: step 2, then step 1 are compensated with their outputs; the workflow fails with the step failure', async () => {
    const env = await openTestEnv();
    const { calls, compensated, activities } = recordingActivities(true);
    env.worker({ taskQueue: 'comp', workflows: [compensatedSteps], activities });
    const handle = await env.baton.client.start(compensatedSteps, { taskQueue: 'comp', args: [1] });
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const failure = (error as WorkflowFailedError).cause;
    expect(failure).toBeInstanceOf(ActivityFailure);
    expect(failure).toMatchObject({ activityType: 'three', retryState: 'NON_RETRYABLE_FAILURE', attempt: 1 });
    expect((failure as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
    expect((failure as ActivityFailure).cause).toMatchObject({
      type: 'NoPokeballs',
      message: 'three is out of Poké Balls',
    });
    expect(calls).toEqual(['one', 'two', 'three', 'undoTwo', 'undoOne']);
    expect(compensated).toEqual({ undoTwo: 20, undoOne: 2 });
    const { events } = await handle.fetchHistory();
    expect(activitiesWith(events, 'ActivityTaskCompleted')).toEqual(['one', 'two', 'undoTwo', 'undoOne']);
    expect(activitiesWith(events, 'ActivityTaskFailed')).toEqual(['three']);
    expect(events.at(-1)?.eventType).toBe('WorkflowExecutionFailed');
    // Each call is named by its summary: the step's name, or `compensate <step>`.
    expect(
      events.flatMap((e) => (e.eventType === 'ActivityTaskScheduled' ? [e.attrs.options.summary] : [])),
    ).toEqual(['one', 'two', 'three', 'compensate two', 'compensate one']);
  });

  it('compensateArgs builds the compensation arguments from the output, the input and all outputs', async () => {
    const env = await openTestEnv();
    const { calls, compensated, activities } = recordingActivities(true);
    const wf = defineStepWorkflow<number>({
      name: 'CompensateArgs',
      steps: [
        {
          name: 'one',
          run: 'one',
          compensate: 'undoOne',
          compensateArgs: (output, input, outputs) => [{ output, input, two: outputs.two }],
        },
        { name: 'two', run: 'two' },
        { name: 'three', run: 'three', args: (input, outputs) => [[input, outputs.one, outputs.two]] },
      ],
    });
    env.worker({ taskQueue: 'cargs', workflows: [wf], activities });
    const error = await env.baton.client
      .execute(wf, { taskQueue: 'cargs', args: [7] })
      .catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause).toMatchObject({ activityType: 'three' });
    expect(calls).toEqual(['one', 'two', 'three', 'undoOne']);
    expect(compensated).toEqual({ undoOne: { output: 8, input: 7, two: 80 } });
  });

  it('a bug in an args function fails the workflow task (the execution stays open), not the workflow', async () => {
    const env = await openTestEnv();
    const { calls, activities } = recordingActivities(false);
    let broken = true;
    const wf = defineStepWorkflow<number>({
      name: 'BuggyArgs',
      steps: [
        { name: 'one', run: 'one', compensate: 'undoOne' },
        {
          name: 'two',
          run: 'two',
          args: (_input, outputs) => {
            if (broken) throw new TypeError('a bug in args');
            return [outputs.one];
          },
        },
      ],
    });
    const failures: Error[] = [];
    env.worker({
      taskQueue: 'bug',
      workflows: [wf],
      activities,
      hooks: { onWorkflowTaskFailed: (e) => failures.push(e.error) },
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'bug', args: [1] });
    await eventually(() => (failures.length > 0 ? true : undefined));
    expect(failures[0]).toBeInstanceOf(TypeError);
    expect((await handle.describe()).status).toBe('RUNNING');
    expect(calls).toEqual(['one']);
    broken = false; // the fix: the retried workflow task replays and goes on
    expect(await handle.result()).toEqual({ one: 2, two: 20 });
    expect(calls).toEqual(['one', 'two']);
  });

  it('nothing is compensated when every step completes', async () => {
    const env = await openTestEnv();
    const { calls, activities } = recordingActivities(false);
    env.worker({ taskQueue: 'comp', workflows: [compensatedSteps], activities });
    const result = await env.baton.client.execute(compensatedSteps, { taskQueue: 'comp', args: [1] });
    expect(result).toEqual({ one: 2, two: 20, three: 20 });
    expect(calls).toEqual(['one', 'two', 'three']);
  });

  it('in a DAG, a failing branch cancels the branch in flight (awaited, not compensated), then compensates the completed steps', async () => {
    const env = await openTestEnv();
    const calls: string[] = [];
    const slowStarted = latch();
    const activities = {
      first: async () => void calls.push('first'),
      slow: async () => {
        calls.push('slow started');
        slowStarted.release();
        const { signal } = activityContext();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5000);
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()));
        });
        await sleep(100); // stopping takes a while: the workflow waits for it
        calls.push(signal.aborted ? 'slow stopped' : 'slow finished');
        if (signal.aborted) throw signal.reason as Error;
      },
      failing: async () => {
        await slowStarted.promise;
        calls.push('failing');
        throw ApplicationFailure.nonRetryable('the branch failed', 'BranchFailed');
      },
      undoFirst: async () => void calls.push('undoFirst'),
      undoSlow: async () => void calls.push('undoSlow'),
    };
    const wf = defineStepWorkflow({
      name: 'DagFailure',
      activityOptions: { startToCloseTimeout: '10s' },
      steps: [
        { name: 'first', run: 'first', compensate: 'undoFirst', dependsOn: [] },
        { name: 'slow', run: 'slow', compensate: 'undoSlow', dependsOn: ['first'] },
        { name: 'failing', run: 'failing', dependsOn: ['first'] },
      ],
    });
    env.worker({ taskQueue: 'dagfail', workflows: [wf], activities });
    const handle = await env.baton.client.start(wf, { taskQueue: 'dagfail', args: [null] });
    const error = await handle.result().catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause).toMatchObject({ activityType: 'failing' });
    expect(calls).toEqual(['first', 'slow started', 'failing', 'slow stopped', 'undoFirst']);
    const { events } = await handle.fetchHistory();
    expect(activitiesWith(events, 'ActivityTaskCanceled')).toEqual(['slow']);
    expect(activitiesWith(events, 'ActivityTaskCompleted')).toEqual(['first', 'undoFirst']);
  });

  it('cancelling the workflow cancels the step in flight, compensates the completed ones, and ends Canceled', async () => {
    const env = await openTestEnv();
    const calls: string[] = [];
    const started = latch();
    const activities = {
      one: async () => void calls.push('one'),
      two: async () => {
        calls.push('two started');
        started.release();
        const { signal } = activityContext();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        calls.push('two stopped');
        throw signal.reason as Error;
      },
      three: async () => void calls.push('three'),
      undoOne: async () => void calls.push('undoOne'),
      undoTwo: async () => void calls.push('undoTwo'),
    };
    env.worker({ taskQueue: 'cancel', workflows: [compensatedSteps], activities });
    const handle = await env.baton.client.start(compensatedSteps, { taskQueue: 'cancel', args: [1] });
    await started.promise;
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(calls).toEqual(['one', 'two started', 'two stopped', 'undoOne']);
    await eventually(async () => ((await handle.describe()).status === 'CANCELED' ? true : undefined));
    expect((await handle.fetchHistory()).events.at(-1)?.eventType).toBe('WorkflowExecutionCanceled');
  });
});
