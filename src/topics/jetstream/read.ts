/**
 * `TopicBroker.read` on JetStream: an ephemeral pull consumer without acks (in memory) that
 * starts at `afterSeq + 1` (or, for a read by time only, a few minutes before `sinceMs`, to allow
 * for clock skew), pulled until something matches, then deleted.
 */
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import type { ConsumerConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { TopicMessage } from '../broker.js';
import { parseAckSubject } from './ack-subject.js';
import type { BrokerHost } from './context.js';
import { describeError, JetStreamBrokerError } from './errors.js';
import { decodeMessage, toTopicMessage } from './headers.js';
import { Puller } from './puller.js';

/**
 * A read by time starts this long before `sinceMs` by the server's clock, so a publisher whose
 * clock runs ahead of the server's by less than this is still read. Messages are then filtered by
 * their publish time (the publisher's clock).
 */
const CLOCK_SKEW_MS = 5 * 60_000;

function startOf(afterSeq: number, sinceMs: number): Partial<ConsumerConfig> {
  const startMs = sinceMs - CLOCK_SKEW_MS;
  if (afterSeq <= 0 && startMs > 0) {
    return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(startMs).toISOString() };
  }
  return {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(0, Math.floor(afterSeq)) + 1,
  };
}

/** Messages of `topic` after `afterSeq`, published at or after `sinceMs`; see `TopicBroker.read`. */
export async function readTopic(
  host: BrokerHost,
  topic: string,
  afterSeq: number,
  sinceMs: number,
  limit: number,
  waitMs: number,
): Promise<TopicMessage[]> {
  if (!(limit >= 1) || host.isClosed()) return [];
  const { ctx } = host;
  const stream = await ctx.ensureStream(topic);
  const consumer = await ctx.jsm.consumers
    .add(stream, {
      ack_policy: AckPolicy.None,
      mem_storage: true,
      inactive_threshold: nanos(60_000),
      ...startOf(afterSeq, sinceMs),
    })
    .catch((err: unknown) => {
      throw new JetStreamBrokerError(`could not read topic '${topic}': ${describeError(err)}`, topic, err);
    });
  const found: TopicMessage[] = [];
  const puller = new Puller(ctx.nc, ctx.nextSubject(stream, consumer.name), (msg) => {
    const info = parseAckSubject(msg.reply);
    if (info === undefined) return;
    const m = decodeMessage(topic, info.streamSeq, msg.headers, msg.data, info.storedAtMs);
    if (m.seq > afterSeq && m.publishedAtMs >= sinceMs && found.length < limit) found.push(toTopicMessage(m));
  });
  const untrack = host.track(puller);
  try {
    await puller.pullUntil({
      deadlineMs: performance.now() + Math.max(0, waitMs),
      batch: () => limit - found.length,
      satisfied: () => found.length >= limit || (found.length > 0 && puller.idle),
      stopped: () => host.isClosed(),
      untilCaughtUp: true,
    });
  } finally {
    untrack();
    puller.close();
    await ctx.jsm.consumers.delete(stream, consumer.name).catch(() => undefined);
  }
  return host.isClosed() ? [] : found;
}
