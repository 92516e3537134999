/**
 * The PostgreSQL topic store, tested directly on migration 002's tables in a fresh schema per test.
 * Runs whenever BATON_TEST_POSTGRES_URL is set (CI sets it); the full topic suite runs on it
 * through PostgresStore as well.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery, PublishRequest } from '../../src/common/topic-messages.js';
import { migration002 } from '../../src/store/postgres/migrations/002-topics.js';
import { PostgresTopicStore } from '../../src/store/postgres/topic-store.js';

const url = process.env.BATON_TEST_POSTGRES_URL;
if (url === undefined) {
  console.warn(
    'postgres-topics.test.ts skipped: BATON_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)',
  );
}

const T0 = 1_000_000;
const WINDOW_MS = 120_000;
const LEASE_MS = 30_000;

function req(topic: string, id: string, extra: Partial<PublishRequest> = {}): PublishRequest {
  return { topic, id, key: undefined, correlationId: `c-${id}`, data: `{"id":"${id}"}`, ...extra };
}

describe.skipIf(url === undefined)('PostgreSQL topic store', () => {
  let schema = '';
  let pools: pg.Pool[] = [];
  let notified: string[] = [];
  let store: PostgresTopicStore;

  /** A pool whose connections use the test's schema. */
  const openPool = (max = 10): pg.Pool => {
    const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max });
    pools.push(pool);
    return pool;
  };
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const claim = (topic: string, group: string, nowMs = T0, max = 10, s = store): Promise<Delivery[]> =>
    s.claimDeliveries({ topic, group, consumerId: 'c1', max, leaseMs: LEASE_MS, nowMs });

  beforeEach(async () => {
    schema = `t_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    await admin(`CREATE SCHEMA ${schema}`);
    pools = [];
    notified = [];
    await openPool().query(migration002);
    store = new PostgresTopicStore(pools[0]!, (t) => notified.push(t));
  });

  afterEach(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await admin(`DROP SCHEMA ${schema} CASCADE`);
  });

  it('deduplicates an id within the window, and keeps string and byte payloads as they were', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const first = await store.publish(req('a', 'e1', { data: bytes, key: 'k' }), T0, WINDOW_MS);
    const again = await store.publish(req('a', 'e1'), T0 + WINDOW_MS - 1, WINDOW_MS);
    expect(again).toEqual({ seq: first.seq, deduplicated: true });
    const other = await store.publish(req('b', 'e1', { data: 'Mew\u0000two é' }), T0, WINDOW_MS);
    const later = await store.publish(req('a', 'e1'), T0 + WINDOW_MS, WINDOW_MS);
    expect([other.deduplicated, later.deduplicated]).toEqual([false, false]);
    expect(later.seq).toBeGreaterThan(first.seq);
    const [m1, m2] = await store.readMessages('a', 0, 0, 10);
    expect(m1).toEqual({
      topic: 'a',
      seq: first.seq,
      id: 'e1',
      key: 'k',
      correlationId: 'c-e1',
      data: bytes,
      publishedAtMs: T0,
      deadLetter: undefined,
    });
    expect(m1!.data).toBeInstanceOf(Uint8Array);
    expect(m2).toMatchObject({
      seq: later.seq,
      data: '{"id":"e1"}',
      key: undefined,
      publishedAtMs: T0 + WINDOW_MS,
    });
    expect((await store.readMessages('b', 0, 0, 10))[0]!.data).toBe('Mew\u0000two é');
    expect(notified).toEqual(['a', 'b', 'a']);
  });

  it('concurrent publishes of one id from two pools write one message; the others are deduplicated', async () => {
    await store.registerGroup('a', 'g', T0);
    const other = new PostgresTopicStore(openPool(), () => undefined);
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? store : other).publish(req('a', `same-${round}`), T0, WINDOW_MS),
        ),
      );
      expect(results.filter((r) => !r.deduplicated)).toHaveLength(1);
      expect(new Set(results.map((r) => r.seq)).size).toBe(1);
    }
    expect(await store.readMessages('a', 0, 0, 100)).toHaveLength(5);
    expect(await claim('a', 'g')).toHaveLength(5);
  });

  it('while two pools publish, a reader following afterSeq and a group registered meanwhile miss nothing', async () => {
    const other = new PostgresTopicStore(openPool(), () => undefined);
    let done = false;
    const publishing = Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? store : other).publish(req('a', `e${i}`), T0, WINDOW_MS),
      ),
    ).finally(() => (done = true));
    const registering = sleep(5).then(() => store.registerGroup('a', 'late', T0));
    const seen: string[] = [];
    let after = 0;
    for (let last = false; !last;) {
      last = done;
      for (const m of await other.readMessages('a', after, 0, 1000)) {
        seen.push(m.id);
        after = m.seq;
      }
    }
    await Promise.all([publishing, registering]);
    expect(seen.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `e${i}`).sort());
    expect(await claim('a', 'late', T0, 1000)).toHaveLength(200);
  });

  it('fans a message out to every group, and backfills a group registered late (once)', async () => {
    await store.registerGroup('a', 'g1', T0);
    await store.registerGroup('a', 'g2', T0);
    const { seq } = await store.publish(req('a', 'e1'), T0, WINDOW_MS);
    await store.publish(req('other', 'x'), T0, WINDOW_MS);
    for (const g of ['g1', 'g2']) {
      expect((await claim('a', g)).map((d) => [d.seq, d.group, d.attempt])).toEqual([[seq, g, 1]]);
    }
    const more = await store.publish(req('a', 'e2'), T0, WINDOW_MS);
    notified = [];
    await store.registerGroup('a', 'late', T0 + 5);
    expect(notified).toEqual(['a']);
    const backfilled = await claim('a', 'late', T0 + 5);
    expect(backfilled.map((d) => d.seq)).toEqual([seq, more.seq]);
    for (const d of backfilled) expect(await store.ack(d)).toBe(true);
    await store.registerGroup('a', 'late', T0 + 6);
    expect(await claim('a', 'late', T0 + 6 + LEASE_MS)).toEqual([]);
  });

  it('claims oldest first with leases; a lease that ran out is claimed again, fencing the old attempt', async () => {
    await store.registerGroup('a', 'g', T0);
    const seqs: number[] = [];
    for (const id of ['e1', 'e2', 'e3']) seqs.push((await store.publish(req('a', id), T0, WINDOW_MS)).seq);
    const first = await claim('a', 'g', T0, 2);
    expect(first.map((d) => [d.seq, d.attempt])).toEqual([
      [seqs[0], 1],
      [seqs[1], 1],
    ]);
    expect((await claim('a', 'g', T0 + 1)).map((d) => d.seq)).toEqual([seqs[2]]);
    expect(await claim('a', 'g', T0 + LEASE_MS - 1)).toEqual([]);
    expect(await store.extendLease(first[1]!, LEASE_MS, T0 + 10)).toBe(true);
    const again = await claim('a', 'g', T0 + LEASE_MS);
    expect(again.map((d) => [d.seq, d.attempt])).toEqual([[seqs[0], 2]]);
    expect(await store.ack(first[0]!)).toBe(false);
    expect(await store.extendLease(first[0]!, LEASE_MS, T0 + LEASE_MS)).toBe(false);
    expect(await store.retry(first[0]!, T0)).toBe(false);
    expect(await store.deadLetter(first[0]!, 'dlq', { type: 'E', message: 'm' }, T0)).toBe(false);
    expect(await store.ack(again[0]!)).toBe(true);
    expect(await store.ack(again[0]!)).toBe(false);
    expect(await store.readMessages('dlq', 0, 0, 10)).toEqual([]);
  });

  it('1,000 keyed messages over 10 keys, claimed in batches of 8 by 3 consumers: per key in order, one at a time', async () => {
    await store.registerGroup('a', 'g', T0);
    const published = new Map<string, number[]>();
    const publishKey = async (k: number): Promise<void> => {
      const key = `k${k}`;
      for (let i = k; i < 1000; i += 10) {
        const { seq } = await store.publish(req('a', `e${i}`, { key }), T0, WINDOW_MS);
        published.set(key, [...(published.get(key) ?? []), seq]);
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, k) => publishKey(k)));
    const handed = new Map<string, number[]>();
    const held = new Set<string>(); // keys with a delivery claimed and its ack not yet sent
    let acked = 0;
    const consumer = async (s: PostgresTopicStore): Promise<void> => {
      while (acked < 1000) {
        const batch = await claim('a', 'g', T0, 8, s);
        if (batch.length === 0) await sleep(1);
        for (const d of batch) {
          expect(held.has(d.key!), `key ${d.key} handed out twice at once`).toBe(false);
          held.add(d.key!);
          handed.set(d.key!, [...(handed.get(d.key!) ?? []), d.seq]);
        }
        await Promise.all(
          batch.map(async (d) => {
            held.delete(d.key!);
            expect(await s.ack(d)).toBe(true);
            acked++;
          }),
        );
      }
    };
    const stores = [store, new PostgresTopicStore(openPool(), () => undefined), store];
    await Promise.all(stores.map(consumer));
    expect(handed).toEqual(published);
  });

  it('a retried delivery is due again at its time, and holds back the later ones of its key', async () => {
    await store.registerGroup('a', 'g', T0);
    const k1 = await store.publish(req('a', 'e1', { key: 'k' }), T0, WINDOW_MS);
    const k2 = await store.publish(req('a', 'e2', { key: 'k' }), T0, WINDOW_MS);
    const free = await store.publish(req('a', 'e3'), T0, WINDOW_MS);
    const [d1, d3] = await claim('a', 'g');
    expect([d1?.seq, d3?.seq]).toEqual([k1.seq, free.seq]);
    notified = [];
    expect(await store.retry(d1!, T0 + 500)).toBe(true);
    expect(notified).toEqual(['a']);
    expect(await claim('a', 'g', T0 + 499)).toEqual([]);
    const [again, ...rest] = await claim('a', 'g', T0 + 500);
    expect([again?.seq, again?.attempt, rest]).toEqual([k1.seq, 2, []]);
    expect(await store.ack(again!)).toBe(true);
    expect((await claim('a', 'g', T0 + 500)).map((d) => d.seq)).toEqual([k2.seq]);
  });

  it('dead-letters with the delivery it came from (no dedup); redrive restarts attempts in that group only', async () => {
    await store.registerGroup('a', 'g1', T0);
    await store.registerGroup('a', 'g2', T0);
    await store.registerGroup('a.dlq', 'inspect', T0);
    const { seq } = await store.publish(
      req('a', 'e1', { key: 'k', data: new Uint8Array([7]) }),
      T0,
      WINDOW_MS,
    );
    const [d1] = await claim('a', 'g1');
    const [d2] = await claim('a', 'g2');
    notified = [];
    const error = { type: 'ServiceUnavailableError', message: 'status service down' };
    expect(await store.deadLetter(d1!, 'a.dlq', error, T0 + 7)).toBe(true);
    expect(notified).toEqual(['a.dlq']);
    expect(await store.ack(d2!)).toBe(true);
    const [letter] = await store.readMessages('a.dlq', 0, 0, 10);
    expect(letter).toMatchObject({ id: 'e1', key: 'k', correlationId: 'c-e1', data: new Uint8Array([7]) });
    expect(letter!.deadLetter).toEqual({
      topic: 'a',
      group: 'g1',
      attempts: 1,
      lastError: error,
      deadLetteredAtMs: T0 + 7,
    });
    expect((await claim('a.dlq', 'inspect', T0 + 7)).map((d) => d.seq)).toEqual([letter!.seq]);

    notified = [];
    expect(await store.redrive('a.dlq', T0 + 10)).toBe(1);
    expect(notified).toEqual(['a']);
    expect(await store.redrive('a.dlq', T0 + 11)).toBe(0);
    expect(await claim('a', 'g2', T0 + 10)).toEqual([]);
    const [redriven] = await claim('a', 'g1', T0 + 10);
    expect([redriven?.seq, redriven?.attempt]).toEqual([seq, 1]);
    expect(await store.deadLetter(redriven!, 'a.dlq', error, T0 + 20)).toBe(true);
    expect((await store.readMessages('a.dlq', 0, 0, 10)).map((m) => m.id)).toEqual(['e1', 'e1']);
    expect(await store.redrive('a.dlq', T0 + 30)).toBe(1);
  });

  it('dead-letters without a dead-letter topic by dropping the delivery', async () => {
    await store.registerGroup('a', 'g', T0);
    await store.publish(req('a', 'e1'), T0, WINDOW_MS);
    const [d] = await claim('a', 'g');
    notified = [];
    expect(await store.deadLetter(d!, undefined, { type: 'Error', message: 'no' }, T0)).toBe(true);
    expect(notified).toEqual([]);
    expect(await claim('a', 'g', T0 + LEASE_MS)).toEqual([]);
    expect(await store.readMessages('a', 0, 0, 10)).toHaveLength(1);
  });

  it('readMessages filters by topic, seq and time, oldest first, up to the limit', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push((await store.publish(req('a', `e${i}`), T0 + i, WINDOW_MS)).seq);
    await store.publish(req('b', 'x'), T0 + 2, WINDOW_MS);
    const ids = async (after: number, since: number, limit: number): Promise<string[]> =>
      (await store.readMessages('a', after, since, limit)).map((m) => m.id);
    expect(await ids(0, 0, 100)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(await ids(seqs[1]!, 0, 100)).toEqual(['e2', 'e3', 'e4']);
    expect(await ids(0, T0 + 3, 100)).toEqual(['e3', 'e4']);
    expect(await ids(seqs[0]!, T0 + 2, 1)).toEqual(['e2']);
    expect(await ids(seqs[4]!, 0, 100)).toEqual([]);
    expect(await store.readMessages('none', 0, 0, 10)).toEqual([]);
  });
});
