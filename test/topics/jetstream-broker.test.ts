/**
 * The NATS JetStream topic broker against a real nats-server with JetStream. Runs when
 * BATON_TEST_NATS_URL is set (CI sets it); streams persist on the server, so every run uses its
 * own topic prefix and deletes its streams at the end.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/common/errors.js';
import type { Delivery, GroupConsumer, TopicBroker } from '../../src/topics/broker.js';
import { JetStreamBrokerError } from '../../src/topics/jetstream/errors.js';
import { openJetStreamBroker } from '../../src/topics/jetstream/jetstream-broker.js';
import { streamNameOf } from '../../src/topics/jetstream/names.js';

const url = process.env.BATON_TEST_NATS_URL;
if (!url) {
  console.warn(
    'test/topics/jetstream-broker.test.ts is skipped: set BATON_TEST_NATS_URL (e.g. nats://127.0.0.1:4222, a nats-server with -js)',
  );
}

const run = `bt${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const topics = new Set<string>();
const brokers: TopicBroker[] = [];
const LEASE = { leaseMs: 5_000, consumerId: 'test-member' };
const ERROR = { type: 'ServiceUnavailableError', message: 'billing is down\nretry later' };

function topic(name: string): string {
  const t = `${run}.${name}`;
  topics.add(t);
  return t;
}

async function open(): Promise<TopicBroker> {
  const broker = await openJetStreamBroker(url ?? '', { dedupWindowMs: 60_000 });
  brokers.push(broker);
  return broker;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Fetches until `n` deliveries arrived (or `timeoutMs` passed). */
async function fetchN(member: GroupConsumer, n: number, timeoutMs = 5_000): Promise<Delivery[]> {
  const out: Delivery[] = [];
  const end = performance.now() + timeoutMs;
  while (out.length < n && performance.now() < end) {
    out.push(...(await member.fetch(n - out.length, Math.max(1, end - performance.now()))));
  }
  return out;
}

function publishText(
  broker: TopicBroker,
  t: string,
  id: string,
  key?: string,
): ReturnType<TopicBroker['publish']> {
  return broker.publish({ topic: t, id, key, correlationId: `corr-${id}`, data: `data of ${id}` });
}

/** A small deterministic random source (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.skipIf(!url)('NATS JetStream topic broker', () => {
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.close()));
  });

  afterAll(async () => {
    const nc = await connect({ servers: url ?? '' });
    const jsm = await jetstreamManager(nc);
    for (const t of topics) await jsm.streams.delete(streamNameOf(t)).catch(() => undefined);
    await nc.close();
  });

  it('refuses bad options and an unreachable server with clear errors', async () => {
    await expect(openJetStreamBroker(url ?? '', { dedupWindowMs: -1 })).rejects.toThrow(ValidationError);
    await expect(openJetStreamBroker('nats://127.0.0.1:1', { dedupWindowMs: 1_000 })).rejects.toThrow(
      JetStreamBrokerError,
    );
  });

  it('stores an id published three times once, and concurrent duplicates once too', async () => {
    const broker = await open();
    const t = topic('dedup');
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await publishText(broker, t, 'evt-1'));
    expect(results.map((r) => r.deduplicated)).toEqual([false, true, true]);
    expect(new Set(results.map((r) => r.seq))).toEqual(new Set([results[0]?.seq]));

    const concurrent = await Promise.all(Array.from({ length: 8 }, () => publishText(broker, t, 'evt-2')));
    expect(concurrent.filter((r) => !r.deduplicated)).toHaveLength(1);
    expect(new Set(concurrent.map((r) => r.seq)).size).toBe(1);
    expect(concurrent[0]?.seq).toBeGreaterThan(results[0]?.seq ?? Infinity);

    const stored = await broker.read(t, 0, 0, 100, 0);
    expect(stored.map((m) => m.id)).toEqual(['evt-1', 'evt-2']);
  });

  it('keeps a string a string and bytes bytes, with key, correlation id and publish time', async () => {
    const broker = await open();
    const t = topic('payloads');
    const before = Date.now();
    const text = 'héllo ✓\n  spaced  ';
    const bytes = new Uint8Array([0, 1, 254, 255]);
    await broker.publish({
      topic: t,
      id: 'id with spaces/ü',
      key: 'trainer: ash ✓',
      correlationId: 'corr\n1',
      data: text,
    });
    await broker.publish({ topic: t, id: 'b', key: undefined, correlationId: 'c', data: bytes });
    await broker.publish({ topic: t, id: 'empty', key: undefined, correlationId: 'c', data: '' });
    const after = Date.now();
    const [m1, m2, m3] = await broker.read(t, 0, 0, 10, 0);
    expect(m1).toMatchObject({
      topic: t,
      id: 'id with spaces/ü',
      key: 'trainer: ash ✓',
      correlationId: 'corr\n1',
      data: text,
    });
    expect(m1?.deadLetter).toBeUndefined();
    expect(m1?.publishedAtMs).toBeGreaterThanOrEqual(before);
    expect(m1?.publishedAtMs).toBeLessThanOrEqual(after);
    expect(m2?.data).toBeInstanceOf(Uint8Array);
    expect(m2?.data).toEqual(bytes);
    expect(m2?.key).toBeUndefined();
    expect(m3?.data).toBe('');
  });

  it('delivers every message to each group; an acked message is not delivered again', async () => {
    const broker = await open();
    const t = topic('groups');
    const billing = await broker.consumer(t, 'billing', LEASE);
    const shipping = await broker.consumer(t, 'shipping', LEASE);
    for (const id of ['a', 'b', 'c']) await publishText(broker, t, id);
    for (const member of [billing, shipping]) {
      const got = await fetchN(member, 3);
      expect(got.map((d) => [d.id, d.attempt, d.data])).toEqual([
        ['a', 1, 'data of a'],
        ['b', 1, 'data of b'],
        ['c', 1, 'data of c'],
      ]);
      for (const d of got) await member.ack(d);
      expect(await member.fetch(10, 300)).toEqual([]);
    }
    // A group registered later still sees what the topic retains.
    const audit = await broker.consumer(t, 'audit', LEASE);
    expect((await fetchN(audit, 3)).map((d) => d.id)).toEqual(['a', 'b', 'c']);
  });

  it('hands a retried message out again after its delay, counting attempts', async () => {
    const broker = await open();
    const t = topic('retry');
    const member = await broker.consumer(t, 'g', LEASE);
    await publishText(broker, t, 'r1');
    const [first] = await fetchN(member, 1);
    expect(first?.attempt).toBe(1);
    const retriedAt = performance.now();
    await member.retry(first!, 300, ERROR);
    expect(await member.fetch(1, 150)).toEqual([]);
    const [second] = await fetchN(member, 1, 3_000);
    expect(performance.now() - retriedAt).toBeGreaterThanOrEqual(295);
    expect(second).toMatchObject({ id: 'r1', seq: first?.seq, attempt: 2 });
    await member.retry(second!, 0, ERROR);
    const [third] = await fetchN(member, 1);
    expect(third?.attempt).toBe(3);
    await member.ack(third!);
    expect(await member.fetch(1, 300)).toEqual([]);
  });

  it('hands an unsettled delivery to another member after its lease unless the lease is extended', async () => {
    const broker = await open();
    const t = topic('lease');
    const options = { leaseMs: 600, consumerId: 'a' };
    const a = await broker.consumer(t, 'g', options);
    const b = await broker.consumer(t, 'g', { ...options, consumerId: 'b' });
    await publishText(broker, t, 'slow');
    const [held] = await fetchN(a, 1);
    const waiting = b.fetch(1, 1_000);
    let lastExtendMs = performance.now();
    for (let i = 0; i < 5; i++) {
      await sleep(200);
      await a.extendLease(held!);
      lastExtendMs = performance.now();
    }
    expect(await waiting).toEqual([]);
    await a.close(); // without settling: as if the process died
    const [again] = await fetchN(b, 1, 3_000);
    expect(performance.now() - lastExtendMs).toBeGreaterThanOrEqual(590);
    expect(again).toMatchObject({ id: 'slow', seq: held?.seq, attempt: 2 });
    await b.ack(again!);
  });

  it('moves a key on when another member took the retry of its earlier message', async () => {
    const broker = await open();
    const t = topic('retry-elsewhere');
    const a = await broker.consumer(t, 'g', { leaseMs: 5_000, consumerId: 'a' });
    const b = await broker.consumer(t, 'g', { leaseMs: 5_000, consumerId: 'b' });
    await publishText(broker, t, 'first', 'pikachu');
    await publishText(broker, t, 'second', 'pikachu');
    const [first] = await fetchN(a, 2, 500); // 'second' is held behind 'first'
    expect(first?.id).toBe('first');
    await a.retry(first!, 50, ERROR);
    const [taken] = await fetchN(b, 1); // a is not fetching: b gets the retry
    expect(taken).toMatchObject({ id: 'first', attempt: 2 });
    await b.ack(taken!);
    await sleep(1_100); // the retry is now overdue in a
    const started = performance.now();
    const [second] = await fetchN(a, 1, 3_000);
    expect(second?.id).toBe('second');
    expect(performance.now() - started).toBeLessThan(1_000);
    await a.ack(second!);
  });

  it('creates a stream once when two brokers with different windows race for it', async () => {
    const one = await open();
    const other = await openJetStreamBroker(url ?? '', { dedupWindowMs: 30_000 });
    brokers.push(other);
    const t = topic('race');
    const results = await Promise.all([publishText(one, t, 'x'), publishText(other, t, 'y')]);
    expect(results.map((r) => r.deduplicated)).toEqual([false, false]);
    expect((await other.read(t, 0, 0, 10, 0)).map((m) => m.id).sort()).toEqual(['x', 'y']);
  });

  it('dead-letters with its details; redrive sends it back to its group only, attempts from 1', async () => {
    const broker = await open();
    const t = topic('orders');
    const dl = topic('orders-dead');
    const billing = await broker.consumer(t, 'billing', LEASE);
    const shipping = await broker.consumer(t, 'shipping', LEASE);
    await broker.publish({
      topic: t,
      id: 'order-1',
      key: 'cust-1',
      correlationId: 'corr-1',
      data: 'payload',
    });
    const [shipped] = await fetchN(shipping, 1);
    await shipping.ack(shipped!);

    const [d1] = await fetchN(billing, 1);
    await billing.retry(d1!, 0, ERROR);
    const [d2] = await fetchN(billing, 1);
    expect(d2?.attempt).toBe(2);
    const before = Date.now();
    await billing.deadLetter(d2!, dl, ERROR);
    expect(await billing.fetch(1, 300)).toEqual([]);

    const [dead] = await broker.read(dl, 0, 0, 10, 0);
    expect(dead).toMatchObject({
      topic: dl,
      id: 'order-1',
      key: 'cust-1',
      correlationId: 'corr-1',
      data: 'payload',
      deadLetter: { topic: t, group: 'billing', attempts: 2, lastError: ERROR },
    });
    expect(dead?.deadLetter?.deadLetteredAtMs).toBeGreaterThanOrEqual(before);

    expect(await broker.redrive(dl)).toBe(1);
    expect(await broker.redrive(dl)).toBe(0);
    const [back] = await fetchN(billing, 1);
    expect(back).toMatchObject({
      id: 'order-1',
      key: 'cust-1',
      correlationId: 'corr-1',
      data: 'payload',
      attempt: 1,
    });
    expect(back?.deadLetter).toBeUndefined();
    expect(back?.seq).toBeGreaterThan(d2?.seq ?? Infinity);
    expect(await shipping.fetch(1, 400)).toEqual([]);
    // A group registered after the redrive sees the original only.
    const audit = await broker.consumer(t, 'audit', LEASE);
    expect((await fetchN(audit, 2, 800)).map((d) => d.seq)).toEqual([d2?.seq]);

    // A second round is a second dead letter, not a duplicate of the first.
    await billing.deadLetter(back!, dl, { type: 'Error', message: 'still down' });
    const dead2 = await broker.read(dl, dead?.seq ?? 0, 0, 10, 0);
    expect(dead2).toHaveLength(1);
    expect(dead2[0]?.deadLetter).toMatchObject({
      group: 'billing',
      attempts: 1,
      lastError: { message: 'still down' },
    });
    expect(await broker.redrive(dl)).toBe(1);
    const [third] = await fetchN(billing, 1);
    expect(third).toMatchObject({ id: 'order-1', attempt: 1 });
    await billing.ack(third!);
  });

  it('keeps per-key order over 1,000 keyed events with batches, out-of-order acks and retries', async () => {
    const broker = await open();
    const t = topic('keyed');
    const seqsByKey = new Map<string, number[]>();
    for (let chunk = 0; chunk < 1_000; chunk += 100) {
      const published = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          publishText(broker, t, `e${chunk + i}`, `k${(chunk + i) % 10}`),
        ),
      );
      published.forEach((r, i) => {
        const key = `k${(chunk + i) % 10}`;
        seqsByKey.set(key, [...(seqsByKey.get(key) ?? []), r.seq]);
      });
    }
    const member = await broker.consumer(t, 'ordered', { leaseMs: 10_000, consumerId: 'm' });
    const rand = random(42);
    const unsettled = new Map<string, number>();
    const handedOut = new Map<string, number[]>();
    const acked = new Set<number>();
    const violations: string[] = [];
    let carried: Delivery[] = [];
    const end = performance.now() + 20_000;
    while (acked.size < 1_000 && performance.now() < end) {
      const batch = await member.fetch(25, 200);
      for (const d of batch) {
        const key = d.key ?? '';
        const current = unsettled.get(key);
        if (current !== undefined && current !== d.seq)
          violations.push(`${key}: ${d.seq} while ${current} unsettled`);
        unsettled.set(key, d.seq);
        const list = handedOut.get(key) ?? [];
        if (list.at(-1) !== d.seq) list.push(d.seq);
        handedOut.set(key, list);
      }
      const pool = [...carried, ...batch].sort(() => rand() - 0.5);
      const keep = Math.floor(pool.length / 3);
      carried = pool.slice(0, keep);
      await Promise.all(
        pool.slice(keep).map(async (d) => {
          if (d.attempt === 1 && rand() < 0.05) return member.retry(d, 5, ERROR);
          unsettled.delete(d.key ?? '');
          acked.add(d.seq);
          await member.ack(d);
        }),
      );
    }
    expect(violations).toEqual([]);
    expect(acked.size).toBe(1_000);
    for (const [key, seqs] of seqsByKey)
      expect(handedOut.get(key), key).toEqual([...seqs].sort((x, y) => x - y));
    expect(await member.fetch(25, 200)).toEqual([]);
  });

  it('reads after a position and since a time, at most limit, waiting for the first', async () => {
    const broker = await open();
    const t = topic('read');
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) seqs.push((await publishText(broker, t, `e${i}`)).seq);
    await sleep(20);
    const sinceMs = Date.now();
    for (let i = 3; i < 5; i++) seqs.push((await publishText(broker, t, `e${i}`)).seq);

    const all = await broker.read(t, 0, 0, 100, 0);
    expect(all.map((m) => m.id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(all.map((m) => m.seq)).toEqual(seqs);
    expect((await broker.read(t, seqs[1]!, 0, 100, 0)).map((m) => m.id)).toEqual(['e2', 'e3', 'e4']);
    expect((await broker.read(t, 0, sinceMs, 100, 0)).map((m) => m.id)).toEqual(['e3', 'e4']);
    expect((await broker.read(t, seqs[2]!, sinceMs, 1, 0)).map((m) => m.id)).toEqual(['e3']);
    expect((await broker.read(t, 0, 0, 2, 0)).map((m) => m.id)).toEqual(['e0', 'e1']);
    expect(await broker.read(topic('never-published'), 0, 0, 10, 0)).toEqual([]);

    let started = performance.now();
    expect(await broker.read(t, seqs[4]!, 0, 10, 300)).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    started = performance.now();
    const waiting = broker.read(t, seqs[4]!, 0, 10, 5_000);
    await sleep(200);
    await publishText(broker, t, 'e5');
    expect((await waiting).map((m) => m.id)).toEqual(['e5']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('close interrupts a waiting fetch; closing the broker interrupts fetch and read', async () => {
    const broker = await open();
    const t = topic('close');
    const member = await broker.consumer(t, 'g', LEASE);
    let started = performance.now();
    const waiting = member.fetch(10, 10_000);
    await sleep(100);
    await member.close();
    expect(await waiting).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await member.fetch(10, 1_000)).toEqual([]);

    const other = await broker.consumer(t, 'g', LEASE);
    started = performance.now();
    const fetching = other.fetch(10, 10_000);
    const reading = broker.read(t, 1_000_000, 0, 10, 10_000);
    await sleep(100);
    await broker.close();
    expect(await fetching).toEqual([]);
    expect(await reading).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect(publishText(broker, t, 'late')).rejects.toThrow(JetStreamBrokerError);
  });
});
