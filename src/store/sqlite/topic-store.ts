import type Database from 'better-sqlite3';
import type {
  Delivery,
  DeliveryError,
  PublishRequest,
  PublishResult,
  TopicMessage,
} from '../../common/topic-messages.js';
import type { DeliveryClaim, TopicStats, TopicStore } from '../topic-types.js';
import { SqliteTopicStats } from './topic-stats.js';

/** A row of `topic_messages`. */
interface MessageRow {
  seq: number;
  topic: string;
  msg_id: string;
  msg_key: string | null;
  correlation_id: string;
  data: string | Uint8Array;
  published_at_ms: number;
  dl_topic: string | null;
  dl_group: string | null;
  dl_seq: number | null;
  dl_attempts: number | null;
  dl_error_type: string | null;
  dl_error_message: string | null;
  redriven_at_ms: number | null;
}

const CLAIMABLE = `
SELECT d.seq AS seq FROM topic_deliveries d
 WHERE d.topic = @topic AND d.grp = @group AND d.visible_at_ms <= @now
   AND (d.lease_until_ms IS NULL OR d.lease_until_ms <= @now)
   AND (d.msg_key IS NULL OR NOT EXISTS (
         SELECT 1 FROM topic_deliveries e
          WHERE e.topic = d.topic AND e.grp = d.grp AND e.msg_key = d.msg_key
            AND (e.seq < d.seq OR e.lease_until_ms > @now)))
 ORDER BY d.seq LIMIT @max`;

function prepare(db: Database.Database) {
  return {
    duplicate: db.prepare(
      `SELECT seq FROM topic_messages WHERE topic = ? AND msg_id = ? AND published_at_ms > ? AND dl_topic IS NULL
        ORDER BY seq DESC LIMIT 1`,
    ),
    insertMessage: db.prepare(
      `INSERT INTO topic_messages (topic, msg_id, msg_key, correlation_id, data, published_at_ms,
         dl_topic, dl_group, dl_seq, dl_attempts, dl_error_type, dl_error_message)
       VALUES (@topic, @id, @key, @correlationId, @data, @now, @dlTopic, @dlGroup, @dlSeq, @dlAttempts, @dlType, @dlMessage)`,
    ),
    fanOut: db.prepare(
      `INSERT INTO topic_deliveries (topic, grp, seq, msg_key, visible_at_ms)
       SELECT topic, grp, ?, ?, ? FROM topic_groups WHERE topic = ?`,
    ),
    insertGroup: db.prepare(
      `INSERT OR IGNORE INTO topic_groups (topic, grp, created_at_ms) VALUES (?, ?, ?)`,
    ),
    backfill: db.prepare(
      `INSERT OR IGNORE INTO topic_deliveries (topic, grp, seq, msg_key, visible_at_ms)
       SELECT topic, ?, seq, msg_key, ? FROM topic_messages WHERE topic = ?`,
    ),
    claimable: db.prepare(CLAIMABLE),
    lease: db.prepare(
      `UPDATE topic_deliveries SET attempt = attempt + 1, lease_owner = ?, lease_until_ms = ?
        WHERE topic = ? AND grp = ? AND seq = ? RETURNING attempt`,
    ),
    message: db.prepare(`SELECT * FROM topic_messages WHERE seq = ?`),
    remove: db.prepare(
      `DELETE FROM topic_deliveries WHERE topic = ? AND grp = ? AND seq = ? AND attempt = ?`,
    ),
    retry: db.prepare(
      `UPDATE topic_deliveries SET visible_at_ms = ?, lease_owner = NULL, lease_until_ms = NULL
        WHERE topic = ? AND grp = ? AND seq = ? AND attempt = ?`,
    ),
    extend: db.prepare(
      `UPDATE topic_deliveries SET lease_until_ms = ? WHERE topic = ? AND grp = ? AND seq = ? AND attempt = ?`,
    ),
    deadLetters: db.prepare(
      `SELECT * FROM topic_messages WHERE topic = ? AND dl_topic IS NOT NULL AND redriven_at_ms IS NULL ORDER BY seq`,
    ),
    redeliver: db.prepare(
      `INSERT INTO topic_deliveries (topic, grp, seq, msg_key, visible_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (topic, grp, seq) DO UPDATE SET attempt = 0, visible_at_ms = excluded.visible_at_ms,
         lease_owner = NULL, lease_until_ms = NULL`,
    ),
    markRedriven: db.prepare(`UPDATE topic_messages SET redriven_at_ms = ? WHERE seq = ?`),
    read: db.prepare(
      `SELECT * FROM topic_messages WHERE topic = ? AND seq > ? AND published_at_ms >= ? ORDER BY seq LIMIT ?`,
    ),
  };
}

type TopicStatements = ReturnType<typeof prepare>;

function toMessage(r: MessageRow): TopicMessage {
  return {
    topic: r.topic,
    seq: r.seq,
    id: r.msg_id,
    key: r.msg_key ?? undefined,
    correlationId: r.correlation_id,
    data: r.data,
    publishedAtMs: r.published_at_ms,
    deadLetter:
      r.dl_topic === null
        ? undefined
        : {
            topic: r.dl_topic,
            group: r.dl_group ?? '',
            attempts: r.dl_attempts ?? 0,
            lastError: { type: r.dl_error_type ?? 'Error', message: r.dl_error_message ?? '' },
            deadLetteredAtMs: r.published_at_ms,
          },
  };
}

/**
 * Durable topics on the SQLite database of a {@link SqliteStore}. Each write is its own IMMEDIATE
 * transaction (several processes may share the file); `notify(topic)` runs after each commit that
 * made a delivery due.
 */
export class SqliteTopicStore implements TopicStore {
  private readonly st: TopicStatements;
  private readonly statsReader: SqliteTopicStats;

  constructor(
    private readonly db: Database.Database,
    private readonly notify: (topic: string) => void,
  ) {
    this.st = prepare(db);
    this.statsReader = new SqliteTopicStats(db);
  }

  async publish(req: PublishRequest, nowMs: number, dedupWindowMs: number): Promise<PublishResult> {
    const result = this.db
      .transaction((): PublishResult => {
        const dup = this.st.duplicate.get(req.topic, req.id, nowMs - dedupWindowMs) as
          { seq: number } | undefined;
        if (dup !== undefined) return { seq: dup.seq, deduplicated: true };
        return { seq: this.append(req, nowMs, undefined), deduplicated: false };
      })
      .immediate();
    if (!result.deduplicated) this.notify(req.topic);
    return result;
  }

  async registerGroup(topic: string, group: string, nowMs: number): Promise<void> {
    this.db
      .transaction(() => {
        if (this.st.insertGroup.run(topic, group, nowMs).changes === 1)
          this.st.backfill.run(group, nowMs, topic);
      })
      .immediate();
    this.notify(topic);
  }

  async claimDeliveries(req: DeliveryClaim): Promise<Delivery[]> {
    return this.db
      .transaction(() => {
        const due = this.st.claimable.all({
          topic: req.topic,
          group: req.group,
          now: req.nowMs,
          max: req.max,
        }) as { seq: number }[];
        return due.map(({ seq }) => {
          const { attempt } = this.st.lease.get(
            req.consumerId,
            req.nowMs + req.leaseMs,
            req.topic,
            req.group,
            seq,
          ) as { attempt: number };
          const message = toMessage(this.st.message.get(seq) as MessageRow);
          return { ...message, group: req.group, attempt };
        });
      })
      .immediate();
  }

  async ack(d: Delivery): Promise<boolean> {
    return this.st.remove.run(d.topic, d.group, d.seq, d.attempt).changes === 1;
  }

  async retry(d: Delivery, visibleAtMs: number): Promise<boolean> {
    const applied = this.st.retry.run(visibleAtMs, d.topic, d.group, d.seq, d.attempt).changes === 1;
    if (applied) this.notify(d.topic);
    return applied;
  }

  async deadLetter(
    d: Delivery,
    deadLetterTopic: string | undefined,
    error: DeliveryError,
    nowMs: number,
  ): Promise<boolean> {
    const applied = this.db
      .transaction(() => {
        if (this.st.remove.run(d.topic, d.group, d.seq, d.attempt).changes !== 1) return false;
        if (deadLetterTopic !== undefined) {
          const req = {
            topic: deadLetterTopic,
            id: d.id,
            key: d.key,
            correlationId: d.correlationId,
            data: d.data,
          };
          this.append(req, nowMs, { delivery: d, error });
        }
        return true;
      })
      .immediate();
    if (applied && deadLetterTopic !== undefined) this.notify(deadLetterTopic);
    return applied;
  }

  async extendLease(d: Delivery, leaseMs: number, nowMs: number): Promise<boolean> {
    return this.st.extend.run(nowMs + leaseMs, d.topic, d.group, d.seq, d.attempt).changes === 1;
  }

  async redrive(deadLetterTopic: string, nowMs: number): Promise<number> {
    const touched = new Set<string>();
    const count = this.db
      .transaction(() => {
        const rows = this.st.deadLetters.all(deadLetterTopic) as MessageRow[];
        for (const r of rows) {
          this.st.redeliver.run(r.dl_topic, r.dl_group, r.dl_seq, r.msg_key, nowMs);
          this.st.markRedriven.run(nowMs, r.seq);
          touched.add(r.dl_topic!);
        }
        return rows.length;
      })
      .immediate();
    for (const t of touched) this.notify(t);
    return count;
  }

  async readMessages(
    topic: string,
    afterSeq: number,
    sinceMs: number,
    limit: number,
  ): Promise<TopicMessage[]> {
    return (this.st.read.all(topic, afterSeq, sinceMs, limit) as MessageRow[]).map(toMessage);
  }

  async topicStats(topic?: string): Promise<TopicStats[]> {
    return this.statsReader.stats(topic);
  }

  async latestMessages(topic: string, limit: number): Promise<TopicMessage[]> {
    return (this.statsReader.latestRows(topic, limit) as MessageRow[]).map(toMessage);
  }

  /** Appends a message (a dead letter when `dead` is given) and its deliveries; returns its seq. */
  private append(
    req: PublishRequest,
    nowMs: number,
    dead: { delivery: Delivery; error: DeliveryError } | undefined,
  ): number {
    const seq = Number(
      this.st.insertMessage.run({
        topic: req.topic,
        id: req.id,
        key: req.key ?? null,
        correlationId: req.correlationId,
        data: req.data,
        now: nowMs,
        dlTopic: dead?.delivery.topic ?? null,
        dlGroup: dead?.delivery.group ?? null,
        dlSeq: dead?.delivery.seq ?? null,
        dlAttempts: dead?.delivery.attempt ?? null,
        dlType: dead?.error.type ?? null,
        dlMessage: dead?.error.message ?? null,
      }).lastInsertRowid,
    );
    this.st.fanOut.run(seq, req.key ?? null, nowMs, req.topic);
    return seq;
  }
}
