/**
 * Formatting shared by the client commands: times, short values, tables.
 */
import Table from 'cli-table3';
import { jsonText } from '../output.js';

/** An epoch-ms time as ISO 8601 UTC to the second (`2024-05-01T12:34:56Z`); `-` when undefined. */
export function isoSeconds(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An epoch-ms time as ISO 8601 UTC to the millisecond; `-` when undefined. */
export function isoMillis(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString();
}

/** Control characters: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Short escapes of the usual control characters; the others become `\uXXXX`. */
const SHORT_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

/**
 * `text` safe to print for people: each control character (C0, DEL, C1) becomes an escape (`\n`,
 * `\r`, `\t`, else `\u001b` …), so a stored string (a workflowId, a type, a failure message)
 * cannot move the cursor, clear the screen or forge a line. Other characters are kept as they are.
 *
 * @example
 * printable('evil\u001b[2J\nfake-row'); // 'evil\\u001b[2J\\nfake-row' (prints as evil\u001b[2J\nfake-row)
 */
export function printable(text: string): string {
  return text.replace(
    CONTROL,
    (c) => SHORT_ESCAPES.get(c) ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `text` cut to `max` characters, with `…` when cut. */
export function shorten(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A decoded value as short one-line JSON. */
export function shortValue(value: unknown, max = 60): string {
  return shorten(jsonText(value), max);
}

/**
 * A table for people: a header row, then the rows, columns separated by two spaces, no colours
 * (the same bytes on a terminal and in a pipe). Cells are made {@link printable}: one row a line.
 */
export function table(head: string[], rows: string[][]): string {
  const t = new Table({
    head: head.map(printable),
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  t.push(...rows.map((row) => row.map(printable)));
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
