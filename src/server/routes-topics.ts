/**
 * Durable topics: `GET /api/topics` (events, groups, lag, dead letters), `GET
 * /api/topics/{topic}/events` (the newest events; on a dead-letter topic, its dead letters) and
 * `POST /api/topics/{topic}/redrive`. Counts and events are read from the store's topic tables:
 * with the NATS JetStream broker they list nothing (its streams live in NATS); redrive works on both.
 */
import { createRoute } from '@hono/zod-openapi';
import type { TopicMessage } from '../common/topic-messages.js';
import type { ApiTopicEvent } from './api-types.js';
import type { ApiApp, ApiContext } from './api-context.js';
import { ApiRequestError } from './errors.js';
import { decodedPayload } from './views.js';
import {
  RedriveResponseSchema,
  TopicEventsQuerySchema,
  TopicEventsSchema,
  TopicListSchema,
} from './schemas-actions.js';
import { errors, json, TopicParamSchema } from './schemas-common.js';

const tags = ['topics'];

const list = createRoute({
  method: 'get',
  path: '/api/topics',
  tags,
  summary: 'Topics with their event counts and consumer groups (lag, dead letters)',
  responses: { 200: json(TopicListSchema, 'Every topic of the store.'), ...errors() },
});

const events = createRoute({
  method: 'get',
  path: '/api/topics/{topic}/events',
  tags,
  summary: "A topic's newest events, oldest first (a dead-letter topic's carry deadLetter)",
  request: { params: TopicParamSchema, query: TopicEventsQuerySchema },
  responses: { 200: json(TopicEventsSchema, 'The newest events.'), ...errors(400, 404) },
});

const redrive = createRoute({
  method: 'post',
  path: '/api/topics/{topic}/redrive',
  tags,
  summary: 'Send the dead letters of a dead-letter topic back to their groups',
  request: { params: TopicParamSchema },
  responses: { 200: json(RedriveResponseSchema, 'How many were redriven.'), ...errors(400, 404) },
});

/** A stored message as the API shows it, its event decoded. */
function topicEvent(ctx: ApiContext, m: TopicMessage): ApiTopicEvent {
  const e: ApiTopicEvent = {
    id: m.id,
    seq: m.seq,
    key: m.key ?? null,
    time: new Date(m.publishedAtMs).toISOString(),
    data: decodedPayload(ctx.baton.converter, m.data),
  };
  if (m.deadLetter !== undefined) {
    const d = m.deadLetter;
    e.deadLetter = {
      topic: d.topic,
      group: d.group,
      attempts: d.attempts,
      lastError: `${d.lastError.type}: ${d.lastError.message}`,
    };
  }
  return e;
}

/** Registers the topic routes. */
export function topicRoutes(app: ApiApp, ctx: ApiContext): void {
  const store = ctx.baton.store.topics;

  app.openapi(list, async (c) => c.json({ topics: await store.topicStats() }, 200));

  app.openapi(events, async (c) => {
    const { topic } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const known = await store.topicStats(topic);
    if (known.length === 0)
      throw new ApiRequestError(
        404,
        'NOT_FOUND',
        `topic '${topic}' not found: it has no events and no consumer groups`,
      );
    const messages = await store.latestMessages(topic, limit);
    return c.json({ events: messages.map((m) => topicEvent(ctx, m)) }, 200);
  });

  app.openapi(redrive, async (c) => {
    const { topic } = c.req.valid('param');
    const redriven = await ctx.baton.topics.redrive(topic);
    // On the store's broker a topic nobody published to is unknown (JetStream's live in NATS).
    if (
      redriven === 0 &&
      ctx.baton.topics.brokerKind === 'store' &&
      (await store.topicStats(topic)).length === 0
    )
      throw new ApiRequestError(
        404,
        'NOT_FOUND',
        `topic '${topic}' not found: it has no events and no consumer groups`,
      );
    return c.json({ redriven }, 200);
  });
}
