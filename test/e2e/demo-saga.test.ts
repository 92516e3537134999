/**
 * `baton demo saga` as a real child process on a temp SQLite file: the Poké Ball service fails
 * every call, so throwPokeball fails on each attempt, then heal and cure run once each, in that
 * order; the failure names the Poké Ball error, and the history holds both compensations and ends
 * with WorkflowExecutionFailed.
 */
import { describe, expect, it } from 'vitest';
import { Baton, silentLogger } from '../../src/index.js';
import { runBaton, tempStore, type Exit, type Step } from '../support/cli.js';

interface SagaJson {
  workflowId: string;
  runId: string;
  steps: Step[];
  failedAt: string;
  compensated: boolean;
  compensations: {
    activity: string;
    pokemon: { currentHealth: number; maxHealth: number; status: string };
  }[];
  error: { name: string; message: string; type?: string }[];
}

/** Runs `baton demo …` from the sources (without `BATON_STORE`) and waits for it to exit. */
function demo(...args: string[]): Promise<Exit> {
  return runBaton(['demo', ...args]);
}

describe.concurrent('baton demo saga (CLI, child process)', () => {
  it('fails at the throw, heals then cures, and exits 0 (compensated as designed)', async () => {
    const file = tempStore('baton-demo-saga-');
    const exit = await demo('saga', '--json', '--store', `sqlite:${file}`);
    expect(exit.code, exit.stderr).toBe(0);
    const lines = exit.stdout.trim().split('\n');
    expect(lines, `stdout: ${exit.stdout}\nstderr: ${exit.stderr}`).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as SagaJson;

    expect(out.workflowId).toMatch(/^saga-mewtwo-/);
    expect(out.steps.map((s) => `${s.activity}#${s.attempt}:${s.outcome}`)).toEqual([
      'paralyze#1:completed',
      'attack#1:completed',
      'throwPokeball#1:failed',
      'throwPokeball#2:failed',
      'throwPokeball#3:failed',
      'heal#1:completed',
      'cure#1:completed',
    ]);
    for (const s of out.steps.filter((step) => step.activity === 'throwPokeball'))
      expect(s.error).toContain('PokeballService.throw is unavailable');

    expect(out.failedAt).toBe('throwPokeball');
    expect(out.compensated).toBe(true);
    expect(out.compensations.map((c) => c.activity)).toEqual(['heal', 'cure']);
    const cured = out.compensations[1]!.pokemon;
    expect(cured.status).toBe('HEALTHY');
    expect(cured.currentHealth).toBe(cured.maxHealth);

    expect(out.error.map((e) => e.name)).toEqual([
      'WorkflowFailedError',
      'ActivityFailure',
      'ApplicationFailure',
    ]);
    expect(out.error.at(-1)).toMatchObject({ type: 'PokeballServiceUnavailable' });
    expect(out.error.at(-1)!.message).toContain('PokeballService.throw is unavailable');

    const baton = await Baton.open(`sqlite:${file}`, { logger: silentLogger });
    try {
      const { events, runId } = await baton.client.getHandle(out.workflowId).fetchHistory();
      expect(runId).toBe(out.runId);
      const typeOf = new Map<number, string>();
      const completed: string[] = [];
      const failed: string[] = [];
      for (const e of events) {
        if (e.eventType === 'ActivityTaskScheduled') typeOf.set(e.eventId, e.attrs.activityType);
        if (e.eventType === 'ActivityTaskCompleted')
          completed.push(typeOf.get(e.attrs.scheduledEventId) ?? '?');
        if (e.eventType === 'ActivityTaskFailed') failed.push(typeOf.get(e.attrs.scheduledEventId) ?? '?');
      }
      expect(completed).toEqual(['paralyze', 'attack', 'heal', 'cure']);
      expect(failed).toEqual(['throwPokeball']);
      expect(events.at(-1)?.eventType).toBe('WorkflowExecutionFailed');
      expect((await baton.client.getHandle(out.workflowId).describe()).status).toBe('FAILED');
    } finally {
      await baton.close();
    }
  });

  it('prints the steps, then the failure chain and a final line saying it was compensated', async () => {
    const exit = await demo('saga', '--store', `sqlite:${tempStore('baton-demo-saga-')}`);
    expect(exit.code, exit.stderr).toBe(0);
    const text = exit.stdout;
    const order = [
      ' paralyze ',
      ' attack ',
      'throwPokeball failed for good after 3 attempts',
      ' heal ',
      ' cure ',
    ].map((needle) => text.indexOf(needle));
    expect(
      order.every((i) => i >= 0),
      text,
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('caused by ApplicationFailure [PokeballServiceUnavailable]');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'The capture failed at throwPokeball and was compensated: Mewtwo healed to full health (200/200), then cured (status HEALTHY).',
    );
  });

  it('lists saga among the known demos', async () => {
    const exit = await demo('nope');
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain("unknown demo 'nope'; known demos: capture, saga");
  });
});
