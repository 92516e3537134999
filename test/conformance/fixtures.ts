import type { HistoryEvent, Store } from '../../src/index.js';
import type { CreateExecutionRequest, ExecutionWrite } from '../../src/store/types.js';

/** Requests and writes the conformance cases share. */

/** How a conformance run gets a fresh, empty store. */
export type OpenStore = () => Promise<Store>;

let counter = 0;
export function startRequest(
  workflowId: string,
  over: Partial<CreateExecutionRequest> = {},
): CreateExecutionRequest {
  const runId = `run-${++counter}-${Math.random().toString(36).slice(2)}`;
  const startEvent: HistoryEvent = {
    eventId: 1,
    eventType: 'WorkflowExecutionStarted',
    timeMs: 1000,
    attrs: {
      workflowType: 'T',
      workflowId,
      taskQueue: 'q',
      attempt: 1,
      randomSeed: 's',
      historyVersion: 1,
      batonVersion: 'test',
    },
    payload: '[]',
  };
  return {
    workflowId,
    runId,
    workflowType: 'T',
    taskQueue: 'q',
    reusePolicy: 'ALLOW_DUPLICATE',
    startEvent,
    nowMs: 1000,
    ...over,
  };
}

export function completion(eventId: number): HistoryEvent {
  return { eventId, eventType: 'WorkflowExecutionCompleted', timeMs: 2000, attrs: {}, payload: '"done"' };
}

export const claim = (store: Store, workerId: string, nowMs: number, leaseMs = 1000) =>
  store.claimExecutions({ taskQueue: 'q', workerId, leaseMs, limit: 10, nowMs, includeBlocked: false });

export function write(
  runId: string,
  workerId: string,
  epoch: number,
  expectedLastEventId: number,
  events: HistoryEvent[],
): ExecutionWrite {
  return { runId, workflowId: 'w', workerId, epoch, expectedLastEventId, events };
}
