import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineSignal, type HistoryEvent } from '../../src/index.js';
import { runTs, type Child } from '../support/child.js';
import { eventually, openTestEnv, type TestEnv } from '../support/harness.js';

const FIXTURE = 'test/fixtures/wait-worker.ts';
const TOLERANCE_MS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Crashed {
  args: (mode: string) => string[];
  sideEffects: string;
}

/** Starts the workflow in a worker process and SIGKILLs it once it waits. */
async function startAndKill(
  env: TestEnv,
  type: string,
  workflowId: string,
  waitMs: number,
): Promise<Crashed> {
  const sideEffects = join(env.dir, 'side-effects.log');
  const marker = join(env.dir, 'marker');
  const args = (mode: string) => [mode, env.url, type, workflowId, sideEffects, marker, String(waitMs)];
  const first = runTs(FIXTURE, args('start'));
  await eventually(() => (existsSync(marker) ? true : undefined), 20_000).catch((err: Error) => {
    throw new Error(`${err.message}; child stderr: ${first.stderr()}`);
  });
  first.proc.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  return { args, sideEffects };
}

async function finish(child: Child): Promise<void> {
  const exit = await child.exited;
  expect(exit.code, child.stderr()).toBe(0);
}

function calls(file: string, name: string): number[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l.startsWith(`${name} `))
    .map((l) => Number(l.split(' ')[1]));
}

const timerStarted = (events: HistoryEvent[]) =>
  events.find(
    (e): e is Extract<HistoryEvent, { eventType: 'TimerStarted' }> => e.eventType === 'TimerStarted',
  )!;

describe('durable timers across a worker crash (SIGKILL)', () => {
  it('a sleep wakes at its original due time when the new worker starts before it', async () => {
    const env = await openTestEnv();
    const crashed = await startAndKill(env, 'SleepAcrossCrash', 'sleep-early', 2000);
    await finish(runTs(FIXTURE, crashed.args('resume')));
    const { events } = await env.baton.client.getHandle('sleep-early').fetchHistory();
    const timer = timerStarted(events);
    // Due time: the time of the event the workflow was processing (before's completion) + 2 s.
    const completed = events.find((e) => e.eventType === 'ActivityTaskCompleted')!;
    expect(timer.attrs.fireAtMs - completed.timeMs).toBe(2000);
    const [after] = calls(crashed.sideEffects, 'after');
    expect(after!).toBeGreaterThanOrEqual(timer.attrs.fireAtMs - TOLERANCE_MS);
    // Normally the new worker is up before the due time; on a loaded machine its start-up may
    // run past it, and then the sleep fires as soon as it takes the execution over.
    const [resumedAt] = calls(crashed.sideEffects, 'resumed');
    expect(after!).toBeLessThan(Math.max(timer.attrs.fireAtMs, resumedAt!) + 3000);
    expect(calls(crashed.sideEffects, 'before')).toHaveLength(1);
    expect(calls(crashed.sideEffects, 'after')).toHaveLength(1);
    expect(events.filter((e) => e.eventType === 'TimerFired')).toHaveLength(1);
  }, 30_000);

  it('a sleep already due when the new worker starts fires at once, not a full duration later', async () => {
    const env = await openTestEnv();
    const crashed = await startAndKill(env, 'SleepAcrossCrash', 'sleep-late', 1500);
    await sleep(2500);
    await finish(runTs(FIXTURE, crashed.args('resume')));
    const [resumedAt] = calls(crashed.sideEffects, 'resumed');
    const [after] = calls(crashed.sideEffects, 'after');
    expect(after! - resumedAt!).toBeLessThan(1500);
    expect(calls(crashed.sideEffects, 'before')).toHaveLength(1);
    expect(calls(crashed.sideEffects, 'after')).toHaveLength(1);
    const { events } = await env.baton.client.getHandle('sleep-late').fetchHistory();
    expect(events.filter((e) => e.eventType === 'TimerFired')).toHaveLength(1);
  }, 30_000);

  it('condition(fn, timeout): the timeout counts from when the wait began, not from the restart', async () => {
    const env = await openTestEnv();
    const crashed = await startAndKill(env, 'ConditionAcrossCrash', 'cond-timeout', 2000);
    await sleep(800);
    await finish(runTs(FIXTURE, crashed.args('resume')));
    const [resumedAt] = calls(crashed.sideEffects, 'resumed');
    const result = await env.baton.client.getHandle<{ met: boolean; at: number }>('cond-timeout').result();
    expect(result.met).toBe(false);
    const { events } = await env.baton.client.getHandle('cond-timeout').fetchHistory();
    const timer = timerStarted(events);
    expect(result.at).toBeGreaterThanOrEqual(timer.attrs.fireAtMs - TOLERANCE_MS);
    expect(result.at).toBeLessThan(resumedAt! + 2000);
  }, 30_000);

  it('condition(fn, timeout): a signal that arrives before the deadline wins', async () => {
    const env = await openTestEnv();
    // A deadline far enough that the resumed worker is up (its spawn takes seconds under load)
    // and handles the signal before it; the signal ends the wait, so the test does not take it.
    const crashed = await startAndKill(env, 'ConditionAcrossCrash', 'cond-signal', 10_000);
    const resumed = runTs(FIXTURE, crashed.args('resume'));
    await env.baton.client.getHandle('cond-signal').signal(defineSignal('wake'));
    await finish(resumed);
    const result = await env.baton.client.getHandle<{ met: boolean; at: number }>('cond-signal').result();
    expect(result.met).toBe(true);
    const { events } = await env.baton.client.getHandle('cond-signal').fetchHistory();
    expect(result.at).toBeLessThan(timerStarted(events).attrs.fireAtMs);
    expect(events.map((e) => e.eventType)).toContain('TimerCanceled');
    expect(events.map((e) => e.eventType)).not.toContain('TimerFired');
  }, 30_000);
});
