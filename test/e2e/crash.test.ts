import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/index.js';
import { runTs } from '../support/child.js';
import { eventually, openTestEnv } from '../support/harness.js';

const FIXTURE = 'test/fixtures/crash-worker.ts';

/** Starts a worker process, SIGKILLs it once the hanging activity has written its marker, then resumes in a new process. */
async function crashAndResume(url: string, dir: string, workflowType: string, workflowId: string) {
  const sideEffects = join(dir, 'side-effects.log');
  const marker = join(dir, 'marker');
  const first = runTs(FIXTURE, ['start', url, workflowType, workflowId, sideEffects, marker]);
  await eventually(() => (existsSync(marker) ? true : undefined), 20_000).catch((err: Error) => {
    throw new Error(`${err.message}; child stderr: ${first.stderr()}`);
  });
  first.proc.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  const second = runTs(FIXTURE, [
    'resume',
    url,
    workflowType,
    workflowId,
    sideEffects,
    join(dir, 'marker-2'),
  ]);
  const exit = await second.exited;
  expect(exit.code, second.stderr()).toBe(0);
  const calls = readFileSync(sideEffects, 'utf8').trim().split('\n');
  const count = (name: string) => calls.filter((c) => c === name).length;
  return { count };
}

/** ActivityTaskCompleted events per activity type. */
function completionsByType(events: HistoryEvent[]): Record<string, number> {
  const typeOf = new Map<number, string>();
  const out: Record<string, number> = {};
  for (const e of events) {
    if (e.eventType === 'ActivityTaskScheduled') typeOf.set(e.eventId, e.attrs.activityType);
    if (e.eventType === 'ActivityTaskCompleted') {
      const type = typeOf.get(e.attrs.scheduledEventId)!;
      out[type] = (out[type] ?? 0) + 1;
    }
  }
  return out;
}

describe('crash recovery with real processes killed by SIGKILL', () => {
  it('a capture killed while attack runs completes in a new process; paralyze ran exactly once', async () => {
    const env = await openTestEnv();
    const { count } = await crashAndResume(env.url, env.dir, 'CapturePokemon', 'capture-crash');
    expect(count('paralyze')).toBe(1);
    expect(count('attack')).toBe(2);
    expect(count('throwPokeball')).toBe(1);
    const handle = env.baton.client.getHandle<{
      trainer: { name: string };
      pokemon: { status: string; trainerName: string };
    }>('capture-crash');
    const result = await handle.result();
    expect(result.pokemon.status).toBe('PAR');
    expect(result.pokemon.trainerName).toBe('Sacha');
    const { events } = await handle.fetchHistory();
    expect(completionsByType(events)).toEqual({ paralyze: 1, attack: 1, throwPokeball: 1 });
    const attackStarted = events.find((e) => e.eventType === 'ActivityTaskStarted' && e.attrs.attempt === 2);
    expect(attackStarted).toBeDefined();
  }, 60_000);

  it('values keep their exact type through an activity, on the first run and after a crash', async () => {
    const env = await openTestEnv();
    const { count } = await crashAndResume(env.url, env.dir, 'EchoAfterCrash', 'echo-crash');
    expect(count('echo')).toBe(1);
    const result = await env.baton.client
      .getHandle<{ first: Record<string, unknown>; second: Record<string, unknown> }>('echo-crash')
      .result();
    const expected = {
      when: new Date('2024-02-29T12:34:56.789Z'),
      big: 12345678901234567890n,
      text: '𝄞 naïve 🙂',
      list: [1, undefined, 3],
    };
    for (const value of [result.first, result.second]) {
      expect(value).toStrictEqual(expected);
      expect(value.when).toBeInstanceOf(Date);
      expect(typeof value.big).toBe('bigint');
      expect(value.list).toHaveLength(3);
      expect(1 in (value.list as unknown[])).toBe(true);
    }
  }, 60_000);
});
