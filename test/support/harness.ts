import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Baton, silentLogger, type BatonOptions, type Worker, type WorkerOptions } from '../../src/index.js';

/** A Baton on a fresh store, its workers, and cleanup after the test. */
export interface TestEnv {
  baton: Baton;
  url: string;
  dir: string;
  /** Starts a worker; it is shut down after the test. */
  worker(options: WorkerOptions): Worker;
}

const opened: { baton: Baton; running: Promise<void>[]; dir: string }[] = [];

afterEach(async () => {
  for (const env of opened.splice(0)) {
    await env.baton.close();
    await Promise.all(env.running);
    rmSync(env.dir, { recursive: true, force: true });
  }
});

/** Opens a Baton on a temp SQLite file (or memory) with a silent logger. */
export async function openTestEnv(options: BatonOptions & { memory?: boolean } = {}): Promise<TestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-test-'));
  const url = options.memory === true ? 'sqlite::memory:' : `sqlite:${join(dir, 'baton.db')}`;
  const { memory: _memory, ...batonOptions } = options;
  const baton = await Baton.open(url, { logger: silentLogger, ...batonOptions });
  const entry = { baton, running: [] as Promise<void>[], dir };
  opened.push(entry);
  return {
    baton,
    url,
    dir,
    worker(workerOptions) {
      const w = baton.worker({ pollInterval: 20, ...workerOptions });
      entry.running.push(w.run());
      return w;
    },
  };
}

/** A promise with its resolve function, for releasing blocked activities. */
export function latch<T = void>(): { promise: Promise<T>; release(value: T): void } {
  let release!: (value: T) => void;
  const promise = new Promise<T>((r) => (release = r));
  return { promise, release };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
