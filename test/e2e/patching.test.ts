import { describe, expect, it } from 'vitest';
import {
  NonDeterminismError,
  defineWorkflow,
  replayHistory,
  type HistoryEvent,
  type WorkflowDefinition,
} from '../../src/index.js';
import { eventually, latch, openTestEnv, type TestEnv } from '../support/harness.js';

type Name = 'A' | 'B' | 'C' | 'D' | 'E';
type Acts = Record<Name, () => Promise<string>>;
const options = { startToCloseTimeout: '30s' } as const;

/** Activities A…E returning their lowercase name; `blocked` ones wait for `gate`. */
function activities(counts: Record<string, number>, gate: Promise<void>, blocked: Name[] = []): Acts {
  const make = (name: Name) => async (): Promise<string> => {
    counts[name] = (counts[name] ?? 0) + 1;
    if (blocked.includes(name)) await gate;
    return name.toLowerCase();
  };
  return { A: make('A'), B: make('B'), C: make('C'), D: make('D'), E: make('E') };
}

/** Which branches each version took, by replay or run (test bookkeeping, outside the history). */
const taken: string[] = [];

const v1 = defineWorkflow('Patched', async (ctx) => {
  const act = ctx.activities<Acts>(options);
  return (await act.A()) + (await act.D());
});
const v2 = defineWorkflow('Patched', async (ctx) => {
  const act = ctx.activities<Acts>(options);
  const first = ctx.patched('p1') ? await act.B() : await act.A();
  taken.push(first);
  const second = ctx.patched('p2') ? await act.C() : await act.D();
  taken.push(second);
  return first + second;
});
const v3 = defineWorkflow('Patched', async (ctx) => {
  const act = ctx.activities<Acts>(options);
  ctx.deprecatePatch('p2');
  return (await act.B()) + (await act.C());
});
const v4 = defineWorkflow('Patched', async (ctx) => {
  const act = ctx.activities<Acts>(options);
  ctx.deprecatePatch('p2');
  return (await act.B()) + (await act.E());
});

/** Runs `wf` to completion on a fresh task queue and returns its history. */
async function runToEnd(env: TestEnv, wf: WorkflowDefinition, workflowId: string): Promise<HistoryEvent[]> {
  const w = env.worker({
    taskQueue: workflowId,
    workflows: [wf],
    activities: activities({}, Promise.resolve()),
  });
  const handle = await env.baton.client.start(wf, { taskQueue: workflowId, workflowId });
  await handle.result();
  await w.shutdown();
  return (await handle.fetchHistory()).events;
}

function scheduled(events: HistoryEvent[]): string[] {
  return events.flatMap((e) => (e.eventType === 'ActivityTaskScheduled' ? [e.attrs.activityType] : []));
}

function markers(events: HistoryEvent[]): HistoryEvent[] {
  return events.filter((e) => e.eventType === 'MarkerRecorded');
}

describe('versioning: ctx.patched and ctx.deprecatePatch', () => {
  it('v2 replays v1 taking A and D; v3 replays v2; v4 (C → E without a patch) is a NonDeterminismError', async () => {
    const env = await openTestEnv();
    const h1 = await runToEnd(env, v1, 'v1');
    expect(scheduled(h1)).toEqual(['A', 'D']);

    taken.length = 0;
    await replayHistory([v2], { workflowId: 'v1', runId: 'r', events: h1 });
    expect(taken).toEqual(['a', 'd']);

    taken.length = 0;
    const h2 = await runToEnd(env, v2, 'v2');
    expect(taken).toEqual(['b', 'c']);
    expect(scheduled(h2)).toEqual(['B', 'C']);
    const recorded = markers(h2);
    expect(
      recorded.map((e) => e.eventType === 'MarkerRecorded' && [e.attrs.markerName, e.attrs.patchId]),
    ).toEqual([
      ['baton.patch', 'p1'],
      ['baton.patch', 'p2'],
    ]);
    expect(env.baton.converter.fromPayload(recorded[1]!.payload!)).toEqual({
      patchId: 'p2',
      deprecated: false,
    });
    // The marker comes right before the command of its branch, and takes no sequence number.
    const p2 = recorded[1]!;
    const c = h2.find((e) => e.eventType === 'ActivityTaskScheduled' && e.attrs.activityType === 'C')!;
    expect(c.eventId).toBe(p2.eventId + 1);
    expect(c.eventType === 'ActivityTaskScheduled' && c.attrs.seq).toBe(2);

    await replayHistory([v3], { workflowId: 'v2', runId: 'r', events: h2 });
    const h3 = await runToEnd(env, v3, 'v3');
    expect(markers(h3).map((e) => e.eventType === 'MarkerRecorded' && e.attrs)).toEqual([
      { seq: 0, markerName: 'baton.patch', patchId: 'p2', deprecated: true },
    ]);
    await replayHistory([v3], { workflowId: 'v3', runId: 'r', events: h3 });

    const nd = await replayHistory([v4], { workflowId: 'v2', runId: 'r', events: h2 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(nd).toBeInstanceOf(NonDeterminismError);
    const error = nd as NonDeterminismError;
    expect(error.eventId).toBe(c.eventId);
    expect(error.expected).toBe("ActivityTaskScheduled 'C'");
    expect(error.actual).toBe("ActivityTaskScheduled 'E'");
    expect(error.message).toContain(`at event ${c.eventId}`);
  });

  it('a worker with v2 finishes a v1 execution taken over mid-way on the old branches', async () => {
    const env = await openTestEnv();
    const counts: Record<string, number> = {};
    const gate = latch();
    const w1 = env.worker({
      taskQueue: 'mid',
      workflows: [v1],
      activities: activities(counts, gate.promise, ['D']),
      shutdownGraceTime: 50,
    });
    const handle = await env.baton.client.start(v1, { taskQueue: 'mid', workflowId: 'mid-1' });
    // A completed and D scheduled: `patched('p2')` is reached with D still to replay after it.
    await eventually(async () =>
      (await handle.describe()).pendingActivities[0]?.activityType === 'D' ? true : undefined,
    );
    await w1.shutdown();
    gate.release();
    env.worker({ taskQueue: 'mid', workflows: [v2], activities: activities(counts, gate.promise) });
    expect(await handle.result()).toBe('ad');
    expect(counts.B).toBeUndefined();
    expect(counts.C).toBeUndefined();
    expect(markers((await handle.fetchHistory()).events)).toEqual([]);
  });

  it('past the end of its history, a v1 execution takes the new branch (and records the marker)', async () => {
    const env = await openTestEnv();
    const counts: Record<string, number> = {};
    const gate = latch();
    const w1 = env.worker({
      taskQueue: 'past',
      workflows: [v1],
      activities: activities(counts, gate.promise, ['A']),
      shutdownGraceTime: 50,
    });
    const handle = await env.baton.client.start(v1, { taskQueue: 'past', workflowId: 'past-1' });
    await eventually(async () => ((await handle.describe()).pendingActivities.length > 0 ? true : undefined));
    await w1.shutdown();
    gate.release();
    env.worker({ taskQueue: 'past', workflows: [v2], activities: activities(counts, gate.promise) });
    expect(await handle.result()).toBe('ac');
    const { events } = await handle.fetchHistory();
    expect(scheduled(events)).toEqual(['A', 'C']);
    expect(markers(events).map((e) => e.eventType === 'MarkerRecorded' && e.attrs.patchId)).toEqual(['p2']);
  });

  it('v4 on a worker: the task fails with NonDeterminismError naming C and E, and E is never scheduled', async () => {
    const env = await openTestEnv();
    const counts: Record<string, number> = {};
    const never = latch();
    const w1 = env.worker({
      taskQueue: 'v4',
      workflows: [v2],
      activities: activities(counts, never.promise, ['C']),
      shutdownGraceTime: 50,
    });
    const handle = await env.baton.client.start(v2, { taskQueue: 'v4', workflowId: 'v4-1' });
    await eventually(async () =>
      (await handle.describe()).pendingActivities[0]?.activityType === 'C' ? true : undefined,
    );
    await w1.shutdown();
    const failures: Error[] = [];
    const w2 = env.worker({
      taskQueue: 'v4',
      workflows: [v4],
      activities: activities(counts, Promise.resolve()),
      hooks: { onWorkflowTaskFailed: (e) => failures.push(e.error) },
    });
    await eventually(() => (failures.length > 0 ? true : undefined));
    await w2.shutdown();
    const nd = failures[0] as NonDeterminismError;
    expect(nd).toBeInstanceOf(NonDeterminismError);
    expect(nd.expected).toBe("ActivityTaskScheduled 'C'");
    expect(nd.actual).toBe("ActivityTaskScheduled 'E'");
    const { events } = await handle.fetchHistory();
    expect(scheduled(events)).toEqual(['B', 'C']);
    expect(counts.E).toBeUndefined();
    expect((await handle.describe()).status).toBe('RUNNING');
    never.release();
  });

  it('answers the same for every call of one patch id, with one marker, and checks the id', async () => {
    const env = await openTestEnv();
    const answers: boolean[] = [];
    const twice = defineWorkflow('Twice', async (ctx) => {
      answers.push(ctx.patched('x'), ctx.patched('x'));
      expect(() => ctx.patched('')).toThrow(/patched: patchId must be a non-empty string/);
      return (await ctx.activities<Acts>(options).A()) + String(ctx.patched('x'));
    });
    const events = await runToEnd(env, twice, 'twice');
    expect(answers).toEqual([true, true]);
    expect(markers(events)).toHaveLength(1);
    answers.length = 0;
    await replayHistory(twice, { workflowId: 'twice', runId: 'r', events });
    expect(answers).toEqual([true, true]);
  });
});
