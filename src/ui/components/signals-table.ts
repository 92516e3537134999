/** The signals an execution received, from its history. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiSignal } from '../../server/api-types.js';
import { formatTime, toJsonLine } from '../lib/format.js';

export function SignalsTable({ signals }: { signals: readonly ApiSignal[] }): VNode {
  if (signals.length === 0) return html`<p class="muted">No signals received.</p>`;
  return html`<table data-testid="signals">
    <thead>
      <tr>
        <th>Event</th>
        <th>Signal</th>
        <th>Arguments</th>
        <th>Time</th>
      </tr>
    </thead>
    <tbody>
      ${signals.map(
        (s) =>
          html`<tr key=${s.eventId}>
            <td class="num">${s.eventId}</td>
            <td><strong>${s.name}</strong></td>
            <td><code>${toJsonLine(s.args, 300)}</code></td>
            <td title=${s.time}>${formatTime(s.time)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
