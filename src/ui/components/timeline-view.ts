/**
 * The timeline of activities and timers: one row per bar, positioned on the execution's time
 * span; an activity's bar has one segment per attempt (the earlier ones failed or timed out).
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Timeline, TimelineBar } from '../lib/timeline-model.js';
import { formatDuration, formatTime } from '../lib/format.js';

const OUTCOME_LABEL: Record<TimelineBar['outcome'], string> = {
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  timedOut: 'timed out',
  canceled: 'canceled',
  fired: 'fired',
};

function barTitle(bar: TimelineBar, endMs: number): string {
  const lines = [
    `${bar.label}: ${OUTCOME_LABEL[bar.outcome]}`,
    `started ${formatTime(new Date(bar.startMs).toISOString())}`,
    `${formatDuration(endMs - bar.startMs)}${bar.endMs === null ? ' so far' : ''}`,
  ];
  if (bar.kind === 'activity') lines.push(`${bar.attempts} attempt${bar.attempts === 1 ? '' : 's'}`);
  if (bar.fireAtMs !== undefined && bar.endMs === null)
    lines.push(`fires at ${formatTime(new Date(bar.fireAtMs).toISOString())}`);
  return lines.join('\n');
}

function Bar({ bar, timeline }: { bar: TimelineBar; timeline: Timeline }): VNode {
  const span = timeline.endMs - timeline.startMs;
  const endMs = bar.endMs ?? timeline.endMs;
  const left = ((bar.startMs - timeline.startMs) / span) * 100;
  const width = Math.max(((endMs - bar.startMs) / span) * 100, 0.6);
  const segments = Array.from({ length: bar.attempts }, (_, i) => i + 1);
  return html`<div class="tl-row">
    <div class="tl-label" title=${bar.label}>
      <span class=${`tl-kind tl-kind-${bar.kind}`}>${bar.kind === 'activity' ? 'A' : 'T'}</span>
      ${bar.label}
      ${
        bar.fireAtMs !== undefined &&
        bar.endMs === null &&
        html`<span class="tl-attempts">fires ${formatTime(new Date(bar.fireAtMs).toISOString())}</span>`
      }
      ${
        bar.kind === 'activity' &&
        html`<span class="tl-attempts" data-testid="timeline-attempt-count"
          >${bar.attempts} attempt${bar.attempts === 1 ? '' : 's'}</span
        >`
      }
    </div>
    <div class="tl-track">
      <div
        class=${`tl-bar tl-${bar.kind} tl-${bar.outcome}`}
        style=${{ left: `${Math.min(left, 99.4)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.4))}%` }}
        title=${barTitle(bar, endMs)}
        data-testid="timeline-bar"
        data-kind=${bar.kind}
        data-outcome=${bar.outcome}
        data-attempts=${bar.attempts}
      >
        ${segments.map(
          (n) =>
            html`<span
              key=${n}
              class=${`tl-attempt ${n < bar.attempts ? 'tl-attempt-retried' : ''}`}
              data-testid="timeline-attempt"
            ></span>`,
        )}
      </div>
    </div>
  </div>`;
}

export function TimelineView({ timeline }: { timeline: Timeline }): VNode {
  if (timeline.bars.length === 0)
    return html`<p class="muted" data-testid="timeline">No activities or timers yet.</p>`;
  return html`<div class="timeline" data-testid="timeline">
    ${timeline.bars.map((bar) => html`<${Bar} key=${bar.key} bar=${bar} timeline=${timeline} />`)}
    <div class="tl-row tl-axis">
      <div class="tl-label"></div>
      <div class="tl-track-axis">
        <span>${formatTime(new Date(timeline.startMs).toISOString())}</span>
        <span>${formatDuration(timeline.endMs - timeline.startMs)}</span>
        <span>${formatTime(new Date(timeline.endMs).toISOString())}</span>
      </div>
    </div>
  </div>`;
}
