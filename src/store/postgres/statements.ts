import type { QueryResultRow } from 'pg';

/** A named (server-side prepared, once per connection) statement. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/**
 * Something that runs statements (named, or plain SQL text): a pooled client inside a
 * transaction, or the retrying pool.
 */
export interface Queryable {
  query<R extends QueryResultRow>(
    st: Statement | string,
    values: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
}

export const EVENT_COLUMNS = `event_id, event_type, time_ms, attrs, payload_text, payload_bytes`;
export const ACTIVITY_ARRAYS = `$1::text[], $2::int[], $3::text[], $4::int[], $5::int[], $6::bigint[], $7::bigint[],
  $8::text[], $9::bytea[], $10::text[], $11::bytea[], $12::bool[], $13::text[]`;
export const ACTIVITY_COLUMNS = `run_id, seq, activity_type, scheduled_event_id, attempt, first_scheduled_ms, next_attempt_ms,
  last_failure_text, last_failure_bytes, heartbeat_details_text, heartbeat_details_bytes, handed_back, task_queue`;
/**
 * An upsert of a pending activity: a new attempt is not claimed by anyone yet; heartbeat details
 * written by the worker of an activity task are kept when the owner's record has none.
 */
export const ACTIVITY_UPDATE = `attempt = excluded.attempt, next_attempt_ms = excluded.next_attempt_ms,
  last_failure_text = excluded.last_failure_text, last_failure_bytes = excluded.last_failure_bytes,
  heartbeat_details_text = CASE WHEN excluded.heartbeat_details_text IS NULL AND excluded.heartbeat_details_bytes IS NULL
    THEN pending_activities.heartbeat_details_text ELSE excluded.heartbeat_details_text END,
  heartbeat_details_bytes = CASE WHEN excluded.heartbeat_details_text IS NULL AND excluded.heartbeat_details_bytes IS NULL
    THEN pending_activities.heartbeat_details_bytes ELSE excluded.heartbeat_details_bytes END,
  handed_back = excluded.handed_back,
  claimed_by = CASE WHEN excluded.attempt = pending_activities.attempt THEN pending_activities.claimed_by END,
  claimed_at_ms = CASE WHEN excluded.attempt = pending_activities.attempt THEN pending_activities.claimed_at_ms END`;

/** Every SQL statement of the PostgreSQL store but the dynamic list query. */
const SQL = {
  /** $1 run, $2 workflowId, $3 type, $4 queue, $5 start (ms), $6 ready (ms), $7 memo text, $8 memo bytes, $9 search attributes, then the first event's $10 id … $15 bytes. */
  insertStart: `WITH ins AS (
      INSERT INTO executions (run_id, workflow_id, workflow_type, task_queue, status, start_time_ms, last_event_id,
        ready_at_ms, memo_text, memo_bytes, search_attributes)
      VALUES ($1, $2, $3, $4, 'RUNNING', $5, 1, $6, $7, $8, $9::jsonb)
      ON CONFLICT DO NOTHING RETURNING run_id)
    INSERT INTO history_events (run_id, ${EVENT_COLUMNS})
    SELECT run_id, $10, $11, $12, $13, $14, $15 FROM ins`,
  /** Many ALLOW_DUPLICATE starts: those whose workflowId has no running execution are inserted (returned). */
  insertStarts: `WITH x AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[],
        $8::bytea[], $9::text[], $10::int[], $11::text[], $12::bigint[], $13::text[], $14::text[], $15::bytea[])
        AS x(run_id, workflow_id, workflow_type, task_queue, start_ms, ready_ms, memo_text, memo_bytes, sa,
          event_id, event_type, time_ms, attrs, payload_text, payload_bytes)),
    ins AS (
      INSERT INTO executions (run_id, workflow_id, workflow_type, task_queue, status, start_time_ms, last_event_id,
        ready_at_ms, memo_text, memo_bytes, search_attributes)
      SELECT run_id, workflow_id, workflow_type, task_queue, 'RUNNING', start_ms, 1, ready_ms, memo_text, memo_bytes, sa::jsonb
        FROM x
      ON CONFLICT DO NOTHING RETURNING run_id),
    ev AS (
      INSERT INTO history_events (run_id, ${EVENT_COLUMNS})
      SELECT x.run_id, x.event_id, x.event_type, x.time_ms, x.attrs, x.payload_text, x.payload_bytes FROM x JOIN ins USING (run_id))
    SELECT run_id FROM ins`,
  latestByWorkflowId: `SELECT * FROM executions WHERE workflow_id = $1 ORDER BY start_time_ms DESC, seq DESC LIMIT 1`,
  byWorkflowAndRun: `SELECT * FROM executions WHERE workflow_id = $1 AND run_id = $2`,
  runsById: `SELECT * FROM executions WHERE run_id = ANY($1::text[])`,
  lastEventOfRuns: `SELECT DISTINCT ON (run_id) run_id, ${EVENT_COLUMNS} FROM history_events WHERE run_id = ANY($1::text[])
    ORDER BY run_id, event_id DESC`,
  /** The newest run (or that run), locked against a concurrent close until this transaction ends. */
  lockLatest: `SELECT * FROM executions WHERE workflow_id = $1 ORDER BY start_time_ms DESC, seq DESC LIMIT 1
    FOR NO KEY UPDATE`,
  lockRun: `SELECT * FROM executions WHERE workflow_id = $1 AND run_id = $2 FOR NO KEY UPDATE`,
  closedAmong: `SELECT run_id FROM executions WHERE run_id = ANY($1::text[]) AND status <> 'RUNNING'`,
  insertEvent: `INSERT INTO history_events (run_id, ${EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  history: `SELECT ${EVENT_COLUMNS} FROM history_events WHERE run_id = $1 AND event_id >= $2 ORDER BY event_id`,
  historyRange: `SELECT ${EVENT_COLUMNS} FROM history_events WHERE run_id = $1 AND event_id BETWEEN $2 AND $3
    ORDER BY event_id`,
  /** $1 now: due workflow tasks held by no live lease, and due unclaimed activity tasks, per queue. */
  backlog: `SELECT task_queue, 'workflow' AS kind, count(*)::int AS n FROM executions
      WHERE status = 'RUNNING' AND ready_at_ms <= $1 AND (lease_owner IS NULL OR lease_expires_at_ms <= $1)
      GROUP BY task_queue
    UNION ALL
    SELECT p.task_queue, 'activity' AS kind, count(*)::int AS n FROM pending_activities p
      JOIN executions e ON e.run_id = p.run_id AND e.status = 'RUNNING'
     WHERE p.task_queue IS NOT NULL AND p.claimed_by IS NULL AND p.next_attempt_ms <= $1
     GROUP BY p.task_queue
    ORDER BY 1, 2`,
  lastEvent: `SELECT ${EVENT_COLUMNS} FROM history_events WHERE run_id = $1 ORDER BY event_id DESC LIMIT 1`,
  /** $1 queue, $2 now, $3 limit, $4 worker, $5 lease end. */
  claim: `WITH c AS (
      SELECT run_id, ready_at_ms AS prev_ready_at_ms, lease_owner IS NOT NULL AS prev_leased FROM executions
       WHERE task_queue = $1 AND status = 'RUNNING' AND ready_at_ms <= $2
         AND (lease_owner IS NULL OR lease_expires_at_ms <= $2)
       ORDER BY ready_at_ms LIMIT $3
       FOR UPDATE SKIP LOCKED)
    UPDATE executions e SET lease_owner = $4, lease_epoch = e.lease_epoch + 1, lease_expires_at_ms = $5, ready_at_ms = $5
      FROM c WHERE e.run_id = c.run_id
    RETURNING e.*, c.prev_ready_at_ms, c.prev_leased`,
  claimBlocked: `WITH c AS (
      SELECT run_id, ready_at_ms AS prev_ready_at_ms, lease_owner IS NOT NULL AS prev_leased FROM executions
       WHERE task_queue = $1 AND status = 'RUNNING' AND task_error IS NOT NULL
         AND (lease_owner IS NULL OR lease_expires_at_ms <= $2)
       LIMIT $3
       FOR UPDATE SKIP LOCKED)
    UPDATE executions e SET lease_owner = $4, lease_epoch = e.lease_epoch + 1, lease_expires_at_ms = $5, ready_at_ms = $5
      FROM c WHERE e.run_id = c.run_id
    RETURNING e.*, c.prev_ready_at_ms, c.prev_leased`,
  historyOfRuns: `SELECT run_id, ${EVENT_COLUMNS} FROM history_events WHERE run_id = ANY($1::text[]) ORDER BY run_id, event_id`,
  pendingOfRuns: `SELECT * FROM pending_activities WHERE run_id = ANY($1::text[]) ORDER BY run_id, seq`,
  inboxOfRuns: `SELECT * FROM inbox WHERE run_id = ANY($1::text[]) ORDER BY id`,
  pendingActivities: `SELECT * FROM pending_activities WHERE run_id = $1 ORDER BY seq`,
  inboxOfOwner: `SELECT i.* FROM inbox i JOIN executions e ON e.run_id = i.run_id WHERE e.lease_owner = $1 ORDER BY i.id`,
  insertUpdate: `INSERT INTO updates (run_id, update_id, update_name, stage, created_at_ms) VALUES ($1, $2, $3, 'ADMITTED', $4)
    ON CONFLICT (run_id, update_id) DO NOTHING`,
  getUpdate: `SELECT update_id, stage, outcome_text, outcome_bytes, failed FROM updates WHERE run_id = $1 AND update_id = $2`,
  insertQuery: `INSERT INTO queries (run_id, query_name, payload_text, payload_bytes, created_at_ms) VALUES ($1, $2, $3, $4, $5)
    RETURNING id`,
  /** $1 worker, $2 now, $3 stale before, $4 queue, $5 workflow types. */
  takeQueries: `UPDATE queries q SET claimed_by = $1, claimed_at_ms = $2
      FROM executions e
     WHERE e.run_id = q.run_id AND q.id IN (
       SELECT q2.id FROM queries q2 JOIN executions e2 ON e2.run_id = q2.run_id
        WHERE q2.answered_at_ms IS NULL AND (q2.claimed_by IS NULL OR q2.claimed_at_ms < $3)
          AND ((e2.status = 'RUNNING' AND e2.lease_owner = $1)
            OR (e2.status <> 'RUNNING' AND e2.task_queue = $4 AND e2.workflow_type = ANY($5::text[])))
        ORDER BY q2.id LIMIT 64
        FOR UPDATE OF q2 SKIP LOCKED)
    RETURNING q.id, q.run_id, q.query_name, q.payload_text, q.payload_bytes, e.workflow_type, e.status`,
  answerQuery: `UPDATE queries SET answer_text = $1, answer_bytes = $2, error = $3, answered_at_ms = $4 WHERE id = $5`,
  queryAnswer: `SELECT answer_text, answer_bytes, error, answered_at_ms FROM queries WHERE id = $1`,
  dropQuery: `DELETE FROM queries WHERE id = $1`,
  upsertActivities: `INSERT INTO pending_activities (${ACTIVITY_COLUMNS})
    SELECT * FROM unnest(${ACTIVITY_ARRAYS})
    ON CONFLICT (run_id, seq) DO UPDATE SET ${ACTIVITY_UPDATE}`,
  commitOutcome: `SELECT run_ids FROM baton_commits WHERE id = $1`,
  backendAlive: `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`,
  /** What a close leaves behind: pending activities, inbox rows, updates still open ($1 runs). */
  closeLeftovers: `WITH a AS (DELETE FROM pending_activities WHERE run_id = ANY($1::text[])),
      i AS (DELETE FROM inbox WHERE run_id = ANY($1::text[]))
    UPDATE updates SET stage = 'COMPLETED', failed = true WHERE run_id = ANY($1::text[]) AND stage IN ('ADMITTED', 'ACCEPTED')`,
  insertInbox: `INSERT INTO inbox (run_id, kind, attrs, payload_text, payload_bytes, accepted_at_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
  wakeUnowned: `UPDATE executions SET ready_at_ms = $1 WHERE run_id = $2 AND lease_owner IS NULL`,
  renew: `UPDATE executions SET lease_expires_at_ms = $1, ready_at_ms = $1
    WHERE lease_owner = $2 AND status = 'RUNNING' AND run_id = ANY($3::text[])
    RETURNING run_id`,
  /** $1 run, $2 worker, $3 epoch, $4 ready (ms), $5 failed (0|1), $6 task error. */
  release: `UPDATE executions SET lease_owner = NULL, lease_expires_at_ms = NULL, ready_at_ms = $4,
      task_attempt = task_attempt + $5, task_error = coalesce($6, task_error)
    WHERE run_id = $1 AND lease_owner = $2 AND lease_epoch = $3 AND status = 'RUNNING'`,
  terminate: `UPDATE executions SET status = 'TERMINATED', close_time_ms = $1, last_event_id = $2, lease_owner = NULL,
      lease_expires_at_ms = NULL, ready_at_ms = NULL, lease_epoch = lease_epoch + 1
    WHERE run_id = $3 AND status = 'RUNNING'`,
} as const;

/** The statements of the store, by name. */
export type Statements = { readonly [K in keyof typeof SQL]: Statement };

/** Every statement, named `baton_<key>` (prepared once per connection on first use). */
export const ST: Statements = Object.fromEntries(
  Object.entries(SQL).map(([key, text]) => [key, { name: `baton_${key}`, text }]),
) as unknown as Statements;
