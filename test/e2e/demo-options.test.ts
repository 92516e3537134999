/**
 * Options of `baton demo capture` as real child processes: `--crash-after` refused on a memory
 * store (given by `--store` or by `BATON_STORE`), `--crash-after throwPokeball` saying the capture
 * completed in the same commit, and `BATON_STORE` choosing the store when `--store` is not given.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBaton, tempStore, type Exit } from '../support/cli.js';

/** A SQLite file in a fresh temp dir, removed after the tests. */
const store = (): string => tempStore('baton-demo-options-');

/** Runs `baton demo capture ARGS` from the sources, with `BATON_STORE` as given (unset if not). */
function capture(args: string[], batonStore?: string): Promise<Exit> {
  return runBaton(['demo', 'capture', ...args], { BATON_STORE: batonStore });
}

describe.concurrent('baton demo capture options (CLI, child processes)', () => {
  it('refuses --crash-after on sqlite::memory: (exit 2, nothing run)', async () => {
    const exit = await capture(['--store', 'sqlite::memory:', '--crash-after', 'attack']);
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.signal).toBeNull();
    expect(exit.stderr).toContain('--crash-after needs a file store: sqlite::memory: dies with the process');
    expect(exit.stdout).toBe('');
  });

  it('refuses --crash-after on a memory store given by BATON_STORE', async () => {
    const exit = await capture(['--crash-after', 'paralyze', '--json'], 'sqlite::memory:');
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain('--crash-after needs a file store');
    expect(exit.stdout).toBe('');
  });

  it('uses BATON_STORE when --store is not given, and --store over BATON_STORE', async () => {
    const fromEnv = store();
    const byEnv = await capture(['--json'], `sqlite:${fromEnv}`);
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(existsSync(fromEnv)).toBe(true);

    const unused = store();
    const fromFlag = store();
    const byFlag = await capture(['--store', `sqlite:${fromFlag}`, '--json'], `sqlite:${unused}`);
    expect(byFlag.code, byFlag.stderr).toBe(0);
    expect(existsSync(fromFlag)).toBe(true);
    expect(existsSync(unused)).toBe(false);
  });

  it('--crash-after throwPokeball: the capture completed in the same commit; --resume only prints its result', async () => {
    const file = store();
    const crashed = await capture(['--store', `sqlite:${file}`, '--crash-after', 'throwPokeball']);
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    expect(crashed.stdout).toContain('the capture completed in the same commit');
    expect(crashed.stdout).toContain('--resume only prints its result');
    expect(crashed.stdout).not.toContain('Resume with:');
    const workflowId = /--resume (capture-mewtwo-[\w-]+)/.exec(crashed.stdout)?.[1];
    expect(workflowId, crashed.stdout).toBeDefined();

    const resumed = await capture(['--store', `sqlite:${file}`, '--resume', workflowId!]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('already closed (COMPLETED); nothing to resume');
    expect(resumed.stdout).toContain('Mewtwo (level 50) captured by Sacha');
  });

  it('--crash-after throwPokeball --json marks the capture completed', async () => {
    const exit = await capture(['--store', `sqlite:${store()}`, '--crash-after', 'throwPokeball', '--json']);
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    const out = JSON.parse(exit.stdout.trim()) as { crashedAfter: string; captureCompleted?: boolean };
    expect(out.crashedAfter).toBe('throwPokeball');
    expect(out.captureCompleted).toBe(true);
  });

  it('--crash-after attack --json does not mark the capture completed', async () => {
    const exit = await capture(['--store', `sqlite:${store()}`, '--crash-after', 'attack', '--json']);
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    const out = JSON.parse(exit.stdout.trim()) as { crashedAfter: string; captureCompleted?: boolean };
    expect(out.crashedAfter).toBe('attack');
    expect(out.captureCompleted).toBeUndefined();
  });
});
