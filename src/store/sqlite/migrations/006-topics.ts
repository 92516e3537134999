/**
 * Migration 6: durable topics. `topic_messages` keeps every published message (dead letters too,
 * with the `dl_*` columns naming the delivery that gave up); `topic_groups` the consumer groups;
 * `topic_deliveries` one row per (group, message) until it is acked or dead-lettered. Never edit
 * once landed.
 */
export const migration006 = `
CREATE TABLE topic_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  msg_key TEXT,
  correlation_id TEXT NOT NULL,
  data BLOB NOT NULL,
  published_at_ms INTEGER NOT NULL,
  dl_topic TEXT,
  dl_group TEXT,
  dl_seq INTEGER,
  dl_attempts INTEGER,
  dl_error_type TEXT,
  dl_error_message TEXT,
  redriven_at_ms INTEGER
);
CREATE INDEX topic_messages_by_topic ON topic_messages (topic, seq);
CREATE INDEX topic_messages_by_id ON topic_messages (topic, msg_id, published_at_ms);
CREATE INDEX topic_messages_dead ON topic_messages (topic, redriven_at_ms) WHERE dl_topic IS NOT NULL;

CREATE TABLE topic_groups (
  topic TEXT NOT NULL,
  grp TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (topic, grp)
) WITHOUT ROWID;

CREATE TABLE topic_deliveries (
  topic TEXT NOT NULL,
  grp TEXT NOT NULL,
  seq INTEGER NOT NULL,
  msg_key TEXT,
  attempt INTEGER NOT NULL DEFAULT 0,
  visible_at_ms INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until_ms INTEGER,
  PRIMARY KEY (topic, grp, seq)
) WITHOUT ROWID;
CREATE INDEX topic_deliveries_by_key ON topic_deliveries (topic, grp, msg_key, seq) WHERE msg_key IS NOT NULL;
`;
