/**
 * The time-skipping test environment (`baton/testing`): awaiting a result skips time while nothing
 * else can happen, `env.sleep()` skips it explicitly, and work that takes real time (an activity)
 * is never skipped past.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defineSignal, defineWorkflow, silentLogger } from '../../src/index.js';
import { TestWorkflowEnvironment } from '../../src/testing/index.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const envs: TestWorkflowEnvironment[] = [];
afterEach(async () => {
  for (const env of envs.splice(0)) await env.close();
});

async function openEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ logger: silentLogger });
  envs.push(env);
  return env;
}

interface Reminders {
  remind(name: string): Promise<string>;
}

const monthlyReminder = defineWorkflow('MonthlyReminder', async (ctx, name: string) => {
  await ctx.sleep('30d');
  return ctx.activities<Reminders>({ startToCloseTimeout: '1m' }).remind(name);
});

describe('TestWorkflowEnvironment.createTimeSkipping', () => {
  it('a workflow that sleeps 30 days then calls an activity completes in under 2 s; env.now() moved 30 days', async () => {
    const env = await openEnv();
    const calledAt: number[] = [];
    env.worker({
      taskQueue: 'reminders',
      workflows: [monthlyReminder],
      activities: {
        async remind(name: string): Promise<string> {
          calledAt.push(env.now());
          return `time to feed ${name}`;
        },
      },
    });
    const startedAt = env.now();
    const realStart = Date.now();
    const result = await env.client.execute(monthlyReminder, {
      taskQueue: 'reminders',
      workflowId: 'feed-snorlax',
      args: ['Snorlax'],
    });
    const realMs = Date.now() - realStart;
    expect(result).toBe('time to feed Snorlax');
    expect(realMs).toBeLessThan(2000);
    expect(env.now() - startedAt).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(env.now() - startedAt).toBeLessThan(31 * DAY_MS);
    expect(calledAt[0]! - startedAt).toBeGreaterThanOrEqual(30 * DAY_MS);
    const { events } = await env.client.getHandle('feed-snorlax').fetchHistory();
    const started = events.find((e) => e.eventType === 'WorkflowExecutionStarted')!;
    const fired = events.find((e) => e.eventType === 'TimerFired')!;
    expect(fired.timeMs - started.timeMs).toBeGreaterThanOrEqual(30 * DAY_MS);
  });

  it('skips an activity retry back-off of 1 hour', async () => {
    const env = await openEnv();
    const attempts: number[] = [];
    const flaky = defineWorkflow('FlakyPokedex', async (ctx) => {
      const pokedex = ctx.activities<{ lookUp(): Promise<string> }>({
        startToCloseTimeout: '10s',
        retry: { initialInterval: '1h', maximumAttempts: 3 },
      });
      return pokedex.lookUp();
    });
    env.worker({
      taskQueue: 'pokedex',
      workflows: [flaky],
      activities: {
        async lookUp(): Promise<string> {
          attempts.push(env.now());
          if (attempts.length === 1) throw new Error('the Pokédex is offline');
          return 'Mew';
        },
      },
    });
    const realStart = Date.now();
    const handle = await env.client.start(flaky, { taskQueue: 'pokedex', workflowId: 'flaky-pokedex' });
    expect(await handle.result()).toBe('Mew');
    expect(Date.now() - realStart).toBeLessThan(2000);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(HOUR_MS - 5);
  });

  it('does not skip past an activity that takes 200 ms of real time: it wins the race with a 1 hour timer', async () => {
    const env = await openEnv();
    const race = defineWorkflow('SlowVersusTimer', async (ctx) => {
      const slow = ctx
        .activities<{ slowThrow(): Promise<string> }>({ startToCloseTimeout: '1m' })
        .slowThrow();
      return Promise.race([slow, ctx.sleep('1h').then(() => 'timer')]);
    });
    env.worker({
      taskQueue: 'race',
      workflows: [race],
      activities: {
        async slowThrow(): Promise<string> {
          await new Promise((resolve) => setTimeout(resolve, 200));
          return 'activity';
        },
      },
    });
    const startedAt = env.now();
    const realStart = Date.now();
    expect(await env.client.execute(race, { taskQueue: 'race', workflowId: 'race' })).toBe('activity');
    expect(Date.now() - realStart).toBeGreaterThanOrEqual(195);
    // Real time only (the activity's 200 ms): nothing was skipped while it ran.
    expect(env.now() - startedAt).toBeLessThan(HOUR_MS);
  });

  it('a timer that comes first still wins over a slow activity (time runs as the machine’s)', async () => {
    const env = await openEnv();
    const race = defineWorkflow('TimerVersusSlow', async (ctx) => {
      const slow = ctx.activities<{ slow(): Promise<string> }>({ startToCloseTimeout: '1m' }).slow();
      return Promise.race([slow, ctx.sleep(50).then(() => 'timer')]);
    });
    env.worker({
      taskQueue: 'race2',
      workflows: [race],
      activities: {
        async slow(): Promise<string> {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return 'activity';
        },
      },
    });
    expect(await env.client.execute(race, { taskQueue: 'race2', workflowId: 'race2' })).toBe('timer');
  });

  it('a timer armed after an activity, due before an older timer, fires first (no skip before it is armed)', async () => {
    const env = await openEnv();
    const order = defineWorkflow('TimersInOrder', async (ctx) => {
      const long = ctx.sleep('2h').then(() => 'long');
      await ctx.activities<{ quick(): Promise<void> }>({ startToCloseTimeout: '1m' }).quick();
      const short = ctx.sleep('1h').then(() => 'short');
      return Promise.race([long, short]);
    });
    env.worker({ taskQueue: 'order', workflows: [order], activities: { async quick(): Promise<void> {} } });
    const startedAt = env.now();
    expect(await env.client.execute(order, { taskQueue: 'order', workflowId: 'order' })).toBe('short');
    expect(env.now() - startedAt).toBeGreaterThanOrEqual(HOUR_MS);
    expect(env.now() - startedAt).toBeLessThan(2 * HOUR_MS);
  });

  it('with nothing due (a workflow waiting for a signal), awaiting a result waits in real time for the signal', async () => {
    const env = await openEnv();
    const ball = defineSignal<[kind: string]>('ball');
    const waitForBall = defineWorkflow('WaitForBall', async (ctx) => {
      let thrown: string | undefined;
      ctx.setHandler(ball, (kind) => {
        thrown = kind;
      });
      // A day's timeout, far from reached: the signal comes first, after a day of skipped time.
      await ctx.sleep('1d');
      await ctx.condition(() => thrown !== undefined);
      return thrown;
    });
    env.worker({ taskQueue: 'balls', workflows: [waitForBall] });
    const handle = await env.client.start(waitForBall, { taskQueue: 'balls', workflowId: 'balls' });
    const result = handle.result();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(env.now() - (await handle.describe()).startTime.getTime()).toBeGreaterThanOrEqual(DAY_MS);
    await handle.signal(ball, 'Ultra Ball');
    expect(await result).toBe('Ultra Ball');
  });

  it('starts at startTime, and refuses workers once closed', async () => {
    const startTime = new Date('2026-07-01T00:00:00Z');
    const env = await TestWorkflowEnvironment.createTimeSkipping({ logger: silentLogger, startTime });
    expect(Math.abs(env.now() - startTime.getTime())).toBeLessThan(1000);
    await env.close();
    expect(() => env.worker({ taskQueue: 'late' })).toThrow(/closed/);
    await expect(TestWorkflowEnvironment.createTimeSkipping({ startTime: Number.NaN })).rejects.toThrow(
      /startTime/,
    );
  });

  it('env.sleep() skips time explicitly, firing the timers due by then and no others', async () => {
    const env = await openEnv();
    const daily = defineWorkflow('Daily', async (ctx) => {
      await ctx.sleep('1d');
      return ctx.now();
    });
    env.worker({ taskQueue: 'daily', workflows: [daily] });
    const startedAt = env.now();
    await env.client.start(daily, { taskQueue: 'daily', workflowId: 'daily' });
    // The raw client (env.baton.client) never skips time.
    const raw = env.baton.client.getHandle('daily');
    await env.sleep('2h');
    expect(env.now() - startedAt).toBeGreaterThanOrEqual(2 * HOUR_MS);
    expect((await raw.describe()).status).toBe('RUNNING');
    await env.sleep('1d');
    expect(env.now() - startedAt).toBeGreaterThanOrEqual(26 * HOUR_MS);
    const closedAt = (await raw.result()) as number;
    expect(closedAt - startedAt).toBeGreaterThanOrEqual(DAY_MS);
    expect(closedAt - startedAt).toBeLessThan(26 * HOUR_MS);
  });

  it('keeps a workflow alive across several long timers and a lease far shorter than them', async () => {
    const env = await openEnv();
    const steps = defineWorkflow('Seasons', async (ctx) => {
      const seasons: string[] = [];
      const log = ctx.activities<{ note(s: string): Promise<string> }>({ startToCloseTimeout: '1m' });
      for (const season of ['spring', 'summer', 'autumn']) {
        await ctx.sleep('90d');
        seasons.push(await log.note(season));
      }
      return seasons;
    });
    let notes = 0;
    let taken = 0;
    env.worker({
      taskQueue: 'seasons',
      workflows: [steps],
      leaseTimeout: '1s',
      hooks: { onWorkflowTaken: () => taken++ },
      activities: {
        async note(season: string): Promise<string> {
          notes++;
          return season;
        },
      },
    });
    const handle = await env.client.start(steps, { taskQueue: 'seasons', workflowId: 'seasons' });
    expect(await handle.result()).toEqual(['spring', 'summer', 'autumn']);
    expect(notes).toBe(3);
    // Claimed once: a lease that lapsed during a skip would have been taken over (claimed again).
    expect(taken).toBe(1);
    const { events } = await handle.fetchHistory();
    // Never taken over (a lapsed lease would show as a second claim and a replayed attempt).
    expect(events.filter((e) => e.eventType === 'ActivityTaskStarted')).toHaveLength(3);
  });
});
