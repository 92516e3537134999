/**
 * `baton reset` of a failed workflow: the Poké Ball is fixed, the capture is reset to its throw
 * (by step name, or by event id) and the new run completes without running paralyze again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureActivities } from '../../examples/pokemon/activities.js';
import { mewtwo, sacha, type CaptureResult } from '../../examples/pokemon/domain.js';
import { CombatService, PokeballService, StatusService } from '../../examples/pokemon/services.js';
import { captureSteps } from '../../examples/pokemon/steps.js';
import type { Worker } from '../../src/index.js';
import { capture, world } from '../fixtures/cli-workflows.js';
import { CLI_TIMEOUT_MS, QUEUE, ok, okJson, oneErrorLine, useCliEnv } from './cli-env.js';

const env = useCliEnv('baton-cli-reset-');

/** A second worker on the store: CapturePokemonSteps (examples/pokemon/steps.ts) on its own queue. */
const STEPS_QUEUE = 'pokemon-steps';
const services = {
  status: new StatusService(),
  combat: new CombatService(),
  pokeball: new PokeballService(),
};
let stepsWorker: { worker: Worker; running: Promise<void> } | undefined;
beforeAll(() => {
  const { status, combat, pokeball } = services;
  const worker = env.baton.worker({
    taskQueue: STEPS_QUEUE,
    workflows: [captureSteps],
    activities: captureActivities(status, combat, pokeball),
    pollInterval: 20,
    identity: 'cli-test-steps',
  });
  stepsWorker = { worker, running: worker.run() };
});
afterAll(async () => {
  await stepsWorker?.worker.shutdown();
  await stepsWorker?.running;
});

describe('reset (CLI, child processes)', { timeout: CLI_TIMEOUT_MS }, () => {
  it('resets failed captures to the throw, by step and by event id; the new runs complete', async () => {
    world.ballBroken = true;
    const runs = [];
    for (const id of ['reset-1', 'reset-2']) {
      const handle = await env.baton.client.start(capture, {
        workflowId: id,
        taskQueue: QUEUE,
        args: ['Mewtwo'],
      });
      await expect(handle.result()).rejects.toThrow('workflow execution failed');
      runs.push(handle.runId!);
    }
    world.ballBroken = false;

    // Event 4 is paralyze's ActivityTaskCompleted: the last event before throwBall was scheduled.
    const [byStep, byEventId, badPoint] = await Promise.all([
      env.run('reset', 'reset-1', '--to', 'throwBall', '--reason', 'ball fixed'),
      env.run('reset', 'reset-2', '--to', '4', '--json'),
      env.run('reset', 'reset-1', '--run-id', runs[0]!, '--to', '99'),
    ]);
    const line = ok(byStep);
    const match =
      /^reset workflow execution reset-1 \(run ([\w-]+)\) to step throwBall: new run ([\w-]+)\n$/.exec(line);
    expect(match, line).not.toBeNull();
    expect(match![1]).toBe(runs[0]);
    const json = okJson(byEventId);
    expect(json).toEqual({
      workflowId: 'reset-2',
      previousRunId: runs[1],
      runId: expect.any(String) as string,
      toEventId: 4,
    });
    expect(oneErrorLine(badPoint)).toMatch(
      /^baton: --to 99: toEventId: expected an integer in \[1, 7\] for run/,
    );

    for (const [id, runId] of [
      ['reset-1', match![2]!],
      ['reset-2', json.runId as string],
    ]) {
      const handle = env.baton.client.getHandle(id!, runId);
      expect(await handle.result()).toBe('caught Mewtwo (PAR)');
      const { events } = await handle.fetchHistory();
      const scheduled = events.filter((e) => e.eventType === 'ActivityTaskScheduled');
      expect(
        scheduled.map((e) => (e.eventType === 'ActivityTaskScheduled' ? e.attrs.activityType : '')),
      ).toEqual(['paralyze', 'throwBall']);
      // paralyze's events are the ones copied from the failed run: it did not run again.
      expect(events.slice(0, 4).map((e) => e.timeMs)).toEqual(
        (await env.baton.store.getHistory(id === 'reset-1' ? runs[0]! : runs[1]!, 1, 4)).map((e) => e.timeMs),
      );
    }
    const shown = ok(await env.run('describe', 'reset-1'));
    expect(shown).toMatch(new RegExp(`^resetFrom\\s+run ${runs[0]} at event 4: ball fixed$`, 'm'));
  });

  it('resets a step workflow to a step name: the CLI loads no workflow code, the history names the steps', async () => {
    const input = JSON.stringify({ trainer: sacha(), pokemon: mewtwo() });
    const started = okJson(
      await env.run(
        'start',
        'CapturePokemonSteps',
        '--input',
        input,
        '--id',
        'st1',
        '--task-queue',
        STEPS_QUEUE,
        '--wait',
        '--json',
      ),
    );
    expect(started).toMatchObject({ workflowId: 'st1', status: 'COMPLETED' });
    const calls = () => [services.status.calls, services.combat.calls, services.pokeball.calls];
    expect(calls()).toEqual([1, 1, 1]);

    const line = ok(await env.run('reset', 'st1', '--to', 'ThrowPokeball'));
    const match =
      /^reset workflow execution st1 \(run ([\w-]+)\) to step ThrowPokeball: new run ([\w-]+)\n$/.exec(line);
    expect(match, line).not.toBeNull();
    const [, oldRunId, newRunId] = match!;
    expect(oldRunId).toBe(started.runId);

    const handle = env.baton.client.getHandle<CaptureResult>('st1', newRunId);
    expect((await handle.result()).pokemon.trainerName).toBe('Sacha');
    // Paralyze and Attack were not run again: only the throw was.
    expect(calls()).toEqual([1, 1, 2]);
    const { events } = await handle.fetchHistory();
    const scheduled = events.flatMap((e) => (e.eventType === 'ActivityTaskScheduled' ? [e] : []));
    expect(scheduled.map((e) => [e.attrs.activityType, e.attrs.options.summary])).toEqual([
      ['paralyze', 'Paralyze'],
      ['attack', 'Attack'],
      ['throwPokeball', 'ThrowPokeball'],
    ]);
    // The new run kept events 1..N of the old one, N being the last before ThrowPokeball was scheduled.
    const kept = scheduled[2]!.eventId - 1;
    const old = await env.baton.store.getHistory(oldRunId!, 1, kept);
    expect(events.slice(0, kept).map((e) => e.timeMs)).toEqual(old.map((e) => e.timeMs));
    expect((await handle.describe()).resetFrom).toMatchObject({ runId: oldRunId, eventId: kept });
  });
});
