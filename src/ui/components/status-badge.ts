/** The status of an execution as a coloured badge. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiExecutionStatus } from '../../server/api-types.js';

const LABEL: Record<ApiExecutionStatus, string> = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELED: 'Canceled',
  TERMINATED: 'Terminated',
  TIMED_OUT: 'Timed out',
  CONTINUED_AS_NEW: 'Continued as new',
};

export function StatusBadge({ status }: { status: ApiExecutionStatus }): VNode {
  return html`<span
    class=${`badge status-${status.toLowerCase()}`}
    data-testid="status-badge"
    data-status=${status}
    >${LABEL[status] ?? status}</span
  >`;
}
