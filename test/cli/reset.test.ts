/**
 * `baton reset` of a failed workflow: the Poké Ball is fixed, the capture is reset to its throw
 * (by step name, or by event id) and the new run completes without running paralyze again.
 */
import { describe, expect, it } from 'vitest';
import { capture, world } from '../fixtures/cli-workflows.js';
import { CLI_TIMEOUT_MS, QUEUE, ok, okJson, oneErrorLine, useCliEnv } from './cli-env.js';

const env = useCliEnv('baton-cli-reset-');

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
});
