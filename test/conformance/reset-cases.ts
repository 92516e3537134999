import { expect, it } from 'vitest';
import {
  LeaseLostError,
  ValidationError,
  WorkflowNotFoundError,
  type HistoryEvent,
  type Store,
} from '../../src/index.js';
import type { ResetExecutionRequest } from '../../src/store/types.js';
import { claim, startRequest, type OpenStore } from './fixtures.js';

/** An event of the run below (attributes as the worker writes them, enough for the store). */
function ev(eventId: number, eventType: string, attrs: object, payload?: string): HistoryEvent {
  return { eventId, eventType, timeMs: 1000 + eventId * 10, attrs, payload } as HistoryEvent;
}

/** Events 2..9 of a capture: paralyze completes, an upsert, attack fails, the run fails. */
const EVENTS: HistoryEvent[] = [
  ev(2, 'ActivityTaskScheduled', { seq: 1, activityType: 'paralyze', options: { retry: {} } }, '["mewtwo"]'),
  ev(3, 'ActivityTaskStarted', { seq: 1, scheduledEventId: 2, attempt: 1 }),
  ev(4, 'ActivityTaskCompleted', { seq: 1, scheduledEventId: 2, startedEventId: 3 }, '"paralyzed"'),
  ev(5, 'UpsertWorkflowSearchAttributes', { seq: 2, searchAttributes: { level: 2 } }),
  ev(6, 'ActivityTaskScheduled', { seq: 3, activityType: 'attack', options: { retry: {} } }, '["x"]'),
  ev(7, 'ActivityTaskStarted', { seq: 3, scheduledEventId: 6, attempt: 1 }),
  ev(
    8,
    'ActivityTaskFailed',
    { seq: 3, scheduledEventId: 6, startedEventId: 7, retryState: 'MAXIMUM_ATTEMPTS_REACHED' },
    '{"f":1}',
  ),
  ev(9, 'WorkflowExecutionFailed', {}, '{"f":1}'),
];

/** Starts run `workflowId` and has worker A append events 2..`upTo` (closing it at 9). */
async function runUpTo(store: Store, workflowId: string, upTo: number) {
  const start = startRequest(workflowId, { memo: 'memo-text', searchAttributes: { team: 'a' } });
  await store.createExecution(start);
  const [held] = await claim(store, 'A', 1000, 60_000);
  const epoch = held!.execution.leaseEpoch;
  await store.commit({
    runId: start.runId,
    workflowId,
    workerId: 'A',
    epoch,
    expectedLastEventId: 1,
    events: EVENTS.filter((e) => e.eventId <= upTo),
    ...(upTo >= 9 ? { close: 'FAILED' as const } : {}),
  });
  return { start, epoch };
}

function resetRequest(
  start: { workflowId: string; runId: string; startEvent: HistoryEvent },
  toEventId: number,
  over: Partial<ResetExecutionRequest> = {},
): ResetExecutionRequest {
  const attrs = {
    ...(start.startEvent.attrs as object),
    resetFrom: { runId: start.runId, eventId: toEventId, reason: 'r' },
  };
  return {
    workflowId: start.workflowId,
    runId: start.runId,
    toEventId,
    newRunId: `reset-${Math.random().toString(36).slice(2)}`,
    startEvent: { ...start.startEvent, attrs } as HistoryEvent,
    searchAttributes: { team: 'a', level: 2 },
    reason: 'r',
    nowMs: 5000,
    ...over,
  };
}

/** Conformance cases of `resetExecution`. */
export function resetCases(open: OpenStore): void {
  it('reset copies events 1..toEventId into a new run with a due workflow task; a closed run stays as it was', async () => {
    const store = await open();
    const { start } = await runUpTo(store, 'reset-copy', 9);
    const req = resetRequest(start, 5);
    expect(await store.resetExecution(req)).toEqual({ terminatedRunId: undefined });
    const old = await store.getExecution('reset-copy', start.runId);
    expect(old).toMatchObject({ status: 'FAILED', lastEventId: 9 });
    const run = await store.getExecution('reset-copy');
    expect(run).toMatchObject({
      runId: req.newRunId,
      workflowType: 'T',
      taskQueue: 'q',
      status: 'RUNNING',
      startTimeMs: 5000,
      lastEventId: 5,
      readyAtMs: 5000,
      leaseOwner: undefined,
      memo: 'memo-text',
      searchAttributes: { team: 'a', level: 2 },
    });
    const copied = await store.getHistory(req.newRunId);
    const original = await store.getHistory(start.runId);
    expect(copied[0]).toEqual(req.startEvent);
    expect(copied.slice(1)).toEqual(original.slice(1, 5));
    expect(await store.getHistory(req.newRunId, 2, 3)).toEqual(original.slice(1, 3));
    const [claimed] = await claim(store, 'B', 5000);
    expect(claimed!.execution.runId).toBe(req.newRunId);
    expect(claimed!.history.map((e) => e.eventId)).toEqual([1, 2, 3, 4, 5]);
    expect(claimed!.pendingActivities).toEqual([]);
    expect((await store.listExecutions({ workflowId: 'reset-copy' })).map((e) => e.runId)).toEqual([
      req.newRunId,
      start.runId,
    ]);
    await store.close();
  });

  it('reset terminates the running run in the same transaction and fences its owner', async () => {
    const store = await open();
    const { start, epoch } = await runUpTo(store, 'reset-running', 4);
    const req = resetRequest(start, 4, { reason: 'ball fixed' });
    expect(await store.resetExecution(req)).toEqual({ terminatedRunId: start.runId });
    const old = await store.getExecution('reset-running', start.runId);
    expect(old).toMatchObject({ status: 'TERMINATED', lastEventId: 5, leaseOwner: undefined });
    expect(await store.getLastEvent(start.runId)).toMatchObject({
      eventId: 5,
      eventType: 'WorkflowExecutionTerminated',
      attrs: { reason: 'reset: ball fixed' },
    });
    // The old owner can write nothing more, and its lease is not renewed.
    await expect(
      store.commit({
        runId: start.runId,
        workflowId: 'reset-running',
        workerId: 'A',
        epoch,
        expectedLastEventId: 4,
        events: [EVENTS[3]!],
      }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.renewLeases('A', [start.runId], 1000, 5000)).toEqual([]);
    const [b] = await claim(store, 'B', 5000);
    expect(b!.execution.runId).toBe(req.newRunId);
    await store.commit({
      runId: req.newRunId,
      workflowId: 'reset-running',
      workerId: 'B',
      epoch: b!.execution.leaseEpoch,
      expectedLastEventId: 4,
      events: [ev(5, 'WorkflowExecutionCompleted', {}, '"done"')],
      close: 'COMPLETED',
    });
    expect((await store.getExecution('reset-running'))!.status).toBe('COMPLETED');
    await store.close();
  });

  it('reset of an older run terminates the workflowId’s running run', async () => {
    const store = await open();
    const { start } = await runUpTo(store, 'reset-older', 9);
    const current = startRequest('reset-older', { nowMs: 3000 });
    await store.createExecution(current);
    const req = resetRequest(start, 4);
    expect(await store.resetExecution(req)).toEqual({ terminatedRunId: current.runId });
    expect((await store.getExecution('reset-older', current.runId))!.status).toBe('TERMINATED');
    expect((await store.getExecution('reset-older', start.runId))!.status).toBe('FAILED');
    expect((await store.getExecution('reset-older'))!.runId).toBe(req.newRunId);
    await store.close();
  });

  it('a refused reset writes nothing, and does not stop the writes committed with it', async () => {
    const store = await open();
    const closed = await runUpTo(store, 'reset-closed', 9);
    const running = (await runUpTo(store, 'reset-open', 4)).start;
    const before = async () => ({
      runs: (await store.listExecutions({})).map((e) => [e.runId, e.status, e.lastEventId]),
      histories: [await store.getHistory(closed.start.runId), await store.getHistory(running.runId)],
    });
    const snapshot = await before();
    for (const [req, message] of [
      [resetRequest(closed.start, 0), /^toEventId: expected an integer in \[1, 8\] .* got 0$/],
      [resetRequest(closed.start, 9), /close event.*got 9$/],
      [resetRequest(running, 5), /^toEventId: expected an integer in \[1, 4\].* got 5$/],
      [resetRequest(running, 2.5), /got 2\.5$/],
    ] as const) {
      const [refused, signalled] = await Promise.allSettled([
        store.resetExecution(req),
        store.signal({
          workflowId: 'reset-open',
          runId: undefined,
          signalName: 's',
          payload: '[]',
          nowMs: 2000,
        }),
      ]);
      expect(refused.status).toBe('rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
      expect(((refused as PromiseRejectedResult).reason as Error).message).toMatch(message);
      expect(signalled.status).toBe('fulfilled');
    }
    await expect(
      store.resetExecution({ ...resetRequest(running, 2), runId: 'no-such-run' }),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    // A failure after the termination (the new runId is taken) rolls the termination back.
    await expect(
      store.resetExecution(resetRequest(running, 2, { newRunId: closed.start.runId })),
    ).rejects.toThrow();
    expect(await before()).toEqual(snapshot);
    expect((await store.inboxFor('A')).map((i) => i.kind)).toEqual(['signal', 'signal', 'signal', 'signal']);
    await store.close();
  });
}
