import type { HistoryEvent } from '../../common/history.js';
import type {
  ExecutionRecord,
  ListFilter,
  PendingActivityRecord,
  TaskQueueBacklog,
  QueryAnswer,
  QueryRecord,
  UpdateRecord,
  UpdateStage,
} from '../types.js';
import {
  ms,
  payloadColumns,
  payloadOf,
  toActivity,
  toEvent,
  toExecution,
  type ActivityRow,
  type EventRow,
  type ExecutionRow,
} from './rows.js';
import type { QueryResultRow } from 'pg';
import { checkListFilter, containsPattern } from '../list-filter.js';
import { ST, type Queryable, type Statement } from './statements.js';

/** Reads of the PostgreSQL store, and its queries (asked by clients, taken and answered by workers). */

export async function getExecution(
  db: Queryable,
  workflowId: string,
  runId: string | undefined,
): Promise<ExecutionRecord | undefined> {
  const { rows } =
    runId === undefined
      ? await db.query<ExecutionRow>(ST.latestByWorkflowId, [workflowId])
      : await db.query<ExecutionRow>(ST.byWorkflowAndRun, [workflowId, runId]);
  return rows[0] === undefined ? undefined : toExecution(rows[0]);
}

/** Events `fromEventId` through `toEventId` (or the last) of a run, in order. */
export async function getHistory(
  db: Queryable,
  runId: string,
  fromEventId: number,
  toEventId?: number,
): Promise<HistoryEvent[]> {
  const { rows } =
    toEventId === undefined
      ? await db.query<EventRow>(ST.history, [runId, fromEventId])
      : await db.query<EventRow>(ST.historyRange, [runId, fromEventId, toEventId]);
  return rows.map(toEvent);
}

export async function getPendingActivities(db: Queryable, runId: string): Promise<PendingActivityRecord[]> {
  return (await db.query<ActivityRow>(ST.pendingActivities, [runId])).rows.map(toActivity);
}

export async function closedAmong(db: Queryable, runIds: readonly string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  return (await db.query<{ run_id: string }>(ST.closedAmong, [runIds])).rows.map((r) => r.run_id);
}

/**
 * Executions matching the filter, newest first, paged by `limit` and `offset`. Search attributes
 * match by JSON containment; `workflowIdContains` is a literal, case-sensitive substring (LIKE
 * with its wildcards escaped).
 * @throws ValidationError for a bad filter (see `checkListFilter`), before any query
 */
export async function listExecutions(db: Queryable, filter: ListFilter): Promise<ExecutionRecord[]> {
  const { limit, offset } = checkListFilter(filter);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.status !== undefined) add((n) => `status = ${n}`, filter.status);
  if (filter.workflowType !== undefined) add((n) => `workflow_type = ${n}`, filter.workflowType);
  if (filter.workflowId !== undefined) add((n) => `workflow_id = ${n}`, filter.workflowId);
  if (filter.workflowIdContains !== undefined)
    add((n) => `workflow_id LIKE ${n} ESCAPE '\\'`, containsPattern(filter.workflowIdContains));
  if (filter.startedAfterMs !== undefined) add((n) => `start_time_ms >= ${n}`, ms(filter.startedAfterMs));
  if (filter.startedBeforeMs !== undefined) add((n) => `start_time_ms < ${n}`, ms(filter.startedBeforeMs));
  const attributes = filter.searchAttributes ?? {};
  if (Object.keys(attributes).length > 0)
    add((n) => `search_attributes @> ${n}::jsonb`, JSON.stringify(attributes));
  params.push(limit, offset);
  const sql = `SELECT * FROM executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY start_time_ms DESC, seq DESC LIMIT $${params.length - 1} OFFSET $${params.length}`;
  return (await db.query<ExecutionRow>(sql, params)).rows.map(toExecution);
}

/** See `Store.taskQueueBacklog`: one statement over executions and pending activities. */
export async function taskQueueBacklog(db: Queryable, nowMs: number): Promise<TaskQueueBacklog[]> {
  const { rows } = await db.query<{ task_queue: string; kind: 'workflow' | 'activity'; n: number }>(
    ST.backlog,
    [ms(nowMs)],
  );
  return rows.map((r) => ({ taskQueue: r.task_queue, kind: r.kind, count: r.n }));
}

export async function getUpdate(
  db: Queryable,
  runId: string,
  updateId: string,
): Promise<UpdateRecord | undefined> {
  const { rows } = await db.query<{
    update_id: string;
    stage: UpdateStage;
    outcome_text: string | null;
    outcome_bytes: Uint8Array | null;
    failed: boolean;
  }>(ST.getUpdate, [runId, updateId]);
  const r = rows[0];
  return r === undefined
    ? undefined
    : {
        updateId: r.update_id,
        stage: r.stage,
        outcome: payloadOf(r.outcome_text, r.outcome_bytes),
        failed: r.failed,
      };
}

/** Records a query; returns its id. */
export async function addQuery(
  db: Queryable,
  runId: string,
  queryName: string,
  payload: string | Uint8Array,
  nowMs: number,
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(ST.insertQuery, [
    runId,
    queryName,
    ...payloadColumns(payload),
    ms(nowMs),
  ]);
  return rows[0]!.id;
}

/** Takes up to 64 unanswered queries (see `Store.takeQueries`), oldest first. */
export async function takeQueries(
  db: Queryable,
  req: {
    workerId: string;
    taskQueue: string;
    workflowTypes: readonly string[];
    nowMs: number;
    reclaimAfterMs: number;
  },
): Promise<QueryRecord[]> {
  const { rows } = await db.query<{
    id: number;
    run_id: string;
    query_name: string;
    payload_text: string | null;
    payload_bytes: Uint8Array | null;
    workflow_type: string;
    status: string;
  }>(ST.takeQueries, [
    req.workerId,
    ms(req.nowMs),
    ms(req.nowMs - req.reclaimAfterMs),
    req.taskQueue,
    req.workflowTypes,
  ]);
  return rows
    .sort((a, b) => a.id - b.id)
    .map((r) => ({
      id: r.id,
      runId: r.run_id,
      workflowType: r.workflow_type,
      running: r.status === 'RUNNING',
      queryName: r.query_name,
      payload: payloadOf(r.payload_text, r.payload_bytes),
    }));
}

export async function answerQuery(
  db: Queryable,
  queryId: number,
  answer: QueryAnswer,
  nowMs: number,
): Promise<void> {
  const error = answer.ok ? null : JSON.stringify({ name: answer.name, message: answer.message });
  await db.query(ST.answerQuery, [
    ...payloadColumns(answer.ok ? answer.payload : null),
    error,
    ms(nowMs),
    queryId,
  ]);
}

export async function queryAnswer(db: Queryable, queryId: number): Promise<QueryAnswer | undefined> {
  const { rows } = await db.query<{
    answer_text: string | null;
    answer_bytes: Uint8Array | null;
    error: string | null;
    answered_at_ms: number | null;
  }>(ST.queryAnswer, [queryId]);
  const row = rows[0];
  if (row === undefined || row.answered_at_ms === null) return undefined;
  if (row.error !== null) {
    const e = JSON.parse(row.error) as { name: string; message: string };
    return { ok: false, name: e.name, message: e.message };
  }
  return { ok: true, payload: payloadOf(row.answer_text, row.answer_bytes)! };
}

interface Waiter<R> {
  resolve(row: R | undefined): void;
  reject(err: unknown): void;
}

/**
 * Coalesces the point reads of one event-loop turn into one query per kind (the client's
 * `result()` of a thousand handles reads each run and its close event): runs by runId, and the
 * last event of runs.
 */
export class ReadBatcher {
  private runs = new Map<string, Waiter<ExecutionRow>[]>();
  private lasts = new Map<string, Waiter<EventRow & { run_id: string }>[]>();
  private scheduled = false;

  constructor(private readonly db: Queryable) {}

  /** The execution `runId` of `workflowId`. */
  async execution(workflowId: string, runId: string): Promise<ExecutionRecord | undefined> {
    const row = await this.enqueue(this.runs, runId);
    return row === undefined || row.workflow_id !== workflowId ? undefined : toExecution(row);
  }

  /** The newest event of a run. */
  async lastEvent(runId: string): Promise<HistoryEvent | undefined> {
    const row = await this.enqueue(this.lasts, runId);
    return row === undefined ? undefined : toEvent(row);
  }

  private enqueue<R>(map: Map<string, Waiter<R>[]>, key: string): Promise<R | undefined> {
    return new Promise<R | undefined>((resolve, reject) => {
      const waiting = map.get(key);
      if (waiting === undefined) map.set(key, [{ resolve, reject }]);
      else waiting.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const runs = this.runs;
    const lasts = this.lasts;
    this.runs = new Map();
    this.lasts = new Map();
    if (runs.size > 0) void this.read(ST.runsById, runs);
    if (lasts.size > 0) void this.read(ST.lastEventOfRuns, lasts);
  }

  private async read<R extends { run_id: string }>(
    st: Statement,
    waiting: Map<string, Waiter<R>[]>,
  ): Promise<void> {
    try {
      const { rows } = await this.db.query<R & QueryResultRow>(st, [[...waiting.keys()]]);
      const byRun = new Map(rows.map((r) => [r.run_id, r]));
      for (const [runId, waiters] of waiting) for (const w of waiters) w.resolve(byRun.get(runId));
    } catch (err) {
      for (const waiters of waiting.values()) for (const w of waiters) w.reject(err);
    }
  }
}
