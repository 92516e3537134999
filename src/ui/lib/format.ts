/** How times, durations and values are written on the pages. */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2025-01-31 14:05:09` in the browser's time zone; `—` for null. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** `850 ms`, `3.2 s`, `4 min 12 s`, `2 h 3 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** What JSON cannot write: `undefined`, a function, a symbol, a BigInt, a cycle. */
function notJson(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return '[function]';
  return value === undefined ? 'undefined' : '[not JSON]';
}

function stringify(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? notJson(value);
  } catch {
    return notJson(value);
  }
}

/** A value as indented JSON (`undefined` for undefined). */
export function toJson(value: unknown): string {
  return stringify(value, 2);
}

/** A value as one line of JSON, cut at `max` characters. */
export function toJsonLine(value: unknown, max = 160): string {
  const text = stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The value of an `<input type="datetime-local">` for an ISO time (local time zone). */
export function isoToLocalInput(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The ISO time of an `<input type="datetime-local">` value, or undefined when empty. */
export function localInputToIso(value: string): string | undefined {
  if (value === '') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Parses a JSON argument list (one element per argument). An empty text is `[]`.
 *
 * @throws Error naming what was expected when the text is not JSON or not an array.
 */
export function parseArgs(text: string): unknown[] {
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`Arguments are not valid JSON: ${errorMessage(e)}`, { cause: e });
  }
  if (!Array.isArray(value))
    throw new Error('Arguments must be a JSON array, one element per argument, e.g. ["capture"]');
  return value as unknown[];
}
