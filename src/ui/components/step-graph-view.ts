/**
 * A step workflow's graph as SVG: steps in columns by dependency depth, an arrow per `dependsOn`,
 * each step coloured by its state in this execution.
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiStepGraph } from '../../server/api-types.js';
import { stepDepths, type StepState } from '../lib/step-states.js';

const NODE_W = 170;
const NODE_H = 50;
const GAP_X = 60;
const GAP_Y = 20;
const PAD = 10;

const STATE_LABEL: Record<StepState, string> = {
  waiting: 'waiting',
  skipped: 'skipped',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  canceled: 'canceled',
  compensating: 'compensating',
  compensated: 'compensated',
  compensationFailed: 'compensation failed',
};

/** Text cut to fit a node (the node's title has it whole). */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface Placed {
  name: string;
  activity: string;
  compensation: string | null;
  x: number;
  y: number;
}

function place(graph: ApiStepGraph): Map<string, Placed> {
  const depths = stepDepths(graph);
  const rows = new Map<number, number>();
  const placed = new Map<string, Placed>();
  const order = graph.order.length > 0 ? graph.order : graph.steps.map((s) => s.name);
  for (const name of order) {
    const step = graph.steps.find((s) => s.name === name);
    if (step === undefined) continue;
    const col = depths.get(name) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    placed.set(name, {
      name,
      activity: step.activity,
      compensation: step.compensation,
      x: PAD + col * (NODE_W + GAP_X),
      y: PAD + row * (NODE_H + GAP_Y),
    });
  }
  return placed;
}

export function StepGraphView({
  graph,
  states,
  labels,
}: {
  graph: ApiStepGraph;
  states: Map<string, StepState>;
  /** The state names a workflow file recorded, by step (shown instead of the drawn state's). */
  labels?: Map<string, string> | undefined;
}): VNode {
  const placed = place(graph);
  const nodes = [...placed.values()];
  const width = Math.max(...nodes.map((n) => n.x + NODE_W), 0) + PAD;
  const height = Math.max(...nodes.map((n) => n.y + NODE_H), 0) + PAD;
  const edges = graph.steps.flatMap((s) =>
    s.dependsOn.map((dep) => ({ from: placed.get(dep), to: placed.get(s.name), key: `${dep}→${s.name}` })),
  );
  return html`<div class="step-graph" data-testid="step-graph">
    <svg
      width=${width}
      height=${height}
      viewBox=${`0 0 ${width} ${height}`}
      role="img"
      aria-label="Step graph"
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="10"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" class="edge-head" />
        </marker>
      </defs>
      ${edges.map(({ from, to, key }) => {
        if (from === undefined || to === undefined) return null;
        const x1 = from.x + NODE_W;
        const y1 = from.y + NODE_H / 2;
        const x2 = to.x;
        const y2 = to.y + NODE_H / 2;
        const mid = (x1 + x2) / 2;
        return html`<path
          key=${key}
          class="edge"
          data-testid="step-edge"
          d=${`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
          marker-end="url(#arrow)"
        />`;
      })}
      ${nodes.map((n) => {
        const state = states.get(n.name) ?? 'waiting';
        const label = labels?.get(n.name) ?? STATE_LABEL[state];
        return html`<g
          key=${n.name}
          class=${`step step-${state}`}
          data-testid="step-node"
          data-step=${n.name}
          data-state=${state}
          data-label=${label}
        >
          <title>
            ${`${n.name}: ${label}\nactivity ${n.activity}${n.compensation === null ? '' : `\ncompensation ${n.compensation}`}`}
          </title>
          <rect x=${n.x} y=${n.y} width=${NODE_W} height=${NODE_H} rx="6" />
          <text x=${n.x + 10} y=${n.y + 20} class="step-name">${clip(n.name, 22)}</text>
          <text x=${n.x + 10} y=${n.y + 38} class="step-activity">
            ${clip(`${n.activity} · ${label}`, 28)}
          </text>
        </g>`;
      })}
    </svg>
    <div class="legend">
      ${(Object.keys(STATE_LABEL) as StepState[]).map(
        (s) => html`<span key=${s} class=${`legend-item step-${s}`}><i></i>${STATE_LABEL[s]}</span>`,
      )}
    </div>
  </div>`;
}
