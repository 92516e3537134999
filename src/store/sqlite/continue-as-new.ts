import type { ExecutionWrite } from '../types.js';
import type { Statements } from './statements.js';

/**
 * The inbox of a run that continued as new, once the new run is written: its signals and cancel
 * requests not consumed by the closing write go to the new run, in their accept order (inbox ids
 * are kept); the rest (updates, which fail with the run, and activity task news) is deleted.
 */
export function carryInbox(st: Statements, w: ExecutionWrite): void {
  if (w.close !== 'CONTINUED_AS_NEW' || w.nextRun === undefined) return;
  st.carryInbox.run(w.nextRun.runId, w.runId);
  st.deleteInboxOfRun.run(w.runId);
}
