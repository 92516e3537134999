/**
 * `baton dev` and `baton server` as real child processes on a temp SQLite file: they print their
 * URLs, serve the API (a workflow runs end to end through `baton dev`'s worker) and /metrics, and
 * exit 0 on SIGTERM; bad flags exit 2 with one line.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBaton, tempStore } from '../support/cli.js';
import { API_LINE, startBaton, waitForOutput } from './dev-process.js';

describe('baton dev and baton server', () => {
  it('baton dev prints its URLs, serves the API with a worker for the examples, and exits 0 on SIGTERM', async () => {
    const child = startBaton(['dev', '--port', '0', '--store', `sqlite:${tempStore('baton-dev-')}`]);
    const [, base] = await waitForOutput(child, API_LINE);
    expect(child.stdout()).toMatch(/UI: +http:\/\/127\.0\.0\.1:\d+\//);
    expect(child.stdout()).toMatch(/Metrics: +http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(child.stdout()).toContain('Encounter');

    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
    const types = (await (await fetch(`${base}/api/workflow-types`)).json()) as {
      workflowTypes: { name: string }[];
    };
    expect(types.workflowTypes.map((t) => t.name)).toEqual([
      'CapturePokemon',
      'CapturePokemonSaga',
      'CapturePokemonSteps',
      'HelloWorld',
      'Encounter',
    ]);
    const input = { trainer: { name: 'Sacha' }, pokemon: { name: 'Mew' } };
    const start = await fetch(`${base}/api/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflowType: 'HelloWorld', workflowId: 'hello', args: [input] }),
    });
    expect(start.status).toBe(201);
    let detail: { status: string; result?: unknown } = { status: 'RUNNING' };
    for (let i = 0; i < 200 && detail.status === 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      detail = (await (await fetch(`${base}/api/executions/hello`)).json()) as typeof detail;
    }
    expect(detail).toMatchObject({
      status: 'COMPLETED',
      result: { 'hello trainer': 'Hello, Sacha!', 'hello Pokémon': 'Hello, Mew!' },
    });

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toContain('baton_');

    child.proc.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(child.stdout()).toContain('SIGTERM: shutting down');
    await expect(fetch(`${base}/api/health`)).rejects.toThrow();
  });

  it('logs pino JSON lines on stderr, each about an execution with its workflowId and runId', async () => {
    const child = startBaton(['dev', '--port', '0', '--store', `sqlite:${tempStore('baton-dev-log-')}`]);
    const [, base] = await waitForOutput(child, API_LINE);
    // A type the worker does not run, sent to its task queue: its workflow task fails (a warning).
    const start = await fetch(`${base}/api/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflowType: 'Missingno', workflowId: 'glitch', taskQueue: 'baton-dev' }),
    });
    expect(start.status).toBe(201);
    const { runId } = (await start.json()) as { runId: string };
    const deadline = Date.now() + 20_000;
    let lines: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      lines = child
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      if (lines.some((l) => l.workflowId === 'glitch')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const line = lines.find((l) => l.workflowId === 'glitch');
    expect(line, child.stderr()).toMatchObject({ level: 40, workflowId: 'glitch', runId });
    expect(String(line!.msg)).toContain('workflow task failed');
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });

  it('refuses a BATON_LOG_LEVEL that names no level with exit 2 and one line', async () => {
    const child = startBaton(
      ['server', '--port', '0', '--store', `sqlite:${tempStore('baton-dev-level-')}`],
      {
        BATON_LOG_LEVEL: 'loud',
      },
    );
    const exit = await child.exited;
    expect(exit.code).toBe(2);
    expect(child.stderr().trim().split('\n')).toEqual([
      "baton: BATON_LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent, got 'loud'",
    ]);
  });

  it('baton dev --workflows loads a module as baton worker --module does', async () => {
    const store = tempStore('baton-dev-module-');
    const module = join(dirname(store), 'greeter.mjs');
    writeFileSync(
      module,
      `export const greet = Object.freeze({ name: 'Greet', fn: async (ctx, who) =>
         ctx.activities({ startToCloseTimeout: '5s' }).hello(who) });
       export const activities = { async hello(who) { return 'Hello, ' + who + '!'; } };`,
    );
    const child = startBaton([
      'dev',
      '--workflows',
      module,
      '--port',
      '0',
      '--store',
      `sqlite:${store}`,
      '--token',
      't0k3n',
    ]);
    const [, base] = await waitForOutput(child, API_LINE);
    expect(child.stdout()).toMatch(/UI: +http:\/\/127\.0\.0\.1:\d+\/\?token=t0k3n/);
    expect((await fetch(`${base}/api/health`)).status).toBe(401);
    const auth = { authorization: 'Bearer t0k3n', 'content-type': 'application/json' };
    const start = await fetch(`${base}/api/executions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ workflowType: 'Greet', workflowId: 'g', args: ['Sacha'] }),
    });
    expect(start.status).toBe(201);
    let detail: { status: string; result?: unknown } = { status: 'RUNNING' };
    for (let i = 0; i < 200 && detail.status === 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      detail = (await (await fetch(`${base}/api/executions/g`, { headers: auth })).json()) as typeof detail;
    }
    expect(detail).toMatchObject({ status: 'COMPLETED', result: 'Hello, Sacha!' });
    child.proc.kill('SIGINT');
    expect((await child.exited).code).toBe(0);
  });

  it('baton server serves the API without a worker and exits 0 on SIGTERM', async () => {
    const child = startBaton(['server', '--port', '0', '--store', `sqlite:${tempStore('baton-server-')}`]);
    const [, base] = await waitForOutput(child, API_LINE);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    const types = (await (await fetch(`${base}/api/workflow-types`)).json()) as { workflowTypes: unknown[] };
    expect(types.workflowTypes).toEqual([]);
    const noQueue = await fetch(`${base}/api/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflowType: 'Anything' }),
    });
    expect(noQueue.status).toBe(400);
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });

  it('exits 2 with one line for bad flags: a port that is not a number, a public host without a token', async () => {
    const store = `sqlite:${tempStore('baton-dev-flags-')}`;
    const cases = [
      [
        ['dev', '--port', 'eighty', '--store', store],
        "--port: expected an integer from 0 to 65535 (0 picks a free port), got 'eighty'",
      ],
      [['dev', '--port', '70000', '--store', store], "got '70000'"],
      [
        ['server', '--host', '0.0.0.0', '--store', store],
        '--host 0.0.0.0 needs a token: pass --token T or set BATON_TOKEN',
      ],
      [
        ['dev', '--workflows', 'no/such/module.js', '--store', store],
        'worker module no/such/module.js not found',
      ],
    ] as const;
    const exits = await Promise.all(cases.map(([args]) => runBaton([...args], { BATON_TOKEN: undefined })));
    exits.forEach((exit, i) => {
      const [args, message] = cases[i]!;
      expect(exit.code, args.join(' ')).toBe(2);
      expect(exit.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(exit.stderr).toContain(message);
    });
  });

  it('a token from BATON_TOKEN lets baton server bind 0.0.0.0', async () => {
    const child = startBaton(
      ['server', '--host', '0.0.0.0', '--port', '0', '--store', `sqlite:${tempStore('baton-server-token-')}`],
      {
        BATON_TOKEN: 's3cret',
      },
    );
    const [, base] = await waitForOutput(child, API_LINE);
    expect((await fetch(`${base}/api/health`)).status).toBe(401);
    expect((await fetch(`${base}/api/health`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(
      200,
    );
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});
