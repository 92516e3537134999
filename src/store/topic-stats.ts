/**
 * Topic statistics assembled from the rows both stores read (messages per topic, groups, lag per
 * group, dead letters per original topic and group), so SQLite and PostgreSQL answer alike.
 */
import type { TopicStats } from './topic-types.js';

/** The rows behind {@link TopicStats}; counts may arrive as BIGINT text (PostgreSQL). */
export interface TopicStatRows {
  /** Messages per topic. */
  events: { topic: string; n: number | string }[];
  /** Registered consumer groups. */
  groups: { topic: string; grp: string }[];
  /** Deliveries left per group. */
  lag: { topic: string; grp: string; n: number | string }[];
  /** Dead letters not redriven, per original topic and group. */
  dead: { topic: string; grp: string; n: number | string }[];
}

/**
 * Merges the rows into one entry per topic (sorted by name), each with its groups (sorted by
 * name); a group seen only through its lag or dead letters is listed too.
 *
 * @example
 * mergeTopicStats({ events: [{ topic: 't', n: 2 }], groups: [{ topic: 't', grp: 'g' }], lag: [], dead: [] });
 * // [{ topic: 't', events: 2, groups: [{ group: 'g', lag: 0, deadLettered: 0 }] }]
 */
export function mergeTopicStats(rows: TopicStatRows): TopicStats[] {
  const topics = new Map<string, { events: number; groups: Map<string, { lag: number; dead: number }> }>();
  const topicOf = (name: string) => {
    let t = topics.get(name);
    if (t === undefined) topics.set(name, (t = { events: 0, groups: new Map() }));
    return t;
  };
  const groupOf = (topic: string, group: string) => {
    const groups = topicOf(topic).groups;
    let g = groups.get(group);
    if (g === undefined) groups.set(group, (g = { lag: 0, dead: 0 }));
    return g;
  };
  for (const r of rows.events) topicOf(r.topic).events = Number(r.n);
  for (const r of rows.groups) groupOf(r.topic, r.grp);
  for (const r of rows.lag) groupOf(r.topic, r.grp).lag = Number(r.n);
  for (const r of rows.dead) groupOf(r.topic, r.grp).dead = Number(r.n);
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...topics.entries()]
    .sort(([a], [b]) => byName(a, b))
    .map(([topic, t]) => ({
      topic,
      events: t.events,
      groups: [...t.groups.entries()]
        .sort(([a], [b]) => byName(a, b))
        .map(([group, g]) => ({ group, lag: g.lag, deadLettered: g.dead })),
    }));
}
