/**
 * uTask templates on the engine, the steps that run children: the `subtask` action (a child
 * template run as a child workflow, one per `foreach` item too), and `foreach_strategy: sequence`
 * against parallel children.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockHttp, type MockHttp, type MockRequest } from '../support/mock-http.js';
import { runWorkflowFiles } from '../support/workflow-files.js';
import { utaskOutcome as outcome } from './run-kit.js';

let mock: MockHttp | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const PARENT = `
name: Parent-Tpl
title_format: parent of {{.input.who}}
inputs:
  - name: who
steps:
  callChild:
    action:
      type: subtask
      configuration:
        template: Child-Tpl
        input:
          who: "{{.input.who}}"
          mode: "{{.input.mode}}"
  afterChild:
    dependencies: [callChild]
    action:
      type: echo
      configuration:
        output:
          said: "{{.step.callChild.output.greeting}}"
          child: "{{.step.callChild.metadata.task_id}}"
`;

const CHILD = `
name: child-tpl
inputs:
  - name: who
  - name: mode
    optional: true
steps:
  greet:
    action:
      type: echo
      configuration:
        output:
          hello: "{{.input.who}}"
        error_message: '{{if eq .input.mode "fail"}}no greeting for {{.input.who}}{{end}}'
        error_type: client
result_format:
  greeting: "hi {{.step.greet.output.hello}}"
`;

describe('uTask subtask action', () => {
  it("runs the child template as a child workflow '<parent>/<step>'; its result is the step output", async () => {
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': PARENT, 'child.yaml': CHILD },
      input: { who: 'Sacha' },
      workflowId: 'p-1',
    });
    expect(run.status).toBe('COMPLETED');
    const out = outcome(run);
    expect(out.resolution).toBe('DONE');
    expect(out.steps.callChild).toMatchObject({
      state: 'DONE',
      output: { greeting: 'hi Sacha' },
      metadata: { task_id: 'p-1/callChild', state: 'DONE' },
    });
    expect(out.steps.afterChild?.output).toEqual({ said: 'hi Sacha', child: 'p-1/callChild' });
    expect(run.set.files[0]?.references).toEqual(['child-tpl']);

    const child = run.env.baton.client.getHandle('p-1/callChild');
    expect((await child.describe()).status).toBe('COMPLETED');
    expect((await child.describe()).workflowType).toBe('child-tpl@1');
    expect(await child.result()).toMatchObject({ resolution: 'DONE', result: { greeting: 'hi Sacha' } });
  });

  it('makes the step CLIENT_ERROR when the child does not end DONE (and runs nothing after it)', async () => {
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': PARENT, 'child.yaml': CHILD },
      input: { who: 'Sacha', mode: 'fail' },
      workflowId: 'p-2',
    });
    expect(run.status).toBe('FAILED');
    const out = outcome(run);
    expect(out.resolution).toBe('BLOCKED_BADREQUEST');
    expect(out.steps.callChild?.state).toBe('CLIENT_ERROR');
    expect(out.steps.callChild?.metadata).toMatchObject({ task_id: 'p-2/callChild' });
    expect(out.steps.callChild?.error).toMatch(/BLOCKED_BADREQUEST/);
    expect(out.steps.afterChild?.state).toBe('TODO');
    expect(run.steps.callChild).toBe('CLIENT_ERROR');

    const child = run.env.baton.client.getHandle('p-2/callChild');
    expect((await child.describe()).status).toBe('FAILED');
  });

  it('passes json_input, and makes an unknown child template CLIENT_ERROR naming it', async () => {
    const parent = `
name: parent-json
steps:
  good:
    action:
      type: subtask
      configuration:
        template: child-tpl
        json_input: '{"who": "Ondine", "mode": "ok"}'
  missing:
    action:
      type: subtask
      configuration:
        template: no-such-template
`;
    const run = await runWorkflowFiles([], { texts: { 'parent.yaml': parent, 'child.yaml': CHILD } });
    const out = outcome(run);
    expect(out.steps.good).toMatchObject({ state: 'DONE', output: { greeting: 'hi Ondine' } });
    expect(out.steps.missing?.state).toBe('CLIENT_ERROR');
    expect(out.steps.missing?.error).toMatch(/no-such-template/);
  });

  it("runs one child per foreach item, each '<parent>/<step>[i]'", async () => {
    const parent = `
name: parent-loop
steps:
  kids:
    foreach: '["Pierre", "Ondine"]'
    action:
      type: subtask
      configuration:
        template: child-tpl
        input:
          who: "{{.iterator}}"
          mode: ok
`;
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': parent, 'child.yaml': CHILD },
      workflowId: 'p-3',
    });
    const out = outcome(run);
    expect(out.resolution).toBe('DONE');
    expect((out.steps.kids?.children as { output: unknown }[]).map((c) => c.output)).toEqual([
      { greeting: 'hi Pierre' },
      { greeting: 'hi Ondine' },
    ]);
    for (const [i, who] of ['Pierre', 'Ondine'].entries())
      expect(await run.env.baton.client.getHandle(`p-3/kids[${i}]`).result()).toMatchObject({
        result: { greeting: `hi ${who}` },
      });
  });
});

function foreachTemplate(strategy: string | undefined): string {
  return `
name: fan-out
inputs:
  - name: items
    collection: true
steps:
  fetch:
    foreach: "{{.input.items | toJson}}"
${strategy === undefined ? '' : `    foreach_strategy: ${strategy}\n`}    action:
      type: http
      configuration:
        url: "http://api.example.test/item/{{.iterator}}"
`;
}

/** A mock that holds each answer `holdMs` and tracks how many requests it holds at once. */
async function holdingMock(holdMs: number): Promise<{ server: MockHttp; maxActive: () => number }> {
  let active = 0;
  let max = 0;
  const server = await startMockHttp(async (req: MockRequest) => {
    active += 1;
    max = Math.max(max, active);
    await sleep(holdMs);
    active -= 1;
    return { json: { item: req.path.split('/').pop() } };
  });
  mock = server;
  return { server, maxActive: () => max };
}

describe('uTask foreach strategies', () => {
  it('sequence: runs the children one after the other, in item order', async () => {
    const { server, maxActive } = await holdingMock(150);
    const run = await runWorkflowFiles([], {
      texts: { 'fan.yaml': foreachTemplate('sequence') },
      input: { items: ['a', 'b', 'c'] },
      rewriteUrl: (url) => server.rewrite(url),
      utask: { maxRetries: 0 },
    });
    const out = outcome(run);
    expect(out.resolution).toBe('DONE');
    expect(maxActive()).toBe(1);
    expect(server.requests.map((r) => r.path)).toEqual(['/item/a', '/item/b', '/item/c']);
    const arrivals = server.requests.map((r) => r.atMs);
    for (let i = 1; i < arrivals.length; i++)
      expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(140);
    expect(
      (out.steps.fetch?.children as { output: unknown; metadata: { iterator: unknown } }[]).map((c) => [
        c.metadata.iterator,
        c.output,
      ]),
    ).toEqual([
      ['a', { item: 'a' }],
      ['b', { item: 'b' }],
      ['c', { item: 'c' }],
    ]);
  });

  it('parallel (the default): the children overlap', async () => {
    const { server, maxActive } = await holdingMock(400);
    const out = outcome(
      await runWorkflowFiles([], {
        texts: { 'fan.yaml': foreachTemplate(undefined) },
        input: { items: ['a', 'b', 'c'] },
        rewriteUrl: (url) => server.rewrite(url),
        utask: { maxRetries: 0 },
      }),
    );
    expect(out.resolution).toBe('DONE');
    expect(server.requests).toHaveLength(3);
    expect(maxActive()).toBeGreaterThan(1);
  });

  it('sequence: a child in error stops the ones after it; the step takes its state', async () => {
    const server = await startMockHttp((req) =>
      req.path === '/item/b' ? { status: 404, json: { missing: 'b' } } : { json: { ok: true } },
    );
    mock = server;
    const run = await runWorkflowFiles([], {
      texts: { 'fan.yaml': foreachTemplate('sequence') },
      input: { items: ['a', 'b', 'c'] },
      rewriteUrl: (url) => server.rewrite(url),
      utask: { maxRetries: 0 },
    });
    const out = outcome(run);
    expect(out.resolution).toBe('BLOCKED_BADREQUEST');
    expect(out.steps.fetch?.state).toBe('CLIENT_ERROR');
    expect(server.requests.map((r) => r.path)).toEqual(['/item/a', '/item/b']);
    expect(run.steps).toMatchObject({ 'fetch[0]': 'DONE', 'fetch[1]': 'CLIENT_ERROR' });
    expect(run.steps['fetch[2]']).toBeUndefined();
  });
});
