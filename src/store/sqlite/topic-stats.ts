/**
 * Read-only topic statistics on SQLite (tables of migration 6): message counts, consumer groups,
 * lag and dead letters, and the newest messages of a topic. One read transaction, so the counts
 * agree with each other.
 */
import type Database from 'better-sqlite3';
import { mergeTopicStats, type TopicStatRows } from '../topic-stats.js';
import type { TopicStats } from '../topic-types.js';

/** `?` stands for the topic; each statement comes for all topics and for one. */
const SQL = {
  events: `SELECT topic, COUNT(*) AS n FROM topic_messages %W GROUP BY topic`,
  groups: `SELECT topic, grp FROM topic_groups %W`,
  lag: `SELECT topic, grp, COUNT(*) AS n FROM topic_deliveries %W GROUP BY topic, grp`,
  dead: `SELECT dl_topic AS topic, dl_group AS grp, COUNT(*) AS n FROM topic_messages
          WHERE dl_topic IS NOT NULL AND redriven_at_ms IS NULL %A GROUP BY dl_topic, dl_group`,
  latest: `SELECT * FROM (SELECT * FROM topic_messages WHERE topic = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
};

function prepareStats(db: Database.Database, one: boolean) {
  const where = (sql: string): string =>
    sql.replace('%W', one ? 'WHERE topic = ?' : '').replace('%A', one ? 'AND dl_topic = ?' : '');
  return {
    events: db.prepare(where(SQL.events)),
    groups: db.prepare(where(SQL.groups)),
    lag: db.prepare(where(SQL.lag)),
    dead: db.prepare(where(SQL.dead)),
  };
}

/** Statistics and latest messages of the topics of one SQLite database. */
export class SqliteTopicStats {
  private readonly all: ReturnType<typeof prepareStats>;
  private readonly one: ReturnType<typeof prepareStats>;
  private readonly latestStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.all = prepareStats(db, false);
    this.one = prepareStats(db, true);
    this.latestStmt = db.prepare(SQL.latest);
  }

  /** Every topic (or only `topic`) with its message count and its groups' lag and dead letters. */
  stats(topic?: string): TopicStats[] {
    const st = topic === undefined ? this.all : this.one;
    const params = topic === undefined ? [] : [topic];
    const rows = this.db.transaction((): TopicStatRows => ({
      events: st.events.all(...params) as TopicStatRows['events'],
      groups: st.groups.all(...params) as TopicStatRows['groups'],
      lag: st.lag.all(...params) as TopicStatRows['lag'],
      dead: st.dead.all(...params) as TopicStatRows['dead'],
    }))();
    return mergeTopicStats(rows);
  }

  /** The rows of the newest `limit` messages of `topic`, oldest first. */
  latestRows(topic: string, limit: number): unknown[] {
    return this.latestStmt.all(topic, limit);
  }
}
