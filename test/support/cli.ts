import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runTs } from './child.js';

/** How a `baton` child process ended, with all it wrote. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** One activity attempt as `baton demo … --json` prints it. */
export interface Step {
  activity: string;
  attempt: number;
  outcome: string;
  elapsedMs: number;
  error?: string;
}

const dirs: string[] = [];

// Each test file gets its own copy of this module (vitest isolates them), so this runs once a file.
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The path of a SQLite file in a fresh temp dir named PREFIX…, removed after the file's tests. */
export function tempStore(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return join(dir, 'baton.db');
}

/**
 * Runs `baton ARGS` from the sources (`node --import tsx src/cli/main.ts ARGS`) and waits for it to
 * exit. `BATON_STORE` is unset unless ENV sets it, so the store is only the one the test gives.
 */
export function runBaton(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  // An undefined value leaves the variable out of the child's environment.
  const child = runTs('src/cli/main.ts', args, { BATON_STORE: undefined, ...env });
  return new Promise((resolve, reject) => {
    child.proc.on('error', reject);
    // 'close' rather than 'exit': it comes once stdout and stderr are drained.
    child.proc.on('close', (code, signal) =>
      resolve({ code, signal, stdout: child.stdout(), stderr: child.stderr() }),
    );
  });
}
