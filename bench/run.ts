/**
 * `npm run bench`: Baton's workloads on a SQLite file in a fresh temp dir (the default store
 * type) and on PostgreSQL (a fresh schema per run), with one worker in this process or, for
 * workload A, in N worker processes. Prints a table, whether each target is met, and one JSON
 * line per workload (prefixed `BENCH `). It only prints: nothing here asserts speed.
 *
 *   npm run bench                                  # SQLite (normal, then full), then PostgreSQL
 *   npm run build && node --expose-gc dist/bench/run.js --store sqlite --durability normal --only B
 *   npm run build && node --expose-gc dist/bench/run.js --store postgres --only A --worker-processes 2
 */
import { cpus, loadavg } from 'node:os';
import { Command, Option } from 'commander';
import type { Durability, StoreKind, StoreTarget } from './engine.js';
import { formatDiagnosis } from './diagnosis.js';
import { installStatementCounter } from './statement-counter.js';
import { commitFloor, DEFAULT_POSTGRES_URL, describeTarget, withServer, type CommitFloor } from './stores.js';
import { latency, TARGETS, throughput, type WorkloadResult } from './workloads.js';

interface Flags {
  store?: StoreKind;
  durability?: Durability;
  only?: 'A' | 'B';
  workerProcesses: number;
  workflows: number;
  steps: number;
  repeat: number;
  runs: number;
  countStatements: boolean;
  json: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected an integer >= 1, got ${value}`);
  return n;
}

const program = new Command('bench')
  .description('Baton benchmarks: A = many capture workflows at once, B = one workflow of sequential steps')
  .addOption(
    new Option('--store <type>', 'store type (default: sqlite, then postgres)').choices([
      'sqlite',
      'postgres',
    ]),
  )
  .addOption(
    new Option(
      '--durability <mode>',
      'SQLite durability (default: normal, then full); ignored on PostgreSQL',
    ).choices(['normal', 'full']),
  )
  .addOption(new Option('--only <workload>', 'run one workload').choices(['A', 'B']))
  .option(
    '--worker-processes <n>',
    'workload A: 1 = the worker runs in the bench process; N >= 2 = one worker in each of N child processes',
    positiveInt,
    1,
  )
  .option('--workflows <n>', 'workload A: capture workflows started at once', positiveInt, 1000)
  .option(
    '--repeat <n>',
    'workload A: measured runs, each on a fresh store (median reported)',
    positiveInt,
    3,
  )
  .option('--steps <n>', 'workload B: sequential activities in the workflow', positiveInt, 100)
  .option('--runs <n>', 'workload B: measured runs (after one warm-up)', positiveInt, 5)
  .option(
    '--count-statements',
    'diagnosis: count the statements (round trips) per workflow / step in every process, and the CPU time of the bench process(es) and of their PostgreSQL backends (slows the run a little)',
    false,
  )
  .option('--json', 'print only the JSON lines', false)
  .addHelpText(
    'after',
    `\nPostgreSQL: $BATON_BENCH_POSTGRES_URL, or ${DEFAULT_POSTGRES_URL}; each run makes a schema bench_<random> and drops it after.`,
  );

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function row(r: WorkloadResult, syncCommit: string): string[] {
  const verdict = r.targetMet ? 'met' : 'MISSED';
  const where = [
    r.store,
    r.durability ?? `synchronous_commit=${syncCommit}`,
    r.workerProcesses === 1 ? '1 (in-process)' : String(r.workerProcesses),
  ];
  if (r.workload === 'A') {
    return [
      `A: ${r.workflows} captures at once`,
      ...where,
      `${fmt(r.workflowsPerSec)} workflows/s`,
      `${fmt(r.stepsPerSec)} steps/s; median of ${r.runsWallMs.length}: ${fmt(r.wallMs)} ms; best ${fmt(r.bestWorkflowsPerSec)} wf/s`,
      `${fmt(r.peakRssMb)} MiB${r.workerProcessesMaxRssMb === undefined ? '' : ` (workers ${r.workerProcessesMaxRssMb.map((m) => fmt(m)).join(', ')})`}`,
      `${r.target}: ${verdict}`,
    ];
  }
  return [
    `B: ${r.steps} sequential steps`,
    ...where,
    `${fmt(r.medianMsPerStep, 3)} ms/step`,
    `median of ${r.runsMsPerStep.length}: ${fmt(r.medianWallMs, 1)} ms/workflow; best ${fmt(r.bestMsPerStep, 3)} ms/step`,
    `${fmt(r.peakRssMb)} MiB`,
    `${r.target}: ${verdict}`,
  ];
}

function table(rows: string[][]): string {
  const head = [
    'workload',
    'store',
    'durability',
    'worker processes',
    'result',
    'detail',
    'peak RSS',
    'target',
  ];
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The targets to run, in order: SQLite (each durability), then PostgreSQL. */
function targetsOf(flags: Flags): StoreTarget[] {
  const out: StoreTarget[] = [];
  if (flags.store !== 'postgres') {
    const durabilities: Durability[] =
      flags.durability === undefined ? ['normal', 'full'] : [flags.durability];
    for (const durability of durabilities) out.push({ kind: 'sqlite', durability });
  }
  if (flags.store !== 'sqlite') {
    out.push({ kind: 'postgres', baseUrl: process.env.BATON_BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL });
  }
  return out;
}

/** What the bench says about the PostgreSQL server before it runs there. */
interface ServerInfo {
  synchronousCommit: string;
  commitFloorMs: CommitFloor;
}

/** Prints the server's version, its `synchronous_commit`, and what a minimal commit costs now. */
async function describeServer(target: StoreTarget & { kind: 'postgres' }, say: Say): Promise<ServerInfo> {
  const server = await withServer(target.baseUrl, async (c) => ({
    version: (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
    sync: (await c.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!
      .synchronous_commit,
  }));
  say(`${describeTarget(target)}: server ${server.version}, synchronous_commit = ${server.sync}`);
  const floor = await commitFloor(target.baseUrl);
  say(
    `  a minimal commit (one-row INSERT) costs ${fmt(floor.p50Ms, 3)} ms p50, ${fmt(floor.meanMs, 3)} ms mean (${floor.n} in a row, now)`,
  );
  return { synchronousCommit: server.sync, commitFloorMs: floor };
}

type Say = (text: string) => void;

/** Runs the workloads on each target, in order. */
async function runAll(targets: StoreTarget[], flags: Flags, say: Say): Promise<WorkloadResult[]> {
  const results: WorkloadResult[] = [];
  const processes = flags.workerProcesses;
  for (const target of targets) {
    const on = target.kind === 'sqlite' ? `sqlite, durability ${target.durability}` : 'postgres';
    if (flags.only !== 'B') {
      const workers = processes === 1 ? 'worker in-process' : `${processes} worker processes`;
      say(`running A (${flags.workflows} captures × ${flags.repeat} runs, ${on}, ${workers}) …`);
      const o = {
        workflows: flags.workflows,
        runs: flags.repeat,
        workerProcesses: processes,
        countStatements: flags.countStatements,
      };
      results.push(await throughput(target, o));
    }
    if (flags.only !== 'A') {
      say(`running B (${flags.steps} steps × ${flags.runs} runs, ${on}) …`);
      results.push(await latency(target, flags.steps, flags.runs, flags.countStatements));
    }
  }
  return results;
}

function busy(): string {
  const load = loadavg()[0]!;
  return load > cpus().length * 0.75
    ? `load average ${load.toFixed(1)} on ${cpus().length} CPUs: other work is running, figures will be low and noisy`
    : `load average ${load.toFixed(1)}`;
}

async function main(): Promise<void> {
  const flags = program.parse().opts<Flags>();
  const say: Say = (text) => {
    if (!flags.json) console.log(text);
  };
  if (flags.countStatements) installStatementCounter();
  let targets = targetsOf(flags);
  say(`Baton bench: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown CPU'})`);
  say(busy());
  let pg = targets.find((t) => t.kind === 'postgres');
  let server: ServerInfo | undefined;
  try {
    server = pg === undefined ? undefined : await describeServer(pg, say);
  } catch (err) {
    // Asked for explicitly, PostgreSQL must be there; by default it is skipped when it is not.
    if (flags.store === 'postgres') throw err;
    say(`PostgreSQL at ${new URL(pg!.baseUrl).host} cannot be reached (${(err as Error).message}): skipped`);
    targets = targets.filter((t) => t.kind !== 'postgres');
    pg = undefined;
  }
  for (const kind of new Set(targets.map((t) => t.kind))) {
    say(
      `targets (${kind}): A >= ${TARGETS[kind].workflowsPerSec} workflows/s, B <= ${TARGETS[kind].msPerStep} ms/step`,
    );
  }
  if (flags.durability !== undefined && pg !== undefined)
    say("(--durability applies to SQLite only: PostgreSQL commits with the server's synchronous_commit)");
  say('');
  const started = performance.now();
  const results = await runAll(targets, flags, say);
  say(`\n${table(results.map((r) => row(r, server?.synchronousCommit ?? '')))}\n`);
  say(`after the run: ${busy()}`);
  say(
    `process peak RSS (maxRSS): ${fmt(process.resourceUsage().maxRSS / 1024)} MiB; total ${fmt((performance.now() - started) / 1000, 1)} s\n`,
  );
  for (const r of results) {
    if (r.diagnosis === undefined) continue;
    const workers = r.workerProcesses === 1 ? 'worker in-process' : `${r.workerProcesses} worker processes`;
    say(`${r.workload} on ${r.store}${r.durability === null ? '' : ` (${r.durability})`}, ${workers}:`);
    say(`${formatDiagnosis(r.diagnosis)}\n`);
  }
  for (const r of results)
    console.log(`BENCH ${JSON.stringify(r.store === 'postgres' ? { ...r, ...server } : r)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
