import type Database from 'better-sqlite3';
import { checkListFilter } from '../list-filter.js';
import type { ExecutionRecord, ListFilter, TaskQueueBacklog } from '../types.js';
import { toExecution, type ExecutionRow } from './rows.js';

/** Reads of the SQLite store that build their SQL from their arguments, or count across tables. */

/**
 * Executions matching the filter, newest first (start time, then insertion order), paged by
 * `limit` and `offset`. `workflowIdContains` is a literal, case-sensitive substring (`instr`).
 * @throws ValidationError for a bad filter (see `checkListFilter`), before any query
 */
export function listExecutions(
  db: Database.Database,
  cache: Map<string, Database.Statement>,
  filter: ListFilter,
): ExecutionRecord[] {
  const { limit, offset } = checkListFilter(filter);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    params.push(value);
  };
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.workflowType !== undefined) add('workflow_type = ?', filter.workflowType);
  if (filter.workflowId !== undefined) add('workflow_id = ?', filter.workflowId);
  if (filter.workflowIdContains !== undefined) add('instr(workflow_id, ?) > 0', filter.workflowIdContains);
  if (filter.startedAfterMs !== undefined) add('start_time_ms >= ?', filter.startedAfterMs);
  if (filter.startedBeforeMs !== undefined) add('start_time_ms < ?', filter.startedBeforeMs);
  for (const [name, value] of Object.entries(filter.searchAttributes ?? {}))
    add(
      `json_extract(search_attributes, '$.${name}') = ?`,
      typeof value === 'boolean' ? (value ? 1 : 0) : value,
    );
  const sql = `SELECT * FROM executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY start_time_ms DESC, rowid DESC LIMIT ? OFFSET ?`;
  let stmt = cache.get(sql);
  if (stmt === undefined) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return (stmt.all(...params, limit, offset) as ExecutionRow[]).map(toExecution);
}

/** See `Store.taskQueueBacklog`: one statement over executions and pending activities. */
export function prepareBacklog(db: Database.Database): (nowMs: number) => TaskQueueBacklog[] {
  const stmt = db.prepare(
    `SELECT task_queue, 'workflow' AS kind, count(*) AS n FROM executions
      WHERE status = 'RUNNING' AND ready_at_ms <= @nowMs
        AND (lease_owner IS NULL OR lease_expires_at_ms <= @nowMs)
      GROUP BY task_queue
     UNION ALL
     SELECT p.task_queue, 'activity' AS kind, count(*) AS n FROM pending_activities p
       JOIN executions e ON e.run_id = p.run_id AND e.status = 'RUNNING'
      WHERE p.task_queue IS NOT NULL AND p.claimed_by IS NULL AND p.next_attempt_ms <= @nowMs
      GROUP BY p.task_queue
     ORDER BY 1, 2`,
  );
  return (nowMs) =>
    (stmt.all({ nowMs }) as { task_queue: string; kind: 'workflow' | 'activity'; n: number }[]).map((r) => ({
      taskQueue: r.task_queue,
      kind: r.kind,
      count: r.n,
    }));
}
