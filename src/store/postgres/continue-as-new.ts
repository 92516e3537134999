import type { ExecutionWrite } from '../types.js';
import type { Queryable } from './statements.js';

/**
 * The inbox of a run that continued as new, once the new run is written (after the batch
 * statement, in the same transaction): the rows the closing write consumed are deleted, its
 * signals and cancel requests go to the new run in their accept order (inbox ids are kept), the
 * rest (updates, which fail with the run, and activity task news) is deleted. The batch statement
 * leaves this run's inbox alone; these statements, run after it, also see a signal that committed
 * while it waited for the execution row.
 */
export async function carryInbox(tx: Queryable, w: ExecutionWrite): Promise<void> {
  if (w.close !== 'CONTINUED_AS_NEW' || w.nextRun === undefined) return;
  const consumed = w.consumedInbox ?? [];
  await tx.query(
    `WITH d AS (DELETE FROM inbox WHERE run_id = $2 AND id = ANY($3::bigint[]))
     UPDATE inbox SET run_id = $1 WHERE run_id = $2 AND kind IN ('signal', 'cancel') AND NOT (id = ANY($3::bigint[]))`,
    [w.nextRun.runId, w.runId, consumed],
  );
  await tx.query(`DELETE FROM inbox WHERE run_id = $1`, [w.runId]);
}
