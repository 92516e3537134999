/**
 * Telling a Conductor workflow definition apart from the other workflow-file formats.
 */

/**
 * True when `value` (a parsed file) looks like a Conductor workflow definition: an object with a
 * `tasks` list whose first item is an object with a `taskReferenceName` or a `type`. Baton's own
 * format uses `steps`, uTask's templates use `steps` too, so neither matches.
 *
 * @example
 * looksLikeConductor({ name: 'w', tasks: [{ name: 'a', taskReferenceName: 'a', type: 'HTTP' }] }); // true
 * looksLikeConductor({ name: 'w', steps: {} }); // false
 */
export function looksLikeConductor(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const tasks = (value as Record<string, unknown>).tasks;
  if (!Array.isArray(tasks)) return false;
  if ('steps' in value) return false;
  const first: unknown = tasks[0];
  if (first === undefined) return 'schemaVersion' in value || 'ownerEmail' in value;
  return first !== null && typeof first === 'object' && ('taskReferenceName' in first || 'type' in first);
}
