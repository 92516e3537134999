/**
 * `baton start`, `list`, `describe` (`show`), `history`, `result`, `cancel` and `terminate` as real
 * child processes on a SQLite file, with a worker in the test process on the same file. Each
 * command is run for people and with --json.
 */
import { describe, expect, it } from 'vitest';
import { capture, encounter, greet } from '../fixtures/cli-workflows.js';
import { CLI_TIMEOUT_MS, QUEUE, ok, okJson, useCliEnv } from './cli-env.js';

const env = useCliEnv('baton-cli-executions-');

/** Runs Greet NAME as ID to completion from the test process. */
async function greeted(id: string, name = 'Sacha'): Promise<void> {
  await env.baton.client.execute(greet, { workflowId: id, taskQueue: QUEUE, args: [name] });
}

describe.concurrent('client commands (CLI, child processes)', { timeout: CLI_TIMEOUT_MS }, () => {
  it('start: starts by type name with one argument per --input, on task queue baton-dev', async () => {
    const [people, json] = await Promise.all([
      env.run('start', 'Greet', '--input', '"Sacha"', '--id', 'start-1'),
      env.run('start', 'Steps', '--input', '2', '--input', '10', '--id', 'start-2', '--json'),
    ]);
    expect(ok(people)).toMatch(
      /^started workflow execution start-1 \(run [\w-]+\), type Greet, task queue baton-dev\n$/,
    );
    const started = okJson(json);
    expect(started).toEqual({
      workflowId: 'start-2',
      runId: expect.any(String) as string,
      workflowType: 'Steps',
      taskQueue: QUEUE,
    });
    expect(await env.baton.client.getHandle('start-1').result()).toBe('Hello, Sacha!');
    expect(await env.baton.client.getHandle('start-2', started.runId as string).result()).toBe(2);
  });

  it('list: a table of executions, filtered by --status, --type, --query, --id-contains; --json', async ({
    expect,
  }) => {
    for (const [id, team] of [
      ['list-kanto', 'kanto'],
      ['list-johto', 'johto'],
    ] as const) {
      await env.baton.client.start(encounter, {
        workflowId: id,
        taskQueue: QUEUE,
        args: [{ name: 'Mewtwo', hp: 50, team }],
      });
    }
    await greeted('list-greet');
    // The workflow sets Team on its first workflow task.
    await expect
      .poll(async () => (await env.baton.client.getHandle('list-johto').describe()).searchAttributes.Team, {
        timeout: 20_000,
      })
      .toBe('johto');

    const [table, json] = await Promise.all([
      env.run('list', '--status', 'running', '--query', 'WorkflowType = "Encounter" AND Team = "kanto"'),
      env.run('list', '--type', 'Greet', '--id-contains', 'list-', '--json'),
    ]);
    const lines = ok(table).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^WORKFLOW ID\s+RUN ID\s+TYPE\s+STATUS\s+START\s+CLOSE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['list-kanto']);
    expect(lines[1]).toMatch(
      /^list-kanto\s+[\w-]+\s+Encounter\s+RUNNING\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+-$/,
    );
    const { executions } = okJson<{ executions: Record<string, unknown>[] }>(json);
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({
      workflowId: 'list-greet',
      workflowType: 'Greet',
      status: 'COMPLETED',
      taskQueue: QUEUE,
    });
    expect(Object.keys(executions[0]!)).toEqual([
      'workflowId',
      'runId',
      'workflowType',
      'taskQueue',
      'status',
      'startTime',
      'closeTime',
      'searchAttributes',
    ]);
  });

  it('list, describe, history: stored strings print with their control characters escaped', async () => {
    // A workflowId and a type that would clear the screen and forge a row, with DEL and a C1 CSI.
    const id = 'evil\u001b[2J\nfake-row';
    const type = 'Evil\u007fType\u009b1m';
    await env.baton.client.start(type, { workflowId: id, taskQueue: 'nobody-polls-this', args: ['\u0007'] });
    const [listed, shown, history, json] = await Promise.all([
      env.run('list', '--id-contains', 'evil'),
      env.run('describe', id),
      env.run('history', id),
      env.run('list', '--id-contains', 'evil', '--json'),
    ]);
    // No control character printed but the line ends.
    const controls = (text: string) =>
      [...text]
        .map((c) => c.charCodeAt(0))
        .filter((c) => (c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f));
    for (const exit of [listed, shown, history]) expect(controls(ok(exit))).toEqual([]);
    const rows = ok(listed).trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^evil\\u001b\[2J\\nfake-row\s+[\w-]+\s+Evil\\u007fType\\u009b1m\s+RUNNING\s/);
    expect(ok(shown)).toMatch(/^workflowId\s+evil\\u001b\[2J\\nfake-row$/m);
    expect(ok(shown)).toMatch(/^type\s+Evil\\u007fType\\u009b1m$/m);
    expect(ok(history).trimEnd().split('\n')[1]).toMatch(
      /WorkflowExecutionStarted\s+Evil\\u007fType\\u009b1m on nobody-polls-this, attempt 1, input \["\\u0007"\]$/,
    );
    // --json is for scripts: the strings as stored (JSON escapes them its own way).
    const { executions } = okJson<{ executions: { workflowId: string; workflowType: string }[] }>(json);
    expect(executions.map((e) => [e.workflowId, e.workflowType])).toEqual([[id, type]]);
  });

  it('describe (alias show): status, type, task queue, times; --json', async () => {
    await greeted('describe-1');
    const [people, json] = await Promise.all([
      env.run('describe', 'describe-1'),
      env.run('show', 'describe-1', '--json'),
    ]);
    const text = ok(people);
    expect(text).toMatch(/^workflowId\s+describe-1$/m);
    expect(text).toMatch(/^type\s+Greet$/m);
    expect(text).toMatch(/^taskQueue\s+baton-dev$/m);
    expect(text).toMatch(/^status\s+COMPLETED$/m);
    expect(text).toMatch(/^close\s+\d{4}-\d\d-\d\dT[\d:.]+Z$/m);
    const d = okJson(json);
    expect(d).toMatchObject({ workflowId: 'describe-1', workflowType: 'Greet', status: 'COMPLETED' });
    expect(d.historyLength).toBeGreaterThanOrEqual(5);
  });

  it('history: a table of the events (id, time, type, details); --json', async () => {
    await greeted('history-1', 'Ash');
    const [people, json] = await Promise.all([
      env.run('history', 'history-1'),
      env.run('history', 'history-1', '--json'),
    ]);
    const lines = ok(people).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TIME\s+TYPE\s+DETAILS$/);
    expect(lines[1]).toMatch(
      /^1\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+WorkflowExecutionStarted\s+Greet on baton-dev, attempt 1, input \["Ash"\]$/,
    );
    expect(lines.map((l) => l.split(/\s+/)[2])).toEqual([
      'TYPE',
      'WorkflowExecutionStarted',
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    expect(lines[4]).toMatch(/ActivityTaskCompleted\s+scheduled 2, result "Hello, Ash!"$/);
    const h = okJson<{
      workflowId: string;
      events: { eventId: number; eventType: string; payload?: unknown }[];
    }>(json);
    expect(h.workflowId).toBe('history-1');
    expect(h.events.map((e) => e.eventId)).toEqual([1, 2, 3, 4, 5]);
    expect(h.events.at(-1)).toMatchObject({
      eventType: 'WorkflowExecutionCompleted',
      payload: 'Hello, Ash!',
    });
  });

  it('result: the result (exit 0), or the failure and its causes (exit 1); --json', async () => {
    await greeted('result-1', 'Misty');
    const failed = await env.baton.client.start(capture, {
      workflowId: 'result-2',
      taskQueue: QUEUE,
      args: ['Mewtwo'],
    });
    const [people, json, failure] = await Promise.all([
      env.run('result', 'result-1'),
      env.run('result', 'result-1', '--json'),
      env.run('result', 'result-2'),
    ]);
    expect(ok(people)).toBe('"Hello, Misty!"\n');
    expect(okJson(json)).toEqual({
      workflowId: 'result-1',
      runId: expect.any(String) as string,
      status: 'COMPLETED',
      result: 'Hello, Misty!',
    });
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    expect(failure.stderr.trimEnd().split('\n')).toEqual([
      `baton: workflow execution 'result-2' (run ${failed.runId}) failed`,
      '  ActivityFailure: activity task failed (activity throwBall, attempt 1, NON_RETRYABLE_FAILURE)',
      '  caused by ApplicationFailure [BallBroke]: the ball broke',
      '  caused by Error: cracked shell',
    ]);
  });

  it('cancel: requests cancellation, the workflow ends CANCELED; --json', async () => {
    for (const id of ['cancel-1', 'cancel-2']) {
      await env.baton.client.start(encounter, {
        workflowId: id,
        taskQueue: QUEUE,
        args: [{ name: 'Eevee', hp: 1 }],
      });
    }
    const [people, json] = await Promise.all([
      env.run('cancel', 'cancel-1', '--reason', 'Eevee fled'),
      env.run('cancel', 'cancel-2', '--json'),
    ]);
    expect(ok(people)).toBe('cancellation requested for workflow execution cancel-1\n');
    expect(okJson(json)).toEqual({ workflowId: 'cancel-2', cancelRequested: true, reason: null });
    await expect(env.baton.client.getHandle('cancel-1').result()).rejects.toThrow(
      'workflow execution cancelled',
    );
    await expect(env.baton.client.getHandle('cancel-2').result()).rejects.toThrow(
      'workflow execution cancelled',
    );
  });

  it('terminate: ends the execution at once, with its reason; --json', async () => {
    for (const id of ['terminate-1', 'terminate-2']) {
      await env.baton.client.start(encounter, {
        workflowId: id,
        taskQueue: QUEUE,
        args: [{ name: 'Onix', hp: 1 }],
      });
    }
    const [people, json] = await Promise.all([
      env.run('terminate', 'terminate-1', '--reason', 'stuck'),
      env.run('terminate', 'terminate-2', '--reason', 'stuck', '--json'),
    ]);
    expect(ok(people)).toBe('terminated workflow execution terminate-1: stuck\n');
    expect(okJson(json)).toEqual({ workflowId: 'terminate-2', terminated: true, reason: 'stuck' });
    expect((await env.baton.client.getHandle('terminate-1').describe()).status).toBe('TERMINATED');
    await expect(env.baton.client.getHandle('terminate-2').result()).rejects.toThrow(
      'workflow execution terminated',
    );
  });
});
