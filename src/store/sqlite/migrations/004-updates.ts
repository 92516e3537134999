/** Migration 4: workflow updates and their outcomes, by update id. Never edit once landed. */
export const migration004 = `
CREATE TABLE updates (
  run_id        TEXT    NOT NULL,
  update_id     TEXT    NOT NULL,
  update_name   TEXT    NOT NULL,
  stage         TEXT    NOT NULL,
  outcome       BLOB,
  failed        INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (run_id, update_id)
) WITHOUT ROWID;
`;
