import type { ParentLink } from '../common/child-events.js';
import type { Payload } from '../common/converter.js';
import type { ExecutionStatus, HistoryEvent } from '../common/history.js';

/**
 * What both stores write when a run with links closes: the `childClosed` inbox row of its parent,
 * and what each parent close policy does to an open child. Pure: the SQL lives in each store.
 */

/** A run that is closing, as the parent's `childClosed` row describes it. */
export interface ClosingRun {
  runId: string;
  workflowId: string;
  status: ExecutionStatus;
  /** Its close event (the result or failure payload, the retry state, a termination's reason). */
  closeEvent: HistoryEvent | undefined;
}

/** The `childClosed` inbox row for the parent of `run`. */
export function childClosedRow(
  link: ParentLink,
  run: ClosingRun,
): { attrs: string; payload: Payload | undefined } {
  const e = run.closeEvent;
  const a = (e?.attrs ?? {}) as { retryState?: string; reason?: string };
  return {
    attrs: JSON.stringify({
      seq: link.seq,
      initiatedEventId: link.initiatedEventId,
      workflowId: run.workflowId,
      runId: run.runId,
      status: run.status,
      ...(a.retryState === undefined ? {} : { retryState: a.retryState }),
      ...(a.reason === undefined ? {} : { reason: a.reason }),
    }),
    payload: e?.payload,
  };
}

/** Parses a stored parent link. */
export function parseParentLink(text: string): ParentLink {
  return JSON.parse(text) as ParentLink;
}

/** The reason recorded on a child the parent close policy terminates or asks to cancel. */
export function parentClosedReason(link: ParentLink): string {
  return `parent workflow '${link.workflowId}' (run '${link.runId}') closed; parent close policy ${link.parentClosePolicy}`;
}

/** The receipt attributes of an outgoing request, as its sender's inbox row holds them. */
export function receiptAttrs(r: {
  seq: number;
  initiatedEventId: number;
  workflowId: string;
  runId?: string | undefined;
}): string {
  return JSON.stringify({
    seq: r.seq,
    initiatedEventId: r.initiatedEventId,
    workflowId: r.workflowId,
    ...(r.runId === undefined ? {} : { runId: r.runId }),
  });
}
