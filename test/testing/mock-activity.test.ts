/**
 * MockActivityEnvironment (`baton/testing`): one activity function run outside a worker, with the
 * attempt and info given, heartbeats captured, cancellation through its AbortSignal.
 */
import { describe, expect, it } from 'vitest';
import { activityContext, ApplicationFailure, CancelledFailure } from '../../src/index.js';
import { DEFAULT_ACTIVITY_INFO, MockActivityEnvironment } from '../../src/testing/index.js';

/** An activity that reports its progress and resumes from the last heartbeat of an earlier attempt. */
async function countPokemon(total: number): Promise<number> {
  const ctx = activityContext();
  let seen = (ctx.heartbeatDetails as number | undefined) ?? 0;
  while (seen < total) {
    seen++;
    ctx.heartbeat(seen);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return seen;
}

describe('MockActivityEnvironment', () => {
  it('runs an activity with the info given (defaults for the rest) and returns its result', async () => {
    const env = new MockActivityEnvironment({ attempt: 3, activityType: 'whoIsThat' });
    const info = await env.run(async (name: string) => ({ ...activityContext().info, name }), 'Pikachu');
    expect(info).toEqual({
      ...DEFAULT_ACTIVITY_INFO,
      attempt: 3,
      activityType: 'whoIsThat',
      name: 'Pikachu',
    });
    expect(env.info.attempt).toBe(3);
  });

  it('captures heartbeats in order, as an array and as events', async () => {
    const env = new MockActivityEnvironment();
    const events: unknown[] = [];
    env.on('heartbeat', (details) => events.push(details));
    expect(await env.run(countPokemon, 3)).toBe(3);
    expect(env.heartbeats).toEqual([1, 2, 3]);
    expect(events).toEqual([1, 2, 3]);
  });

  it('gives the heartbeat details of an earlier attempt', async () => {
    const env = new MockActivityEnvironment({ attempt: 2 }, { heartbeatDetails: 149 });
    expect(await env.run(countPokemon, 151)).toBe(151);
    expect(env.heartbeats).toEqual([150, 151]);
  });

  it('rejects with what the activity throws', async () => {
    const env = new MockActivityEnvironment();
    const failure = ApplicationFailure.nonRetryable('it broke free', 'BrokeFree');
    await expect(
      env.run(async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });

  it('cancel() fires the AbortSignal with a CancelledFailure, and heartbeat() then throws it', async () => {
    const env = new MockActivityEnvironment();
    let signalReason: unknown;
    const running = env.run(async () => {
      const ctx = activityContext();
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      signalReason = ctx.signal.reason;
      ctx.heartbeat('still here?');
      return 'not cancelled';
    });
    expect(env.cancelled).toBe(false);
    env.cancel('the trainer ran away');
    const error = await running.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(CancelledFailure);
    expect((error as Error).message).toBe('the trainer ran away');
    expect(signalReason).toBe(error);
    expect(env.cancelled).toBe(true);
    expect(env.heartbeats).toEqual([]);
  });

  it('activityContext() outside run() still throws (the context is the run’s only)', () => {
    new MockActivityEnvironment();
    expect(() => activityContext()).toThrow(/outside an activity/);
  });
});
