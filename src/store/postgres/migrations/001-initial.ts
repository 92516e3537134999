/**
 * Migration 1 of the PostgreSQL schema: executions (with memo and search attributes), event
 * histories, pending activities (with activity tasks: the task queue whose workers run the
 * attempts, and which worker claimed the current one), inboxes, queries and updates. Times are epoch milliseconds in
 * BIGINT columns. A payload (`string | Uint8Array`) sits in a `…_text` or a `…_bytes` column, so
 * it is read back as the type it was given. JSON attributes are kept as TEXT, exactly as written.
 * `baton_commits` records the id of a group commit (and the runs whose writes passed their fence)
 * until the committer knows the outcome, so a commit whose answer was lost is never applied twice.
 * Never edit once landed.
 */
export const migration001 = `
CREATE TABLE executions (
  run_id              TEXT    PRIMARY KEY,
  workflow_id         TEXT    NOT NULL,
  workflow_type       TEXT    NOT NULL,
  task_queue          TEXT    NOT NULL,
  status              TEXT    NOT NULL,
  start_time_ms       BIGINT  NOT NULL,
  close_time_ms       BIGINT,
  last_event_id       INTEGER NOT NULL,
  lease_owner         TEXT,
  lease_epoch         INTEGER NOT NULL DEFAULT 0,
  lease_expires_at_ms BIGINT,
  ready_at_ms         BIGINT,
  task_attempt        INTEGER NOT NULL DEFAULT 0,
  task_error          TEXT,
  memo_text           TEXT,
  memo_bytes          BYTEA,
  search_attributes   JSONB   NOT NULL DEFAULT '{}',
  seq                 BIGINT  GENERATED ALWAYS AS IDENTITY
);
CREATE UNIQUE INDEX executions_one_running ON executions (workflow_id) WHERE status = 'RUNNING';
CREATE INDEX executions_by_workflow_id ON executions (workflow_id, start_time_ms, seq);
CREATE INDEX executions_ready ON executions (task_queue, ready_at_ms) WHERE status = 'RUNNING';
CREATE INDEX executions_by_owner ON executions (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX executions_by_start ON executions (start_time_ms, seq);

CREATE TABLE history_events (
  run_id        TEXT    NOT NULL,
  event_id      INTEGER NOT NULL,
  event_type    TEXT    NOT NULL,
  time_ms       BIGINT  NOT NULL,
  attrs         TEXT    NOT NULL,
  payload_text  TEXT,
  payload_bytes BYTEA,
  PRIMARY KEY (run_id, event_id)
);

CREATE TABLE pending_activities (
  run_id                  TEXT    NOT NULL,
  seq                     INTEGER NOT NULL,
  activity_type           TEXT    NOT NULL,
  scheduled_event_id      INTEGER NOT NULL,
  attempt                 INTEGER NOT NULL,
  first_scheduled_ms      BIGINT  NOT NULL,
  next_attempt_ms         BIGINT  NOT NULL,
  last_failure_text       TEXT,
  last_failure_bytes      BYTEA,
  heartbeat_details_text  TEXT,
  heartbeat_details_bytes BYTEA,
  handed_back             BOOLEAN NOT NULL DEFAULT false,
  task_queue              TEXT,
  claimed_by              TEXT,
  claimed_at_ms           BIGINT,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX pending_activities_tasks ON pending_activities (task_queue, next_attempt_ms)
  WHERE task_queue IS NOT NULL AND claimed_by IS NULL;

CREATE TABLE inbox (
  id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id         TEXT    NOT NULL,
  kind           TEXT    NOT NULL,
  attrs          TEXT    NOT NULL,
  payload_text   TEXT,
  payload_bytes  BYTEA,
  accepted_at_ms BIGINT  NOT NULL
);
CREATE INDEX inbox_by_run ON inbox (run_id, id);

CREATE TABLE queries (
  id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id         TEXT    NOT NULL,
  query_name     TEXT    NOT NULL,
  payload_text   TEXT,
  payload_bytes  BYTEA,
  created_at_ms  BIGINT  NOT NULL,
  claimed_by     TEXT,
  claimed_at_ms  BIGINT,
  answer_text    TEXT,
  answer_bytes   BYTEA,
  error          TEXT,
  answered_at_ms BIGINT
);
CREATE INDEX queries_open ON queries (run_id) WHERE answered_at_ms IS NULL;

CREATE TABLE updates (
  run_id        TEXT    NOT NULL,
  update_id     TEXT    NOT NULL,
  update_name   TEXT    NOT NULL,
  stage         TEXT    NOT NULL,
  outcome_text  TEXT,
  outcome_bytes BYTEA,
  failed        BOOLEAN NOT NULL DEFAULT false,
  created_at_ms BIGINT  NOT NULL,
  PRIMARY KEY (run_id, update_id)
);

CREATE TABLE baton_commits (
  id      TEXT   PRIMARY KEY,
  at_ms   BIGINT NOT NULL,
  run_ids TEXT[] NOT NULL
);
`;
