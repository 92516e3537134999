/** An execution's event history as a table: event id, type, time, attributes and payload. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiHistoryEvent } from '../../server/api-types.js';
import { formatDuration, formatTime, toJson, toJsonLine } from '../lib/format.js';
import { JsonView } from './json-view.js';

/** An event's attributes, one `key value` line each (nested values as one line of JSON). */
function AttrsView({ attrs }: { attrs: Record<string, unknown> }): VNode {
  return html`<div class="attrs">
    ${Object.entries(attrs).map(
      ([k, v]) =>
        html`<div key=${k} title=${typeof v === 'object' && v !== null ? toJson(v) : ''}>
          <span class="fact-key">${k}</span> ${typeof v === 'string' ? v : toJsonLine(v, 120)}
        </div>`,
    )}
  </div>`;
}

function eventClass(type: string): string {
  if (/Failed|TimedOut|Terminated/.test(type)) return 'event-bad';
  if (/Canceled|CancelRequested/.test(type)) return 'event-warn';
  if (/Completed|Fired/.test(type)) return 'event-good';
  return '';
}

export function HistoryTable({ events }: { events: readonly ApiHistoryEvent[] }): VNode {
  const startMs = events[0] === undefined ? 0 : Date.parse(events[0].time);
  return html`<table class="history" data-testid="history-table">
    <thead>
      <tr>
        <th>ID</th>
        <th>Event type</th>
        <th>Time</th>
        <th>Attributes</th>
        <th>Payload</th>
      </tr>
    </thead>
    <tbody>
      ${events.map(
        (e) =>
          html`<tr key=${e.eventId} data-testid="history-row" class=${eventClass(e.eventType)}>
            <td class="num">${e.eventId}</td>
            <td class="event-type">${e.eventType}</td>
            <td class="time" title=${e.time}>
              ${formatTime(e.time)}<br /><span class="muted"
                >+${formatDuration(Date.parse(e.time) - startMs)}</span
              >
            </td>
            <td>
              <${AttrsView} attrs=${e.attrs} />
            </td>
            <td>${e.payload !== undefined && html`<${JsonView} value=${e.payload} foldAfter=${8} />`}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
