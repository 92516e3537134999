/**
 * The NATS JetStream topic broker: durable topics on a NATS server with JetStream (2.9 or later)
 * instead of the engine's store.
 *
 * - **Streams.** Each topic is its own stream (`BATON_T_<escaped topic>`, see `names.ts`) on the
 *   subject `baton.t.<topic>`, created on first use with file storage and
 *   `duplicate_window` = `dedupWindowMs`. The event id is the `Nats-Msg-Id`, so a second publish
 *   of an id within the window is dropped by the server and reported as `deduplicated`.
 *   Key, correlation id, publish time and dead-letter details travel in `Baton-…` headers, and a
 *   header remembers whether the payload was a string.
 * - **Consumer groups.** Each group is a durable pull consumer `group-<group>` (deliver all,
 *   explicit ack, `ack_wait` = `leaseMs`) shared by all its members; `attempt` is JetStream's
 *   delivery count. `retry` is a NAK with a delay, `extendLease` a progress ack, `deadLetter`
 *   publishes the dead letter and then terminates the message.
 * - **Key order.** Within one member, a keyed message is held in memory (its lease kept alive)
 *   while an earlier message of its key is unsettled there, and handed out once that one is acked
 *   or dead-lettered. **Across several processes of one group, per-key order is not guaranteed**
 *   on JetStream: the server hands messages of one key to whichever member asks, and a retried
 *   message may come back to another member.
 * - **Redrive.** A durable consumer `baton-redrive` on the dead-letter topic's stream marks what
 *   was sent back; a redriven message names its group in a header, and the other groups' members
 *   ack it without handing it out.
 * - **Read.** An ephemeral consumer per call, starting after `afterSeq`.
 *
 * Limits: `deadLetter` publishes and then terminates, so it is not atomic; a crash in between
 * redelivers the message, and its second dead letter carries the same `Nats-Msg-Id` (deduplicated
 * within the window). A member holds at most 1,000 received messages in memory. A redrive
 * interrupted before it acked a dead letter leaves it to a redrive 30 s later. A read by time alone
 * starts at the server's clock minus 5 minutes, so publishers' clocks must be within that of it.
 *
 * @example
 * ```ts
 * const broker = await openJetStreamBroker('nats://127.0.0.1:4222', { dedupWindowMs: 120_000 });
 * await broker.publish({
 *   topic: 'pokemon.caught', id: 'evt-1', key: 'pikachu', correlationId: 'c-1', data: '{"level":5}',
 * });
 * const member = await broker.consumer('pokemon.caught', 'pokedex', {
 *   leaseMs: 30_000,
 *   consumerId: 'worker-1',
 * });
 * for (const delivery of await member.fetch(10, 1_000)) await member.ack(delivery);
 * await member.close();
 * await broker.close();
 * ```
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { ValidationError } from '../../common/errors.js';
import type {
  ConsumerOptions,
  GroupConsumer,
  PublishRequest,
  PublishResult,
  TopicBroker,
  TopicMessage,
} from '../broker.js';
import { JetStreamContext } from './context.js';
import type { BrokerHost } from './context.js';
import { describeError, JetStreamBrokerError } from './errors.js';
import { encodeText } from './headers.js';
import { JetStreamConsumer } from './jetstream-consumer.js';
import type { Puller } from './puller.js';
import { readTopic } from './read.js';
import { redriveDeadLetters } from './redrive.js';

/** Options of {@link openJetStreamBroker}. */
export interface JetStreamBrokerOptions {
  /**
   * Milliseconds during which a second publish of an event id to a topic is dropped: the
   * `duplicate_window` of the streams this broker creates (a stream that already exists keeps
   * its own; nats-server's minimum, 100 ms, applies). 0 turns deduplication off (no
   * `Nats-Msg-Id` is sent).
   */
  dedupWindowMs: number;
}

class JetStreamBroker implements TopicBroker, BrokerHost {
  readonly kind = 'jetstream';
  private readonly members = new Set<JetStreamConsumer>();
  private readonly pullers = new Set<Puller>();
  private closed = false;

  constructor(readonly ctx: JetStreamContext) {}

  isClosed(): boolean {
    return this.closed;
  }

  track(puller: Puller): () => void {
    this.pullers.add(puller);
    return () => this.pullers.delete(puller);
  }

  async publish(req: PublishRequest): Promise<PublishResult> {
    this.checkOpen(`publish to topic '${req.topic}'`);
    const ack = await this.ctx.publish(
      req.topic,
      {
        id: req.id,
        key: req.key,
        correlationId: req.correlationId,
        data: req.data,
        publishedAtMs: Date.now(),
      },
      this.ctx.dedupWindowMs > 0 ? encodeText(req.id) : undefined,
    );
    return { seq: ack.seq, deduplicated: ack.duplicate };
  }

  async consumer(topic: string, group: string, options: ConsumerOptions): Promise<GroupConsumer> {
    this.checkOpen(`join group '${group}' of topic '${topic}'`);
    const stream = await this.ctx.ensureGroupConsumer(topic, group, options.leaseMs);
    const member = new JetStreamConsumer(this.ctx, { topic, group, stream }, options, (m) =>
      this.members.delete(m),
    );
    this.members.add(member);
    if (this.closed) await member.close();
    return member;
  }

  redrive(deadLetterTopic: string): Promise<number> {
    this.checkOpen(`redrive dead-letter topic '${deadLetterTopic}'`);
    return redriveDeadLetters(this, deadLetterTopic);
  }

  read(
    topic: string,
    afterSeq: number,
    sinceMs: number,
    limit: number,
    waitMs: number,
  ): Promise<TopicMessage[]> {
    return readTopic(this, topic, afterSeq, sinceMs, limit, waitMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const puller of this.pullers) puller.close();
    await Promise.all([...this.members].map((member) => member.close()));
    const nc = this.ctx.nc;
    if (nc.isClosed()) return;
    await nc.drain().catch(() => nc.close());
  }

  private checkOpen(what: string): void {
    if (this.closed) throw new JetStreamBrokerError(`cannot ${what}: the JetStream broker is closed`);
  }
}

function checkOptions(url: unknown, options: JetStreamBrokerOptions): void {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ValidationError(
      `url: expected a NATS server URL such as 'nats://127.0.0.1:4222', got ${JSON.stringify(url)}`,
    );
  }
  const window = (options as Partial<JetStreamBrokerOptions> | undefined)?.dedupWindowMs;
  if (typeof window !== 'number' || !Number.isFinite(window) || window < 0) {
    throw new ValidationError(
      `dedupWindowMs: expected a number of milliseconds ≥ 0, got ${JSON.stringify(window)}`,
    );
  }
}

/**
 * Connects to a NATS server with JetStream and returns a {@link TopicBroker} on it. Streams and
 * consumers are created on first use. `close()` drains and closes the connection.
 *
 * @param url - the server, e.g. `nats://127.0.0.1:4222` (a comma-separated list is accepted).
 * @throws ValidationError when `url` is empty or `dedupWindowMs` is not a number ≥ 0.
 * @throws JetStreamBrokerError when the server cannot be reached or has no JetStream.
 *
 * @example
 * ```ts
 * const broker = await openJetStreamBroker('nats://127.0.0.1:4222', { dedupWindowMs: 120_000 });
 * const { seq, deduplicated } = await broker.publish({
 *   topic: 'pokemon.caught', id: 'evt-1', key: 'pikachu', correlationId: 'c-1', data: 'hello',
 * });
 * await broker.close();
 * ```
 */
export async function openJetStreamBroker(
  url: string,
  options: JetStreamBrokerOptions,
): Promise<TopicBroker> {
  checkOptions(url, options);
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url.split(',').map((s) => s.trim()), name: 'baton-topics' });
  } catch (err) {
    throw new JetStreamBrokerError(
      `could not connect to NATS at ${url}: ${describeError(err)}`,
      undefined,
      err,
    );
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (err) {
    await nc.close();
    throw new JetStreamBrokerError(
      `NATS at ${url} has no JetStream (start nats-server with -js): ${describeError(err)}`,
      undefined,
      err,
    );
  }
  return new JetStreamBroker(new JetStreamContext(nc, jsm, jsm.jetstream(), options.dedupWindowMs));
}
