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
import { runOrchestratorDemo } from './demo-orchestrator.js';
import { runHelloWorldDemo } from './demo-helloworld.js';
import { runSequentialDemo, SEQUENTIAL_CALLS, type SequentialCall } from './demo-sequential.js';
import { DEFAULT_SERVER_DELAY_MS, parseServerDelay, runProfessorOakDemo } from './demo-professor-oak.js';
import { runChoreographyDemo } from './demo-choreography.js';
import { err, ExitCode } from './output.js';
import { registerWorkerCommand } from './worker-command.js';
import { registerServerCommands } from './server-command.js';
import { registerClientCommands } from './commands/index.js';
import { registerFileCommands } from './run-command.js';
import { registerReplayCommand } from './replay-command.js';

/** The demos of `baton demo NAME`, with what they show. */
const DEMOS: Record<string, string> = {
  capture: 'capture Mewtwo for Sacha: paralyze → attack → throw a Poké Ball, durably',
  saga: 'the capture as a saga: the throw fails for good, so Mewtwo is healed, then cured',
  orchestrator: 'the capture as a step workflow: its graph, then each step (--fail-throw: compensations)',
  helloworld: 'Hello World as a step workflow: "hello trainer" and "hello Pokémon" run in parallel',
  sequential: 'the capture as three plain calls, no engine: a crash after paralyze leaves Mewtwo paralyzed',
  durable: 'the capture as a durable workflow (the same demo as capture)',
  'professor-oak': 'a flaky HTTP call: retried with back-off until Professor Oak’s server is up',
  choreography:
    'the capture by events: three services on durable topics, no orchestrator (--escape: rollback)',
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

/**
 * A usage error of commander (unknown command or option, bad or missing option value) as the one
 * line every `baton` error is: `baton: MESSAGE (add --help for usage)`, newline-terminated.
 *
 * @example
 * usageErrorLine("error: unknown option '--jsn'\n(Did you mean --json?)\n");
 * // "baton: unknown option '--jsn' (Did you mean --json?) (add --help for usage)\n"
 */
function usageErrorLine(text: string): string {
  const message = text
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ');
  return `baton: ${message} (add --help for usage)\n`;
}

/** Builds the program; actions report their exit code through `setExit`. */
function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('baton')
    .description('Baton: durable workflows for TypeScript on an embedded SQLite store.')
    .version(BATON_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    // Before the subcommands are added: they inherit it.
    .configureOutput({ outputError: (text, write) => write(usageErrorLine(text)) });

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
    .alias('durable')
    .description(DEMOS.capture ?? '')
    .option('--fail-first <n>', 'each service fails its first N calls (retries show)', nonNegativeInt)
    .addOption(
      new Option(
        '--crash-after <step>',
        'SIGKILL this process right after STEP is durable; needs a file store',
      ).choices(CAPTURE_STEPS),
    )
    .option('--resume <workflowId>', 'resume a capture (e.g. one that crashed) in a new process', nonEmpty)
    .option(
      '--distributed',
      'one worker process for the workflow and one per service (status, combat, pokeball); needs a file or server store',
    )
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
        '  npx baton demo capture --distributed --store sqlite:/tmp/pokemon.db  # which process ran which step',
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

  demo
    .command('orchestrator')
    .description(DEMOS.orchestrator ?? '')
    .option('--fail-throw', 'the Poké Ball service fails every call, so the completed steps are compensated')
    .addOption(storeOption())
    .option('--json', 'print one JSON object at the end instead of lines for people')
    .addHelpText(
      'after',
      [
        '',
        'Runs CapturePokemonSteps (examples/pokemon/steps.ts): Paralyze → Attack → ThrowPokeball, declared',
        'as data. With --fail-throw, ThrowPokeball fails for good after 3 attempts, then Attack and',
        'Paralyze are compensated newest first (heal, then cure) and the workflow fails with the',
        "throw's ActivityFailure. Exit code: 0 captured, or with --fail-throw failed and compensated.",
        '',
        'Example:',
        '  npx baton demo orchestrator --fail-throw --store sqlite:/tmp/pokemon.db',
      ].join('\n'),
    )
    .action(async (opts: Record<string, unknown>) => {
      setExit(
        await runOrchestratorDemo({
          store: String(opts.store),
          json: opts.json === true,
          failThrow: opts.failThrow === true,
        }),
      );
    });

  demo
    .command('helloworld')
    .description(DEMOS.helloworld ?? '')
    .addOption(storeOption())
    .option('--json', 'print one JSON object at the end instead of lines for people')
    .action(async (opts: Record<string, unknown>) => {
      setExit(await runHelloWorldDemo({ store: String(opts.store), json: opts.json === true }));
    });

  demo
    .command('sequential')
    .description(DEMOS.sequential ?? '')
    .option('--json', 'print one JSON object at the end instead of lines for people')
    .addOption(new Option('--world <file>').hideHelp())
    .addOption(new Option('--crash-after <call>').choices(SEQUENTIAL_CALLS).hideHelp())
    .addHelpText(
      'after',
      [
        '',
        'Runs the capture once as it should go, then again in a child process that SIGKILLs itself',
        "right after paralyze, and shows the services' state: Mewtwo paralyzed, not captured, and no",
        'record of the half-done capture. Opens no store. Compare: npx baton demo durable --crash-after paralyze',
      ].join('\n'),
    )
    .action(async (opts: Record<string, unknown>) => {
      setExit(
        await runSequentialDemo({
          json: opts.json === true,
          ...(typeof opts.world === 'string' ? { world: opts.world } : {}),
          ...(typeof opts.crashAfter === 'string' ? { crashAfter: opts.crashAfter as SequentialCall } : {}),
        }),
      );
    });

  demo
    .command('professor-oak')
    .description(DEMOS['professor-oak'] ?? '')
    .addOption(
      new Option('--server-delay <duration>', 'start Professor Oak’s server this long after the workflow')
        .argParser(parseServerDelay)
        .default(DEFAULT_SERVER_DELAY_MS, '3s'),
    )
    .addOption(storeOption())
    .option('--json', 'print one JSON object at the end instead of lines for people')
    .addHelpText(
      'after',
      [
        '',
        'The workflow calls http://127.0.0.1:PORT/hello while nobody listens there: each attempt fails',
        'with ECONNREFUSED and is retried (500 ms, then ×1.5, at most 10 attempts) until the demo starts',
        'the server and an attempt gets the greeting.',
        '',
        'Example:',
        '  npx baton demo professor-oak --server-delay 5s',
      ].join('\n'),
    )
    .action(async (opts: Record<string, unknown>) => {
      setExit(
        await runProfessorOakDemo({
          store: String(opts.store),
          serverDelayMs: Number(opts.serverDelay),
          json: opts.json === true,
        }),
      );
    });

  demo
    .command('choreography')
    .description(DEMOS.choreography ?? '')
    .option(
      '--escape',
      'every throw fails: the pokeball service publishes PokemonEscaped, combat heals, status cures',
    )
    .addOption(storeOption())
    .option('--json', 'print one JSON object at the end instead of lines for people')
    .addHelpText(
      'after',
      [
        '',
        'The status, combat and pokeball services each subscribe to durable topics in their own consumer',
        'group (on the store) and react: PokemonEncountered → PokemonParalyzed → PokemonWeakened →',
        'PokemonCaptured. Each handler is idempotent by event id. Exit 0 when the capture ends captured',
        '(rolled back with --escape).',
      ].join('\n'),
    )
    .action(async (opts: Record<string, unknown>) => {
      setExit(
        await runChoreographyDemo({
          store: String(opts.store),
          json: opts.json === true,
          escape: opts.escape === true,
        }),
      );
    });

  registerWorkerCommand(program, storeOption(), setExit);
  registerServerCommands(program, storeOption, setExit);
  registerClientCommands(program, storeOption, setExit);
  registerFileCommands(program, storeOption, setExit);
  registerReplayCommand(program, setExit);

  return program;
}

function captureOptions(opts: Record<string, unknown>): CaptureDemoOptions {
  const o: CaptureDemoOptions = { store: String(opts.store), json: opts.json === true };
  if (typeof opts.failFirst === 'number') o.failFirst = opts.failFirst;
  if (typeof opts.crashAfter === 'string') o.crashAfter = opts.crashAfter as CaptureStep;
  if (typeof opts.resume === 'string') o.resume = opts.resume;
  if (opts.distributed === true) o.distributed = true;
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
