/**
 * The durable-topics suite, run on every broker: the store (always) and NATS JetStream (whenever
 * BATON_TEST_NATS_URL is set). Topic names carry a fresh prefix, since a JetStream server keeps
 * its streams between runs.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ApplicationFailure, defineWorkflow, type EventInfo, type Topics } from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';
import type { BatonOptions } from '../../src/index.js';

const fast = { initialInterval: '20ms', backoffCoefficient: 1 } as const;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A workflow that publishes to `${prefix}.out`, then waits for a matching event on `${prefix}.in`. */
const relay = defineWorkflow('TopicRelay', async (ctx, prefix: string) => {
  await ctx.publish(`${prefix}.out`, { pokemon: 'Mewtwo' }, { key: 'mewtwo' });
  const found = await ctx.waitForEvent<{ ball: string }>(`${prefix}.in`, {
    match: (e) => e.ball === 'ultra',
    timeout: '20s',
  });
  return found?.event.ball ?? 'none';
});

/**
 * Registers the suite for a broker; `options` opens the Baton on it. Every topic a test uses
 * starts with a prefix pushed to `prefixes`, so a broker that keeps topics can delete them after.
 */
export function topicSuite(name: string, options: () => BatonOptions, prefixes: string[] = []): void {
  describe(`topics on ${name}`, () => {
    let prefix = '';
    const topic = (t: string): string => `${prefix}.${t}`;
    let env: Awaited<ReturnType<typeof openTestEnv>>;
    const open = async (): Promise<Topics> => {
      prefix = `t${randomUUID().slice(0, 8)}`;
      prefixes.push(prefix);
      env = await openTestEnv(options());
      return env.baton.topics;
    };

    test('a workflow publishes once and waits for a matching event published by a handler', async () => {
      const topics = await open();
      topics.subscribe<{ pokemon: string }>(topic('out'), {
        group: 'pokeball',
        handler: async (e) => {
          await topics.publish(topic('in'), { ball: 'poke', pokemon: e.pokemon });
          await topics.publish(topic('in'), { ball: 'ultra', pokemon: e.pokemon });
        },
      });
      env.worker({ taskQueue: 'relay', workflows: [relay] });
      const handle = await env.baton.client.start(relay, { taskQueue: 'relay', args: [prefix] });
      expect(await handle.result()).toBe('ultra');
      const out = await topics.read(topic('out'));
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ key: 'mewtwo', correlationId: handle.workflowId });
      const inbound = await topics.read(topic('in'));
      expect(inbound.map((e) => e.correlationId)).toEqual([handle.workflowId, handle.workflowId]);
    });

    test('a failing handler: 3 attempts, one dead letter; redrive: 3 fresh attempts, dead-lettered again', async () => {
      const topics = await open();
      const calls: number[] = [];
      const dead: { event: unknown; info: EventInfo }[] = [];
      const sub = topics.subscribe<{ n: number }>(topic('encountered'), {
        group: 'status',
        retry: { ...fast, maximumAttempts: 3 },
        deadLetterTopic: topic('dlq'),
        handler: (_event, info) => {
          calls.push(info.attempt);
          throw new Error(`status service down (attempt ${info.attempt})`);
        },
      });
      const dlq = topics.subscribe(topic('dlq'), {
        group: 'inspect',
        handler: (event, info) => {
          dead.push({ event, info });
        },
      });
      await Promise.all([sub.ready, dlq.ready]);
      const { id } = await topics.publish(topic('encountered'), { n: 1 }, { key: 'mewtwo' });
      await eventually(() => (dead.length === 1 ? true : undefined));
      await sleep(200);
      expect(calls).toEqual([1, 2, 3]);
      expect(dead).toHaveLength(1);
      const first = dead[0]!;
      expect(first.event).toEqual({ n: 1 });
      expect(first.info.id).toBe(id);
      expect(first.info.key).toBe('mewtwo');
      expect(first.info.deadLetter).toMatchObject({
        topic: topic('encountered'),
        group: 'status',
        attempts: 3,
        lastError: { type: 'Error', message: 'status service down (attempt 3)' },
      });

      expect(await topics.redrive(topic('dlq'))).toBe(1);
      await eventually(() => (dead.length === 2 ? true : undefined));
      await sleep(200);
      expect(calls).toEqual([1, 2, 3, 1, 2, 3]);
      expect(dead).toHaveLength(2);
      expect(dead[1]!.info.deadLetter?.attempts).toBe(3);
      expect(await topics.redrive(topic('dlq'))).toBe(1);
      expect(await topics.redrive(topic('dlq'))).toBe(0);
    });

    test('success on attempt 3: acked once, never dead-lettered', async () => {
      const topics = await open();
      const attempts: number[] = [];
      let handled = 0;
      const dead: unknown[] = [];
      topics.subscribe(topic('encountered'), {
        group: 'status',
        retry: { ...fast, maximumAttempts: 3 },
        deadLetterTopic: topic('dlq'),
        handler: (_e, info) => {
          attempts.push(info.attempt);
          if (info.attempt < 3) throw new Error('not yet');
          handled++;
        },
      });
      topics.subscribe(topic('dlq'), { group: 'inspect', handler: (e) => void dead.push(e) });
      await topics.publish(topic('encountered'), { n: 1 });
      await eventually(() => (handled === 1 ? true : undefined));
      await sleep(300);
      expect(attempts).toEqual([1, 2, 3]);
      expect(handled).toBe(1);
      expect(dead).toEqual([]);
      expect(await topics.redrive(topic('dlq'))).toBe(0);
    });

    test('a non-retryable failure is dead-lettered after one attempt; the retry back-off is waited', async () => {
      const topics = await open();
      const times: number[] = [];
      const dead: EventInfo[] = [];
      topics.subscribe(topic('a'), {
        group: 'g',
        retry: { initialInterval: '100ms', maximumAttempts: 2 },
        deadLetterTopic: topic('dlq'),
        handler: (e: { fatal: boolean }) => {
          times.push(performance.now());
          if (e.fatal) throw ApplicationFailure.nonRetryable('no such Pokémon', 'UnknownPokemon');
          throw new Error('flaky');
        },
      });
      topics.subscribe(topic('dlq'), { group: 'inspect', handler: (_e, info) => void dead.push(info) });
      await topics.publish(topic('a'), { fatal: true });
      await eventually(() => (dead.length === 1 ? true : undefined));
      expect(dead[0]!.deadLetter).toMatchObject({ attempts: 1, lastError: { type: 'UnknownPokemon' } });
      times.length = 0;
      await topics.publish(topic('a'), { fatal: false });
      await eventually(() => (dead.length === 2 ? true : undefined));
      expect(times).toHaveLength(2);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(95);
    });

    test('the same event id three times within 100 ms reaches each group once; two publishes are deduplicated', async () => {
      const topics = await open();
      const handled = { status: 0, combat: 0 };
      for (const group of ['status', 'combat'] as const) {
        const sub = topics.subscribe(topic('encountered'), { group, handler: () => void handled[group]++ });
        await sub.ready;
      }
      const started = performance.now();
      const first = await topics.publish(topic('encountered'), { n: 1 }, { id: 'encounter-42' });
      const [second, third] = await Promise.all([
        topics.publish(topic('encountered'), { n: 1 }, { id: 'encounter-42' }),
        topics.publish(topic('encountered'), { n: 1 }, { id: 'encounter-42' }),
      ]);
      // Sent close together (about 10 ms apart on a quiet machine, well inside the 2 min dedup
      // window): a generous bound, since a loaded machine may take longer (this is not a speed test).
      expect(performance.now() - started).toBeLessThan(2000);
      expect([first, second, third].filter((r) => r.deduplicated)).toHaveLength(2);
      expect(first.deduplicated).toBe(false);
      expect(new Set([first.seq, second.seq, third.seq]).size).toBe(1);
      await eventually(() => (handled.status === 1 && handled.combat === 1 ? true : undefined));
      await sleep(300);
      expect(handled).toEqual({ status: 1, combat: 1 });
    });

    test('1,000 keyed events across 10 keys are handled in publish order per key', async () => {
      const topics = await open();
      const seen = new Map<string, number[]>();
      const busy = new Set<string>();
      let overlaps = 0;
      let total = 0;
      topics.subscribe<{ key: string; n: number }>(topic('moves'), {
        group: 'combat',
        concurrency: 8,
        handler: async (e) => {
          if (busy.has(e.key)) overlaps++;
          busy.add(e.key);
          seen.set(e.key, [...(seen.get(e.key) ?? []), e.n]);
          if (e.n % 7 === 0) await sleep(1);
          busy.delete(e.key);
          total++;
        },
      });
      for (let i = 0; i < 1000; i++) {
        const key = `pokemon-${i % 10}`;
        await topics.publish(topic('moves'), { key, n: i }, { key });
      }
      await eventually(() => (total === 1000 ? true : undefined), 30_000);
      expect(overlaps).toBe(0);
      for (let k = 0; k < 10; k++) {
        const expected = Array.from({ length: 100 }, (_, j) => j * 10 + k);
        expect(seen.get(`pokemon-${k}`)).toEqual(expected);
      }
    }, 40_000);

    test('a handler gets id, attempt and correlation id; publishing from a handler carries the correlation id on', async () => {
      const topics = await open();
      const infos: EventInfo[] = [];
      topics.subscribe(topic('encountered'), {
        group: 'status',
        handler: async (e: { pokemon: string }, info) => {
          infos.push(info);
          await topics.publish(topic('paralyzed'), e, { id: `paralyzed-${info.id}` });
        },
      });
      topics.subscribe(topic('paralyzed'), { group: 'combat', handler: (_e, info) => void infos.push(info) });
      const sent = await topics.publish(
        topic('encountered'),
        { pokemon: 'Mewtwo' },
        { correlationId: 'capture-1' },
      );
      await eventually(() => (infos.length === 2 ? true : undefined));
      expect(infos[0]).toMatchObject({
        id: sent.id,
        attempt: 1,
        correlationId: 'capture-1',
        group: 'status',
      });
      expect(infos[1]).toMatchObject({
        id: `paralyzed-${sent.id}`,
        correlationId: 'capture-1',
        group: 'combat',
      });
      const plain = await topics.publish(topic('other'), 1);
      const [read] = await topics.read(topic('other'));
      expect(read).toMatchObject({ id: plain.id, correlationId: plain.id, event: 1 });
    });

    test('a group that joins later gets the events the topic holds; read filters by position and time', async () => {
      const topics = await open();
      const a = await topics.publish(topic('log'), 'a');
      const b = await topics.publish(topic('log'), 'b');
      const got: unknown[] = [];
      topics.subscribe(topic('log'), { group: 'late', handler: (e) => void got.push(e) });
      await eventually(() => (got.length === 2 ? true : undefined));
      expect(got).toEqual(['a', 'b']);
      expect((await topics.read(topic('log'), { afterSeq: a.seq })).map((e) => e.event)).toEqual(['b']);
      const since = new Date(Date.now() + 60_000);
      expect(await topics.read(topic('log'), { since })).toEqual([]);
      expect(b.seq).toBeGreaterThan(a.seq);
      const waited = performance.now();
      setTimeout(() => void topics.publish(topic('log'), 'c'), 150);
      const later = await topics.read(topic('log'), { afterSeq: b.seq, wait: '5s' });
      expect(later.map((e) => e.event)).toEqual(['c']);
      expect(performance.now() - waited).toBeGreaterThanOrEqual(140);
    });

    test('bad names and options are refused with the field named', async () => {
      const topics = await open();
      await expect(topics.publish('bad topic', 1)).rejects.toThrow(/topic: expected a topic name/);
      expect(() => topics.subscribe(topic('a'), { group: 'a.b', handler: () => undefined })).toThrow(
        /group: expected a consumer group name/,
      );
      expect(() =>
        topics.subscribe(topic('a'), { group: 'g', concurrency: 0, handler: () => undefined }),
      ).toThrow(/concurrency/);
      await expect(topics.publish(topic('a'), () => 1)).rejects.toThrow(/function/);
    });
  });
}
