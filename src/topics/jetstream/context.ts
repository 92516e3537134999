/**
 * What the JetStream broker's parts share: the connection, stream and consumer creation (on
 * first use, idempotent, safe when two processes race), publishing, and confirmed acks.
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager, PubAck } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { describeError, JetStreamBrokerError } from './errors.js';
import { encodeMessage } from './headers.js';
import type { OutgoingMessage } from './headers.js';
import { groupConsumerName, streamNameOf, subjectOf } from './names.js';
import type { Puller } from './puller.js';

/** How long the server has to confirm a publish, an ack or a consumer change. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Unacked messages a group may have out at once, over all its members. */
const MAX_ACK_PENDING = 10_000;
/** The shortest `duplicate_window` nats-server accepts. */
const MIN_DUPLICATE_WINDOW_MS = 100;
/** JetStream's error code for "stream name already in use with a different configuration". */
const STREAM_NAME_IN_USE = 10058;

function apiErrorCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The connection and the helpers every part of the broker uses. */
export class JetStreamContext {
  private readonly streams = new Map<string, Promise<string>>();

  constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly js: JetStreamClient,
    readonly dedupWindowMs: number,
  ) {}

  /** `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`: where pull requests go. */
  nextSubject(stream: string, consumer: string): string {
    return `${this.js.apiPrefix}.CONSUMER.MSG.NEXT.${stream}.${consumer}`;
  }

  /**
   * Creates the stream of `topic` unless it exists (file storage, the broker's deduplication
   * window, at least the server's minimum of 100 ms) and resolves with its name. Cached per
   * topic; a failure is not cached.
   */
  ensureStream(topic: string): Promise<string> {
    let pending = this.streams.get(topic);
    if (pending === undefined) {
      pending = this.createStream(topic);
      this.streams.set(topic, pending);
      pending.catch(() => this.streams.delete(topic));
    }
    return pending;
  }

  private async createStream(topic: string): Promise<string> {
    const name = streamNameOf(topic);
    const subject = subjectOf(topic);
    try {
      await this.jsm.streams.add({
        name,
        subjects: [subject],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        num_replicas: 1,
        duplicate_window: nanos(Math.max(MIN_DUPLICATE_WINDOW_MS, this.dedupWindowMs)),
      });
      return name;
    } catch (err) {
      if (apiErrorCode(err) !== STREAM_NAME_IN_USE) {
        throw new JetStreamBrokerError(
          `could not create stream ${name} for topic '${topic}': ${describeError(err)}`,
          topic,
          err,
        );
      }
    }
    // It exists with another configuration (another process's deduplication window): use it.
    const info = await this.jsm.streams.info(name).catch((err: unknown) => {
      throw new JetStreamBrokerError(
        `could not inspect stream ${name} of topic '${topic}': ${describeError(err)}`,
        topic,
        err,
      );
    });
    if (!info.config.subjects?.includes(subject)) {
      throw new JetStreamBrokerError(
        `stream ${name} exists but does not hold subject ${subject} (topic '${topic}')`,
        topic,
      );
    }
    return name;
  }

  /**
   * Creates or updates the durable pull consumer of `group` on the stream of `topic` (deliver
   * all, explicit ack, `ack_wait` = `leaseMs`; the last member to register sets the lease).
   * Resolves with the stream name.
   */
  async ensureGroupConsumer(topic: string, group: string, leaseMs: number): Promise<string> {
    const stream = await this.ensureStream(topic);
    try {
      await this.jsm.consumers.add(stream, {
        durable_name: groupConsumerName(group),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(Math.max(1, leaseMs)),
        max_deliver: -1,
        max_ack_pending: MAX_ACK_PENDING,
      });
    } catch (err) {
      throw new JetStreamBrokerError(
        `could not create the consumer of group '${group}' on topic '${topic}': ${describeError(err)}`,
        topic,
        err,
      );
    }
    return stream;
  }

  /**
   * Publishes `message` to `topic` (creating its stream first). `msgId` becomes `Nats-Msg-Id`
   * (deduplication within the window); undefined sends none.
   */
  async publish(topic: string, message: OutgoingMessage, msgId: string | undefined): Promise<PubAck> {
    await this.ensureStream(topic);
    const { headers, body } = encodeMessage(message);
    try {
      return await this.js.publish(subjectOf(topic), body, {
        headers,
        timeout: REQUEST_TIMEOUT_MS,
        ...(msgId === undefined ? {} : { msgID: msgId }),
      });
    } catch (err) {
      this.streams.delete(topic); // the stream may have been deleted: the next publish makes it again
      throw new JetStreamBrokerError(
        `could not publish event '${message.id}' to topic '${topic}': ${describeError(err)}`,
        topic,
        err,
      );
    }
  }

  /**
   * Sends an acknowledgement (`+ACK`, `-NAK …`, `+TERM`, `+WPI`) to a delivered message's reply
   * subject and waits for the server to confirm it.
   */
  async confirm(reply: string, body: string, what: string, topic: string): Promise<void> {
    try {
      await this.nc.request(reply, body, { timeout: REQUEST_TIMEOUT_MS });
    } catch (err) {
      throw new JetStreamBrokerError(`the server did not confirm ${what}: ${describeError(err)}`, topic, err);
    }
  }
}

/** What a read or a redrive needs from its broker. */
export interface BrokerHost {
  readonly ctx: JetStreamContext;
  isClosed(): boolean;
  /** Registers a running puller so that closing the broker stops it; returns the unregister. */
  track(puller: Puller): () => void;
}
