import { describe, expect, test } from 'vitest';
import { defineSignal, defineWorkflow, type TopicEvent } from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

interface Encounter {
  trainer: string;
  pokemon: string;
}

const go = defineSignal('go');

const publisher = defineWorkflow('PublishOnce', async (ctx, pokemon: string) => {
  const receipt = await ctx.publish('pokemon.captured', { pokemon }, { key: pokemon });
  let released = false;
  ctx.setHandler(go, () => void (released = true));
  await ctx.condition(() => released);
  return receipt;
});

const waiter = defineWorkflow('WaitForSacha', async (ctx, delay: number) => {
  await ctx.sleep(delay);
  const first = await ctx.waitForEvent<Encounter>('pokemon.encountered', {
    match: (e) => e.trainer === 'Sacha',
  });
  const second = await ctx.waitForEvent<Encounter>('pokemon.encountered', { timeout: '500ms' });
  return [first, second] as const;
});

const patient = defineWorkflow('WaitWithTimeout', async (ctx) => {
  const started = ctx.now();
  const event = await ctx.waitForEvent('pokemon.never', { timeout: '300ms' });
  return { event: event ?? null, waitedMs: ctx.now() - started };
});

const pair = defineWorkflow('WaitTwiceAtOnce', async (ctx) => {
  const [a, b] = await Promise.all([
    ctx.waitForEvent<number>('numbers', { timeout: '5s' }),
    ctx.waitForEvent<number>('numbers', { timeout: '5s' }),
  ]);
  return [a?.event, b?.event];
});

const last = defineWorkflow('WaitForLast', async (ctx) => {
  await ctx.sleep(300);
  const found = await ctx.waitForEvent<{ last: boolean }>('big', { match: (e) => e.last, timeout: '10s' });
  return found?.id;
});

const badTopic = defineWorkflow('BadTopic', async (ctx) => {
  await ctx.publish('bad topic!', 1);
});

const greet = defineWorkflow(
  'GreetEncounter',
  async (_ctx, e: Encounter) => `${e.trainer} meets ${e.pokemon}`,
);

describe('topics from workflows', () => {
  test('ctx.publish is a recorded step: one event, even after the execution is replayed by a new worker', async () => {
    const env = await openTestEnv();
    const w1 = env.worker({ taskQueue: 'q', workflows: [publisher] });
    const handle = await env.baton.client.start(publisher, { taskQueue: 'q', args: ['Mewtwo'] });
    await eventually(async () =>
      (await env.baton.topics.read('pokemon.captured')).length === 1 ? true : undefined,
    );
    await w1.shutdown();
    env.worker({ taskQueue: 'q', workflows: [publisher] });
    await handle.signal(go);
    const receipt = await handle.result();
    const events = await env.baton.topics.read('pokemon.captured');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: { pokemon: 'Mewtwo' }, key: 'Mewtwo', id: receipt.id });
    expect(events[0]!.correlationId).toBe(handle.workflowId);
    expect(receipt.deduplicated).toBe(false);
    const history = await handle.fetchHistory();
    const publishes = history.events.filter(
      (e) => e.eventType === 'ActivityTaskScheduled' && e.attrs.activityType === 'baton.publishEvent',
    );
    expect(publishes).toHaveLength(1);
  });

  test('waitForEvent sees an event published after the start but before the wait; an event a wait passed over goes to the next wait', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'q', workflows: [waiter] });
    const handle = await env.baton.client.start(waiter, { taskQueue: 'q', args: [400] });
    const regis = await env.baton.topics.publish('pokemon.encountered', {
      trainer: 'Régis',
      pokemon: 'Pikachu',
    });
    const sacha = await env.baton.topics.publish('pokemon.encountered', {
      trainer: 'Sacha',
      pokemon: 'Mewtwo',
    });
    const before = await handle.describe();
    expect(before.status).toBe('RUNNING');
    const [first, second] = await handle.result();
    expect(first).toMatchObject({ id: sacha.id, event: { trainer: 'Sacha', pokemon: 'Mewtwo' } });
    // The event the first wait passed over is kept for the next one.
    expect(second).toMatchObject({ id: regis.id, event: { trainer: 'Régis', pokemon: 'Pikachu' } });
  });

  test('waitForEvent does not see events published before the execution started', async () => {
    const env = await openTestEnv();
    await env.baton.topics.publish('pokemon.encountered', { trainer: 'Sacha', pokemon: 'Old news' });
    await new Promise((r) => setTimeout(r, 5));
    env.worker({ taskQueue: 'q', workflows: [waiter] });
    const handle = await env.baton.client.start(waiter, { taskQueue: 'q', args: [0] });
    await new Promise((r) => setTimeout(r, 200));
    const fresh = await env.baton.topics.publish('pokemon.encountered', {
      trainer: 'Sacha',
      pokemon: 'Mewtwo',
    });
    const [first] = await handle.result();
    expect((first as TopicEvent<Encounter>).id).toBe(fresh.id);
  });

  test('waitForEvent gives up at its timeout, counted from the wait', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'q', workflows: [patient] });
    const started = performance.now();
    const result = await env.baton.client.execute(patient, { taskQueue: 'q' });
    expect(result.event).toBeNull();
    expect(result.waitedMs).toBeGreaterThanOrEqual(295);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test('onEvent starts one workflow per event; a redelivered event (same workflowId) starts nothing new', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'q', workflows: [greet] });
    const sub = env.baton.topics.onEvent('pokemon.encountered', greet, {
      taskQueue: 'q',
      workflowId: (e) => `greet-${(e as Encounter).pokemon}`,
    });
    await sub.ready;
    await env.baton.topics.publish('pokemon.encountered', { trainer: 'Sacha', pokemon: 'Mewtwo' });
    await env.baton.topics.publish('pokemon.encountered', { trainer: 'Sacha', pokemon: 'Mewtwo' });
    await env.baton.topics.publish('pokemon.encountered', { trainer: 'Sacha', pokemon: 'Pikachu' });
    const listed = await eventually(async () => {
      const all = await env.baton.client.list({ workflowType: 'GreetEncounter', status: 'COMPLETED' });
      return all.length === 2 ? all : undefined;
    });
    expect(listed.map((e) => e.workflowId).sort()).toEqual(['greet-Mewtwo', 'greet-Pikachu']);
    expect(await env.baton.client.getHandle('greet-Mewtwo').result()).toBe('Sacha meets Mewtwo');
  });

  test('two waits at once take two different events', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'q', workflows: [pair] });
    const handle = await env.baton.client.start(pair, { taskQueue: 'q' });
    await env.baton.topics.publish('numbers', 1);
    await env.baton.topics.publish('numbers', 2);
    expect((await handle.result()).sort()).toEqual([1, 2]);
  });

  test('waitForEvent reads a topic of large events in looks that fit the payload limit', async () => {
    const env = await openTestEnv({ dataConverter: { payloadLimitBytes: 64 * 1024 } });
    env.worker({ taskQueue: 'q', workflows: [last] });
    const handle = await env.baton.client.start(last, { taskQueue: 'q' });
    const filler = 'x'.repeat(5_000);
    for (let i = 0; i < 30; i++) await env.baton.topics.publish('big', { last: false, filler });
    const wanted = await env.baton.topics.publish('big', { last: true });
    expect(await handle.result()).toBe(wanted.id);
  });

  test('ctx.publish to a bad topic name fails the workflow task at once (a bug), naming the field', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'q', workflows: [badTopic] });
    const handle = await env.baton.client.start(badTopic, { taskQueue: 'q' });
    const described = await eventually(async () => {
      const d = await handle.describe();
      return d.workflowTaskFailure === undefined ? undefined : d;
    });
    expect(described.status).toBe('RUNNING');
    expect(described.workflowTaskFailure?.message).toMatch(/topic: expected a topic name/);
    expect(described.pendingActivities).toEqual([]);
  });
});
