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
import { checkEventString, checkGroupName, checkTopicName } from '../common/topic-names.js';
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
  /** Set once close() began: no new subscription. */
  private closing = false;
  /** Set once the subscriptions are closed: nothing more is accepted. */
  private closed = false;
  private readonly reads = new AbortController();

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
    if (this.closing) throw new ValidationError('topics are closed (the Baton was closed)');
    const sub = new SubscriptionRunner(this.deps, {
      topic,
      group,
      handler: options.handler as (event: unknown, info: EventInfo) => Promise<void>,
      concurrency,
      retry: resolveRetryPolicy(options.retry, 'retry'),
      deadLetterTopic,
      leaseMs,
      consumerId: workerIdentity(`${group}`),
      handlerTimeoutMs:
        options.handlerTimeout === undefined
          ? undefined
          : durationMs(options.handlerTimeout, 'handlerTimeout'),
      closeGraceMs: durationMs(options.closeGraceTime ?? '10s', 'closeGraceTime'),
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
   * published at or after `since`, at most `limit` (1 to 1,000, default 100) and, when `maxBytes`
   * is given, no more encoded bytes than that (always at least one event); waits up to `wait`
   * (default 0) for the first, or until `signal` fires.
   *
   * @throws ValidationError for a bad topic name, limit or wait.
   */
  async read<T = unknown>(
    topic: string,
    options: {
      afterSeq?: number;
      since?: Date;
      limit?: number;
      maxBytes?: number;
      wait?: Duration;
      signal?: AbortSignal;
    } = {},
  ): Promise<TopicEvent<T>[]> {
    checkTopicName(topic);
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new ValidationError(`limit: expected an integer from 1 to 1000, got ${String(options.limit)}`);
    this.checkOpen();
    const waitMs = durationMs(options.wait ?? 0, 'wait');
    const signal =
      options.signal === undefined ? this.reads.signal : AbortSignal.any([this.reads.signal, options.signal]);
    const messages = await this.deps.broker.read(
      topic,
      options.afterSeq ?? 0,
      options.since?.getTime() ?? 0,
      limit,
      waitMs,
      signal,
    );
    return withinBytes(messages, options.maxBytes).map((m) => this.decoded<T>(m));
  }

  /** The data converter's payload limit, in bytes. */
  get payloadLimitBytes(): number {
    return this.deps.converter.payloadLimitBytes;
  }

  /** Ends every waiting read at once (with what it has): the engine calls it before its workers stop. */
  interruptReads(): void {
    this.reads.abort();
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

  /**
   * Closes every subscription (waiting for running handlers, which may still publish), then the
   * broker.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.reads.abort();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    this.closed = true;
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
      deadLetter: m.deadLetter,
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new ValidationError('topics are closed (the Baton was closed)');
  }
}

/** The first messages whose data add up to at most `maxBytes` (at least one). */
function withinBytes(messages: TopicMessage[], maxBytes: number | undefined): TopicMessage[] {
  if (maxBytes === undefined) return messages;
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    total += messages[i]!.data.length;
    if (total > maxBytes) return messages.slice(0, Math.max(1, i));
  }
  return messages;
}
