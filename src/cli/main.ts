#!/usr/bin/env node
/**
 * The `baton` command. Exit codes: 0 success, 1 a workflow failed, 2 bad usage, an unknown
 * workflowId or an unusable store (`demo saga` exits 0 when its workflow failed and was
 * compensated, as designed). Only this folder reads environment variables (`BATON_STORE`).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_STORE_URL } from '../index.js';
import { BATON_VERSION } from '../version.js';
import { CAPTURE_STEPS, runCaptureDemo, type CaptureDemoOptions, type CaptureStep } from './demo-capture.js';
import { runSagaDemo } from './demo-saga.js';
import { err, ExitCode } from './output.js';

/** The demos of `baton demo NAME`, with what they show. */
const DEMOS: Record<string, string> = {
  capture: 'capture Mewtwo for Sacha: paralyze → attack → throw a Poké Ball, durably',
  saga: 'the capture as a saga: the throw fails for good, so Mewtwo is healed, then cured',
};

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected an integer ≥ 0.');
  return Number(value);
}

function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a non-empty workflowId.');
  return value;
}

function storeOption(): Option {
  return new Option('--store <url>', 'store URL: sqlite:PATH or sqlite::memory:')
    .env('BATON_STORE')
    .default(DEFAULT_STORE_URL);
}

/** Builds the program; actions report their exit code through `setExit`. */
function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('baton')
    .description('Baton: durable workflows for TypeScript on an embedded SQLite store.')
    .version(BATON_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');

  const demo = program
    .command('demo')
    .description('run a built-in demo on a real store')
    .argument('[name]', `the demo: ${Object.keys(DEMOS).join(', ')}`)
    .allowUnknownOption()
    .allowExcessArguments()
    .action((name: string | undefined) => {
      const known = Object.keys(DEMOS).join(', ');
      if (name === undefined) err(`baton: which demo? known demos: ${known}`);
      else err(`baton: unknown demo '${name}'; known demos: ${known}`);
      setExit(ExitCode.USAGE);
    });

  demo
    .command('capture')
    .description(DEMOS.capture ?? '')
    .option('--fail-first <n>', 'each service fails its first N calls (retries show)', nonNegativeInt)
    .addOption(
      new Option(
        '--crash-after <step>',
        'SIGKILL this process right after STEP is durable; needs a file store',
      ).choices(CAPTURE_STEPS),
    )
    .option('--resume <workflowId>', 'resume a capture (e.g. one that crashed) in a new process', nonEmpty)
    .addOption(storeOption())
    .option('--json', 'print one JSON object at the end instead of lines for people')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  npx baton demo capture --fail-first 2       # retries, step by step',
        '  npx baton demo capture --crash-after attack # dies right after attack is durable…',
        '  npx baton demo capture --resume capture-mewtwo-1a2b3c4d  # …and finishes in a new process',
      ].join('\n'),
    )
    .action(async (opts: Record<string, unknown>) => {
      setExit(await runCaptureDemo(captureOptions(opts)));
    });

  demo
    .command('saga')
    .description(DEMOS.saga ?? '')
    .addOption(storeOption())
    .option('--json', 'print one JSON object at the end instead of lines for people')
    .addHelpText(
      'after',
      [
        '',
        'The Poké Ball service fails every call: paralyze and attack succeed, throwPokeball fails',
        'for good after 3 attempts, then the compensations run newest first: heal (undoes attack),',
        "then cure (undoes paralyze). The workflow fails with the throw's ActivityFailure.",
        '',
        'Exit code: 0 when the capture failed and was compensated (the saga worked as designed),',
        '1 when a compensation did not complete (or the workflow task is blocked), 2 bad usage or',
        'an unusable store.',
        '',
        'Example:',
        '  npx baton demo saga --store sqlite:/tmp/pokemon.db',
      ].join('\n'),
    )
    .action(async (opts: Record<string, unknown>) => {
      setExit(await runSagaDemo({ store: String(opts.store), json: opts.json === true }));
    });

  return program;
}

function captureOptions(opts: Record<string, unknown>): CaptureDemoOptions {
  const o: CaptureDemoOptions = { store: String(opts.store), json: opts.json === true };
  if (typeof opts.failFirst === 'number') o.failFirst = opts.failFirst;
  if (typeof opts.crashAfter === 'string') o.crashAfter = opts.crashAfter as CaptureStep;
  if (typeof opts.resume === 'string') o.resume = opts.resume;
  return o;
}

/** Runs the command line; returns the exit code. */
async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.OK;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    err(`baton: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return ExitCode.FAILED;
  }
  return code;
}

process.exitCode = await main(process.argv);
