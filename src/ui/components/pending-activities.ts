/** The activities scheduled and not closed: attempt, next attempt and the last failure. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiPendingActivity } from '../../server/api-types.js';
import { formatTime } from '../lib/format.js';
import { FailureView } from './failure-view.js';

export function PendingActivities({ activities }: { activities: readonly ApiPendingActivity[] }): VNode {
  if (activities.length === 0) return html`<p class="muted">None.</p>`;
  return html`<table data-testid="pending-activities">
    <thead>
      <tr>
        <th>Activity</th>
        <th>Attempt</th>
        <th>First scheduled</th>
        <th>Next attempt</th>
        <th>Worker</th>
        <th>Last failure</th>
      </tr>
    </thead>
    <tbody>
      ${activities.map(
        (a) =>
          html`<tr key=${a.activityId}>
            <td><strong>${a.activityType}</strong> <span class="muted">#${a.activityId}</span></td>
            <td class="num">${a.attempt}</td>
            <td title=${a.firstScheduledTime}>${formatTime(a.firstScheduledTime)}</td>
            <td title=${a.nextAttemptTime}>${formatTime(a.nextAttemptTime)}</td>
            <td>${a.worker ?? a.taskQueue ?? '—'}</td>
            <td>${a.lastFailure === null ? '—' : html`<${FailureView} failure=${a.lastFailure} />`}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
