/**
 * Names on the NATS server: one stream per topic, one durable consumer per consumer group.
 * Topic names are `[A-Za-z0-9_-]` tokens separated by single dots and group names are
 * `[A-Za-z0-9_-]+` (checked above the broker, in `../names.ts`).
 */
import { createHash } from 'node:crypto';

/** Subjects of Baton's streams start with this; a topic `a.b` is the subject `baton.t.a.b`. */
export const SUBJECT_PREFIX = 'baton.t.';

/** The durable consumer on a dead-letter topic's stream that remembers what was redriven. */
export const REDRIVE_CONSUMER = 'baton-redrive';

/** Escaped topics longer than this are named by a hash (stream names are file names). */
const MAX_READABLE = 100;

/**
 * The stream that holds `topic`: deterministic and collision-free. `_` is written `__` and `.`
 * is written `_-`, which reads back unambiguously, so `BATON_T_pokemon_-caught` is
 * `pokemon.caught`; an escaped topic longer than 100 characters becomes `BATON_H_` and 40 hex
 * digits of its SHA-256 (the two prefixes never meet).
 *
 * @example
 * ```ts
 * streamNameOf('pokemon.caught'); // 'BATON_T_pokemon_-caught'
 * ```
 */
export function streamNameOf(topic: string): string {
  const escaped = topic.replace(/_/g, '__').replace(/\./g, '_-');
  if (escaped.length <= MAX_READABLE) return `BATON_T_${escaped}`;
  return `BATON_H_${createHash('sha256').update(topic).digest('hex').slice(0, 40)}`;
}

/** The subject messages of `topic` are published on. */
export function subjectOf(topic: string): string {
  return SUBJECT_PREFIX + topic;
}

/**
 * The durable consumer of consumer group `group` (on its topic's stream). The `group-` prefix
 * keeps it apart from {@link REDRIVE_CONSUMER}.
 */
export function groupConsumerName(group: string): string {
  return `group-${group}`;
}
