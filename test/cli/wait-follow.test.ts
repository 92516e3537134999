/**
 * The commands that wait: `baton start --wait` (progress on stderr, a line per change in a pipe;
 * the result, or exit 1 with the failure's cause chain) and `baton history --follow` (events as
 * they are appended, until the execution closes).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { encounter } from '../fixtures/cli-workflows.js';
import { runTs, type Child } from '../support/child.js';
import { CLI_TIMEOUT_MS, QUEUE, ok, okJson, useCliEnv } from './cli-env.js';

const env = useCliEnv('baton-cli-wait-');
const children = new Set<Child>();

afterAll(() => {
  for (const child of children) if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
});

/** Starts `baton ARGS --store URL` and returns it running. */
function spawnBaton(...args: string[]): Child {
  const child = runTs('src/cli/main.ts', [...args, '--store', env.url], { BATON_STORE: undefined });
  children.add(child);
  return child;
}

describe.concurrent(
  'start --wait and history --follow (CLI, child processes)',
  { timeout: CLI_TIMEOUT_MS },
  () => {
    it('start --wait: progress per step and attempt on stderr, then the result', async () => {
      const exit = await env.run(
        'start',
        'Flaky',
        '--input',
        '1',
        '--input',
        '1000',
        '--id',
        'wait-1',
        '--wait',
      );
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stdout).toMatch(
        /^started workflow execution wait-1 \(run [\w-]+\), waiting for its result…\n2\n$/,
      );
      const progress = exit.stderr.trimEnd().split('\n');
      expect(progress).toContain('RUNNING · 0 steps done · flaky attempt 1');
      expect(progress).toContain(
        'RUNNING · 0 steps done · flaky attempt 2 (last failure: ApplicationFailure [Error]: flaky failure #1)',
      );
      expect(progress.at(-1)).toBe('COMPLETED · 1 step done (flaky)');
      // A line per change: no line twice in a row.
      expect(progress.filter((line, i) => line === progress[i - 1])).toEqual([]);
    });

    it('start --wait --json: one document with the result, no progress', async () => {
      const exit = await env.run(
        'start',
        'Steps',
        '--input',
        '2',
        '--input',
        '10',
        '--id',
        'wait-2',
        '--wait',
        '--json',
      );
      expect(okJson(exit)).toEqual({
        workflowId: 'wait-2',
        runId: expect.any(String) as string,
        workflowType: 'Steps',
        taskQueue: QUEUE,
        status: 'COMPLETED',
        result: 2,
      });
    });

    it('start --wait of a failing workflow exits 1 with the failure and its causes', async () => {
      const [people, json] = await Promise.all([
        env.run('start', 'Capture', '--input', '"Mewtwo"', '--id', 'wait-3', '--wait'),
        env.run('start', 'Capture', '--input', '"Mew"', '--id', 'wait-4', '--wait', '--json'),
      ]);
      expect(people.code, people.stderr).toBe(1);
      const lines = people.stderr.trimEnd().split('\n');
      expect(lines).toContain('FAILED · 1 step done (paralyze)');
      expect(lines.slice(-4)).toEqual([
        expect.stringMatching(/^baton: workflow execution 'wait-3' \(run [\w-]+\) failed$/) as string,
        '  ActivityFailure: activity task failed (activity throwBall, attempt 1, NON_RETRYABLE_FAILURE)',
        '  caused by ApplicationFailure [BallBroke]: the ball broke',
        '  caused by Error: cracked shell',
      ]);
      expect(json.code, json.stderr).toBe(1);
      expect(json.stderr).toBe('');
      expect(JSON.parse(json.stdout)).toMatchObject({
        workflowId: 'wait-4',
        workflowType: 'Capture',
        status: 'FAILED',
        failure: [
          { name: 'ActivityFailure', message: 'activity task failed' },
          { name: 'ApplicationFailure', message: 'the ball broke', type: 'BallBroke' },
          { name: 'Error', message: 'cracked shell' },
        ],
      });
    });

    it('start --wait says when no worker takes the execution; Ctrl-C stops waiting (130), not the execution', async ({
      expect,
    }) => {
      const child = spawnBaton(
        'start',
        'Greet',
        '--input',
        '"Brock"',
        '--id',
        'nobody-1',
        '--task-queue',
        'nobody',
        '--wait',
      );
      await expect
        .poll(() => child.stderr(), { timeout: 60_000 })
        .toContain("RUNNING · waiting for a worker on task queue 'nobody' (baton worker, baton dev)");
      child.proc.kill('SIGINT');
      expect(await child.exited).toEqual({ code: 130, signal: null });
      expect(child.stderr().trimEnd().split('\n').at(-1)).toBe(
        'baton: stopped waiting (Ctrl-C); workflow execution nobody-1 goes on: baton result nobody-1 waits again',
      );
      expect((await env.baton.client.getHandle('nobody-1').describe()).status).toBe('RUNNING');
    });

    it('history --follow prints events as they are appended and exits 0 once the execution closes', async ({
      expect,
    }) => {
      await env.baton.client.start(encounter, {
        workflowId: 'follow-1',
        taskQueue: QUEUE,
        args: [{ name: 'Abra', hp: 1 }],
      });
      const [people, json] = [
        spawnBaton('history', 'follow-1', '--follow'),
        spawnBaton('history', 'follow-1', '--follow', '--json'),
      ];
      // Both have printed the history so far and are waiting for more.
      await expect.poll(() => people.stdout(), { timeout: 60_000 }).toMatch(/WorkflowExecutionStarted/);
      await expect.poll(() => json.stdout(), { timeout: 60_000 }).toMatch(/WorkflowExecutionStarted/);
      expect(people.proc.exitCode).toBeNull();
      expect(people.stdout()).not.toMatch(/WorkflowExecutionSignaled/);

      await env.baton.client.getHandle('follow-1').signal('throwBall', 'ultra');
      expect(await people.exited).toEqual({ code: 0, signal: null });
      expect(await json.exited).toEqual({ code: 0, signal: null });
      const lines = ok({ code: 0, signal: null, stdout: people.stdout(), stderr: people.stderr() })
        .trimEnd()
        .split('\n');
      expect(lines[0]).toMatch(/^ID\s+TIME\s+TYPE\s+DETAILS$/);
      expect(lines.at(-2)).toMatch(/^\d+\s+\S+\s+WorkflowExecutionSignaled\s+throwBall, input \["ultra"\]$/);
      expect(lines.at(-1)).toMatch(
        /^\d+\s+\S+\s+WorkflowExecutionCompleted\s+result "caught Abra with a ultra ball"$/,
      );
      // --json --follow: one JSON object per event (JSON Lines), ids in order without gaps.
      const events = json
        .stdout()
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { eventId: number; eventType: string });
      expect(events.map((e) => e.eventId)).toEqual(events.map((_, i) => i + 1));
      expect(events.at(-1)).toMatchObject({
        eventType: 'WorkflowExecutionCompleted',
        payload: 'caught Abra with a ultra ball',
      });
    });
  },
);
