import { describe, expect, it } from 'vitest';
import {
  LeaseLostError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '../../src/index.js';
import { claim, completion, startRequest, write, type OpenStore } from './fixtures.js';
import { listCases } from './list-cases.js';
import { resetCases } from './reset-cases.js';
import { scheduleCases } from './schedule-cases.js';
import { childrenCases } from './children-cases.js';
import { continueAsNewCases } from './continue-as-new-cases.js';

export type { OpenStore } from './fixtures.js';

/** The store conformance suite: every Store implementation must pass it. */
export function storeConformance(name: string, open: OpenStore): void {
  describe(`store conformance: ${name}`, () => {
    it('creates an execution with its first event and a claimable workflow task', async () => {
      const store = await open();
      const req = startRequest('w1');
      await store.createExecution(req);
      const e = await store.getExecution('w1');
      expect(e).toMatchObject({
        workflowId: 'w1',
        runId: req.runId,
        status: 'RUNNING',
        lastEventId: 1,
        leaseEpoch: 0,
      });
      const claimed = await claim(store, 'A', 1000);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]!.execution.leaseEpoch).toBe(1);
      expect(claimed[0]!.history.map((h) => h.eventType)).toEqual(['WorkflowExecutionStarted']);
      expect(await claim(store, 'B', 1500)).toHaveLength(0);
      await store.close();
    });

    it('a lease expires and the next claim bumps the epoch; the old owner is fenced before the new one writes', async () => {
      const store = await open();
      const req = startRequest('w2');
      await store.createExecution(req);
      const [a] = await claim(store, 'A', 1000, 500);
      const [b] = await claim(store, 'B', 1600, 500);
      expect(b!.execution.leaseEpoch).toBe(a!.execution.leaseEpoch + 1);
      await expect(
        store.commit(write(req.runId, 'A', a!.execution.leaseEpoch, 1, [completion(2)])),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await store.commit(write(req.runId, 'B', b!.execution.leaseEpoch, 1, [completion(2)]));
      expect((await store.getHistory(req.runId)).map((h) => h.eventId)).toEqual([1, 2]);
      await store.close();
    });

    it('a claim reports when the task became claimable and whether an expired lease was taken over', async () => {
      const store = await open();
      const req = startRequest('w2b');
      await store.createExecution(req);
      const [a] = await claim(store, 'A', 1000, 500);
      expect(a).toMatchObject({ readyAtMs: req.nowMs, leaseExpired: false });
      // A's lease expires at 1500: that is when the task became claimable again.
      const [b] = await claim(store, 'B', 1600, 500);
      expect(b).toMatchObject({ readyAtMs: 1500, leaseExpired: true });
      await store.close();
    });

    it('an append must carry the expected last event id', async () => {
      const store = await open();
      const req = startRequest('w3');
      await store.createExecution(req);
      const [a] = await claim(store, 'A', 1000);
      await expect(
        store.commit(write(req.runId, 'A', a!.execution.leaseEpoch, 5, [completion(6)])),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect(await store.getHistory(req.runId)).toHaveLength(1);
      await store.close();
    });

    it('one rejected write in a group commit does not abort the others', async () => {
      const store = await open();
      const r1 = startRequest('g1');
      const r2 = startRequest('g2');
      await store.createExecution(r1);
      await store.createExecution(r2);
      const claimed = await claim(store, 'A', 1000);
      const epochOf = (runId: string) =>
        claimed.find((c) => c.execution.runId === runId)!.execution.leaseEpoch;
      const results = await Promise.allSettled([
        store.commit(write(r1.runId, 'A', epochOf(r1.runId) + 7, 1, [completion(2)])),
        store.commit({ ...write(r2.runId, 'A', epochOf(r2.runId), 1, [completion(2)]), close: 'COMPLETED' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
      expect((await store.getExecution('g2'))!.status).toBe('COMPLETED');
      expect((await store.getExecution('g1'))!.lastEventId).toBe(1);
      await store.close();
    });

    it('two claimers racing get disjoint executions', async () => {
      const store = await open();
      for (let i = 0; i < 20; i++) await store.createExecution(startRequest(`race-${i}`));
      const [a, b] = await Promise.all([
        store.claimExecutions({
          taskQueue: 'q',
          workerId: 'A',
          leaseMs: 1000,
          limit: 15,
          nowMs: 1000,
          includeBlocked: false,
        }),
        store.claimExecutions({
          taskQueue: 'q',
          workerId: 'B',
          leaseMs: 1000,
          limit: 15,
          nowMs: 1000,
          includeBlocked: false,
        }),
      ]);
      const ids = [...a, ...b].map((c) => c.execution.runId);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
      await store.close();
    });

    it('a released execution is claimable at its ready time; a blocked one keeps its error', async () => {
      const store = await open();
      const req = startRequest('w4');
      await store.createExecution(req);
      const [a] = await claim(store, 'A', 1000);
      await store.release({
        runId: req.runId,
        taskQueue: 'q',
        workerId: 'A',
        epoch: a!.execution.leaseEpoch,
        readyAtMs: 5000,
        taskError: 'NonDeterminismError: boom',
      });
      expect(await claim(store, 'B', 4000)).toHaveLength(0);
      const blocked = await store.claimExecutions({
        taskQueue: 'q',
        workerId: 'C',
        leaseMs: 1000,
        limit: 1,
        nowMs: 4000,
        includeBlocked: true,
      });
      expect(blocked).toHaveLength(1);
      expect(blocked[0]!.execution.taskError).toBe('NonDeterminismError: boom');
      expect(blocked[0]!.execution.taskAttempt).toBe(1);
      await store.close();
    });

    it('renewing leases extends only the caller’s', async () => {
      const store = await open();
      const req = startRequest('w5');
      await store.createExecution(req);
      await claim(store, 'A', 1000, 500);
      expect(await store.renewLeases('A', [req.runId, 'other'], 500, 1400)).toEqual([req.runId]);
      expect(await claim(store, 'B', 1600)).toHaveLength(0);
      expect(await store.renewLeases('B', [req.runId], 500, 1400)).toEqual([]);
      await store.terminate('w5', undefined, 'gone', 1500);
      expect(await store.renewLeases('A', [req.runId], 500, 1600)).toEqual([]);
      await store.close();
    });

    it('id reuse policies decide a start after a closed run', async () => {
      const store = await open();
      const first = startRequest('reuse');
      await store.createExecution(first);
      await expect(store.createExecution(startRequest('reuse'))).rejects.toBeInstanceOf(
        WorkflowExecutionAlreadyStartedError,
      );
      await store.terminate('reuse', undefined, 'test', 1500);
      await expect(
        store.createExecution(startRequest('reuse', { reusePolicy: 'REJECT_DUPLICATE' })),
      ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      await store.createExecution(startRequest('reuse', { reusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' }));
      const running = await store.getExecution('reuse');
      const replaced = startRequest('reuse', { reusePolicy: 'TERMINATE_IF_RUNNING' });
      await store.createExecution(replaced);
      expect((await store.getExecution('reuse', running!.runId))!.status).toBe('TERMINATED');
      expect((await store.getExecution('reuse'))!.runId).toBe(replaced.runId);
      await store.close();
    });

    it('terminate appends WorkflowExecutionTerminated and fences the owner; unknown ids are not found', async () => {
      const store = await open();
      const req = startRequest('w6');
      await store.createExecution(req);
      const [a] = await claim(store, 'A', 1000);
      await store.terminate('w6', undefined, 'enough', 1200);
      const history = await store.getHistory(req.runId);
      expect(history.map((h) => h.eventType)).toEqual([
        'WorkflowExecutionStarted',
        'WorkflowExecutionTerminated',
      ]);
      await expect(
        store.commit(write(req.runId, 'A', a!.execution.leaseEpoch, 1, [completion(2)])),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await expect(store.terminate('w6', undefined, 'again', 1300)).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
      await expect(store.requestCancel('nope', undefined, 'x', 1300)).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
      await store.close();
    });

    it('lists executions by status and type, newest first', async () => {
      const store = await open();
      await store.createExecution(startRequest('l1', { nowMs: 1000 }));
      await store.createExecution(startRequest('l2', { nowMs: 2000, workflowType: 'Other' }));
      await store.terminate('l1', undefined, 'x', 3000);
      expect((await store.listExecutions({})).map((e) => e.workflowId)).toEqual(['l2', 'l1']);
      expect((await store.listExecutions({ status: 'TERMINATED' })).map((e) => e.workflowId)).toEqual(['l1']);
      expect((await store.listExecutions({ workflowType: 'Other' })).map((e) => e.workflowId)).toEqual([
        'l2',
      ]);
      expect(await store.listExecutions({ limit: 1 })).toHaveLength(1);
      await store.close();
    });

    it('cancel requests land in the inbox in accept order', async () => {
      const store = await open();
      const req = startRequest('w7');
      await store.createExecution(req);
      await claim(store, 'A', 1000);
      await store.requestCancel('w7', undefined, 'first', 1100);
      await store.requestCancel('w7', undefined, 'second', 1100);
      const inbox = await store.inboxFor('A');
      expect(inbox.map((i) => i.attrs.reason)).toEqual(['first', 'second']);
      expect(inbox[0]!.id).toBeLessThan(inbox[1]!.id);
      await store.close();
    });

    listCases(open);
    resetCases(open);
    scheduleCases(open);
    childrenCases(open);
    continueAsNewCases(open);
  });
}
