/**
 * `npm run bench`: Baton's workloads on the default store type (a SQLite file in a fresh temp dir)
 * with one worker in this process. Prints a table, whether each target is met, and one JSON line
 * per workload (prefixed `BENCH `). It only prints: nothing here asserts speed.
 *
 *   npm run bench                                  # A and B, durability normal then full
 *   npm run build && node --expose-gc dist/bench/run.js --durability normal --only B
 */
import { cpus, loadavg } from 'node:os';
import { Command, Option } from 'commander';
import type { Durability } from './engine.js';
import { latency, TARGETS, throughput, type WorkloadResult } from './workloads.js';

interface Flags {
  durability?: Durability;
  only?: 'A' | 'B';
  workflows: number;
  steps: number;
  repeat: number;
  runs: number;
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
    new Option('--durability <mode>', 'store durability (default: normal, then full)').choices([
      'normal',
      'full',
    ]),
  )
  .addOption(new Option('--only <workload>', 'run one workload').choices(['A', 'B']))
  .option('--workflows <n>', 'workload A: capture workflows started at once', positiveInt, 1000)
  .option(
    '--repeat <n>',
    'workload A: measured runs, each on a fresh store (median reported)',
    positiveInt,
    3,
  )
  .option('--steps <n>', 'workload B: sequential activities in the workflow', positiveInt, 100)
  .option('--runs <n>', 'workload B: measured runs (after one warm-up)', positiveInt, 5)
  .option('--json', 'print only the JSON lines', false);

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function row(r: WorkloadResult): string[] {
  const verdict = r.targetMet ? 'met' : 'MISSED';
  if (r.workload === 'A') {
    return [
      `A: ${r.workflows} captures at once`,
      r.durability,
      `${fmt(r.workflowsPerSec)} workflows/s`,
      `${fmt(r.stepsPerSec)} steps/s; median of ${r.runsWallMs.length}: ${fmt(r.wallMs)} ms; best ${fmt(r.bestWorkflowsPerSec)} wf/s`,
      `${fmt(r.peakRssMb)} MiB`,
      `${r.target}: ${verdict}`,
    ];
  }
  return [
    `B: ${r.steps} sequential steps`,
    r.durability,
    `${fmt(r.medianMsPerStep, 3)} ms/step`,
    `median of ${r.runsMsPerStep.length}: ${fmt(r.medianWallMs, 1)} ms/workflow; best ${fmt(r.bestMsPerStep, 3)} ms/step`,
    `${fmt(r.peakRssMb)} MiB`,
    `${r.target}: ${verdict}`,
  ];
}

function table(rows: string[][]): string {
  const head = ['workload', 'durability', 'result', 'detail', 'peak RSS', 'target'];
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const flags = program.parse().opts<Flags>();
  const durabilities: Durability[] = flags.durability === undefined ? ['normal', 'full'] : [flags.durability];
  const say = (text: string): void => {
    if (!flags.json) console.log(text);
  };
  say(`Baton bench: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown CPU'})`);
  const busy = (): string => {
    const load = loadavg()[0]!;
    return load > cpus().length * 0.75
      ? `load average ${load.toFixed(1)} on ${cpus().length} CPUs: other work is running, figures will be low and noisy`
      : `load average ${load.toFixed(1)}`;
  };
  say(busy());
  say(
    `targets (default store): A >= ${TARGETS.workflowsPerSec} workflows/s, B <= ${TARGETS.msPerStep} ms/step\n`,
  );
  const results: WorkloadResult[] = [];
  const started = performance.now();
  for (const durability of durabilities) {
    if (flags.only !== 'B') {
      say(`running A (${flags.workflows} captures × ${flags.repeat} runs, durability ${durability}) …`);
      results.push(await throughput(durability, flags.workflows, flags.repeat));
    }
    if (flags.only !== 'A') {
      say(`running B (${flags.steps} steps × ${flags.runs} runs, durability ${durability}) …`);
      results.push(await latency(durability, flags.steps, flags.runs));
    }
  }
  say(`\n${table(results.map(row))}\n`);
  say(`after the run: ${busy()}`);
  say(
    `process peak RSS (maxRSS): ${fmt(process.resourceUsage().maxRSS / 1024)} MiB; total ${fmt((performance.now() - started) / 1000, 1)} s\n`,
  );
  for (const r of results) console.log(`BENCH ${JSON.stringify(r)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
