/** Edge cases of durable topics found in review, on the store-backed broker. */
import { describe, expect, test } from 'vitest';
import { Baton, type EventInfo } from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('topics: edges', () => {
  test('closing the topics lets running handlers finish, publishing included', async () => {
    const env = await openTestEnv();
    const { topics } = env.baton;
    const dead: unknown[] = [];
    let entered = false;
    topics.subscribe('a', {
      group: 'g',
      retry: { maximumAttempts: 1 },
      deadLetterTopic: 'dlq',
      handler: async (e: number) => {
        entered = true;
        await sleep(300);
        await topics.publish('b', e + 1);
      },
    });
    topics.subscribe('dlq', { group: 'inspect', handler: (e) => void dead.push(e) });
    await topics.publish('a', 1);
    await eventually(() => (entered ? true : undefined));
    await topics.close();
    expect(dead).toEqual([]);
    const store = env.baton.store.topics;
    expect((await store.readMessages('b', 0, 0, 10)).length).toBe(1);
  });

  test('a handler throwing a value that cannot be printed is dead-lettered; the subscription goes on', async () => {
    const env = await openTestEnv();
    const { topics } = env.baton;
    const dead: EventInfo[] = [];
    const handled: number[] = [];
    topics.subscribe('a', {
      group: 'g',
      retry: { maximumAttempts: 1 },
      deadLetterTopic: 'dlq',
      handler: (e: number) => {
        if (e === 1) throw Object.create(null) as unknown;
        handled.push(e);
      },
    });
    topics.subscribe('dlq', { group: 'inspect', handler: (_e, info) => void dead.push(info) });
    for (const n of [1, 2, 3]) await topics.publish('a', n);
    await eventually(() => (dead.length === 1 && handled.length === 2 ? true : undefined));
    expect(dead[0]!.deadLetter?.lastError.message).toBe('[object Object]');
  });

  test('attempts lost with a dead consumer count: past maximumAttempts the event is dead-lettered unrun', async () => {
    const env = await openTestEnv();
    const { topics, store } = env.baton;
    await store.topics.registerGroup('a', 'g', Date.now());
    await topics.publish('a', 'poison');
    // A member that dies with the delivery: its lease runs out.
    const [lost] = await store.topics.claimDeliveries({
      topic: 'a',
      group: 'g',
      consumerId: 'dead',
      max: 1,
      leaseMs: 100,
      nowMs: Date.now(),
    });
    expect(lost?.attempt).toBe(1);
    await sleep(150);
    let ran = 0;
    const dead: EventInfo[] = [];
    topics.subscribe('a', {
      group: 'g',
      retry: { maximumAttempts: 1 },
      deadLetterTopic: 'dlq',
      handler: () => void ran++,
    });
    topics.subscribe('dlq', { group: 'inspect', handler: (_e, info) => void dead.push(info) });
    await eventually(() => (dead.length === 1 ? true : undefined));
    expect(ran).toBe(0);
    expect(dead[0]!.deadLetter).toMatchObject({ attempts: 2, lastError: { type: 'AttemptLost' } });
  });

  test('a hanging handler: handlerTimeout fails its attempt; close() gives up after its grace time', async () => {
    const env = await openTestEnv();
    const { topics } = env.baton;
    const attempts: number[] = [];
    const signals: AbortSignal[] = [];
    const sub = topics.subscribe('a', {
      group: 'g',
      handlerTimeout: '100ms',
      closeGraceTime: '200ms',
      retry: { initialInterval: '10ms', maximumAttempts: 2 },
      handler: (_e, info) => {
        attempts.push(info.attempt);
        signals.push(info.signal);
        return new Promise<void>(() => undefined);
      },
    });
    await topics.publish('a', 1);
    await eventually(() => (attempts.length === 2 ? true : undefined));
    expect(signals[0]!.aborted).toBe(true);
    const t0 = performance.now();
    await sub.close();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(signals[1]!.aborted).toBe(true);
  });

  test('a redriven event never runs beside a later event of its key', async () => {
    const env = await openTestEnv();
    const { topics } = env.baton;
    const log: string[] = [];
    let releaseSecond!: () => void;
    const secondRunning = new Promise<void>((r) => (releaseSecond = r));
    let secondStarted = false;
    topics.subscribe('a', {
      group: 'g',
      concurrency: 4,
      retry: { maximumAttempts: 1 },
      deadLetterTopic: 'dlq',
      handler: async (e: { n: number; fail: boolean }) => {
        log.push(`start ${e.n}`);
        if (e.n === 2) {
          secondStarted = true;
          await secondRunning;
        }
        log.push(`end ${e.n}`);
        if (e.fail) throw new Error('first fails');
      },
    });
    await topics.publish('a', { n: 1, fail: true }, { key: 'k' });
    await topics.publish('a', { n: 2, fail: false }, { key: 'k' });
    await eventually(() => (secondStarted ? true : undefined));
    expect(await topics.redrive('dlq')).toBe(1);
    await sleep(200);
    expect(log).toEqual(['start 1', 'end 1', 'start 2']);
    releaseSecond();
    await eventually(() => (log.length >= 5 ? true : undefined));
    expect(log.slice(3, 5)).toEqual(['end 2', 'start 1']);
  });

  test('read refuses a bad limit; topics.pollInterval must be at least 1 ms', async () => {
    const env = await openTestEnv();
    await expect(env.baton.topics.read('a', { limit: 0 })).rejects.toThrow(
      /limit: expected an integer from 1 to 1000/,
    );
    await expect(env.baton.topics.read('a', { limit: 1.5 })).rejects.toThrow(/limit/);
    await expect(Baton.open('sqlite::memory:', { topics: { pollInterval: 0 } })).rejects.toThrow(
      /topics.pollInterval: expected at least 1 ms/,
    );
  });
});
