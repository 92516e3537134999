/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time,
 * and the share of time per source area (Baton's src/ folders, better-sqlite3 or the pg driver, node
 * internals, GC, idle).
 *
 *   node --expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/run.js --store sqlite --only A --durability normal
 *   node dist/bench/profile-summary.js /tmp/prof/CPU.*.cpuprofile [--top 25]
 *
 * Worker processes (`--worker-processes N`) inherit NODE_OPTIONS: profile them with
 * `NODE_OPTIONS=--cpu-prof --cpu-prof-dir=/tmp/prof-workers` (one profile per process).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The area of the code a frame belongs to. */
function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle (waiting for I/O or timers)';
  if (name === '(program)') return 'native (program)';
  const src = /\/dist\/(src\/[^/]+\/(?:sqlite\/|postgres\/)?)/.exec(url);
  if (src !== null) return src[1]!;
  if (url.includes('/dist/bench/')) return 'bench/';
  if (url.includes('better-sqlite3')) return 'better-sqlite3 (JS side)';
  if (/\/node_modules\/(pg|pg-[a-z-]+|pgpass|postgres-[a-z-]+)\//.test(url)) return 'pg driver (JS side)';
  if (url.startsWith('node:')) return 'node internals';
  if (url === '') return name.startsWith('(') ? name : 'native / builtins';
  return 'other';
}

function main(): void {
  const args = process.argv.slice(2);
  const topFlag = args.indexOf('--top');
  const top = topFlag >= 0 ? Number(args[topFlag + 1]) : 25;
  const files = args.filter((a, i) => !a.startsWith('--') && (topFlag < 0 || i !== topFlag + 1));
  if (files.length === 0) {
    console.error('usage: profile-summary FILE.cpuprofile… [--top N]');
    process.exitCode = 2;
    return;
  }
  const selfUs = new Map<string, number>();
  const totalUsOf = new Map<string, number>();
  const areaUs = new Map<string, number>();
  let totalUs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    for (let i = 0; i < profile.samples.length; i++) {
      const node = byId.get(profile.samples[i]!);
      const dt = profile.timeDeltas[i] ?? 0;
      if (node === undefined) continue;
      const { functionName, url } = node.callFrame;
      const name = functionName || '(anonymous)';
      const key = keyOf(node);
      selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
      // Inclusive time: every distinct Baton function on the stack gets the sample once.
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const frame = byId.get(id)!;
        if (!frame.callFrame.url.includes('/dist/src/')) continue;
        const k = keyOf(frame);
        if (seen.has(k)) continue;
        seen.add(k);
        totalUsOf.set(k, (totalUsOf.get(k) ?? 0) + dt);
      }
      const a = area(url, name);
      areaUs.set(a, (areaUs.get(a) ?? 0) + dt);
      totalUs += dt;
    }
  }
  const pct = (us: number): string => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
  const ms = (us: number): string => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  console.log(`sampled ${(totalUs / 1000).toFixed(0)} ms\n\nself time by area:`);
  for (const [a, us] of [...areaUs].sort((x, y) => y[1] - x[1])) console.log(`${pct(us)} ${ms(us)}  ${a}`);
  console.log(`\ntop ${top} functions by self time:`);
  for (const [k, us] of [...selfUs].sort((x, y) => y[1] - x[1]).slice(0, top))
    console.log(`${pct(us)} ${ms(us)}  ${k}`);
  console.log(`\ntop ${top} Baton functions by total time (self + callees):`);
  for (const [k, us] of [...totalUsOf].sort((x, y) => y[1] - x[1]).slice(0, top))
    console.log(`${pct(us)} ${ms(us)}  ${k}`);
}

function keyOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '' : ` ${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
}

main();
