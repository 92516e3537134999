/** Migration 3: queries waiting for a worker to answer them. Never edit once landed. */
export const migration003 = `
CREATE TABLE queries (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id         TEXT    NOT NULL,
  query_name     TEXT    NOT NULL,
  payload        BLOB,
  created_at_ms  INTEGER NOT NULL,
  claimed_by     TEXT,
  claimed_at_ms  INTEGER,
  answer         BLOB,
  error          TEXT,
  answered_at_ms INTEGER
);
CREATE INDEX queries_open ON queries (run_id) WHERE answered_at_ms IS NULL;
`;
