/**
 * Read-only topic statistics on PostgreSQL (tables of migration 002): message counts, consumer
 * groups, lag and dead letters in one statement (one snapshot), and the newest messages of a topic.
 */
import type { Pool } from 'pg';
import { mergeTopicStats, type TopicStatRows } from '../topic-stats.js';
import type { TopicStats } from '../topic-types.js';

/**
 * $1 the topic, or NULL for all. One row per (kind, topic, group): kind `e` messages per topic,
 * `g` a registered group, `l` deliveries left per group, `d` dead letters not redriven per
 * original topic and group. One statement, so the counts come from one snapshot.
 */
const STATS = `
  SELECT 'e' AS kind, topic, NULL AS grp, COUNT(*) AS n FROM topic_messages
   WHERE $1::text IS NULL OR topic = $1 GROUP BY topic
  UNION ALL
  SELECT 'g', topic, grp, 0 FROM topic_groups WHERE $1::text IS NULL OR topic = $1
  UNION ALL
  SELECT 'l', topic, grp, COUNT(*) FROM topic_deliveries
   WHERE $1::text IS NULL OR topic = $1 GROUP BY topic, grp
  UNION ALL
  SELECT 'd', dl_topic, dl_group, COUNT(*) FROM topic_messages
   WHERE dl_topic IS NOT NULL AND redriven_at_ms IS NULL AND ($1::text IS NULL OR dl_topic = $1)
   GROUP BY dl_topic, dl_group`;

/** $1 topic, $2 limit: the newest messages, oldest first. */
export const LATEST_MESSAGES = `SELECT * FROM (
    SELECT * FROM topic_messages WHERE topic = $1 ORDER BY seq DESC LIMIT $2) newest
  ORDER BY seq`;

/** Every topic (or only `topic`) with its message count and its groups' lag and dead letters. */
export async function postgresTopicStats(pool: Pool, topic: string | undefined): Promise<TopicStats[]> {
  const { rows } = await pool.query<{ kind: string; topic: string; grp: string | null; n: string | number }>(
    STATS,
    [topic ?? null],
  );
  const merged: TopicStatRows = { events: [], groups: [], lag: [], dead: [] };
  for (const r of rows) {
    if (r.kind === 'e') merged.events.push({ topic: r.topic, n: r.n });
    else if (r.kind === 'g') merged.groups.push({ topic: r.topic, grp: r.grp ?? '' });
    else if (r.kind === 'l') merged.lag.push({ topic: r.topic, grp: r.grp ?? '', n: r.n });
    else merged.dead.push({ topic: r.topic, grp: r.grp ?? '', n: r.n });
  }
  return mergeTopicStats(merged);
}
