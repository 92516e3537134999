/**
 * `baton demo sequential`: the capture as three plain calls (no engine), and what breaks. It runs
 * the happy path, then the same capture in a child process that SIGKILLs itself right after
 * paralyze, and then shows the services' world: Mewtwo is paralyzed, not captured, and nothing
 * records the half-done capture, so there is nothing to resume and nothing retries.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mewtwo, sacha, type CaptureResult, type Pokemon } from '../../examples/pokemon/index.js';
import {
  captureSequentially,
  newWorld,
  readWorld,
  worldServices,
  writeWorld,
  type SequentialCall,
  type World,
} from '../../examples/pokemon/sequential.js';
import { err, ExitCode, out, outJson, pad } from './output.js';

/** Options of {@link runSequentialDemo}, as parsed from the command line. */
export interface SequentialDemoOptions {
  /** One JSON object at the end instead of lines for people. */
  json: boolean;
  /**
   * Internal (the child process): run the capture once on this world file, printing one JSON line
   * per call, instead of the whole demo.
   */
  world?: string;
  /** Internal (the child process): SIGKILL this process right after this call returned. */
  crashAfter?: SequentialCall;
  /** The `baton` entry point the child runs. @default process.argv[1] */
  cliPath?: string;
}

/** One call that returned, as printed and as in the JSON output. */
export interface CallRecord {
  call: SequentialCall;
  /** What it did, for people. */
  summary: string;
}

/** The crashed run, as the demo saw it from the parent process. */
interface CrashedRun {
  crashAfter: SequentialCall;
  pid: number | undefined;
  signal: NodeJS.Signals | null;
  exitCode: number | null;
  calls: CallRecord[];
  world: World;
  captured: boolean;
  /** Files the run left beside the services' world: a history, a log, a checkpoint… */
  records: number;
}

const WORLD_FILE = 'world.json';
const CRASH_AFTER: SequentialCall = 'paralyze';
const SERVICE_OF: Record<SequentialCall, string> = {
  paralyze: 'status.paralyze(Mewtwo)',
  attack: 'combat.attack(Mewtwo)',
  throwPokeball: 'pokeball.throw(Sacha, Mewtwo)',
};

/**
 * Runs the demo and returns the exit code: 0 when the crashed run died by SIGKILL as planned,
 * 1 when a run failed otherwise, 2 bad usage of the internal options.
 */
export async function runSequentialDemo(o: SequentialDemoOptions): Promise<number> {
  if (o.world !== undefined) return runChild(o.world, o.crashAfter);
  if (o.crashAfter !== undefined) {
    err('baton: --crash-after is internal to the sequential demo and needs --world FILE');
    return ExitCode.USAGE;
  }
  const dir = mkdtempSync(join(tmpdir(), 'baton-sequential-'));
  try {
    if (!o.json) {
      out('The capture as three plain calls, no engine (examples/pokemon/sequential.ts)');
      out();
      out('1. Nothing goes wrong');
    }
    const happy = await happyPath(join(dir, 'happy'), o.json);
    if (!o.json) {
      out();
      out(`2. The same capture in a new process that dies right after ${CRASH_AFTER}`);
    }
    const crashed = await crashedRun(join(dir, 'crash'), o);
    if (crashed.signal !== 'SIGKILL') return ExitCode.FAILED;
    if (o.json) outJson({ happy, crashed });
    else printAftermath(crashed);
    return ExitCode.OK;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child process: one capture on `file`, a JSON line per call, SIGKILL after `crashAfter`. */
async function runChild(file: string, crashAfter: SequentialCall | undefined): Promise<number> {
  await captureSequentially(worldServices(file), sacha(), mewtwo(), (call, value) => {
    outJson({ call, summary: summarize(call, value) } satisfies CallRecord);
    if (call === crashAfter) process.kill(process.pid, 'SIGKILL');
  });
  return ExitCode.OK;
}

async function happyPath(dir: string, json: boolean) {
  mkdirSync(dir);
  const file = join(dir, WORLD_FILE);
  writeWorld(file, newWorld(sacha(), mewtwo()));
  const calls: CallRecord[] = [];
  const result = await captureSequentially(worldServices(file), sacha(), mewtwo(), (call, value) => {
    const record: CallRecord = { call, summary: summarize(call, value) };
    calls.push(record);
    if (!json) out(callLine(record));
  });
  return { calls, result, world: readWorld(file) };
}

/** Runs the capture in a child process of this same command, which kills itself after paralyze. */
async function crashedRun(dir: string, o: SequentialDemoOptions): Promise<CrashedRun> {
  mkdirSync(dir);
  const file = join(dir, WORLD_FILE);
  writeWorld(file, newWorld(sacha(), mewtwo()));
  const cli = o.cliPath ?? process.argv[1] ?? '';
  const args = [cli, 'demo', 'sequential', '--world', file, '--crash-after', CRASH_AFTER];
  const child = spawn(process.execPath, [...process.execArgv, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const calls: CallRecord[] = [];
  let pending = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const record = JSON.parse(line) as CallRecord;
      calls.push(record);
      if (!o.json) out(callLine(record));
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => resolve([code, sig]));
  });
  if (signal !== 'SIGKILL') {
    err(
      `baton: the crashing run ended with ${signal ?? `exit code ${String(exitCode)}`}, not SIGKILL${stderr === '' ? '' : `:\n${stderr.trimEnd()}`}`,
    );
  } else if (!o.json) out(`  ✗ process ${child.pid ?? '?'} killed by SIGKILL`);
  const world = readWorld(file);
  const records = readdirSync(dir).filter((name) => name !== WORLD_FILE).length;
  const captured = world.captures.length > 0;
  return { crashAfter: CRASH_AFTER, pid: child.pid, signal, exitCode, calls, world, captured, records };
}

function printAftermath(c: CrashedRun): void {
  const id = mewtwo().id;
  const max = mewtwo().maxHealth;
  const health = c.world.health[id];
  const team = c.world.teams[sacha().name] ?? [];
  out();
  out("3. What the crash left behind, in the services' own state");
  out(`  ${pad('status service', 18)} Mewtwo is ${c.world.status[id] ?? '?'}`);
  out(
    `  ${pad('combat service', 18)} Mewtwo at ${health ?? '?'}/${max} HP${health === max ? ' (never attacked)' : ''}`,
  );
  out(
    `  ${pad('Poké Ball service', 18)} ${c.captured ? 'captured' : 'no capture'}; Sacha's team: ${team.join(', ')}`,
  );
  out(
    `  records of the half-done capture: ${c.records === 0 ? 'none (no history, no log)' : `${c.records} file(s)`}.`,
  );
  out('  Nothing knows a capture was under way: nothing resumes it, nothing retries it,');
  out('  and Mewtwo stays paralyzed and free.');
  out();
  out('The durable way, same crash: npx baton demo durable --crash-after paralyze, then --resume.');
}

function summarize(call: SequentialCall, value: Pokemon | CaptureResult): string {
  if ('trainer' in value)
    return `${value.pokemon.name} captured by ${value.trainer.name}; team: ${value.trainer.pokemons.map((p) => p.name).join(', ')}`;
  if (call === 'paralyze') return `${value.name} is ${value.status}`;
  return `${value.name} at ${value.currentHealth}/${value.maxHealth} HP`;
}

function callLine(r: CallRecord): string {
  return `  ${pad(SERVICE_OF[r.call], 30)} → ${r.summary}`;
}

export { SEQUENTIAL_CALLS, type SequentialCall } from '../../examples/pokemon/sequential.js';
