/**
 * Pull requests to a JetStream consumer, sent by hand (`$JS.API.CONSUMER.MSG.NEXT`) so that a
 * wait can be any length, a request ends as soon as it has delivered what is available, and
 * closing interrupts a wait at once. Each request is `{ batch, no_wait: true, expires }`: the
 * server waits up to `expires` for the first message, then sends what it has and ends the request
 * with a status (or ends it silently when the batch is full).
 */
import { createInbox, nanos } from '@nats-io/transport-node';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { JetStreamBrokerError } from './errors.js';
import { Signal } from './signal.js';

/** Most messages asked for in one pull request. */
export const MAX_PULL_BATCH = 256;
/** How long past its expiry the server's answer to a pull request is waited for. */
const RESPONSE_GRACE_MS = 2_000;
/** Pause after the server ended a request early with nothing (another member's were pending). */
const EARLY_END_PAUSE_MS = 25;

/** A pull request, as {@link Puller} tracks it. Times are `performance.now()` milliseconds. */
export interface PullRequest {
  readonly token: string;
  readonly batch: number;
  received: number;
  readonly sentAtMs: number;
  /** When the server ends it at the latest. */
  readonly endsAtMs: number;
  endedAtMs: number | undefined;
  /** Ended by a status (not by filling its batch): the server had nothing more for this request. */
  endedByStatus: boolean;
  pausedAfter: boolean;
}

/** What {@link Puller.pullUntil} pulls for. */
export interface PullPlan {
  /** `performance.now()` time after which no request waits and the loop ends. */
  deadlineMs: number;
  /** How many messages to ask for next; 0 when there is no room (then it waits for a change). */
  batch(): number;
  /** True once the caller has what it needs. */
  satisfied(): boolean;
  /** True once the caller is closed. */
  stopped(): boolean;
  /** Keep pulling past the deadline while requests still return messages (a filtered read). */
  untilCaughtUp?: boolean;
  /** The longest the next request may wait on the server (0: answer at once). */
  maxWaitMs?: () => number;
}

/** Fatal statuses: the consumer or JetStream is gone. */
function isFatalStatus(code: number, description: string): boolean {
  return code === 503 || (code === 409 && /consumer (is )?(deleted|push based)/i.test(description));
}

/** One inbox subscription and the pull requests sent through it to one consumer. */
export class Puller {
  /** Fires when a message or a status arrives, and when the puller closes. */
  readonly changed = new Signal();
  private readonly inbox = createInbox();
  private readonly sub: Subscription;
  private current: PullRequest | undefined;
  private failure: Error | undefined;
  private closed = false;
  private tokens = 0;

  constructor(
    private readonly nc: NatsConnection,
    /** `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`. */
    private readonly nextSubject: string,
    private readonly onMessage: (msg: Msg) => void,
    private readonly onPullEnd: (request: PullRequest) => void = () => undefined,
  ) {
    this.sub = nc.subscribe(`${this.inbox}.*`, { callback: (err, msg) => this.receive(err, msg) });
  }

  /** True when no pull request is waiting on the server. */
  get idle(): boolean {
    return this.current === undefined || this.current.endedAtMs !== undefined;
  }

  /** Messages received for the current request (0 when idle). */
  get receivedByCurrent(): number {
    return this.idle ? 0 : (this.current?.received ?? 0);
  }

  /**
   * Stops listening; a pending {@link pullUntil} returns. Messages still on their way are lost
   * here (the server hands them out again after their lease).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sub.unsubscribe();
    this.changed.fire();
  }

  private receive(err: Error | null, msg: Msg): void {
    if (err !== null) {
      this.failure = new JetStreamBrokerError(`pull subscription failed: ${err.message}`, undefined, err);
      this.changed.fire();
      return;
    }
    const code = msg.headers?.code ?? 0;
    if (code === 0) {
      if (msg.reply === undefined) return;
      const request = this.current;
      if (request !== undefined && request.endedAtMs === undefined) {
        request.received += 1;
        if (request.received >= request.batch) this.end(request, false);
      }
      this.onMessage(msg);
      this.changed.fire();
      return;
    }
    if (code === 100) return; // heartbeat or flow control
    const description = msg.headers?.description ?? '';
    const request = this.current;
    if (
      request !== undefined &&
      request.endedAtMs === undefined &&
      msg.subject === `${this.inbox}.${request.token}`
    ) {
      this.end(request, true);
    }
    if (isFatalStatus(code, description)) {
      this.failure = new JetStreamBrokerError(
        `JetStream refused a pull request (${code} ${description}) on ${this.nextSubject}`,
      );
    }
    this.changed.fire();
  }

  private end(request: PullRequest, byStatus: boolean): void {
    request.endedAtMs = performance.now();
    request.endedByStatus = byStatus;
    this.onPullEnd(request);
  }

  private send(batch: number, waitMs: number): PullRequest {
    const token = String(++this.tokens);
    const wait = Math.floor(waitMs);
    const body = wait >= 1 ? { batch, no_wait: true, expires: nanos(wait) } : { batch, no_wait: true };
    const now = performance.now();
    const request: PullRequest = (this.current = {
      token,
      batch,
      received: 0,
      sentAtMs: now,
      endsAtMs: now + Math.max(0, wait),
      endedAtMs: undefined,
      endedByStatus: false,
      pausedAfter: false,
    });
    try {
      this.nc.publish(this.nextSubject, JSON.stringify(body), { reply: `${this.inbox}.${token}` });
    } catch (err) {
      request.endedAtMs = now;
      this.failure = new JetStreamBrokerError(
        `could not send a pull request to ${this.nextSubject}`,
        undefined,
        err,
      );
    }
    return request;
  }

  /**
   * Sends pull requests (one at a time) until `plan.satisfied()`, `plan.stopped()`, closing, or
   * the deadline; received messages go to `onMessage`. Sends at least one request, which may wait
   * as long as there is time left.
   *
   * @throws JetStreamBrokerError when the consumer or JetStream is gone or the connection failed.
   */
  async pullUntil(plan: PullPlan): Promise<void> {
    let mine: PullRequest | undefined;
    for (;;) {
      if (this.closed || plan.stopped() || plan.satisfied()) return;
      const failure = this.failure;
      if (failure !== undefined) {
        this.failure = undefined; // reported once: a later call tries again
        throw failure;
      }
      const now = performance.now();
      const request = this.current;
      if (request !== undefined && request.endedAtMs === undefined) {
        // Wait for the server's word on ours; one left by an earlier call only until the deadline.
        const overdueAtMs = request.endsAtMs + RESPONSE_GRACE_MS;
        const until = request === mine ? overdueAtMs : Math.min(plan.deadlineMs, overdueAtMs);
        if (now >= until) {
          if (request !== mine && now < overdueAtMs) return;
          this.end(request, false); // the server never answered: forget it
          continue;
        }
        await this.changed.wait(until - now);
        continue;
      }
      const leftMs = plan.deadlineMs - now;
      const caughtUp = plan.untilCaughtUp !== true || request === undefined || request.received === 0;
      if (mine !== undefined && leftMs <= 0 && caughtUp) return;
      const batch = Math.min(plan.batch(), MAX_PULL_BATCH);
      if (batch <= 0) {
        if (leftMs <= 0) return;
        await this.changed.wait(leftMs);
        continue;
      }
      if (request !== undefined && this.endedEarly(request) && leftMs > 0) {
        request.pausedAfter = true;
        await this.changed.wait(Math.min(leftMs, EARLY_END_PAUSE_MS));
        continue;
      }
      mine = this.send(batch, Math.max(0, Math.min(leftMs, plan.maxWaitMs?.() ?? Infinity)));
    }
  }

  private endedEarly(request: PullRequest): boolean {
    return (
      !request.pausedAfter &&
      request.endedByStatus &&
      request.received === 0 &&
      request.endsAtMs > request.sentAtMs &&
      (request.endedAtMs ?? 0) < request.endsAtMs - 5
    );
  }
}
