/**
 * `--input JSON` values: each is one argument (of the workflow, signal, query or update), decoded
 * with `JSON.parse`; a text that does not parse is a usage error naming which `--input` it was and
 * where its JSON goes wrong.
 */
import { UsageError } from './exit-codes.js';
import { jsonSyntaxError } from './json-syntax.js';

/**
 * The arguments of the `--input` texts, in order.
 *
 * @throws UsageError `--input #N ('TEXT') is not valid JSON: unexpected 'C' at position P` (with a
 *   hint when the text is a bare word, which needs JSON quotes).
 * @example
 * parseInputs(['"ultra"', '{"level":70}']); // ['ultra', { level: 70 }]
 */
export function parseInputs(texts: readonly string[]): unknown[] {
  return texts.map((text, i) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new UsageError(invalidJsonMessage(`--input #${i + 1}`, text, error));
    }
  });
}

/** The message for JSON `text` that `JSON.parse` refused with `error`. */
export function invalidJsonMessage(what: string, text: string, error: unknown): string {
  const shown = text.length > 40 ? `${text.slice(0, 39)}…` : text;
  const syntax = jsonSyntaxError(text);
  const where =
    syntax === undefined
      ? error instanceof Error
        ? error.message
        : String(error)
      : `unexpected ${syntax.found} at position ${syntax.position}`;
  const bare = text.trim();
  let hint = '';
  if (/^[A-Za-z_][\w.-]*$/.test(bare)) hint = `; a string needs JSON quotes, e.g. --input '"${bare}"'`;
  else if (syntax?.found === `"'"`) hint = '; JSON strings take double quotes';
  return `${what} ('${shown}') is not valid JSON: ${where}${hint}`;
}
