/**
 * Options and arguments shared by the client commands, with commander doing the parsing and the
 * validation of each value.
 */
import { Argument, InvalidArgumentError, Option } from 'commander';
import type { ExecutionStatus } from '../../index.js';
import { EXECUTION_STATUSES } from '../../common/history.js';

/** The statuses `--status` takes (any case), as Temporal names them. */
export const STATUSES: readonly ExecutionStatus[] = EXECUTION_STATUSES;

/** `--json`: one JSON document on stdout instead of lines for people. */
export function jsonOption(): Option {
  return new Option('--json', 'print one JSON document instead of lines for people');
}

/** `--run-id R`: a run of the workflowId instead of its newest run. */
export function runIdOption(): Option {
  return new Option('--run-id <runId>', 'a run of the workflowId (default: its newest run)').argParser(
    nonEmpty('a non-empty runId'),
  );
}

/**
 * `--input JSON`, repeatable: each one is ONE argument, in order (as Temporal's CLI). The texts are
 * collected here and decoded by {@link parseInputs}, whose messages name the `--input` and the
 * position of the JSON error.
 */
export function inputOption(what: string): Option {
  return new Option('--input <json>', `${what}, as JSON; repeat it for each argument, in order`).argParser(
    (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
  );
}

/** The workflowId argument. */
export function idArgument(): Argument {
  return new Argument('<workflowId>', 'the workflowId of the execution').argParser(
    nonEmpty('a non-empty workflowId'),
  );
}

/** A value parser that refuses empty (or blank) text. */
export function nonEmpty(expected: string): (value: string) => string {
  return (value) => {
    if (value.trim() === '') throw new InvalidArgumentError(`expected ${expected}.`);
    return value;
  };
}

/** A value parser for an integer ≥ 1. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected an integer ≥ 1.');
  return Number(value);
}

/** A value parser for an integer ≥ 0. */
export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected an integer ≥ 0.');
  return Number(value);
}

/** A value parser for a status, in any case (`running`, `RUNNING`, `timed_out`). */
export function statusArg(value: string): ExecutionStatus {
  const status = STATUSES.find((s) => s === value.toUpperCase());
  if (status === undefined) {
    throw new InvalidArgumentError(`expected one of ${STATUSES.map((s) => s.toLowerCase()).join(', ')}.`);
  }
  return status;
}

/** The options of a command's action, typed loosely (commander's `opts()`). */
export type Opts = Record<string, unknown>;

/** A string option, or undefined. */
export function str(opts: Opts, name: string): string | undefined {
  const v = opts[name];
  return typeof v === 'string' ? v : undefined;
}

/** The collected `--input` texts. */
export function inputsOf(opts: Opts): string[] {
  const v = opts.input;
  return Array.isArray(v) ? (v as string[]) : [];
}
