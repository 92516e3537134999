/**
 * The topic endpoints on a real server over the store-backed topics of a real Baton: a consumer
 * group that dead-letters an event, `GET /api/topics` (events, lag, dead letters), the dead letters
 * listed by `GET /api/topics/:topic/events`, and `POST /api/topics/:topic/redrive`.
 */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '../../src/index.js';
import type { ApiTopic, ApiTopicEvent } from '../../src/server/api-types.js';
import { eventually } from '../support/harness.js';
import { anyNumber, anyString, openApiEnv } from './support.js';

interface Encountered {
  pokemon: string;
}

describe('HTTP API: topics', () => {
  it('shows topics, lag and dead letters; lists the dead letters; redrives them', async () => {
    const api = await openApiEnv({ worker: false });
    const topics = api.env.baton.topics;
    let fixed = false;
    const handled: string[] = [];
    topics.subscribe<Encountered>('pokemon.encountered', {
      group: 'status-service',
      retry: { initialInterval: '10ms', maximumAttempts: 2 },
      deadLetterTopic: 'pokemon.dlq',
      handler: async (event) => {
        if (event.pokemon === 'Missingno' && !fixed)
          throw ApplicationFailure.retryable('glitch Pokémon', 'Glitch');
        handled.push(event.pokemon);
      },
    });
    await topics.publish('pokemon.encountered', { pokemon: 'Mewtwo' }, { id: 'e-mewtwo', key: 'mewtwo' });
    await topics.publish('pokemon.encountered', { pokemon: 'Missingno' }, { id: 'e-missingno' });

    const stats = await eventually(async () => {
      const r = await api.call<{ topics: ApiTopic[] }>('GET', '/api/topics');
      const dlq = (r.json.topics as { topic: string; events: number }[]).find(
        (t) => t.topic === 'pokemon.dlq',
      );
      return dlq?.events === 1 ? r : undefined;
    });
    expect(stats.status).toBe(200);
    expect(stats.json.topics).toEqual([
      { topic: 'pokemon.dlq', events: 1, groups: [] },
      {
        topic: 'pokemon.encountered',
        events: 2,
        groups: [{ group: 'status-service', lag: 0, deadLettered: 1 }],
      },
    ]);
    expect(handled).toEqual(['Mewtwo']);

    const dead = await api.call<{ events: ApiTopicEvent[] }>('GET', '/api/topics/pokemon.dlq/events');
    expect(dead.status).toBe(200);
    expect(dead.json.events).toEqual([
      {
        id: 'e-missingno',
        seq: anyNumber,
        key: null,
        time: anyString,
        data: { pokemon: 'Missingno' },
        deadLetter: {
          topic: 'pokemon.encountered',
          group: 'status-service',
          attempts: 2,
          lastError: 'Glitch: glitch Pokémon',
        },
      },
    ]);
    const published = await api.call<{ events: ApiTopicEvent[] }>(
      'GET',
      '/api/topics/pokemon.encountered/events?limit=1',
    );
    expect(published.json.events).toEqual([
      {
        id: 'e-missingno',
        seq: anyNumber,
        key: null,
        time: anyString,
        data: { pokemon: 'Missingno' },
      },
    ]);
    const both = await api.call<{ events: ApiTopicEvent[] }>('GET', '/api/topics/pokemon.encountered/events');
    expect(both.json.events.map((e: { id: string; key: string | null }) => [e.id, e.key])).toEqual([
      ['e-mewtwo', 'mewtwo'],
      ['e-missingno', null],
    ]);

    fixed = true;
    const redrive = await api.call('POST', '/api/topics/pokemon.dlq/redrive');
    expect(redrive.status).toBe(200);
    expect(redrive.json).toEqual({ redriven: 1 });
    await eventually(() => (handled.includes('Missingno') ? true : undefined));
    const after = await eventually(async () => {
      const r = await api.call<{ topics: ApiTopic[] }>('GET', '/api/topics');
      const t = (r.json.topics as { topic: string; groups: { lag: number }[] }[]).find(
        (x) => x.topic === 'pokemon.encountered',
      );
      return t?.groups[0]?.lag === 0 ? t : undefined;
    });
    expect(after.groups).toEqual([{ group: 'status-service', lag: 0, deadLettered: 0 }]);
    expect((await api.call('POST', '/api/topics/pokemon.dlq/redrive')).json).toEqual({ redriven: 0 });
  });

  it('answers 404 for the events or redrive of an unknown topic and 400 for a bad limit', async () => {
    const api = await openApiEnv({ worker: false });
    const r = await api.call('GET', '/api/topics/pokemon.unknown/events');
    expect(r.status).toBe(404);
    expect(r.error.message).toContain("topic 'pokemon.unknown' not found");
    await api.env.baton.topics.publish('pokemon.seen', { pokemon: 'Mew' });
    const bad = await api.call('GET', '/api/topics/pokemon.seen/events?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.error.issues?.[0]?.path).toBe('query.limit');
    const invalidName = await api.call('POST', '/api/topics/bad%20topic%20name/redrive');
    expect(invalidName.status).toBe(400);
    const unknownRedrive = await api.call('POST', '/api/topics/pokemon.unknown.dlq/redrive');
    expect(unknownRedrive.status).toBe(404);
    expect(unknownRedrive.error.message).toContain("topic 'pokemon.unknown.dlq' not found");
    // A known topic with nothing to redrive is not an error.
    const nothing = await api.call('POST', '/api/topics/pokemon.seen/redrive');
    expect(nothing.status).toBe(200);
    expect(nothing.json).toEqual({ redriven: 0 });
  });
});
