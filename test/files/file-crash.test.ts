/**
 * A workflow file on the durable engine, in real processes: killed by SIGKILL right after its
 * second step is durable, it resumes in a new process at the third step (steps one and two are
 * not run again).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTs } from '../support/child.js';
import { openTestEnv } from '../support/harness.js';

const FILE = `
name: ThreeFileSteps
version: 1
inputs:
  n: { type: integer, required: true }
steps:
  one:
    action: { activity: stepOne, args: ["\${inputs.n}"] }
    retry: { initialInterval: 50ms }
  two:
    action: { activity: stepTwo, args: ["\${steps.one.output}"] }
    retry: { initialInterval: 50ms }
  three:
    action: { activity: stepThree, args: ["\${steps.two.output}"] }
    retry: { initialInterval: 50ms }
output:
  one: \${steps.one.output}
  two: \${steps.two.output}
  three: \${steps.three.output}
`;

describe('a workflow file killed after its second step (real processes, SIGKILL)', () => {
  it('resumes at the third step in a new process', async () => {
    const env = await openTestEnv();
    const file = join(env.dir, 'three.yaml');
    writeFileSync(file, FILE);
    const sideEffects = join(env.dir, 'side-effects.log');
    const fixture = 'test/fixtures/file-worker.ts';
    const first = runTs(fixture, ['start', env.url, 'file-crash', sideEffects, file]);
    const killed = await first.exited;
    expect(killed.signal, first.stderr()).toBe('SIGKILL');
    const lines = () => readFileSync(sideEffects, 'utf8').trim().split('\n');
    expect(lines().map((l) => l.split(' ')[0])).toEqual(['one', 'two']);

    const handle = env.baton.client.getHandle('file-crash');
    const before = (await handle.fetchHistory()).events;
    expect(before.map((e) => e.eventType)).not.toContain('WorkflowExecutionCompleted');

    const second = runTs(fixture, ['resume', env.url, 'file-crash', sideEffects, file]);
    const exit = await second.exited;
    expect(exit.code, second.stderr()).toBe(0);
    expect(JSON.parse(second.stdout())).toEqual({ one: 5, two: 50, three: 'three got 50' });
    const steps = lines().map((l) => l.split(' '));
    expect(steps.map(([s]) => s)).toEqual(['one', 'two', 'three']);
    // Steps one and two ran in the killed process, step three only in the new one.
    expect(steps[0]![1]).toBe(String(first.proc.pid));
    expect(steps[1]![1]).toBe(String(first.proc.pid));
    expect(steps[2]![1]).toBe(String(second.proc.pid));
    const after = (await handle.fetchHistory()).events;
    const completed = after.filter((e) => e.eventType === 'ActivityTaskCompleted');
    expect(completed).toHaveLength(3);
  }, 60_000);
});
