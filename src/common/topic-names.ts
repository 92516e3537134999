import { ValidationError } from './errors.js';

const TOPIC = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const GROUP = /^[A-Za-z0-9_-]+$/;
/** Longest topic or group name accepted. */
const MAX_NAME = 200;

/**
 * Checks a topic name: tokens of letters, digits, `_` and `-`, separated by single dots
 * (`pokemon.encountered`), at most 200 characters. The same names work on every broker (they are
 * NATS subject tokens).
 *
 * @throws ValidationError naming `field` and what is expected.
 */
export function checkTopicName(topic: unknown, field = 'topic'): string {
  if (typeof topic !== 'string' || topic.length > MAX_NAME || !TOPIC.test(topic)) {
    throw new ValidationError(
      `${field}: expected a topic name such as 'pokemon.encountered' (letters, digits, '_' and '-', in tokens separated by single dots, at most ${MAX_NAME} characters), got ${JSON.stringify(topic)}`,
    );
  }
  return topic;
}

/**
 * Checks a consumer group name: letters, digits, `_` and `-`, at most 200 characters.
 *
 * @throws ValidationError naming `field` and what is expected.
 */
export function checkGroupName(group: unknown, field = 'group'): string {
  if (typeof group !== 'string' || group.length > MAX_NAME || !GROUP.test(group)) {
    throw new ValidationError(
      `${field}: expected a consumer group name such as 'status-service' (letters, digits, '_' and '-', at most ${MAX_NAME} characters), got ${JSON.stringify(group)}`,
    );
  }
  return group;
}

/** Checks an event id or key: a non-empty string of at most 500 characters. */
export function checkEventString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 500) {
    throw new ValidationError(
      `${field}: expected a non-empty string of at most 500 characters, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
