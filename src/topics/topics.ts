import type { Client } from '../client/client.js';
import type { Clock } from '../common/clock.js';
import type { DataConverter } from '../common/converter.js';
import { durationMs, type Duration } from '../common/duration.js';
import { ValidationError, WorkflowExecutionAlreadyStartedError } from '../common/errors.js';
import { newTimeOrderedId, workerIdentity } from '../common/ids.js';
import type { Logger } from '../common/logger.js';
import { resolveRetryPolicy } from '../common/retry-policy.js';
import type { WorkflowArgs, WorkflowDefinition } from '../runtime/definitions.js';
import type { TopicBroker, TopicMessage } from './broker.js';
import { currentCorrelationId } from './correlation.js';
import type { EventInfo, PublishOptions, PublishReceipt, SubscribeOptions, Subscription } from './events.js';
import type { TopicEvent } from '../common/topic-messages.js';
import { checkEventString, checkGroupName, checkTopicName } from './names.js';
import { SubscriptionRunner } from './subscription.js';

/** What {@link Topics} is made of (the engine wires it). */
export interface TopicsDeps {
  broker: TopicBroker;
  converter: DataConverter;
  clock: Clock;
  logger: Logger;
  /** The client that `onEvent` starts workflows with. */
  client: Client;
}

/** Options of {@link Topics.onEvent}. */
export interface OnEventOptions<W> {
  /** The task queue of the workflows started. */
  taskQueue: string;
  /** The consumer group that starts them. @default `on-event-<workflow type>` (non-name characters as `-`) */
  group?: string;
  /**
   * The workflowId of the execution an event starts: a redelivered event maps to the same id and
   * starts nothing new. @default `<workflow type>-<event id>`
   */
  workflowId?: (event: unknown, info: EventInfo) => string;
  /** The workflow's arguments. @default [event] */
  args?: (event: unknown, info: EventInfo) => WorkflowArgs<W>;
  /** Retry policy of the starts (Temporal's shape). @default Temporal's: unlimited attempts from 1 s */
  retry?: SubscribeOptions<unknown>['retry'];
}

/**
 * Durable topics: publish events, handle them in consumer groups (at-least-once, retries under a
 * retry policy, dead-letter topic, redrive), start workflows from events. The same API and
 * semantics on the store (the default) and on NATS JetStream.
 *
 * @example
 * baton.topics.subscribe('pokemon.encountered', {
 *   group: 'status-service', retry: { maximumAttempts: 3 }, deadLetterTopic: 'pokemon.dlq',
 *   handler: async (event, { id }) => {
 *     await baton.topics.publish('pokemon.paralyzed', await paralyze(event), { id: `paralyzed-${id}` });
 *   },
 * });
 * await baton.topics.publish('pokemon.encountered', { trainer: sacha(), pokemon: mewtwo() });
 */
export class Topics {
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(private readonly deps: TopicsDeps) {}

  /** `'store'` or `'jetstream'`. */
  get brokerKind(): string {
    return this.deps.broker.kind;
  }

  /**
   * Publishes an event (through the data converter) to `topic`.
   *
   * @returns the id, the position, and whether it was a duplicate within the deduplication window
   *   (then nothing was published).
   * @throws ValidationError for a bad topic name, id or key; DataConverterError for an event that
   *   cannot be stored (nothing published).
   */
  async publish<T>(topic: string, event: T, options: PublishOptions = {}): Promise<PublishReceipt> {
    checkTopicName(topic);
    const id = options.id === undefined ? newTimeOrderedId() : checkEventString(options.id, 'id');
    const key = options.key === undefined ? undefined : checkEventString(options.key, 'key');
    const correlationId =
      options.correlationId === undefined
        ? (currentCorrelationId() ?? id)
        : checkEventString(options.correlationId, 'correlationId');
    const data = this.deps.converter.toPayload(event, `event for topic ${topic}`);
    this.checkOpen();
    const { seq, deduplicated } = await this.deps.broker.publish({ topic, id, key, correlationId, data });
    return { id, seq, deduplicated };
  }

  /**
   * Joins consumer group `options.group` of `topic`: each event is handled once per group (at least
   * once), by one member; failures are retried under `options.retry`, then dead-lettered. A group
   * new to the topic also gets the events the topic still holds.
   *
   * @throws ValidationError naming the option that is wrong.
   */
  subscribe<T>(topic: string, options: SubscribeOptions<T>): Subscription {
    checkTopicName(topic);
    const group = checkGroupName(options.group);
    if (typeof options.handler !== 'function')
      throw new ValidationError('handler: expected a function (event, info) => Promise<void>');
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new ValidationError(`concurrency: expected an integer ≥ 1, got ${String(concurrency)}`);
    const deadLetterTopic =
      options.deadLetterTopic === undefined
        ? undefined
        : checkTopicName(options.deadLetterTopic, 'deadLetterTopic');
    if (deadLetterTopic === topic)
      throw new ValidationError(`deadLetterTopic: expected a topic other than '${topic}' itself`);
    const leaseMs = durationMs(options.leaseTimeout ?? '30s', 'leaseTimeout');
    if (leaseMs < 100) throw new ValidationError(`leaseTimeout: expected at least 100 ms, got ${leaseMs} ms`);
    this.checkOpen();
    const sub = new SubscriptionRunner(this.deps, {
      topic,
      group,
      handler: options.handler as (event: unknown, info: EventInfo) => Promise<void>,
      concurrency,
      retry: resolveRetryPolicy(options.retry, 'retry'),
      deadLetterTopic,
      leaseMs,
      consumerId: workerIdentity(`${group}`),
    });
    this.subscriptions.add(sub);
    return {
      topic,
      group,
      ready: sub.ready,
      close: async () => {
        this.subscriptions.delete(sub);
        await sub.close();
      },
    };
  }

  /**
   * Sends every dead letter of `deadLetterTopic` not yet redriven back to the group that gave up,
   * on its original topic, for fresh attempts (the attempt counter restarts at 1); the group's
   * dead-letter topic stays as it is, so events that fail again come back to it.
   *
   * @returns how many dead letters were redriven.
   */
  redrive(deadLetterTopic: string): Promise<number> {
    checkTopicName(deadLetterTopic, 'deadLetterTopic');
    this.checkOpen();
    return this.deps.broker.redrive(deadLetterTopic);
  }

  /**
   * Reads events of `topic` in order, without a consumer group: those after position `afterSeq`
   * published at or after `since`, at most `limit` (default 100), waiting up to `wait` (default 0)
   * for the first, or until `signal` fires.
   */
  async read<T = unknown>(
    topic: string,
    options: { afterSeq?: number; since?: Date; limit?: number; wait?: Duration; signal?: AbortSignal } = {},
  ): Promise<TopicEvent<T>[]> {
    checkTopicName(topic);
    this.checkOpen();
    const waitMs = durationMs(options.wait ?? 0, 'wait');
    const messages = await this.deps.broker.read(
      topic,
      options.afterSeq ?? 0,
      options.since?.getTime() ?? 0,
      options.limit ?? 100,
      waitMs,
      options.signal,
    );
    return messages.map((m) => this.decoded<T>(m));
  }

  /**
   * Starts `workflow` for each event of `topic` (choreography meets orchestration). Each event
   * starts one execution, whose workflowId derives from the event id: a redelivered event starts
   * nothing new (`REJECT_DUPLICATE`).
   *
   * @example
   * baton.topics.onEvent('pokemon.encountered', capturePokemon, {
   *   taskQueue: 'capture', args: (e) => [e.trainer, e.pokemon],
   * });
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onEvent<W extends WorkflowDefinition<any, any>>(
    topic: string,
    workflow: W,
    options: OnEventOptions<W>,
  ): Subscription {
    const group = options.group ?? `on-event-${workflow.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    const subscribe: SubscribeOptions<unknown> = {
      group,
      concurrency: 8,
      handler: async (event, info) => {
        const workflowId = options.workflowId?.(event, info) ?? `${workflow.name}-${info.id}`;
        const args: unknown[] = options.args?.(event, info) ?? [event];
        try {
          await this.deps.client.start(workflow.name, {
            taskQueue: options.taskQueue,
            workflowId,
            args,
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
      },
    };
    if (options.retry !== undefined) subscribe.retry = options.retry;
    return this.subscribe(topic, subscribe);
  }

  /** Closes every subscription (waiting for running handlers), then the broker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    await this.deps.broker.close();
  }

  private decoded<T>(m: TopicMessage): TopicEvent<T> {
    return {
      event: this.deps.converter.fromPayload<T>(m.data),
      id: m.id,
      topic: m.topic,
      seq: m.seq,
      key: m.key,
      correlationId: m.correlationId,
      publishedAt: new Date(m.publishedAtMs),
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new ValidationError('topics are closed (the Baton was closed)');
  }
}
