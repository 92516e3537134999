import type Database from 'better-sqlite3';

/** A prepared statement. */
export type Statement = Database.Statement<unknown[], unknown>;

/** Every SQL statement of the SQLite store. */
const SQL = {
  insertExecution: `INSERT INTO executions (run_id, workflow_id, workflow_type, task_queue, status, start_time_ms, last_event_id, ready_at_ms,
       memo, search_attributes)
       VALUES (?, ?, ?, ?, 'RUNNING', ?, 1, ?, ?, ?)`,
  visibilityOf: `SELECT memo, search_attributes FROM executions WHERE run_id = ?`,
  mergeSearchAttributes: `UPDATE executions SET search_attributes = json_patch(search_attributes, ?) WHERE run_id = ?`,
  latestByWorkflowId: `SELECT * FROM executions WHERE workflow_id = ? ORDER BY start_time_ms DESC, rowid DESC LIMIT 1`,
  closedAmong: `SELECT run_id FROM executions WHERE run_id IN (SELECT value FROM json_each(?)) AND status <> 'RUNNING'`,
  byWorkflowAndRun: `SELECT * FROM executions WHERE workflow_id = ? AND run_id = ?`,
  insertEvents2: `INSERT INTO history_events (run_id, event_id, event_type, time_ms, attrs, payload)
    VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)`,
  insertEvents3: `INSERT INTO history_events (run_id, event_id, event_type, time_ms, attrs, payload)
    VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)`,
  insertEvent: `INSERT INTO history_events (run_id, event_id, event_type, time_ms, attrs, payload) VALUES (?, ?, ?, ?, ?, ?)`,
  history: `SELECT event_id, event_type, time_ms, attrs, payload FROM history_events WHERE run_id = ? AND event_id >= ? ORDER BY event_id`,
  historyRange: `SELECT event_id, event_type, time_ms, attrs, payload FROM history_events
    WHERE run_id = ? AND event_id BETWEEN ? AND ? ORDER BY event_id`,
  /** Executions with a due workflow task and no live lease, oldest first; with what they were before the claim. */
  claimCandidates: `SELECT run_id, ready_at_ms, lease_owner IS NOT NULL AS leased FROM executions
       WHERE task_queue = @taskQueue AND status = 'RUNNING' AND ready_at_ms <= @nowMs
         AND (lease_owner IS NULL OR lease_expires_at_ms <= @nowMs)
       ORDER BY ready_at_ms LIMIT @limit`,
  /** Blocked executions (a failed workflow task) with no live lease, whatever their retry time. */
  claimBlockedCandidates: `SELECT run_id, ready_at_ms, lease_owner IS NOT NULL AS leased FROM executions
       WHERE task_queue = @taskQueue AND status = 'RUNNING' AND task_error IS NOT NULL
         AND (lease_owner IS NULL OR lease_expires_at_ms <= @nowMs)
       LIMIT @limit`,
  /** Takes the lease of the runs in the JSON array @ids (candidates read in the same transaction). */
  claimRuns: `UPDATE executions
         SET lease_owner = @workerId, lease_epoch = lease_epoch + 1, lease_expires_at_ms = @expiresAtMs, ready_at_ms = @expiresAtMs
       WHERE run_id IN (SELECT value FROM json_each(@ids))
       RETURNING *`,
  insertUpdate: `INSERT INTO updates (run_id, update_id, update_name, stage, created_at_ms) VALUES (?, ?, ?, 'ADMITTED', ?)
    ON CONFLICT (run_id, update_id) DO NOTHING`,
  getUpdate: `SELECT update_id, stage, outcome, failed FROM updates WHERE run_id = ? AND update_id = ?`,
  closeUpdatesOfRun: `UPDATE updates SET stage = 'COMPLETED', failed = 1 WHERE run_id = ? AND stage IN ('ADMITTED', 'ACCEPTED')`,
  setUpdateStage: `UPDATE updates SET stage = ?, outcome = ?, failed = ? WHERE run_id = ? AND update_id = ?`,
  insertQuery: `INSERT INTO queries (run_id, query_name, payload, created_at_ms) VALUES (?, ?, ?, ?) RETURNING id`,
  takeQueries: `UPDATE queries SET claimed_by = @workerId, claimed_at_ms = @nowMs
    WHERE id IN (
      SELECT q.id FROM queries q JOIN executions e ON e.run_id = q.run_id
       WHERE q.answered_at_ms IS NULL AND (q.claimed_by IS NULL OR q.claimed_at_ms < @staleMs)
         AND ((e.status = 'RUNNING' AND e.lease_owner = @workerId)
           OR (e.status <> 'RUNNING' AND e.task_queue = @taskQueue
               AND e.workflow_type IN (SELECT value FROM json_each(@types))))
       ORDER BY q.id LIMIT 64)
    RETURNING id, run_id, query_name, payload,
      (SELECT workflow_type FROM executions e WHERE e.run_id = queries.run_id) AS workflow_type,
      (SELECT status FROM executions e WHERE e.run_id = queries.run_id) AS status`,
  answerQuery: `UPDATE queries SET answer = ?, error = ?, answered_at_ms = ? WHERE id = ?`,
  queryAnswer: `SELECT answer, error, answered_at_ms FROM queries WHERE id = ?`,
  dropQuery: `DELETE FROM queries WHERE id = ?`,
  lastEvent: `SELECT event_id, event_type, time_ms, attrs, payload FROM history_events WHERE run_id = ?
    ORDER BY event_id DESC LIMIT 1`,
  historyOfRuns: `SELECT run_id, event_id, event_type, time_ms, attrs, payload FROM history_events
    WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, event_id`,
  pendingOfRuns: `SELECT * FROM pending_activities WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, seq`,
  inboxOfRuns: `SELECT * FROM inbox WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  pendingActivities: `SELECT * FROM pending_activities WHERE run_id = ? ORDER BY seq`,
  inboxOfRun: `SELECT * FROM inbox WHERE run_id = ? ORDER BY id`,
  inboxOfOwner: `SELECT i.* FROM inbox i JOIN executions e ON e.run_id = i.run_id WHERE e.lease_owner = ? ORDER BY i.id`,
  advanceHead: `UPDATE executions SET last_event_id = @lastEventId
       WHERE run_id = @runId AND lease_owner = @workerId AND lease_epoch = @epoch AND status = 'RUNNING'
         AND last_event_id = @expectedLastEventId`,
  checkLease: `SELECT 1 FROM executions WHERE run_id = ? AND lease_owner = ? AND lease_epoch = ? AND status = 'RUNNING'`,
  clearTaskError: `UPDATE executions SET task_error = NULL, task_attempt = 0 WHERE run_id = ?`,
  closeExecution: `UPDATE executions SET status = ?, close_time_ms = ?, lease_owner = NULL, lease_expires_at_ms = NULL,
         ready_at_ms = NULL, lease_epoch = lease_epoch + 1 WHERE run_id = ?`,
  // A new attempt (or a new row) is not claimed by anyone yet; heartbeat details written by the
  // worker of an activity task are kept when the owner's record has none.
  upsertActivity: `INSERT INTO pending_activities (run_id, seq, activity_type, scheduled_event_id, attempt, first_scheduled_ms,
         next_attempt_ms, last_failure, heartbeat_details, handed_back, task_queue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, seq) DO UPDATE SET attempt = excluded.attempt, next_attempt_ms = excluded.next_attempt_ms,
         last_failure = excluded.last_failure,
         heartbeat_details = coalesce(excluded.heartbeat_details, pending_activities.heartbeat_details),
         handed_back = excluded.handed_back,
         claimed_by = CASE WHEN excluded.attempt = pending_activities.attempt THEN pending_activities.claimed_by END,
         claimed_at_ms = CASE WHEN excluded.attempt = pending_activities.attempt THEN pending_activities.claimed_at_ms END`,
  deleteActivity: `DELETE FROM pending_activities WHERE run_id = ? AND seq = ?`,
  deleteActivitiesOfRun: `DELETE FROM pending_activities WHERE run_id = ?`,
  deleteInbox: `DELETE FROM inbox WHERE id = ?`,
  deleteInboxOfRun: `DELETE FROM inbox WHERE run_id = ?`,
  /** Continue-as-new: $1 the new run, $2 the closing run (see continue-as-new.ts). */
  carryInbox: `UPDATE inbox SET run_id = ? WHERE run_id = ? AND kind IN ('signal', 'cancel')`,
  insertInbox: `INSERT INTO inbox (run_id, kind, attrs, payload, accepted_at_ms) VALUES (?, ?, ?, ?, ?)`,
  wakeUnowned: `UPDATE executions SET ready_at_ms = ? WHERE run_id = ? AND lease_owner IS NULL`,
  renew: `UPDATE executions SET lease_expires_at_ms = @expiresAtMs, ready_at_ms = @expiresAtMs
    WHERE lease_owner = @workerId AND status = 'RUNNING' AND run_id IN (SELECT value FROM json_each(@ids))
    RETURNING run_id`,
  release: `UPDATE executions SET lease_owner = NULL, lease_expires_at_ms = NULL, ready_at_ms = @readyAtMs,
         task_attempt = task_attempt + @failed, task_error = coalesce(@taskError, task_error)
       WHERE run_id = @runId AND lease_owner = @workerId AND lease_epoch = @epoch AND status = 'RUNNING'`,
  terminate: `UPDATE executions SET status = 'TERMINATED', close_time_ms = ?, last_event_id = ?, lease_owner = NULL,
         lease_expires_at_ms = NULL, ready_at_ms = NULL, lease_epoch = lease_epoch + 1
       WHERE run_id = ? AND status = 'RUNNING'`,
} as const;

/** The prepared statements of one connection. */
export type Statements = { readonly [K in keyof typeof SQL]: Statement };

/** Prepares every statement once per connection. */
export function prepareStatements(db: Database.Database): Statements {
  const out: Record<string, Statement> = {};
  for (const [name, sql] of Object.entries(SQL)) out[name] = db.prepare(sql);
  return out as Statements;
}
