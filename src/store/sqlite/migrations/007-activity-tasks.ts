/**
 * Migration 7: activity tasks. A pending activity with a task queue is run by whichever worker
 * polls that queue; `claimed_by`/`claimed_at_ms` say which worker took its current attempt.
 * Never edit once landed.
 */
export const migration007 = `
ALTER TABLE pending_activities ADD COLUMN task_queue TEXT;
ALTER TABLE pending_activities ADD COLUMN claimed_by TEXT;
ALTER TABLE pending_activities ADD COLUMN claimed_at_ms INTEGER;
CREATE INDEX pending_activities_tasks ON pending_activities (task_queue, next_attempt_ms)
  WHERE task_queue IS NOT NULL AND claimed_by IS NULL;
`;
