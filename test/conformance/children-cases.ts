import { expect, it } from 'vitest';
import {
  LeaseLostError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type HistoryEvent,
  type Store,
} from '../../src/index.js';
import type { ParentClosePolicy, ParentLink } from '../../src/common/child-events.js';
import { startRequest, type OpenStore } from './fixtures.js';

/** Child workflows: parent links, receipts in the sender's inbox, closes and parent close policies. */

const claimQ = (store: Store, workerId: string, taskQueue: string) =>
  store.claimExecutions({
    taskQueue,
    workerId,
    leaseMs: 60_000,
    limit: 10,
    nowMs: 10_000,
    includeBlocked: false,
  });

/** Has `workerId` claim `workflowId` on `taskQueue`, starting it first unless `started`. */
async function held(store: Store, workflowId: string, taskQueue: string, workerId: string, started = false) {
  if (!started) await store.createExecution(startRequest(workflowId, { taskQueue }));
  const runId = (await store.getExecution(workflowId))!.runId;
  const claimed = await claimQ(store, workerId, taskQueue);
  const mine = claimed.find((c) => c.execution.runId === runId)!;
  return { runId, workflowId, epoch: mine.execution.leaseEpoch, workerId, taskQueue, lastEventId: 1 };
}

type Held = Awaited<ReturnType<typeof held>>;

/** The sender `p` starts child `childId` (on queue `childQueue`) under `policy`. */
async function startChild(
  store: Store,
  p: Held,
  childId: string,
  childQueue: string,
  policy: ParentClosePolicy,
  seq = 1,
) {
  const parent: ParentLink = {
    workflowId: p.workflowId,
    runId: p.runId,
    taskQueue: p.taskQueue,
    initiatedEventId: 10 + seq,
    seq,
    parentClosePolicy: policy,
  };
  const start = { ...startRequest(childId, { taskQueue: childQueue }), parent };
  await store.sendFromWorkflow({
    kind: 'startChild',
    from: { runId: p.runId, workerId: p.workerId, epoch: p.epoch },
    start,
  });
  return start.runId;
}

function closeEvent(eventId: number, eventType: string, payload?: string): HistoryEvent {
  return { eventId, eventType, timeMs: 2000, attrs: {}, payload } as HistoryEvent;
}

export function childrenCases(open: OpenStore): void {
  it('children: a start for a workflow is fenced by its lease and leaves a childStarted receipt', async () => {
    const store = await open();
    const p = await held(store, 'cp1', 'pq', 'A');
    await expect(
      startChild(store, { ...p, epoch: p.epoch + 1 }, 'cc1', 'cq', 'TERMINATE'),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.getExecution('cc1')).toBeUndefined();
    const childRunId = await startChild(store, p, 'cc1', 'cq', 'TERMINATE');
    expect((await store.getExecution('cc1'))?.status).toBe('RUNNING');
    const receipts = await store.inboxFor('A');
    expect(receipts.map((r) => [r.kind, r.attrs])).toEqual([
      ['childStarted', { seq: 1, initiatedEventId: 11, workflowId: 'cc1', runId: childRunId }],
    ]);
    await expect(startChild(store, p, 'cc1', 'cq', 'TERMINATE', 2)).rejects.toBeInstanceOf(
      WorkflowExecutionAlreadyStartedError,
    );
    expect(await store.inboxFor('A')).toHaveLength(1);
    await store.close();
  });

  it("children: a child's close reaches its running parent's inbox in the same write, with its payload", async () => {
    const store = await open();
    const p = await held(store, 'cp2', 'pq', 'A');
    await startChild(store, p, 'cc2', 'cq', 'TERMINATE');
    const c = await held(store, 'cc2', 'cq', 'B', true);
    await store.commit({
      runId: c.runId,
      workflowId: 'cc2',
      workerId: 'B',
      epoch: c.epoch,
      expectedLastEventId: 1,
      events: [closeEvent(2, 'WorkflowExecutionFailed', '{"failure":"fled"}')],
      close: 'FAILED',
      childLinks: { openChildren: false },
    });
    const rows = (await store.inboxFor('A')).filter((r) => r.kind === 'childClosed');
    expect(rows.map((r) => [r.attrs, r.payload])).toEqual([
      [
        { seq: 1, initiatedEventId: 11, workflowId: 'cc2', runId: c.runId, status: 'FAILED' },
        '{"failure":"fled"}',
      ],
    ]);
    await store.close();
  });

  it('children: a terminated child is reported to its parent; a closed parent is told nothing', async () => {
    const store = await open();
    const p = await held(store, 'cp3', 'pq', 'A');
    await startChild(store, p, 'cc3a', 'cq', 'ABANDON', 1);
    await startChild(store, p, 'cc3b', 'cq', 'ABANDON', 2);
    await store.terminate('cc3a', undefined, 'enough', 1500);
    const rows = (await store.inboxFor('A')).filter((r) => r.kind === 'childClosed');
    expect(rows.map((r) => r.attrs.status)).toEqual(['TERMINATED']);
    expect(rows[0]!.attrs.reason).toBe('enough');
    await store.commit({
      runId: p.runId,
      workflowId: 'cp3',
      workerId: 'A',
      epoch: p.epoch,
      expectedLastEventId: 1,
      events: [closeEvent(2, 'WorkflowExecutionCompleted', '"ok"')],
      close: 'COMPLETED',
      childLinks: { openChildren: true },
    });
    // ABANDON: the child runs on; its close later writes nothing for the closed parent.
    expect((await store.getExecution('cc3b'))?.status).toBe('RUNNING');
    await store.terminate('cc3b', undefined, 'later', 1600);
    expect((await store.getExecution('cc3b'))?.status).toBe('TERMINATED');
    await store.close();
  });

  it("children: a parent's close applies each open child's policy (TERMINATE recursively, REQUEST_CANCEL, ABANDON)", async () => {
    const store = await open();
    const p = await held(store, 'cp4', 'pq', 'A');
    await startChild(store, p, 'ct', 'cq', 'TERMINATE', 1);
    await startChild(store, p, 'cr', 'rq', 'REQUEST_CANCEL', 2);
    await startChild(store, p, 'ca', 'aq', 'ABANDON', 3);
    const ct = await held(store, 'ct', 'cq', 'B', true);
    await startChild(store, ct, 'ctg', 'gq', 'TERMINATE', 1);
    await store.terminate('cp4', undefined, 'stop', 1700);
    const status = async (id: string) => (await store.getExecution(id))?.status;
    expect(await status('ct')).toBe('TERMINATED');
    expect(await status('ctg')).toBe('TERMINATED');
    expect(await status('cr')).toBe('RUNNING');
    expect(await status('ca')).toBe('RUNNING');
    const last = await store.getLastEvent((await store.getExecution('ctg'))!.runId);
    expect(last?.eventType).toBe('WorkflowExecutionTerminated');
    const cr = await held(store, 'cr', 'rq', 'C', true);
    const inbox = (await store.inboxFor('C')).filter((r) => r.runId === cr.runId);
    expect(inbox.map((r) => r.kind)).toEqual(['cancel']);
    await store.close();
  });

  it("children: a workflow's signal and cancel request land in the target's inbox, with receipts", async () => {
    const store = await open();
    const p = await held(store, 'cp5', 'pq', 'A');
    const t = await held(store, 'target5', 'tq', 'B');
    const from = { runId: p.runId, workerId: 'A', epoch: p.epoch };
    const signal = {
      workflowId: 'target5',
      runId: undefined,
      signalName: 'go',
      payload: '["x"]',
      nowMs: 1100,
    };
    await store.sendFromWorkflow({ kind: 'signal', from, seq: 4, initiatedEventId: 7, signal });
    await store.sendFromWorkflow({
      kind: 'cancel',
      from,
      seq: 5,
      initiatedEventId: 8,
      workflowId: 'target5',
      runId: undefined,
      reason: 'asked',
      nowMs: 1100,
    });
    const target = await store.inboxFor('B');
    expect(target.map((r) => [r.kind, r.payload ?? null])).toEqual([
      ['signal', '["x"]'],
      ['cancel', null],
    ]);
    const receipts = await store.inboxFor('A');
    expect(receipts.map((r) => [r.kind, r.attrs])).toEqual([
      ['externalSignaled', { seq: 4, initiatedEventId: 7, workflowId: 'target5', runId: t.runId }],
      ['externalCancelRequested', { seq: 5, initiatedEventId: 8, workflowId: 'target5', runId: t.runId }],
    ]);
    await expect(
      store.sendFromWorkflow({
        kind: 'signal',
        from,
        seq: 6,
        initiatedEventId: 9,
        signal: { ...signal, workflowId: 'none' },
      }),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await store.inboxFor('A')).toHaveLength(2);
    await store.close();
  });
}
