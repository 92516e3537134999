/**
 * Output of the `baton` command: synchronous writes (nothing is lost when the process exits or
 * kills itself right after), and the formatting shared by commands.
 */
import { writeSync } from 'node:fs';

/** Writes `text` to a file descriptor synchronously, retrying while a non-blocking pipe is full. */
function writeAll(fd: number, text: string): void {
  let buffer = Buffer.from(text, 'utf8');
  while (buffer.length > 0) {
    try {
      const written = writeSync(fd, buffer);
      buffer = buffer.subarray(written);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return; // the reader went away (e.g. `| head`)
      throw err;
    }
  }
}

/** Writes one line to stdout, synchronously. */
export function out(line = ''): void {
  writeAll(1, `${line}\n`);
}

/** Writes one line to stderr, synchronously. */
export function err(line: string): void {
  writeAll(2, `${line}\n`);
}

/** Writes a value as one line of JSON to stdout. */
export function outJson(value: unknown): void {
  out(JSON.stringify(value));
}

/** Exit codes of the `baton` command. */
export const ExitCode = {
  OK: 0,
  /** The workflow failed (or its task is blocked). */
  FAILED: 1,
  /** Bad usage, unknown workflow id, or a store that cannot be used. */
  USAGE: 2,
  /** Interrupted by Ctrl-C. */
  INTERRUPTED: 130,
} as const;

/** The chain `err`, `err.cause`, … (at most 20 deep), for printing. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && chain.length < 20;) {
    chain.push(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return chain;
}

/** One error as a line: `Name [type]: message (details)`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & Record<string, unknown>;
  const details: string[] = [];
  if (typeof e.activityType === 'string') details.push(`activity ${e.activityType}`);
  if (typeof e.attempt === 'number' && e.attempt > 0) details.push(`attempt ${e.attempt}`);
  if (typeof e.retryState === 'string') details.push(e.retryState);
  if (typeof e.timeoutType === 'string') details.push(e.timeoutType);
  const type = typeof e.type === 'string' && e.type !== e.name ? ` [${e.type}]` : '';
  const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';
  return `${e.name}${type}: ${e.message}${suffix}`;
}

/** An error and its causes as JSON-friendly objects. */
export function errorJson(error: unknown): { name: string; message: string; type?: string }[] {
  return causeChain(error).map((e) => {
    if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
    const type = (e as { type?: unknown }).type;
    return typeof type === 'string'
      ? { name: e.name, message: e.message, type }
      : { name: e.name, message: e.message };
  });
}

/** Left-pads a column to `width`. */
export function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/**
 * A `JSON.stringify` replacer for decoded payloads: a `bigint` becomes its decimal text, a `Map`
 * an object (or `[key, value]` pairs when a key is not a string), a `Set` an array, a
 * `Uint8Array` its base64 text, an `Error` `{ name, message, …own fields, cause }`.
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) {
    const entries = [...(value as Map<unknown, unknown>).entries()];
    return entries.every(([k]) => typeof k === 'string') ? Object.fromEntries(entries) : entries;
  }
  if (value instanceof Set) return [...(value as Set<unknown>)];
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Error) {
    const fields: Record<string, unknown> = { name: value.name, message: value.message };
    for (const [k, v] of Object.entries(value)) if (k !== 'stack' && k !== 'cause') fields[k] = v;
    if (value.cause !== undefined) fields.cause = value.cause;
    return fields;
  }
  return value;
}

/**
 * A decoded value as JSON text (see {@link jsonReplacer}); `undefined` becomes `null`.
 *
 * @example
 * jsonText({ level: 42n, caught: new Set(['Mewtwo']) }); // '{"level":"42","caught":["Mewtwo"]}'
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonReplacer, indent) ?? 'null';
}
