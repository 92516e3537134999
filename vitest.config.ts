import { defineConfig } from 'vitest/config';

/**
 * Feature tests the `postgres` project does not run again, and why: most are SQLite-specific
 * (they build `sqlite:` URLs or `tempStore` files themselves, so the store is SQLite whatever the
 * harness says); the others pick their stores themselves.
 */
const NOT_RERUN_ON_POSTGRES = [
  // CLI demos: `baton demo … --store sqlite:${tempStore(…)}` and reads of that file.
  'test/e2e/demo-choreography.test.ts',
  'test/e2e/demo-cli.test.ts',
  'test/e2e/demo-options.test.ts',
  'test/e2e/demo-saga.test.ts',
  'test/e2e/demo-sequential.test.ts',
  'test/e2e/step-demos.test.ts',
  // Half CLI demo on a tempStore SQLite file; its harness half is the flaky-activity retry.
  'test/e2e/professor-oak.test.ts',
  // Child services on a `sqlite:` file URL the test builds.
  'test/e2e/choreography.test.ts',
  // Runs examples/hello.ts, which opens the default SQLite store.
  'test/e2e/readme.test.ts',
  // `baton worker --store sqlite:${tempStore(…)}`.
  'test/e2e/worker-command.test.ts',
  // Read the SQLite file behind the test env to check the stored payloads (encrypted or JSON).
  'test/e2e/baton-options.test.ts',
  'test/e2e/codec.test.ts',
  // Not SQLite-specific: they open a SQLite file and (when BATON_TEST_POSTGRES_URL is set) a
  // PostgreSQL schema themselves, so the default project already runs them on both stores.
  'test/e2e/distributed-capture.test.ts',
  'test/e2e/recovery-race.test.ts',
  // Not SQLite-specific, but opens PostgreSQL itself and stops the server (its own guard).
  'test/e2e/postgres-restart.test.ts',
];

/** Re-run the feature tests on PostgreSQL (a fresh schema per test env) when a server is named. */
const postgresUrl = process.env.BATON_TEST_POSTGRES_URL;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two test files at a time (vitest's default on 2 cores is one): most tests wait on child
    // processes, timers and the network rather than on the CPU.
    maxWorkers: 2,
    projects: [
      { extends: true as const, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      ...(postgresUrl === undefined
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['test/e2e/**/*.test.ts', 'test/topics/store-topics.test.ts'],
                exclude: NOT_RERUN_ON_POSTGRES,
                env: { BATON_TEST_STORE: 'postgres' },
              },
            },
          ]),
    ],
  },
});
