import { readFileSync } from 'node:fs';
import { runTs } from '../support/child.js';
import { describe, expect, it } from 'vitest';
import { samplePath } from '../support/samples.js';
import { ApplicationFailure } from '../../src/common/failures.js';
import { runJq } from '../../src/dsl/files/builtins/jq.js';
import { BUILTIN_FAILURE } from '../../src/dsl/files/builtins/types.js';

/** The JSON_JQ_TRANSFORM query of the saga compensation sample, read at test time. */
function sagaQuery(): string {
  const file = JSON.parse(readFileSync(samplePath('conductor/saga-order-compensation.json'), 'utf8')) as {
    tasks: { type: string; inputParameters: { queryExpression?: string } }[];
  };
  return file.tasks.find((t) => t.type === 'JSON_JQ_TRANSFORM')!.inputParameters.queryExpression!;
}

async function jqFailure(query: string, input: unknown, timeoutMs?: number): Promise<ApplicationFailure> {
  const error = await runJq({ query, input }, timeoutMs === undefined ? {} : { timeoutMs }).then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  expect(failure.type).toBe(BUILTIN_FAILURE.jq);
  expect(failure.nonRetryable).toBe(true);
  return failure;
}

describe('baton.jq', () => {
  it('runs the saga compensation query on a failed run with two completed steps', async () => {
    const failed = {
      input: { orderId: 'ORD-2', amount: 49 },
      tasks: [
        { referenceTaskName: 'reserve_inventory', status: 'COMPLETED' },
        { referenceTaskName: 'charge_payment', status: 'COMPLETED' },
        { referenceTaskName: 'book_shipment', status: 'FAILED' },
        { referenceTaskName: 'book_shipment', status: 'FAILED' },
      ],
    };
    const { result, resultList } = await runJq({ query: sagaQuery(), input: { failed } });
    const expected = {
      done: ['reserve_inventory', 'charge_payment'],
      orderId: 'ORD-2',
      undoPayment: true,
      undoInventory: true,
    };
    expect(result).toEqual(expected);
    expect(resultList).toEqual([expected]);
  });

  it('runs the saga compensation query on a run with nothing completed and no input (// defaults)', async () => {
    const { result } = await runJq({ query: sagaQuery(), input: { failed: { tasks: null } } });
    expect(result).toEqual({ done: [], orderId: 'unknown', undoPayment: false, undoInventory: false });
    const only = await runJq({
      query: sagaQuery(),
      input: {
        failed: {
          input: { orderId: 'ORD-9' },
          tasks: [{ referenceTaskName: 'reserve_inventory', status: 'COMPLETED' }],
        },
      },
    });
    expect(only.result).toEqual({
      done: ['reserve_inventory'],
      orderId: 'ORD-9',
      undoPayment: false,
      undoInventory: true,
    });
  });

  it('returns every output in resultList and the first as result', async () => {
    const out = await runJq({
      query: '.items[] | {id, note}',
      input: {
        items: [
          { id: 1, note: 'a\nb' },
          { id: 2, note: null },
        ],
      },
    });
    expect(out.resultList).toEqual([
      { id: 1, note: 'a\nb' },
      { id: 2, note: null },
    ]);
    expect(out.result).toEqual({ id: 1, note: 'a\nb' });
  });

  it('gives null and an empty list for a program with no output; scalars and a null input work', async () => {
    expect(await runJq({ query: 'empty', input: { a: 1 } })).toEqual({ result: null, resultList: [] });
    expect(await runJq({ query: '.', input: null })).toEqual({ result: null, resultList: [null] });
    expect(await runJq({ query: '. * 2', input: 21 })).toEqual({ result: 42, resultList: [42] });
  });

  it('names a compile error, with the query', async () => {
    const failure = await jqFailure('.a |', { a: 1 });
    expect(failure.message).toMatch(/^jq query '\.a \|' failed: jq: error: syntax error/);
    expect(failure.message).toContain('compile error');
  });

  it('names a runtime error, and leaves the process exit code alone', async () => {
    const before = process.exitCode;
    const failure = await jqFailure('.a.b', { a: 1 });
    expect(failure.message).toBe('jq query \'.a.b\' failed: jq: error: Cannot index number with string "b"');
    const custom = await jqFailure('error("no stock")', {});
    expect(custom.message).toContain('no stock');
    expect(process.exitCode).toBe(before);
    expect((await runJq({ query: '.a', input: { a: 'after errors' } })).result).toBe('after errors');
  });

  it('stops a program that never ends at its time limit; the next program runs', async () => {
    const endless = await jqFailure('until(false; .)', 1, 300);
    expect(endless.message).toBe("jq query 'until(false; .)' ran past its 300 ms limit");
    expect((await runJq({ query: '.n + 1', input: { n: 1 } })).result).toBe(2);
  });

  it('runs concurrent programs each on its own input', async () => {
    const runs = await Promise.all(
      [1, 2, 3, 4].map((n) => runJq({ query: '[range(.)] | add', input: n * 10 })),
    );
    expect(runs.map((r) => r.result)).toEqual([45, 190, 435, 780]);
  });

  it('an idle jq thread does not keep the process alive: a process that ran jq exits on its own', async () => {
    const child = runTs('test/fixtures/jq-once.ts', []);
    const killer = setTimeout(() => child.proc.kill('SIGKILL'), 20_000);
    const exit = await child.exited;
    clearTimeout(killer);
    expect(exit, child.stderr()).toEqual({ code: 0, signal: null });
    expect(child.stdout().trim()).toBe('42');
  }, 30_000);
});
