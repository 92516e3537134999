/**
 * `baton dev` / `baton server` as real child processes for tests: start one, wait for a line of
 * its output, and SIGKILL whatever is still running when the file's tests end.
 */
import { afterAll } from 'vitest';
import { runTs, type Child } from '../support/child.js';

const children = new Set<Child>();
afterAll(() => {
  for (const child of children) if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
});

/** Runs `baton ARGS…` from the sources, without the caller's BATON_STORE / BATON_TOKEN unless given. */
export function startBaton(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = runTs('src/cli/main.ts', args, { BATON_STORE: undefined, BATON_TOKEN: undefined, ...env });
  children.add(child);
  return child;
}

/** Resolves with the match once the child's stdout matches `pattern`; throws with its output after `timeoutMs`. */
export async function waitForOutput(
  child: Child,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = child.stdout().match(pattern);
    if (match !== null) return match;
    if (child.proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no ${String(pattern)}\nstdout: ${child.stdout()}\nstderr: ${child.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The API base URL line `baton dev` and `baton server` print; group 1 is the base URL. */
export const API_LINE = /API: +(http:\/\/127\.0\.0\.1:\d+)\/api/;
