import type { Pool, PoolClient } from 'pg';
import type { Payload } from '../../common/converter.js';
import { StoreError } from '../../common/errors.js';
import type {
  Delivery,
  DeliveryError,
  PublishRequest,
  PublishResult,
  TopicMessage,
} from '../../common/topic-messages.js';
import type { DeliveryClaim, TopicStats, TopicStore } from '../topic-types.js';
import { LATEST_MESSAGES, postgresTopicStats } from './topic-stats.js';
import { inTransaction } from './transaction.js';

/** A BIGINT as `pg` returns it: a string by default, a number if someone installed a type parser. */
type BigIntValue = string | number;

/** A row of `topic_messages` (migration 002). */
interface MessageRow {
  seq: BigIntValue;
  topic: string;
  msg_id: string;
  msg_key: string | null;
  correlation_id: string;
  data: Uint8Array;
  data_is_text: boolean;
  published_at_ms: BigIntValue;
  dl_topic: string | null;
  dl_group: string | null;
  dl_seq: BigIntValue | null;
  dl_attempts: number | null;
  dl_error_type: string | null;
  dl_error_message: string | null;
  redriven_at_ms: BigIntValue | null;
}

/**
 * Class id of the transaction-level advisory locks taken per topic (the object id is a hash of
 * schema and topic), so they never collide with other advisory locks of the database.
 */
const TOPIC_LOCK_CLASS = 0x4254_4f50; // 'BTOP'

const SQL = {
  /** $1 topic. Serialises publishes, dead letters and group registrations of one topic. */
  lockTopic: `SELECT pg_advisory_xact_lock(${TOPIC_LOCK_CLASS}, hashtext(current_schema() || '.' || $1))`,
  /** $1 topic, $2 id, $3 window start (ms, exclusive). */
  duplicate: `SELECT seq FROM topic_messages
    WHERE topic = $1 AND msg_id = $2 AND published_at_ms > $3 AND dl_topic IS NULL
    ORDER BY seq DESC LIMIT 1`,
  /** $1..$13 the message's columns; inserts it and a delivery for every group of its topic. */
  append: `WITH m AS (
      INSERT INTO topic_messages (topic, msg_id, msg_key, correlation_id, data, data_is_text,
        published_at_ms, dl_topic, dl_group, dl_seq, dl_attempts, dl_error_type, dl_error_message)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
      RETURNING seq, topic, msg_key, published_at_ms),
    d AS (
      INSERT INTO topic_deliveries (topic, grp, seq, msg_key, visible_at_ms)
      SELECT g.topic, g.grp, m.seq, m.msg_key, m.published_at_ms FROM m JOIN topic_groups g ON g.topic = m.topic)
    SELECT seq FROM m`,
  /** $1 topic, $2 group, $3 now (ms). */
  insertGroup: `INSERT INTO topic_groups (topic, grp, created_at_ms) VALUES ($1, $2, $3)
    ON CONFLICT DO NOTHING`,
  /** $1 topic, $2 group, $3 now (ms). */
  backfill: `INSERT INTO topic_deliveries (topic, grp, seq, msg_key, visible_at_ms)
    SELECT topic, $2, seq, msg_key, $3 FROM topic_messages WHERE topic = $1
    ON CONFLICT DO NOTHING`,
  /**
   * $1 topic, $2 group, $3 now (ms), $4 max, $5 consumer id, $6 lease end (ms). Leases the due
   * deliveries, oldest first, skipping rows another claim or settlement holds; a keyed delivery
   * is due only when no earlier delivery of its key is left and none of its key is leased (a
   * redriven event must not run beside a later one). Returns the attempt and the message.
   */
  claim: `WITH due AS (
      SELECT d.seq FROM topic_deliveries d
       WHERE d.topic = $1 AND d.grp = $2 AND d.visible_at_ms <= $3
         AND (d.lease_until_ms IS NULL OR d.lease_until_ms <= $3)
         AND (d.msg_key IS NULL OR NOT EXISTS (
               SELECT 1 FROM topic_deliveries e
                WHERE e.topic = d.topic AND e.grp = d.grp AND e.msg_key = d.msg_key
                  AND (e.seq < d.seq OR e.lease_until_ms > $3)))
       ORDER BY d.seq LIMIT $4
       FOR UPDATE OF d SKIP LOCKED)
    UPDATE topic_deliveries t SET attempt = t.attempt + 1, lease_owner = $5, lease_until_ms = $6
      FROM due, topic_messages m
     WHERE t.topic = $1 AND t.grp = $2 AND t.seq = due.seq AND m.seq = t.seq
    RETURNING t.attempt, m.*`,
  /** $1 topic, $2 group, $3 seq, $4 attempt. */
  remove: `DELETE FROM topic_deliveries WHERE topic = $1 AND grp = $2 AND seq = $3 AND attempt = $4`,
  /** $1..$4 as `remove`, $5 visible at (ms). */
  retry: `UPDATE topic_deliveries SET visible_at_ms = $5, lease_owner = NULL, lease_until_ms = NULL
    WHERE topic = $1 AND grp = $2 AND seq = $3 AND attempt = $4`,
  /** $1..$4 as `remove`, $5 lease end (ms). */
  extend: `UPDATE topic_deliveries SET lease_until_ms = $5
    WHERE topic = $1 AND grp = $2 AND seq = $3 AND attempt = $4`,
  /**
   * $1 dead-letter topic, $2 now (ms). Marks its dead letters not yet redriven and gives each a
   * fresh delivery (attempt 0) in its group; one statement, so two redrives never take the same
   * dead letter. Returns the original topic of each.
   */
  redrive: `WITH dead AS (
      UPDATE topic_messages SET redriven_at_ms = $2
       WHERE topic = $1 AND dl_topic IS NOT NULL AND redriven_at_ms IS NULL
      RETURNING dl_topic, dl_group, dl_seq, msg_key),
    redelivered AS (
      INSERT INTO topic_deliveries (topic, grp, seq, msg_key, visible_at_ms)
      SELECT DISTINCT ON (dl_topic, dl_group, dl_seq) dl_topic, dl_group, dl_seq, msg_key, $2 FROM dead
      ON CONFLICT (topic, grp, seq) DO UPDATE SET attempt = 0, visible_at_ms = EXCLUDED.visible_at_ms,
        lease_owner = NULL, lease_until_ms = NULL)
    SELECT dl_topic FROM dead`,
  /** $1 topic, $2 after seq, $3 since (ms), $4 limit. */
  read: `SELECT * FROM topic_messages WHERE topic = $1 AND seq > $2 AND published_at_ms >= $3
    ORDER BY seq LIMIT $4`,
};

/** A payload as stored: its bytes (UTF-8 for a string) and whether it was a string. */
function toColumns(data: Payload): [Buffer, boolean] {
  if (typeof data === 'string') return [Buffer.from(data, 'utf8'), true];
  return [Buffer.from(data.buffer, data.byteOffset, data.byteLength), false];
}

/** The payload of a row, of the type it was published with (a plain `Uint8Array` copy for bytes). */
function toPayload(r: MessageRow): Payload {
  const bytes = Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  return r.data_is_text ? bytes.toString('utf8') : new Uint8Array(bytes);
}

function toMessage(r: MessageRow): TopicMessage {
  const publishedAtMs = Number(r.published_at_ms);
  return {
    topic: r.topic,
    seq: Number(r.seq),
    id: r.msg_id,
    key: r.msg_key ?? undefined,
    correlationId: r.correlation_id,
    data: toPayload(r),
    publishedAtMs,
    deadLetter:
      r.dl_topic === null
        ? undefined
        : {
            topic: r.dl_topic,
            group: r.dl_group ?? '',
            attempts: Number(r.dl_attempts ?? 0),
            lastError: { type: r.dl_error_type ?? 'Error', message: r.dl_error_message ?? '' },
            deadLetteredAtMs: publishedAtMs,
          },
  };
}

/** The fencing key of a delivery: `$1..$4` of `remove`, `retry` and `extend`. */
function fence(d: Delivery): [string, string, number, number] {
  return [d.topic, d.group, d.seq, d.attempt];
}

/** Runs `fn`, wrapping a foreign error in a `StoreError` that names the operation. */
async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError(`PostgreSQL topic store: ${what} failed: ${(err as Error).message}`, err);
  }
}

/**
 * Durable topics on PostgreSQL (tables of migration 002, in the schema the pool's `search_path`
 * selects). Single-statement writes run on their own; the others in one transaction.
 * `notify(topic)` runs after each commit that made a delivery of `topic` due.
 *
 * Concurrency: a publish, a dead letter (on its dead-letter topic) and a group registration take a
 * transaction-level advisory lock on their topic first. So within a topic, message seqs are
 * committed in increasing order (a reader following `afterSeq` never skips one committed late), a
 * duplicate check sees every earlier publish of the id, from any process, and a group registered
 * while a publish runs gets that message by fan-out or by backfill, never by neither.
 *
 * @example
 * const topics = new PostgresTopicStore(pool, (topic) => wakeConsumers(topic));
 * await topics.registerGroup('pokemon.encountered', 'status', Date.now());
 * await topics.publish(
 *   { topic: 'pokemon.encountered', id: 'e1', key: 'mewtwo', correlationId: 'e1', data: '{}' },
 *   Date.now(),
 *   120_000,
 * );
 */
export class PostgresTopicStore implements TopicStore {
  constructor(
    private readonly pool: Pool,
    private readonly notify: (topic: string) => void,
  ) {}

  async publish(req: PublishRequest, nowMs: number, dedupWindowMs: number): Promise<PublishResult> {
    const result = await guarded(`publish to '${req.topic}'`, () =>
      this.transaction(async (c): Promise<PublishResult> => {
        await c.query(SQL.lockTopic, [req.topic]);
        const dup = await c.query<{ seq: BigIntValue }>(SQL.duplicate, [
          req.topic,
          req.id,
          nowMs - dedupWindowMs,
        ]);
        const earlier = dup.rows[0];
        if (earlier !== undefined) return { seq: Number(earlier.seq), deduplicated: true };
        return { seq: await append(c, req, nowMs, undefined), deduplicated: false };
      }),
    );
    if (!result.deduplicated) this.notify(req.topic);
    return result;
  }

  async registerGroup(topic: string, group: string, nowMs: number): Promise<void> {
    await guarded(`registering group '${group}' of '${topic}'`, () =>
      this.transaction(async (c) => {
        await c.query(SQL.lockTopic, [topic]);
        const inserted = await c.query(SQL.insertGroup, [topic, group, nowMs]);
        if (inserted.rowCount === 1) await c.query(SQL.backfill, [topic, group, nowMs]);
      }),
    );
    this.notify(topic);
  }

  async claimDeliveries(req: DeliveryClaim): Promise<Delivery[]> {
    const params = [req.topic, req.group, req.nowMs, req.max, req.consumerId, req.nowMs + req.leaseMs];
    const { rows } = await guarded(`claiming deliveries of group '${req.group}' of '${req.topic}'`, () =>
      this.pool.query<MessageRow & { attempt: number }>(SQL.claim, params),
    );
    return rows
      .map((r): Delivery => ({ ...toMessage(r), group: req.group, attempt: Number(r.attempt) }))
      .sort((a, b) => a.seq - b.seq);
  }

  async ack(d: Delivery): Promise<boolean> {
    const res = await guarded(`ack of seq ${d.seq} in '${d.topic}'`, () =>
      this.pool.query(SQL.remove, fence(d)),
    );
    return res.rowCount === 1;
  }

  async retry(d: Delivery, visibleAtMs: number): Promise<boolean> {
    const res = await guarded(`retry of seq ${d.seq} in '${d.topic}'`, () =>
      this.pool.query(SQL.retry, [...fence(d), visibleAtMs]),
    );
    const applied = res.rowCount === 1;
    if (applied) this.notify(d.topic);
    return applied;
  }

  async deadLetter(
    d: Delivery,
    deadLetterTopic: string | undefined,
    error: DeliveryError,
    nowMs: number,
  ): Promise<boolean> {
    const applied = await guarded(`dead-lettering seq ${d.seq} of '${d.topic}'`, () =>
      this.transaction(async (c) => {
        const removed = await c.query(SQL.remove, fence(d));
        if (removed.rowCount !== 1) return false;
        if (deadLetterTopic === undefined) return true;
        await c.query(SQL.lockTopic, [deadLetterTopic]);
        const letter = {
          topic: deadLetterTopic,
          id: d.id,
          key: d.key,
          correlationId: d.correlationId,
          data: d.data,
        };
        await append(c, letter, nowMs, { delivery: d, error });
        return true;
      }),
    );
    if (applied && deadLetterTopic !== undefined) this.notify(deadLetterTopic);
    return applied;
  }

  async extendLease(d: Delivery, leaseMs: number, nowMs: number): Promise<boolean> {
    const res = await guarded(`extending the lease of seq ${d.seq} in '${d.topic}'`, () =>
      this.pool.query(SQL.extend, [...fence(d), nowMs + leaseMs]),
    );
    return res.rowCount === 1;
  }

  async redrive(deadLetterTopic: string, nowMs: number): Promise<number> {
    const { rows } = await guarded(`redrive of '${deadLetterTopic}'`, () =>
      this.pool.query<{ dl_topic: string }>(SQL.redrive, [deadLetterTopic, nowMs]),
    );
    for (const topic of new Set(rows.map((r) => r.dl_topic))) this.notify(topic);
    return rows.length;
  }

  async readMessages(
    topic: string,
    afterSeq: number,
    sinceMs: number,
    limit: number,
  ): Promise<TopicMessage[]> {
    const { rows } = await guarded(`reading '${topic}'`, () =>
      this.pool.query<MessageRow>(SQL.read, [topic, afterSeq, sinceMs, limit]),
    );
    return rows.map(toMessage);
  }

  async topicStats(topic?: string): Promise<TopicStats[]> {
    return guarded(topic === undefined ? 'topic statistics' : `statistics of '${topic}'`, () =>
      postgresTopicStats(this.pool, topic),
    );
  }

  async latestMessages(topic: string, limit: number): Promise<TopicMessage[]> {
    const { rows } = await guarded(`reading the newest messages of '${topic}'`, () =>
      this.pool.query<MessageRow>(LATEST_MESSAGES, [topic, limit]),
    );
    return rows.map(toMessage);
  }

  private transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, fn);
  }
}

/**
 * Appends a message (a dead letter when `dead` is given) and a delivery for every group of its
 * topic, inside the caller's transaction, which holds the topic's lock. Resolves with its seq.
 */
async function append(
  c: PoolClient,
  req: PublishRequest,
  nowMs: number,
  dead: { delivery: Delivery; error: DeliveryError } | undefined,
): Promise<number> {
  const [data, isText] = toColumns(req.data);
  const { rows } = await c.query<{ seq: BigIntValue }>(SQL.append, [
    req.topic,
    req.id,
    req.key ?? null,
    req.correlationId,
    data,
    isText,
    nowMs,
    dead?.delivery.topic ?? null,
    dead?.delivery.group ?? null,
    dead?.delivery.seq ?? null,
    dead?.delivery.attempt ?? null,
    dead?.error.type ?? null,
    dead?.error.message ?? null,
  ]);
  return Number(rows[0]!.seq);
}
