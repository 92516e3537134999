/**
 * Issue 6: `/metrics` of a real `baton dev` after one capture run through its HTTP API shows the
 * started and completed counters at 1 and an activity latency histogram with 3 observations
 * (paralyze, attack, throwPokeball: one attempt each).
 */
import { describe, expect, it } from 'vitest';
import { tempStore } from '../support/cli.js';
import { API_LINE, startBaton, waitForOutput } from './dev-process.js';
import { trainer, wild } from './support.js';

/** The value of the sample `name{labels}` in a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The sum of every sample of `name` (all label sets). */
function total(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('baton dev /metrics', () => {
  it('after a capture: started 1, completed 1, and 3 observations of the activity latency histogram', async () => {
    const child = startBaton(['dev', '--port', '0', '--store', `sqlite:${tempStore('baton-metrics-')}`]);
    const [, base] = await waitForOutput(child, API_LINE);
    const before = await (await fetch(`${base}/metrics`)).text();
    expect(total(before, 'baton_workflows_started_total')).toBe(0);

    const start = await fetch(`${base}/api/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        workflowType: 'CapturePokemon',
        workflowId: 'capture-metrics',
        args: [trainer(), wild()],
      }),
    });
    expect(start.status).toBe(201);
    let status = 'RUNNING';
    for (let i = 0; i < 400 && status === 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      status = ((await (await fetch(`${base}/api/executions/capture-metrics`)).json()) as { status: string })
        .status;
    }
    expect(status).toBe('COMPLETED');

    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const type = 'workflow_type="CapturePokemon"';
    expect(sample(text, 'baton_workflows_started_total', type)).toBe(1);
    expect(sample(text, 'baton_workflows_completed_total', type)).toBe(1);
    expect(total(text, 'baton_workflows_failed_total')).toBe(0);
    const counts = ['paralyze', 'attack', 'throwPokeball'].map((a) =>
      sample(text, 'baton_activity_attempt_latency_seconds_count', `activity_type="${a}"`),
    );
    expect(counts).toEqual([1, 1, 1]);
    expect(total(text, 'baton_activity_attempt_latency_seconds_count')).toBe(3);

    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});
