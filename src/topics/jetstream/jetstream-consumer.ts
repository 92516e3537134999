/**
 * One member of a consumer group on JetStream: a durable pull consumer shared by every member of
 * the group, pulled by hand (see `puller.ts`), with per-key ordering kept in memory (see
 * `key-order.ts`).
 */
import { nanos } from '@nats-io/transport-node';
import type { Msg } from '@nats-io/transport-node';
import type { ConsumerOptions, Delivery, DeliveryError, GroupConsumer } from '../broker.js';
import { parseAckSubject } from './ack-subject.js';
import type { JetStreamContext } from './context.js';
import { decodeMessage, toTopicMessage } from './headers.js';
import type { IncomingMessage } from './headers.js';
import { KeyOrderQueue } from './key-order.js';
import type { Entry } from './key-order.js';
import { groupConsumerName } from './names.js';
import { Puller } from './puller.js';
import type { PullRequest } from './puller.js';

/** Most messages one member keeps received but not handed out (held behind their key, or ready). */
const MAX_WAITING = 1_000;
/**
 * A retried message that has not come back to this member this long after it was due went to
 * another member; its key moves on here.
 */
const RETRY_GRACE_MS = 1_000;

/** A message as this member received it. */
interface Received {
  message: IncomingMessage;
  /** The reply subject acks go to. */
  reply: string;
  attempt: number;
}

/** Where a member lives. */
export interface MemberPlace {
  topic: string;
  group: string;
  stream: string;
}

/** A consumer-group member on JetStream. Made by `JetStreamBroker.consumer`. */
export class JetStreamConsumer implements GroupConsumer {
  private readonly queue = new KeyOrderQueue<Received>();
  private readonly puller: Puller;
  private readonly keepAliveMs: number;
  private keepAlive: NodeJS.Timeout | undefined;
  private fetching: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly ctx: JetStreamContext,
    private readonly place: MemberPlace,
    private readonly options: ConsumerOptions,
    private readonly onClose: (member: JetStreamConsumer) => void,
  ) {
    this.keepAliveMs = Math.min(10_000, Math.max(10, Math.floor(options.leaseMs / 3)));
    this.puller = new Puller(
      ctx.nc,
      ctx.nextSubject(place.stream, groupConsumerName(place.group)),
      (msg) => this.receive(msg),
      (request) => this.pullEnded(request),
    );
  }

  fetch(max: number, waitMs: number): Promise<Delivery[]> {
    if (this.closed || !(max >= 1)) return Promise.resolve([]);
    // One fetch at a time per member: they share the pull requests and the key bookkeeping.
    const run = this.fetching.then(() => this.fetchNow(Math.floor(max), waitMs));
    this.fetching = run.catch(() => undefined);
    return run;
  }

  private async fetchNow(max: number, waitMs: number): Promise<Delivery[]> {
    if (this.closed) return [];
    await this.puller.pullUntil({
      deadlineMs: performance.now() + Math.max(0, waitMs),
      batch: () => Math.min(max, MAX_WAITING - this.queue.waitingCount),
      // Enough, or something to hand out and no request still delivering.
      satisfied: () =>
        this.queue.readyCount >= max || (this.queue.readyCount > 0 && this.puller.receivedByCurrent === 0),
      stopped: () => this.closed,
      // A retry overdue here may have gone to another member: ask without waiting, to find out.
      maxWaitMs: () => (this.queue.hasRetryDueBefore(performance.now() - RETRY_GRACE_MS) ? 0 : Infinity),
    });
    if (this.closed) return [];
    return this.queue.take(max).map((entry) => this.toDelivery(entry));
  }

  async ack(delivery: Delivery): Promise<void> {
    const entry = this.entryOf(delivery);
    if (entry === undefined) return;
    this.queue.beginSettle(entry);
    try {
      await this.ctx.confirm(
        entry.msg.reply,
        '+ACK',
        `the ack of ${this.describe(delivery)}`,
        this.place.topic,
      );
    } finally {
      this.settled(entry);
    }
  }

  async retry(delivery: Delivery, delayMs: number, _error: DeliveryError): Promise<void> {
    const entry = this.entryOf(delivery);
    if (entry === undefined) return;
    const delay = Math.max(0, Math.floor(delayMs));
    // Marked before the server hears of it: an immediate redelivery must find it retrying.
    this.queue.markRetrying(entry, performance.now() + delay);
    const body = delay > 0 ? `-NAK ${JSON.stringify({ delay: nanos(delay) })}` : '-NAK';
    try {
      await this.ctx.confirm(
        entry.msg.reply,
        body,
        `the retry of ${this.describe(delivery)}`,
        this.place.topic,
      );
    } catch (err) {
      // Unconfirmed: it comes back after its lease at the latest.
      entry.retryDueAtMs = performance.now() + this.options.leaseMs;
      throw err;
    }
  }

  async deadLetter(
    delivery: Delivery,
    deadLetterTopic: string | undefined,
    error: DeliveryError,
  ): Promise<void> {
    const entry = this.entryOf(delivery);
    if (entry === undefined) return;
    this.queue.beginSettle(entry);
    if (deadLetterTopic !== undefined) {
      const m = entry.msg.message;
      const nowMs = Date.now();
      try {
        await this.ctx.publish(
          deadLetterTopic,
          {
            id: m.id,
            key: m.key,
            correlationId: m.correlationId,
            data: m.data,
            publishedAtMs: nowMs,
            deadLetter: {
              topic: this.place.topic,
              group: this.place.group,
              attempts: delivery.attempt,
              lastError: { type: error.type, message: error.message },
              deadLetteredAtMs: nowMs,
            },
          },
          // One per dead-lettering: a message redriven and dead-lettered again has a new seq.
          `baton:dead-letter:${this.place.topic}:${this.place.group}:${m.seq}`,
        );
      } catch (err) {
        this.queue.abortSettle(entry);
        throw err;
      }
    }
    try {
      await this.ctx.confirm(
        entry.msg.reply,
        '+TERM',
        `the dead-lettering of ${this.describe(delivery)}`,
        this.place.topic,
      );
    } finally {
      this.settled(entry);
    }
  }

  async extendLease(delivery: Delivery): Promise<void> {
    const entry = this.entryOf(delivery);
    if (entry === undefined || entry.state !== 'inflight') return;
    await this.ctx.confirm(
      entry.msg.reply,
      '+WPI',
      `the lease extension of ${this.describe(delivery)}`,
      this.place.topic,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.puller.close();
    this.stopKeepAlive();
    // Received but never handed out: let another member have them now rather than after their lease.
    for (const entry of this.queue.drainWaiting()) this.send(entry.msg.reply, '-NAK');
    this.onClose(this);
  }

  private receive(msg: Msg): void {
    const info = parseAckSubject(msg.reply);
    if (info === undefined || msg.reply === undefined) return;
    const message = decodeMessage(this.place.topic, info.streamSeq, msg.headers, msg.data, info.storedAtMs);
    if (this.closed) return this.send(msg.reply, '-NAK');
    if (message.redriveGroup !== undefined && message.redriveGroup !== this.place.group) {
      // Redriven for another group: settled here without being handed out.
      return this.send(msg.reply, '+ACK');
    }
    this.queue.offer(message.seq, message.key, { message, reply: msg.reply, attempt: info.deliveredCount });
    this.armKeepAlive();
  }

  private pullEnded(request: PullRequest): void {
    // The server had nothing more for a request sent well after these retries were due: another
    // member got them.
    if (request.endedByStatus && this.queue.releaseOverdueRetries(request.sentAtMs - RETRY_GRACE_MS) > 0) {
      this.puller.changed.fire();
    }
  }

  private settled(entry: Entry<Received>): void {
    this.queue.remove(entry);
    this.puller.changed.fire();
  }

  private entryOf(delivery: Delivery): Entry<Received> | undefined {
    if (delivery.topic !== this.place.topic || delivery.group !== this.place.group) return undefined;
    const entry = this.queue.get(delivery.seq);
    return entry === undefined || entry.state === 'settling' ? undefined : entry;
  }

  private toDelivery(entry: Entry<Received>): Delivery {
    return { ...toTopicMessage(entry.msg.message), group: this.place.group, attempt: entry.msg.attempt };
  }

  private describe(delivery: Delivery): string {
    const { topic, group } = this.place;
    return `message ${delivery.seq} ('${delivery.id}') of topic '${topic}' for group '${group}'`;
  }

  /** Fire-and-forget acknowledgement; a lost one only means a later redelivery. */
  private send(reply: string, body: string): void {
    try {
      this.ctx.nc.publish(reply, body);
    } catch {
      // The connection is closing: the server redelivers after the lease.
    }
  }

  private armKeepAlive(): void {
    if (this.keepAlive !== undefined || this.closed || this.queue.waitingCount === 0) return;
    this.keepAlive = setInterval(() => {
      const waiting = this.queue.waiting();
      if (waiting.length === 0 || this.closed) return this.stopKeepAlive();
      for (const entry of waiting) this.send(entry.msg.reply, '+WPI');
    }, this.keepAliveMs);
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }
}
