import { expect, it } from 'vitest';
import type { HistoryEvent, Store } from '../../src/index.js';
import type { CreateExecutionRequest, ExecutionWrite } from '../../src/store/types.js';
import { claim, startRequest, type OpenStore } from './fixtures.js';

/** A run of `workflowId` started, claimed by worker A, with three signals, a cancel request and an update. */
async function busyRun(store: Store, workflowId: string, memo: string) {
  const start = startRequest(workflowId, { memo, searchAttributes: { stage: 'one' } });
  await store.createExecution(start);
  const [claimed] = await claim(store, 'A', 1000);
  for (const n of [1, 2, 3])
    await store.signal({ workflowId, runId: undefined, signalName: 'tick', payload: `[${n}]`, nowMs: 1100 });
  await store.requestCancel(workflowId, undefined, 'stop', 1100);
  await store.admitUpdate({
    workflowId,
    runId: undefined,
    updateId: 'u1',
    updateName: 'heal',
    payload: '[]',
    nowMs: 1100,
  });
  const inbox = await store.inboxFor('A');
  expect(inbox.map((r) => r.kind)).toEqual(['signal', 'signal', 'signal', 'cancel', 'update']);
  return { runId: start.runId, epoch: claimed!.execution.leaseEpoch, inbox };
}

/** The owner's write that records the first signal and continues as new (or fails, retried). */
function closingWrite(
  workflowId: string,
  run: { runId: string; epoch: number; inbox: { id: number }[] },
  nextRun: CreateExecutionRequest,
  close: 'CONTINUED_AS_NEW' | 'FAILED',
): ExecutionWrite {
  const signaled: HistoryEvent = {
    eventId: 2,
    eventType: 'WorkflowExecutionSignaled',
    timeMs: 1200,
    attrs: { signalName: 'tick' },
    payload: '[1]',
  };
  const closeEvent: HistoryEvent =
    close === 'CONTINUED_AS_NEW'
      ? {
          eventId: 3,
          eventType: 'WorkflowExecutionContinuedAsNew',
          timeMs: 1200,
          attrs: { newExecutionRunId: nextRun.runId, workflowType: 'T', taskQueue: 'q' },
          payload: '[1]',
        }
      : {
          eventId: 3,
          eventType: 'WorkflowExecutionFailed',
          timeMs: 1200,
          attrs: { newExecutionRunId: nextRun.runId },
          payload: '{}',
        };
  return {
    runId: run.runId,
    workflowId,
    workerId: 'A',
    epoch: run.epoch,
    expectedLastEventId: 1,
    events: [signaled, closeEvent],
    consumedInbox: [run.inbox[0]!.id],
    close,
    nextRun,
  };
}

/** Conformance cases of continue-as-new: the close, the next run and the inbox in one write. */
export function continueAsNewCases(open: OpenStore): void {
  it('a continue-as-new closes the run and starts the next one in one write: memo and search attributes kept, unconsumed signals and cancel requests carried in order', async () => {
    const store = await open();
    const run = await busyRun(store, 'can-1', '{"trainer":"Sacha"}');
    const next = startRequest('can-1', { nowMs: 1200 });
    await store.commit(closingWrite('can-1', run, next, 'CONTINUED_AS_NEW'));

    const old = await store.getExecution('can-1', run.runId);
    expect(old?.status).toBe('CONTINUED_AS_NEW');
    const last = await store.getLastEvent(run.runId);
    expect(last?.eventType).toBe('WorkflowExecutionContinuedAsNew');
    expect(last?.attrs).toMatchObject({ newExecutionRunId: next.runId });
    expect(await store.closedAmong([run.runId, next.runId])).toEqual([run.runId]);

    const newest = await store.getExecution('can-1');
    expect(newest).toMatchObject({ runId: next.runId, status: 'RUNNING', memo: '{"trainer":"Sacha"}' });
    expect(newest?.searchAttributes).toEqual({ stage: 'one' });
    // The update failed with its run; the inbox of the closed run is empty.
    expect(await store.getUpdate(run.runId, 'u1')).toMatchObject({ stage: 'COMPLETED', failed: true });

    // A signal sent now goes to the new run, after the carried ones.
    await store.signal({
      workflowId: 'can-1',
      runId: undefined,
      signalName: 'tick',
      payload: '[4]',
      nowMs: 1300,
    });
    const [claimed] = await claim(store, 'B', 1300);
    expect(claimed?.execution.runId).toBe(next.runId);
    expect(claimed?.history.map((e) => e.eventType)).toEqual(['WorkflowExecutionStarted']);
    const inbox = claimed!.inbox.map((r) => [r.kind, r.payload ?? r.attrs.reason]);
    expect(inbox).toEqual([
      ['signal', '[2]'],
      ['signal', '[3]'],
      ['cancel', 'stop'],
      ['signal', '[4]'],
    ]);
    expect(claimed!.inbox.every((r) => r.runId === next.runId)).toBe(true);
    await store.close();
  });

  it('a continue-as-new with a memo gives the next run that memo', async () => {
    const store = await open();
    const run = await busyRun(store, 'can-2', '{"day":1}');
    const next = startRequest('can-2', { nowMs: 1200, memo: '{"day":2}' });
    await store.commit(closingWrite('can-2', run, next, 'CONTINUED_AS_NEW'));
    expect((await store.getExecution('can-2'))?.memo).toBe('{"day":2}');
    expect((await store.getExecution('can-2', run.runId))?.memo).toBe('{"day":1}');
    await store.close();
  });

  it('a run retried after a failure does not carry its inbox (only continue-as-new does)', async () => {
    const store = await open();
    const run = await busyRun(store, 'can-3', '{}');
    const next = startRequest('can-3', { nowMs: 1200 });
    await store.commit(closingWrite('can-3', run, next, 'FAILED'));
    expect((await store.getExecution('can-3', run.runId))?.status).toBe('FAILED');
    const [claimed] = await claim(store, 'B', 1300);
    expect(claimed?.execution.runId).toBe(next.runId);
    expect(claimed?.inbox).toEqual([]);
    await store.close();
  });

  it('a fenced continue-as-new (lease lost) changes nothing: no new run, the inbox stays', async () => {
    const store = await open();
    const run = await busyRun(store, 'can-4', '{}');
    const next = startRequest('can-4', { nowMs: 1200 });
    const stale = { ...closingWrite('can-4', run, next, 'CONTINUED_AS_NEW'), epoch: run.epoch + 7 };
    await expect(store.commit(stale)).rejects.toThrow(/lease lost/);
    expect((await store.getExecution('can-4'))?.runId).toBe(run.runId);
    expect(await store.getExecution('can-4', next.runId)).toBeUndefined();
    expect((await store.inboxFor('A')).length).toBe(5);
    await store.close();
  });
}
