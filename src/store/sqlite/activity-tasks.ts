import type Database from 'better-sqlite3';
import type {
  ActivityTaskClaim,
  ActivityTaskRecord,
  ActivityTaskResult,
  ActivityTaskStore,
} from '../types.js';

interface TaskRow {
  run_id: string;
  seq: number;
  activity_type: string;
  task_queue: string;
  attempt: number;
  first_scheduled_ms: number;
  heartbeat_details: string | Uint8Array | null;
  workflow_id: string;
  workflow_type: string;
  workflow_task_queue: string;
  attrs: string;
  payload: string | Uint8Array | null;
}

function prepare(db: Database.Database) {
  return {
    due: db.prepare(
      `SELECT p.run_id, p.seq, p.activity_type, p.task_queue, p.attempt, p.first_scheduled_ms, p.heartbeat_details,
              e.workflow_id, e.workflow_type, e.task_queue AS workflow_task_queue, h.attrs, h.payload
         FROM pending_activities p
         JOIN executions e ON e.run_id = p.run_id AND e.status = 'RUNNING'
         JOIN history_events h ON h.run_id = p.run_id AND h.event_id = p.scheduled_event_id
        WHERE p.task_queue = ? AND p.claimed_by IS NULL AND p.next_attempt_ms <= ?
          AND p.activity_type IN (SELECT value FROM json_each(?))
        ORDER BY p.next_attempt_ms LIMIT ?`,
    ),
    claim: db.prepare(
      `UPDATE pending_activities SET claimed_by = ?, claimed_at_ms = ? WHERE run_id = ? AND seq = ? AND attempt = ?`,
    ),
    heartbeat: db.prepare(
      `UPDATE pending_activities SET heartbeat_details = ?
        WHERE run_id = ? AND seq = ? AND attempt = ? AND claimed_by = ?`,
    ),
    owned: db.prepare(
      `SELECT 1 FROM pending_activities WHERE run_id = ? AND seq = ? AND attempt = ? AND claimed_by = ?`,
    ),
    insertInbox: db.prepare(
      `INSERT INTO inbox (run_id, kind, attrs, payload, accepted_at_ms) VALUES (?, ?, ?, ?, ?)`,
    ),
    queueOf: db.prepare(`SELECT task_queue FROM executions WHERE run_id = ?`),
    wakeUnowned: db.prepare(`UPDATE executions SET ready_at_ms = ? WHERE run_id = ? AND lease_owner IS NULL`),
  };
}

/**
 * Activity tasks on the SQLite store: claims, heartbeats and results, each in one IMMEDIATE
 * transaction. `announce(runId, taskQueue)` runs after a commit that put a row in the inbox of an
 * execution (whose workflow task queue is `taskQueue`); an execution nobody holds becomes claimable.
 */
export class SqliteActivityTasks implements ActivityTaskStore {
  private readonly st: ReturnType<typeof prepare>;

  constructor(
    private readonly db: Database.Database,
    private readonly announce: (runId: string, taskQueue: string) => void,
  ) {
    this.st = prepare(db);
  }

  async claimActivityTasks(req: ActivityTaskClaim): Promise<ActivityTaskRecord[]> {
    const claimed = this.db
      .transaction(() => {
        const rows = this.st.due.all(
          req.taskQueue,
          req.nowMs,
          JSON.stringify(req.activityTypes),
          req.limit,
        ) as TaskRow[];
        for (const r of rows) {
          this.st.claim.run(req.workerId, req.nowMs, r.run_id, r.seq, r.attempt);
          const attrs = { seq: r.seq, attempt: r.attempt, workerId: req.workerId, startedAtMs: req.nowMs };
          this.st.insertInbox.run(r.run_id, 'activityStarted', JSON.stringify(attrs), null, req.nowMs);
          this.st.wakeUnowned.run(req.nowMs, r.run_id);
        }
        return rows;
      })
      .immediate();
    for (const r of claimed) this.announce(r.run_id, r.workflow_task_queue);
    return claimed.map((r) => ({
      runId: r.run_id,
      workflowId: r.workflow_id,
      workflowType: r.workflow_type,
      seq: r.seq,
      activityType: r.activity_type,
      taskQueue: r.task_queue,
      attempt: r.attempt,
      firstScheduledMs: r.first_scheduled_ms,
      options: (JSON.parse(r.attrs) as { options: Record<string, unknown> }).options,
      args: r.payload ?? '[]',
      heartbeatDetails: r.heartbeat_details ?? undefined,
    }));
  }

  async heartbeatActivityTask(
    task: { runId: string; seq: number; attempt: number; workerId: string },
    details: string | Uint8Array | undefined,
  ): Promise<boolean> {
    if (details === undefined)
      return this.st.owned.get(task.runId, task.seq, task.attempt, task.workerId) !== undefined;
    return this.st.heartbeat.run(details, task.runId, task.seq, task.attempt, task.workerId).changes === 1;
  }

  async completeActivityTask(r: ActivityTaskResult): Promise<boolean> {
    const queue = this.db
      .transaction(() => {
        if (this.st.owned.get(r.runId, r.seq, r.attempt, r.workerId) === undefined) return undefined;
        const attrs = { seq: r.seq, attempt: r.attempt, workerId: r.workerId, ok: r.ok };
        this.st.insertInbox.run(r.runId, 'activityResult', JSON.stringify(attrs), r.payload ?? null, r.nowMs);
        this.st.wakeUnowned.run(r.nowMs, r.runId);
        return (this.st.queueOf.get(r.runId) as { task_queue: string }).task_queue;
      })
      .immediate();
    if (queue === undefined) return false;
    this.announce(r.runId, queue);
    return true;
  }
}
