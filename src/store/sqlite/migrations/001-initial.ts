/** Migration 1: executions, event histories, pending activities and inboxes. Never edit once landed. */
export const migration001 = `
CREATE TABLE executions (
  run_id              TEXT    PRIMARY KEY,
  workflow_id         TEXT    NOT NULL,
  workflow_type       TEXT    NOT NULL,
  task_queue          TEXT    NOT NULL,
  status              TEXT    NOT NULL,
  start_time_ms       INTEGER NOT NULL,
  close_time_ms       INTEGER,
  last_event_id       INTEGER NOT NULL,
  lease_owner         TEXT,
  lease_epoch         INTEGER NOT NULL DEFAULT 0,
  lease_expires_at_ms INTEGER,
  ready_at_ms         INTEGER,
  task_attempt        INTEGER NOT NULL DEFAULT 0,
  task_error          TEXT
);
CREATE UNIQUE INDEX executions_one_running ON executions (workflow_id) WHERE status = 'RUNNING';
CREATE INDEX executions_by_workflow_id ON executions (workflow_id, start_time_ms);
CREATE INDEX executions_ready ON executions (task_queue, ready_at_ms) WHERE status = 'RUNNING';
CREATE INDEX executions_by_owner ON executions (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX executions_by_start ON executions (start_time_ms);

CREATE TABLE history_events (
  run_id     TEXT    NOT NULL,
  event_id   INTEGER NOT NULL,
  event_type TEXT    NOT NULL,
  time_ms    INTEGER NOT NULL,
  attrs      TEXT    NOT NULL,
  payload    BLOB,
  PRIMARY KEY (run_id, event_id)
) WITHOUT ROWID;

CREATE TABLE pending_activities (
  run_id             TEXT    NOT NULL,
  seq                INTEGER NOT NULL,
  activity_type      TEXT    NOT NULL,
  scheduled_event_id INTEGER NOT NULL,
  attempt            INTEGER NOT NULL,
  first_scheduled_ms INTEGER NOT NULL,
  next_attempt_ms    INTEGER NOT NULL,
  last_failure       BLOB,
  heartbeat_details  BLOB,
  handed_back        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

CREATE TABLE inbox (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id         TEXT    NOT NULL,
  kind           TEXT    NOT NULL,
  attrs          TEXT    NOT NULL,
  accepted_at_ms INTEGER NOT NULL
);
CREATE INDEX inbox_by_run ON inbox (run_id, id);
`;
