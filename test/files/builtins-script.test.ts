import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { samplePath } from '../support/samples.js';
import { ApplicationFailure } from '../../src/common/failures.js';
import { evaluateScript } from '../../src/dsl/files/builtins/script.js';
import { BUILTIN_FAILURE } from '../../src/dsl/files/builtins/types.js';

const SAMPLES = samplePath('');

/** The failure a script run ends with (the test fails if it does not fail). */
async function failure(script: string, bindings: Record<string, unknown> = {}, timeoutMs?: number) {
  const error = await evaluateScript({
    script,
    bindings,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  }).then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  expect(failure.type).toBe(BUILTIN_FAILURE.script);
  expect(failure.nonRetryable).toBe(true);
  return failure;
}

describe('baton.script: completion values', () => {
  it('returns the completion value of an if statement (not a return value)', async () => {
    const script = 'if ($.iteration < 3) { true; } else { false; }';
    expect(await evaluateScript({ script, bindings: { $: { iteration: 1 } } })).toBe(true);
    expect(await evaluateScript({ script, bindings: { $: { iteration: 3 } } })).toBe(false);
  });

  it('returns objects from an immediately-called function and from an object literal', async () => {
    expect(await evaluateScript({ script: '(function(){ return {a:1}; })()', bindings: {} })).toEqual({
      a: 1,
    });
    expect(
      await evaluateScript({ script: '({ a: $.x, b: [$.x, "y"] })', bindings: { $: { x: 7 } } }),
    ).toEqual({
      a: 7,
      b: [7, 'y'],
    });
  });

  it('returns the last expression of a statement list, and null for undefined', async () => {
    expect(
      await evaluateScript({ script: "var h = 'Hola';\nvar m = 'mundo';\nh + ' ' + m + '!';", bindings: {} }),
    ).toBe('Hola mundo!');
    expect(await evaluateScript({ script: 'var x = 1;', bindings: {} })).toBeNull();
    expect(await evaluateScript({ script: 'undefined', bindings: {} })).toBeNull();
  });

  it('turns the result into JSON: a Date becomes its ISO text, undefined fields are dropped', async () => {
    expect(
      await evaluateScript({ script: '({ d: new Date(0), u: undefined, n: null })', bindings: {} }),
    ).toEqual({
      d: '1970-01-01T00:00:00.000Z',
      n: null,
    });
  });

  it('binds JSON values as globals, any name, special characters kept', async () => {
    const bindings = { $: { s: 'a\u2028b "q"', list: [1, { k: null }] }, other: 3, nothing: null };
    const result = await evaluateScript({ script: '[$.s, $.list, other * 2, nothing, typeof $]', bindings });
    expect(result).toEqual(['a\u2028b "q"', [1, { k: null }], 6, null, 'object']);
  });

  it('gives each call a fresh sandbox (globals do not leak between calls)', async () => {
    await evaluateScript({ script: 'globalThis.leak = 42; leak', bindings: {} });
    expect(await evaluateScript({ script: 'typeof leak', bindings: {} })).toBe('undefined');
  });
});

describe('baton.script: the sample files', () => {
  it('runs the three sample script shapes (if statement, IIFE, object literal)', async () => {
    const dowhile = readTasks('dowhile-workflow.json');
    const loopCondition = dowhile.find((t) => t.loopCondition !== undefined)!.loopCondition!;
    expect(loopCondition).toMatch(/^if \(/);
    expect(await evaluateScript({ script: loopCondition, bindings: { $: { iteration: 2 } } })).toBe(true);
    expect(await evaluateScript({ script: loopCondition, bindings: { $: { iteration: 3 } } })).toBe(false);
    const summarize = dowhile.find((t) => t.taskReferenceName === 'summarize')!.inputParameters!.expression!;
    const summary = await evaluateScript({
      script: summarize,
      bindings: { $: { lastTime: 'T', totalIterations: 3 } },
    });
    expect(summary).toEqual({ sampledAt: 'T', iterations: 3 });
    const iife = readTasks('workflow.json').find((t) => t.type === 'INLINE')!.inputParameters!.expression!;
    const data = { hostName: 'h1', apiRandomDelay: '10ms', randomInt: 4 };
    expect(await evaluateScript({ script: iife, bindings: { $: { data } } })).toEqual({
      summary: 'Host h1 responded in 10ms with random value 4',
      host: 'h1',
      randomValue: 4,
    });
  });
});

interface SampleTask {
  taskReferenceName: string;
  type: string;
  loopCondition?: string;
  inputParameters?: { expression?: string };
}

/** The top-level tasks of a Conductor sample file. */
function readTasks(file: string): SampleTask[] {
  return (JSON.parse(readFileSync(`${SAMPLES}/conductor/${file}`, 'utf8')) as { tasks: SampleTask[] }).tasks;
}

describe('baton.script: failures', () => {
  it('names a syntax error and its line', async () => {
    const syntax = await failure('var a = 1;\nvar b = ;', {});
    expect(syntax.message).toMatch(/^script has a syntax error at line 2: /);
  });

  it('names what the script threw, and where', async () => {
    const thrown = await failure('var x = 1;\nthrow new Error("card declined")');
    expect(thrown.message).toBe('script threw Error: card declined at line 2');
    const undefinedName = await failure('nope.field');
    expect(undefinedName.message).toContain("ReferenceError: 'nope' is not defined");
    const str = await failure('throw "plain text"');
    expect(str.message).toBe('script threw "plain text"');
  });

  it('stops an endless loop at its time limit, and the sandbox still works afterwards', async () => {
    const looped = await failure('while (true) {}', {}, 200);
    expect(looped.message).toBe('script ran past its 200 ms limit');
    const caught = await failure('try { while (true) {} } catch (e) { "caught"; }', {}, 100);
    expect(caught.message).toBe('script ran past its 100 ms limit');
    expect(await evaluateScript({ script: '1 + 1', bindings: {} })).toBe(2);
  });

  it('stops a script at its memory limit and a runaway recursion at its stack limit', async () => {
    const memory = await failure(
      "var a = []; while (true) { a.push({ n: a.length, s: 'item' + a.length }); }",
      {},
      20_000,
    );
    expect(memory.message).toMatch(/memory limit/);
    const deep = await failure('function f(n) { return f(n + 1) + 1; } f(0)');
    expect(deep.message).toMatch(/stack overflow/);
    expect(await evaluateScript({ script: '"still fine"', bindings: {} })).toBe('still fine');
  });

  it('refuses a result that is not JSON', async () => {
    const bigint = await failure('10n');
    expect(bigint.message).toMatch(/cannot be turned into JSON/);
  });

  it('has no host access: no require, process, fetch, module or file system', async () => {
    const kinds = await evaluateScript({
      script:
        '[typeof require, typeof process, typeof fetch, typeof module, typeof std, typeof os, typeof XMLHttpRequest]',
      bindings: {},
    });
    expect(kinds).toEqual(Array(7).fill('undefined'));
  });
});
