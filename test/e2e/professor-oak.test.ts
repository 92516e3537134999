/**
 * Professor Oak: a workflow that calls a real local HTTP server (node:http) which is down when the
 * workflow starts and comes up 1.5 s later. The activity's attempts fail with the connection error
 * and are retried until the server answers; the history keeps the last failure on
 * `ActivityTaskStarted`. Then the same through `baton demo professor-oak` in a child process.
 */
import { describe, expect, it } from 'vitest';
import {
  askProfessorOak,
  professorOakActivities,
  ProfessorOakUnavailableError,
} from '../../examples/professor-oak/activities.js';
import {
  freePort,
  PROFESSOR_OAK_GREETING,
  startProfessorOakServer,
} from '../../examples/professor-oak/server.js';
import { professorOak } from '../../examples/professor-oak/workflow.js';
import {
  ApplicationFailure,
  Baton,
  silentLogger,
  type ActivityAttemptEvent,
  type HistoryEvent,
} from '../../src/index.js';
import { runBaton, tempStore, type Step } from '../support/cli.js';
import { openTestEnv } from '../support/harness.js';

const SERVER_DELAY_MS = 1500;
/** Node timers may fire a little early. */
const TOLERANCE_MS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startedEvent(events: HistoryEvent[]) {
  const started = events.filter((e) => e.eventType === 'ActivityTaskStarted');
  expect(started).toHaveLength(1);
  const event = started[0]!;
  if (event.eventType !== 'ActivityTaskStarted') throw new Error('unreachable');
  return event;
}

describe('askProfessorOak', () => {
  it('names the URL and the connection error when nobody listens, and the status on a non-2xx', async () => {
    const url = `http://127.0.0.1:${await freePort()}/hello`;
    const down = await askProfessorOak(url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(down).toBeInstanceOf(ProfessorOakUnavailableError);
    expect((down as Error).message).toMatch(
      new RegExp(`^Professor Oak is not answering at ${url}: connect ECONNREFUSED`),
    );

    const server = await startProfessorOakServer();
    try {
      await expect(askProfessorOak(server.url)).resolves.toBe(PROFESSOR_OAK_GREETING);
      await expect(askProfessorOak(server.url.replace('/hello', '/nope'))).rejects.toThrow(
        /Professor Oak is not answering at .*\/nope: HTTP 404 Not Found/,
      );
    } finally {
      await server.close();
    }
  });
});

describe('professorOak workflow (worker + client, real HTTP server)', () => {
  it('retries while the server is down and returns the greeting once it is up', async () => {
    const env = await openTestEnv();
    const url = `http://127.0.0.1:${await freePort()}/hello`;
    const attempts: (ActivityAttemptEvent & { atMs: number })[] = [];
    env.worker({
      taskQueue: 'professor-oak-test',
      workflows: [professorOak],
      activities: professorOakActivities,
      hooks: { onActivityAttempt: (e) => attempts.push({ ...e, atMs: Date.now() }) },
    });

    const startedMs = Date.now();
    const handle = await env.baton.client.start(professorOak, {
      workflowId: 'professor-oak-test',
      taskQueue: 'professor-oak-test',
      args: [url],
    });
    const serverUp = (async () => {
      await sleep(SERVER_DELAY_MS);
      const listenMs = Date.now(); // taken before listening starts: nothing can reach it earlier
      return { server: await startProfessorOakServer(Number(new URL(url).port)), listenMs };
    })();
    const { server, listenMs } = await serverUp;
    try {
      expect(await handle.result()).toBe(PROFESSOR_OAK_GREETING);
    } finally {
      await server.close();
    }
    expect(listenMs - startedMs).toBeGreaterThanOrEqual(SERVER_DELAY_MS - TOLERANCE_MS);

    // Every attempt before the last failed with the connection error, before the server was up.
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const last = attempts.at(-1)!;
    expect(last.outcome).toBe('completed');
    expect(last.attempt).toBe(attempts.length);
    for (const failed of attempts.slice(0, -1)) {
      expect(failed.outcome).toBe('failed');
      expect(failed.error).toBe(
        `Professor Oak is not answering at ${url}: connect ECONNREFUSED 127.0.0.1:${new URL(url).port}`,
      );
      expect(failed.errorType).toBe('ProfessorOakUnavailable');
      expect(failed.atMs - failed.elapsedMs).toBeLessThanOrEqual(listenMs + TOLERANCE_MS);
    }

    // The history: one ActivityTaskStarted for the final attempt, carrying the last failure.
    const { events } = await handle.fetchHistory();
    const started = startedEvent(events);
    expect(started.attrs.attempt).toBe(attempts.length);
    const lastFailure = env.baton.converter.fromPayload<ApplicationFailure>(started.payload!);
    expect(lastFailure).toBeInstanceOf(ApplicationFailure);
    expect(lastFailure.type).toBe('ProfessorOakUnavailable');
    expect(lastFailure.message).toContain(`Professor Oak is not answering at ${url}`);
    expect(lastFailure.message).toContain('ECONNREFUSED');
    const completed = events.find((e) => e.eventType === 'WorkflowExecutionCompleted');
    expect(completed?.timeMs).toBeGreaterThanOrEqual(listenMs);
    expect((await handle.describe()).status).toBe('COMPLETED');
  });
});

interface OakJson {
  workflowId: string;
  runId: string;
  url: string;
  serverDelayMs: number;
  serverStartedAfterMs: number | null;
  steps: Step[];
  attempts: number;
  greeting?: string;
}

describe('baton demo professor-oak (CLI, child process)', () => {
  it('prints the failed attempts, then the greeting, and the store has the completed history', async () => {
    const file = tempStore('baton-demo-oak-');
    const exit = await runBaton([
      'demo',
      'professor-oak',
      '--server-delay',
      '1.5s',
      '--json',
      '--store',
      `sqlite:${file}`,
    ]);
    expect(exit.code, exit.stderr).toBe(0);
    const lines = exit.stdout.trim().split('\n');
    expect(lines, `stdout: ${exit.stdout}\nstderr: ${exit.stderr}`).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as OakJson;

    expect(out.greeting).toBe(PROFESSOR_OAK_GREETING);
    expect(out.serverDelayMs).toBe(SERVER_DELAY_MS);
    expect(out.serverStartedAfterMs).toBeGreaterThanOrEqual(SERVER_DELAY_MS - TOLERANCE_MS);
    expect(out.attempts).toBeGreaterThanOrEqual(2);
    expect(out.steps.map((s) => s.attempt)).toEqual(Array.from({ length: out.attempts }, (_, i) => i + 1));
    expect(out.steps.at(-1)?.outcome).toBe('completed');
    for (const s of out.steps.slice(0, -1)) {
      expect(s.outcome).toBe('failed');
      expect(s.error).toContain(`Professor Oak is not answering at ${out.url}: connect ECONNREFUSED`);
    }

    const baton = await Baton.open(`sqlite:${file}`, { logger: silentLogger });
    try {
      const handle = baton.client.getHandle<string>(out.workflowId);
      expect(await handle.result()).toBe(PROFESSOR_OAK_GREETING);
      const { events, runId } = await handle.fetchHistory();
      expect(runId).toBe(out.runId);
      expect(startedEvent(events).attrs.attempt).toBe(out.attempts);
      expect(events.at(-1)?.eventType).toBe('WorkflowExecutionCompleted');
    } finally {
      await baton.close();
    }
  });
});
