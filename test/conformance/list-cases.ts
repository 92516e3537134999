import { expect, it } from 'vitest';
import { ValidationError, type HistoryEvent } from '../../src/index.js';
import type { PendingActivityRecord } from '../../src/store/types.js';
import { startRequest, type OpenStore } from './fixtures.js';

/** Conformance cases of list filters and paging, and of the task queue backlog. */
export function listCases(open: OpenStore): void {
  it('lists by a literal, case-sensitive workflowId substring (LIKE wildcards match themselves)', async () => {
    const store = await open();
    for (const id of ['capture-50%_off', 'capture-50xyoff', 'Capture-x', 'other\\path'])
      await store.createExecution(startRequest(id));
    const ids = async (workflowIdContains: string) =>
      (await store.listExecutions({ workflowIdContains })).map((e) => e.workflowId).sort();
    expect(await ids('50%_')).toEqual(['capture-50%_off']);
    expect(await ids('capture-')).toEqual(['capture-50%_off', 'capture-50xyoff']);
    expect(await ids('\\')).toEqual(['other\\path']);
    expect(await ids('_')).toEqual(['capture-50%_off']);
    expect(await ids('nothing')).toEqual([]);
    await store.close();
  });

  it('lists by start time (after: inclusive, before: exclusive) and pages with limit and offset, newest first', async () => {
    const store = await open();
    for (let i = 1; i <= 5; i++) await store.createExecution(startRequest(`t${i}`, { nowMs: i * 1000 }));
    const ids = async (filter: Parameters<typeof store.listExecutions>[0]) =>
      (await store.listExecutions(filter)).map((e) => e.workflowId);
    expect(await ids({ startedAfterMs: 4000 })).toEqual(['t5', 't4']);
    expect(await ids({ startedBeforeMs: 2000 })).toEqual(['t1']);
    expect(await ids({ startedAfterMs: 2000, startedBeforeMs: 4000 })).toEqual(['t3', 't2']);
    expect(await ids({ limit: 2 })).toEqual(['t5', 't4']);
    expect(await ids({ limit: 2, offset: 2 })).toEqual(['t3', 't2']);
    expect(await ids({ limit: 2, offset: 4 })).toEqual(['t1']);
    expect(await ids({ limit: 2, offset: 5 })).toEqual([]);
    await store.terminate('t3', undefined, 'x', 6000);
    expect(await ids({ status: 'RUNNING', workflowIdContains: 't', offset: 1, limit: 2 })).toEqual([
      't4',
      't2',
    ]);
    await store.close();
  });

  it('refuses bad list filters with a ValidationError naming the field', async () => {
    const store = await open();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ offset: -1 }, /^offset: expected an integer ≥ 0, got -1$/],
      [{ limit: 1.5 }, /^limit: expected an integer ≥ 0, got 1\.5$/],
      [{ startedAfterMs: Number.NaN }, /^startedAfterMs: expected a time in epoch milliseconds/],
      [{ startedBeforeMs: '2024-01-01' }, /^startedBeforeMs: .* got "2024-01-01"$/],
      [{ workflowIdContains: 5 }, /^workflowIdContains: expected a string, got number$/],
    ];
    for (const [filter, message] of bad) {
      const err = await store.listExecutions(filter as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(message);
    }
    await store.close();
  });

  it('counts the backlog per task queue: due workflow tasks without a live lease, due unclaimed activity tasks', async () => {
    const store = await open();
    expect(await store.taskQueueBacklog(1000)).toEqual([]);
    const runs = [startRequest('b1'), startRequest('b2'), startRequest('b3')];
    for (const r of runs) await store.createExecution(r);
    await store.createExecution(startRequest('b4', { taskQueue: 'later', readyAtMs: 5000 }));
    expect(await store.taskQueueBacklog(1000)).toEqual([{ taskQueue: 'q', kind: 'workflow', count: 3 }]);
    expect(await store.taskQueueBacklog(5000)).toEqual([
      { taskQueue: 'later', kind: 'workflow', count: 1 },
      { taskQueue: 'q', kind: 'workflow', count: 3 },
    ]);
    // A claim holds one workflow task until its lease expires.
    const [held] = await store.claimExecutions({
      taskQueue: 'q',
      workerId: 'A',
      leaseMs: 1000,
      limit: 1,
      nowMs: 1000,
      includeBlocked: false,
    });
    expect(await store.taskQueueBacklog(1500)).toEqual([{ taskQueue: 'q', kind: 'workflow', count: 2 }]);
    expect(await store.taskQueueBacklog(2500)).toEqual([{ taskQueue: 'q', kind: 'workflow', count: 3 }]);
    // Its owner schedules an activity task on queue 'acts', due at 1200.
    const e = held!.execution;
    const scheduled = {
      eventId: 2,
      eventType: 'ActivityTaskScheduled',
      timeMs: 1100,
      attrs: { seq: 1, activityType: 'paralyze', options: { taskQueue: 'acts', retry: {} } },
      payload: '[]',
    } as unknown as HistoryEvent;
    const task: PendingActivityRecord = {
      seq: 1,
      activityType: 'paralyze',
      scheduledEventId: 2,
      attempt: 1,
      firstScheduledMs: 1100,
      nextAttemptMs: 1200,
      lastFailure: undefined,
      heartbeatDetails: undefined,
      handedBack: false,
      taskQueue: 'acts',
    };
    await store.commit({
      runId: e.runId,
      workflowId: e.workflowId,
      workerId: 'A',
      epoch: e.leaseEpoch,
      expectedLastEventId: 1,
      events: [scheduled],
      upsertActivities: [task],
    });
    expect(await store.taskQueueBacklog(1100)).toEqual([{ taskQueue: 'q', kind: 'workflow', count: 2 }]);
    expect(await store.taskQueueBacklog(1300)).toEqual([
      { taskQueue: 'acts', kind: 'activity', count: 1 },
      { taskQueue: 'q', kind: 'workflow', count: 2 },
    ]);
    const taken = await store.activityTasks.claimActivityTasks({
      taskQueue: 'acts',
      workerId: 'W',
      activityTypes: ['paralyze'],
      limit: 10,
      nowMs: 1300,
    });
    expect(taken).toHaveLength(1);
    expect((await store.taskQueueBacklog(1300)).filter((b) => b.kind === 'activity')).toEqual([]);
    // Closed executions wait for nothing; the held one waits for its lease to expire.
    for (const r of runs.filter((r) => r.runId !== e.runId))
      await store.terminate(r.workflowId, r.runId, 'x', 1400);
    expect(await store.taskQueueBacklog(1500)).toEqual([]);
    expect(await store.taskQueueBacklog(2500)).toEqual([{ taskQueue: 'q', kind: 'workflow', count: 1 }]);
    await store.close();
  });
}
