import type {
  ActivityTaskClaim,
  ActivityTaskRecord,
  ActivityTaskResult,
  ActivityTaskStore,
} from '../types.js';
import { ms, payloadColumns, payloadOf } from './rows.js';
import type { Queryable, Statement } from './statements.js';

interface TaskRow {
  run_id: string;
  seq: number;
  activity_type: string;
  task_queue: string;
  attempt: number;
  first_scheduled_ms: number;
  heartbeat_details_text: string | null;
  heartbeat_details_bytes: Uint8Array | null;
  workflow_id: string;
  workflow_type: string;
  workflow_task_queue: string;
  attrs: string;
  payload_text: string | null;
  payload_bytes: Uint8Array | null;
}

const named = (name: string, text: string): Statement => ({ name: `baton_tasks_${name}`, text });

const SQL = {
  /**
   * $1 queue, $2 now, $3 activity types, $4 limit, $5 worker. Claims the due attempts (skipping
   * rows another claimer or the owner holds), tells each owner through its inbox, and wakes an
   * execution nobody holds. Returns each attempt with its scheduled event's options and arguments.
   */
  claim: named(
    'claim',
    `WITH due AS (
      SELECT p.run_id, p.seq, p.attempt FROM pending_activities p
        JOIN executions e ON e.run_id = p.run_id AND e.status = 'RUNNING'
       WHERE p.task_queue = $1 AND p.claimed_by IS NULL AND p.next_attempt_ms <= $2 AND p.activity_type = ANY($3::text[])
       ORDER BY p.next_attempt_ms LIMIT $4
       FOR UPDATE OF p SKIP LOCKED),
    c AS (
      UPDATE pending_activities p SET claimed_by = $5, claimed_at_ms = $2
        FROM due WHERE p.run_id = due.run_id AND p.seq = due.seq AND p.attempt = due.attempt
      RETURNING p.*),
    i AS (
      INSERT INTO inbox (run_id, kind, attrs, accepted_at_ms)
      SELECT run_id, 'activityStarted',
             json_build_object('seq', seq, 'attempt', attempt, 'workerId', $5::text, 'startedAtMs', $2::bigint)::text, $2
        FROM c),
    w AS (UPDATE executions e SET ready_at_ms = $2 FROM (SELECT DISTINCT run_id FROM c) r
           WHERE e.run_id = r.run_id AND e.lease_owner IS NULL)
    SELECT c.run_id, c.seq, c.activity_type, c.task_queue, c.attempt, c.first_scheduled_ms,
           c.heartbeat_details_text, c.heartbeat_details_bytes,
           e.workflow_id, e.workflow_type, e.task_queue AS workflow_task_queue, h.attrs, h.payload_text, h.payload_bytes
      FROM c JOIN executions e ON e.run_id = c.run_id
      JOIN history_events h ON h.run_id = c.run_id AND h.event_id = c.scheduled_event_id
     ORDER BY c.next_attempt_ms`,
  ),
  /** $1 run, $2 seq, $3 attempt, $4 worker, $5/$6 details. */
  heartbeat: named(
    'heartbeat',
    `UPDATE pending_activities SET heartbeat_details_text = $5, heartbeat_details_bytes = $6
      WHERE run_id = $1 AND seq = $2 AND attempt = $3 AND claimed_by = $4`,
  ),
  owned: named(
    'owned',
    `SELECT 1 FROM pending_activities WHERE run_id = $1 AND seq = $2 AND attempt = $3 AND claimed_by = $4`,
  ),
  /**
   * $1 run, $2 seq, $3 attempt, $4 worker, $5 attrs, $6/$7 payload, $8 now. Reports the end of an
   * attempt to its owner while this worker still holds it (the row is locked against the owner
   * moving on meanwhile); returns the execution's task queue, or no row.
   */
  complete: named(
    'complete',
    `WITH o AS (
      SELECT run_id FROM pending_activities WHERE run_id = $1 AND seq = $2 AND attempt = $3 AND claimed_by = $4 FOR SHARE),
    i AS (
      INSERT INTO inbox (run_id, kind, attrs, payload_text, payload_bytes, accepted_at_ms)
      SELECT run_id, 'activityResult', $5, $6, $7, $8 FROM o),
    w AS (UPDATE executions e SET ready_at_ms = $8 FROM o WHERE e.run_id = o.run_id AND e.lease_owner IS NULL)
    SELECT e.task_queue FROM o JOIN executions e ON e.run_id = o.run_id`,
  ),
};

/**
 * Activity tasks on the PostgreSQL store: claims (`FOR UPDATE SKIP LOCKED`, so workers of one
 * queue in many processes never take the same attempt), heartbeats and results, each one
 * statement. `announce(runId, taskQueue)` runs after a commit that put a row in the inbox of an
 * execution (whose workflow task queue is `taskQueue`); an execution nobody holds becomes
 * claimable.
 */
export class PostgresActivityTasks implements ActivityTaskStore {
  constructor(
    private readonly db: Queryable,
    private readonly announce: (runId: string, taskQueue: string) => void,
  ) {}

  async claimActivityTasks(req: ActivityTaskClaim): Promise<ActivityTaskRecord[]> {
    const { rows } = await this.db.query<TaskRow>(SQL.claim, [
      req.taskQueue,
      ms(req.nowMs),
      req.activityTypes,
      req.limit,
      req.workerId,
    ]);
    for (const runId of new Set(rows.map((r) => r.run_id)))
      this.announce(runId, rows.find((r) => r.run_id === runId)!.workflow_task_queue);
    return rows.map((r) => ({
      runId: r.run_id,
      workflowId: r.workflow_id,
      workflowType: r.workflow_type,
      seq: r.seq,
      activityType: r.activity_type,
      taskQueue: r.task_queue,
      attempt: r.attempt,
      firstScheduledMs: r.first_scheduled_ms,
      options: (JSON.parse(r.attrs) as { options: Record<string, unknown> }).options,
      args: payloadOf(r.payload_text, r.payload_bytes) ?? '[]',
      heartbeatDetails: payloadOf(r.heartbeat_details_text, r.heartbeat_details_bytes),
    }));
  }

  async heartbeatActivityTask(
    task: { runId: string; seq: number; attempt: number; workerId: string },
    details: string | Uint8Array | undefined,
  ): Promise<boolean> {
    const key = [task.runId, task.seq, task.attempt, task.workerId];
    if (details === undefined) return (await this.db.query(SQL.owned, key)).rowCount === 1;
    return (await this.db.query(SQL.heartbeat, [...key, ...payloadColumns(details)])).rowCount === 1;
  }

  async completeActivityTask(r: ActivityTaskResult): Promise<boolean> {
    const attrs = JSON.stringify({ seq: r.seq, attempt: r.attempt, workerId: r.workerId, ok: r.ok });
    const { rows } = await this.db.query<{ task_queue: string }>(SQL.complete, [
      r.runId,
      r.seq,
      r.attempt,
      r.workerId,
      attrs,
      ...payloadColumns(r.payload),
      ms(r.nowMs),
    ]);
    if (rows[0] === undefined) return false;
    this.announce(r.runId, rows[0].task_queue);
    return true;
  }
}
