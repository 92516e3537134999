/**
 * The topic stores' read-only statistics (`topicStats`, `latestMessages`), which `GET /api/topics`
 * serves: the same case on SQLite and, when BATON_TEST_POSTGRES_URL is set (CI sets it), on
 * PostgreSQL in a fresh schema.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublishRequest } from '../../src/common/topic-messages.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';

const postgresUrl = process.env.BATON_TEST_POSTGRES_URL;
if (postgresUrl === undefined) {
  console.warn('topic-stats.test.ts: the PostgreSQL case is skipped: BATON_TEST_POSTGRES_URL is not set');
}

const T0 = 1_000_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const req = (topic: string, id: string, key?: string): PublishRequest => ({
  topic,
  id,
  key,
  correlationId: id,
  data: JSON.stringify({ id }),
});

/** Counts through publishes, a group's claims, acks, a dead letter and a redrive. */
async function statsCase(store: Store): Promise<void> {
  const t = store.topics;
  expect(await t.topicStats()).toEqual([]);
  await t.registerGroup('pokemon.encountered', 'status', T0);
  await t.registerGroup('pokemon.encountered', 'combat', T0);
  for (const id of ['e1', 'e2', 'e3'])
    await t.publish(req('pokemon.encountered', id, id === 'e1' ? 'mew' : undefined), T0, 0);
  await t.publish(req('pokemon.seen', 's1'), T0, 0);

  const claimed = await t.claimDeliveries({
    topic: 'pokemon.encountered',
    group: 'status',
    consumerId: 'c1',
    max: 10,
    leaseMs: 30_000,
    nowMs: T0,
  });
  expect(claimed.map((d) => d.id)).toEqual(['e1', 'e2', 'e3']);
  await t.ack(claimed[0]!);
  await t.deadLetter(claimed[1]!, 'pokemon.dlq', { type: 'Glitch', message: 'glitch Pokémon' }, T0 + 1);

  expect(await t.topicStats()).toEqual([
    { topic: 'pokemon.dlq', events: 1, groups: [] },
    {
      topic: 'pokemon.encountered',
      events: 3,
      groups: [
        { group: 'combat', lag: 3, deadLettered: 0 },
        { group: 'status', lag: 1, deadLettered: 1 },
      ],
    },
    { topic: 'pokemon.seen', events: 1, groups: [] },
  ]);
  expect(await t.topicStats('pokemon.encountered')).toEqual([
    {
      topic: 'pokemon.encountered',
      events: 3,
      groups: [
        { group: 'combat', lag: 3, deadLettered: 0 },
        { group: 'status', lag: 1, deadLettered: 1 },
      ],
    },
  ]);
  expect(await t.topicStats('pokemon.unknown')).toEqual([]);

  const latest = await t.latestMessages('pokemon.encountered', 2);
  expect(latest.map((m) => m.id)).toEqual(['e2', 'e3']);
  const dead = await t.latestMessages('pokemon.dlq', 10);
  expect(dead).toHaveLength(1);
  expect(dead[0]!.deadLetter).toMatchObject({
    topic: 'pokemon.encountered',
    group: 'status',
    attempts: 1,
    lastError: { type: 'Glitch', message: 'glitch Pokémon' },
  });
  expect(await t.latestMessages('pokemon.encountered', 10)).toHaveLength(3);

  expect(await t.redrive('pokemon.dlq', T0 + 2)).toBe(1);
  const [after] = await t.topicStats('pokemon.encountered');
  expect(after!.groups).toEqual([
    { group: 'combat', lag: 3, deadLettered: 0 },
    { group: 'status', lag: 2, deadLettered: 0 },
  ]);
  // The dead letter stays on its topic (redriven), so the dead-letter topic still counts it.
  expect(await t.topicStats('pokemon.dlq')).toEqual([{ topic: 'pokemon.dlq', events: 1, groups: [] }]);
}

describe('topic store statistics', () => {
  it('SQLite: counts events, lag and dead letters per group; lists the newest messages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-topic-stats-'));
    const store = await openStore(`sqlite:${join(dir, 'baton.db')}`);
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await statsCase(store);
  });

  it.skipIf(postgresUrl === undefined)('PostgreSQL: the same counts and messages', async () => {
    const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const url = new URL(postgresUrl!);
    url.searchParams.set('schema', schema);
    const store = await openStore(url.toString());
    cleanups.push(async () => {
      await store.close();
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    });
    await statsCase(store);
  });
});
