/**
 * Telling a uTask template apart from other workflow files by its shape.
 */
import { isRecord } from './reader.js';

/**
 * True when `value` looks like a uTask template: it has uTask's `title_format`, `result_format` or
 * `variables`, or a `steps` map in which some step's `action` is a map with a `type` (uTask's
 * `action: {type, configuration}`), and no Conductor `tasks` list.
 *
 * @example
 * looksLikeUtask({ name: 'x', steps: { a: { action: { type: 'echo' } } } }); // true
 */
export function looksLikeUtask(value: unknown): boolean {
  if (!isRecord(value) || Array.isArray(value.tasks)) return false;
  if ('title_format' in value || 'result_format' in value || Array.isArray(value.variables)) return true;
  if (!isRecord(value.steps)) return false;
  return Object.values(value.steps).some(
    (s) => isRecord(s) && isRecord(s.action) && typeof s.action.type === 'string',
  );
}
