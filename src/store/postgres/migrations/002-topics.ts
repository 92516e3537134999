/**
 * Migration 2 (PostgreSQL): durable topics, the same tables as SQLite's migration 6.
 * `topic_messages` keeps every published message (dead letters too, with the `dl_*` columns naming
 * the delivery that gave up); `topic_groups` the consumer groups; `topic_deliveries` one row per
 * (group, message) until it is acked or dead-lettered. A payload is `string | Uint8Array`: `data`
 * holds its bytes (UTF-8 for a string) and `data_is_text` says which it was. Times are epoch
 * milliseconds (BIGINT). Unqualified names: the connection's `search_path` picks the schema.
 * Depends on no other migration's tables. Never edit once landed.
 */
export const migration002 = `
CREATE TABLE topic_messages (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  msg_key TEXT,
  correlation_id TEXT NOT NULL,
  data BYTEA NOT NULL,
  data_is_text BOOLEAN NOT NULL,
  published_at_ms BIGINT NOT NULL,
  dl_topic TEXT,
  dl_group TEXT,
  dl_seq BIGINT,
  dl_attempts INTEGER,
  dl_error_type TEXT,
  dl_error_message TEXT,
  redriven_at_ms BIGINT
);
CREATE INDEX topic_messages_by_topic ON topic_messages (topic, seq);
CREATE INDEX topic_messages_by_id ON topic_messages (topic, msg_id, published_at_ms);
CREATE INDEX topic_messages_dead ON topic_messages (topic, redriven_at_ms) WHERE dl_topic IS NOT NULL;

CREATE TABLE topic_groups (
  topic TEXT NOT NULL,
  grp TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (topic, grp)
);

CREATE TABLE topic_deliveries (
  topic TEXT NOT NULL,
  grp TEXT NOT NULL,
  seq BIGINT NOT NULL,
  msg_key TEXT,
  attempt INTEGER NOT NULL DEFAULT 0,
  visible_at_ms BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until_ms BIGINT,
  PRIMARY KEY (topic, grp, seq)
);
CREATE INDEX topic_deliveries_by_key ON topic_deliveries (topic, grp, msg_key, seq) WHERE msg_key IS NOT NULL;
`;
