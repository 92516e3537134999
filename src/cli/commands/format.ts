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
 * (the same bytes on a terminal and in a pipe).
 */
export function table(head: string[], rows: string[][]): string {
  const t = new Table({
    head,
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
  t.push(...rows);
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
