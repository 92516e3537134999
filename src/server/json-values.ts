/**
 * Decoded payloads as JSON: what the data converter gives back (Dates, BigInts, Maps, Sets, bytes,
 * failures with their cause chains) turned into values `JSON.stringify` keeps, for API responses.
 */
import type { ApiFailure } from './api-types.js';

/** How deep a cause chain or a nested value is followed before it is cut. */
const MAX_DEPTH = 64;

/**
 * `value` as plain JSON data: a `Date` as ISO text, a `BigInt` as decimal text, a `Map` as an object
 * (string keys) or an array of `[key, value]` pairs, a `Set` as an array, bytes as base64 text, an
 * `Error` as an {@link ApiFailure}, `undefined` in an array as `null` (and left out of objects).
 * Values nested deeper than 64 levels become `null`.
 *
 * @example
 * jsonValue({ caught: new Date(0), level: 42n }); // { caught: '1970-01-01T00:00:00.000Z', level: '42' }
 */
export function jsonValue(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return null;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Error) return apiFailure(value, depth);
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map((v) => jsonValue(v, depth + 1) ?? null);
  if (value instanceof Set) return [...value].map((v) => jsonValue(v, depth + 1) ?? null);
  if (value instanceof Map) return mapValue(value, depth);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const j = jsonValue(v, depth + 1);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

function mapValue(map: Map<unknown, unknown>, depth: number): unknown {
  const entries = [...map.entries()];
  if (entries.every(([k]) => typeof k === 'string')) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) out[k as string] = jsonValue(v, depth + 1) ?? null;
    return out;
  }
  return entries.map(([k, v]) => [jsonValue(k, depth + 1) ?? null, jsonValue(v, depth + 1) ?? null]);
}

/**
 * A failure (or any thrown value) and its cause chain as an {@link ApiFailure}: its class name,
 * message, stack, and the fields Baton's failures carry (type, nonRetryable, activityType,
 * attempt, retryState, timeoutType, details).
 *
 * @example
 * apiFailure(ApplicationFailure.nonRetryable('Mewtwo fled', 'PokemonFled'));
 * // { name: 'ApplicationFailure', message: 'Mewtwo fled', type: 'PokemonFled', nonRetryable: true, details: [], stack: '…' }
 */
export function apiFailure(error: unknown, depth = 0): ApiFailure {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const e = error as Error & Record<string, unknown>;
  const f: ApiFailure = { name: e.name, message: e.message };
  if (typeof e.type === 'string') f.type = e.type;
  if (typeof e.nonRetryable === 'boolean') f.nonRetryable = e.nonRetryable;
  if (typeof e.activityType === 'string') f.activityType = e.activityType;
  if (typeof e.attempt === 'number') f.attempt = e.attempt;
  if (typeof e.retryState === 'string') f.retryState = e.retryState;
  if (typeof e.timeoutType === 'string') f.timeoutType = e.timeoutType;
  if (Array.isArray(e.details)) f.details = e.details.map((d) => jsonValue(d, depth + 1) ?? null);
  if (typeof e.stack === 'string') f.stack = e.stack;
  if (e.cause !== undefined && depth < MAX_DEPTH) f.cause = apiFailure(e.cause, depth + 1);
  return f;
}
