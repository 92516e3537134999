/**
 * Migration 4 of the PostgreSQL schema: schedules (as Temporal's Schedules). One row per
 * schedule: its definition and state as JSON text (`body`, opaque to the store), the encoded
 * argument list of its action (`args_text` or `args_bytes`), when the scheduler should look at it
 * next (`wake_at_ms`, indexed; NULL: not until it changes) and a conflict token that every write
 * increments and checks, so only one process acts on each nominal time. Never edit once landed.
 */
export const migration004 = `
CREATE TABLE schedules (
  schedule_id    TEXT   PRIMARY KEY,
  body           TEXT   NOT NULL,
  args_text      TEXT,
  args_bytes     BYTEA,
  wake_at_ms     BIGINT,
  conflict_token BIGINT NOT NULL,
  created_at_ms  BIGINT NOT NULL,
  updated_at_ms  BIGINT NOT NULL
);
CREATE INDEX schedules_due ON schedules (wake_at_ms) WHERE wake_at_ms IS NOT NULL;
`;
