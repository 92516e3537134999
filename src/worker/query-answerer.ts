import type { EventOf } from '../common/history.js';
import { silentLogger } from '../common/logger.js';
import { WorkflowRun } from '../runtime/workflow-run.js';
import type { QueryAnswer, QueryRecord } from '../store/types.js';
import type { ExecutionHost } from './execution-host.js';
import { settle, type WorkerServices } from './services.js';

/** How long a query taken by a worker stays its own before another worker may take it. */
const RECLAIM_AFTER_MS = 5_000;

/**
 * Answers the queries this worker can: from memory for the running executions it holds (after
 * delivering every signal accepted before), by replaying the history for closed executions whose
 * workflow type it has. A query never adds an event.
 */
export async function answerQueries(
  services: WorkerServices,
  hosts: ReadonlyMap<string, ExecutionHost>,
  deliverInbox: () => Promise<void>,
): Promise<void> {
  const queries = await services.store.takeQueries({
    workerId: services.identity,
    taskQueue: services.taskQueue,
    workflowTypes: services.workflowTypes(),
    nowMs: services.clock.nowMs(),
    reclaimAfterMs: RECLAIM_AFTER_MS,
  });
  if (queries.length === 0) return;
  if (queries.some((q) => q.running)) await deliverInbox();
  for (const q of queries) {
    const answer = await answerOne(services, hosts, q);
    if (answer !== undefined) await services.store.answerQuery(q.id, answer, services.clock.nowMs());
  }
}

async function answerOne(
  services: WorkerServices,
  hosts: ReadonlyMap<string, ExecutionHost>,
  q: QueryRecord,
): Promise<QueryAnswer | undefined> {
  try {
    const args = q.payload === undefined ? [] : services.converter.fromPayload<unknown[]>(q.payload);
    let result: unknown;
    if (q.running) {
      const host = hosts.get(q.runId);
      if (host === undefined) return undefined; // no longer held here: its next owner answers
      result = await host.query(q.queryName, args);
    } else {
      result = await queryByReplay(services, q, args);
    }
    return { ok: true, payload: services.converter.toPayload(result, `result of query '${q.queryName}'`) };
  } catch (err) {
    return { ok: false, name: (err as Error).name, message: (err as Error).message };
  }
}

/** Rebuilds a closed execution from its history in a throwaway run and asks it. */
async function queryByReplay(services: WorkerServices, q: QueryRecord, args: unknown[]): Promise<unknown> {
  const definition = services.workflow(q.workflowType)!;
  const history = await services.store.getHistory(q.runId);
  const started = history[0] as EventOf<'WorkflowExecutionStarted'>;
  const run = new WorkflowRun(definition, started, q.runId, {
    converter: services.converter,
    settle,
    logger: silentLogger,
    continueAsNewThresholds: services.continueAsNewThresholds,
  });
  await run.replay(history);
  if (run.taskFailure !== undefined) throw run.taskFailure;
  return run.query(q.queryName, args);
}
