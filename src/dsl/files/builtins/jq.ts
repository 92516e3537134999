/**
 * `baton.jq`: a jq program run by jq itself, compiled to WebAssembly (the `jq-web` package), so
 * that every jq feature (`//`, `as $x`, `index`, `reduce` …) behaves as the `jq` command's.
 */
import { createRequire } from 'node:module';
import { ApplicationFailure } from '../../../common/failures.js';
import { BUILTIN_FAILURE, type JqArg, type JqResult } from './types.js';

/** What `jq-web` resolves to: `raw(jsonText, program, flags)` returns jq's standard output. */
interface JqWeb {
  raw(json: string, filter: string, flags?: string[]): string | undefined;
}

let jqWeb: Promise<JqWeb> | undefined;

/** The jq module, loaded on first use (a failed load is tried again on the next call). */
function loadJq(): Promise<JqWeb> {
  jqWeb ??= Promise.resolve()
    .then(() => createRequire(import.meta.url)('jq-web') as Promise<JqWeb>)
    .catch((error: unknown) => {
      jqWeb = undefined;
      throw error;
    });
  return jqWeb;
}

function jqError(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, BUILTIN_FAILURE.jq);
}

/**
 * Runs `arg.query` on `arg.input` (as `jq -c`), as Conductor's JSON_JQ_TRANSFORM.
 *
 * @returns `{ result, resultList }`: the first output (`null` when there is none) and every
 *   output in order.
 * @throws ApplicationFailure `JqError`, not retryable, whose message quotes the query and jq's
 *   own error (a compile error with its line, or a runtime error such as
 *   `Cannot index number with "b"`).
 * @example
 * await runJq({ query: '.items | map(.id)', input: { items: [{ id: 1 }] } }); // { result: [1], resultList: [[1]] }
 */
export async function runJq(arg: JqArg): Promise<JqResult> {
  if (typeof arg?.query !== 'string' || arg.query.trim() === '') {
    throw jqError(`baton.jq: 'query' must be a non-empty jq program (got ${JSON.stringify(arg?.query)})`);
  }
  const input = JSON.stringify(arg.input ?? null);
  const jq = await loadJq();
  // jq-web's emscripten runtime sets process.exitCode when jq exits non-zero; keep ours.
  const exitCode = process.exitCode;
  let output: string;
  try {
    output = jq.raw(input, arg.query, ['-c']) ?? '';
  } catch (error) {
    throw jqError(`jq query ${quote(arg.query)} failed: ${jqMessage(error)}`);
  } finally {
    process.exitCode = exitCode;
  }
  const resultList = output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
  return { result: resultList.length === 0 ? null : resultList[0], resultList };
}

/** The `baton.jq` activity: {@link runJq}. */
export function createJqActivity(): (arg: JqArg) => Promise<JqResult> {
  return runJq;
}

/** jq's own words from its stderr, without jq-web's `Non-zero exit code` preamble. */
function jqMessage(error: unknown): string {
  const stderr = (error as { stderr?: unknown } | null)?.stderr;
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : String((error as Error)?.message ?? error);
  return text
    .split('\n')
    .filter((line) => !line.startsWith('Non-zero exit code'))
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('; ');
}

function quote(query: string): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return `'${oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine}'`;
}
