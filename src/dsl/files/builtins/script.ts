/**
 * `baton.script`: JavaScript run in QuickJS compiled to WebAssembly, one fresh runtime per call.
 * The sandbox has the language's standard objects and nothing of the host: no `require`, no
 * `process`, no file system, no network (QuickJS has none and none is added). It sees only the
 * JSON values bound as globals, and its result is its completion value turned into JSON.
 */
import {
  newQuickJSWASMModule,
  RELEASE_SYNC,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';
import { ApplicationFailure } from '../../../common/failures.js';
import { BUILTIN_FAILURE, type ScriptArg } from './types.js';

/** Default CPU time limit of a script, in ms. */
export const SCRIPT_DEFAULT_TIMEOUT_MS = 1000;
/** Memory limit of a script's heap, in bytes (32 MiB). */
export const SCRIPT_MEMORY_LIMIT_BYTES = 32 * 1024 * 1024;
/**
 * Stack limit of a script, in bytes. Kept well below what the host's own stack can take, so a
 * runaway recursion ends as a script error rather than overflowing the host.
 */
const SCRIPT_STACK_LIMIT_BYTES = 256 * 1024;
/** File name the script's errors and stack traces carry. */
const SCRIPT_FILE = 'script.js';

let quickjs: Promise<QuickJSWASMModule> | undefined;

/** The QuickJS module, loaded on first use (a failed load is tried again on the next call). */
function loadQuickJS(): Promise<QuickJSWASMModule> {
  quickjs ??= newQuickJSWASMModule(RELEASE_SYNC).catch((error: unknown) => {
    quickjs = undefined;
    throw error;
  });
  return quickjs;
}

function scriptError(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, BUILTIN_FAILURE.script);
}

/**
 * Runs `arg.script` as a script (not a function body: `if (x) { true; } else { false; }` gives
 * `true`) with `arg.bindings` as global variables, and returns its completion value as JSON
 * (`undefined` becomes `null`, a `Date` its ISO text, a function `null`).
 *
 * Limits: `arg.timeoutMs` of CPU time (default 1000), {@link SCRIPT_MEMORY_LIMIT_BYTES} of heap,
 * a bounded stack.
 *
 * @throws ApplicationFailure `ScriptError`, not retryable, whose message names the problem: a
 *   syntax error and its line, what the script threw and where, a limit it ran past, a result
 *   that is not JSON (a `BigInt`, a cycle), or a bad argument.
 * @example
 * await evaluateScript({ script: 'if ($.n < 3) { true; } else { false; }', bindings: { $: { n: 1 } } }); // true
 */
export async function evaluateScript(arg: ScriptArg): Promise<unknown> {
  if (typeof arg?.script !== 'string') {
    throw scriptError(`baton.script: 'script' must be a string of JavaScript (got ${typeof arg?.script})`);
  }
  const bindings = arg.bindings ?? {};
  if (typeof bindings !== 'object' || Array.isArray(bindings)) {
    throw scriptError("baton.script: 'bindings' must be an object of global names to JSON values");
  }
  const timeoutMs = arg.timeoutMs ?? SCRIPT_DEFAULT_TIMEOUT_MS;
  const module = await loadQuickJS();
  try {
    return runInSandbox(module, arg.script, bindings, timeoutMs);
  } catch (error) {
    if (error instanceof ApplicationFailure) throw error;
    // The WebAssembly instance itself failed (host stack, abort): never reuse it.
    quickjs = undefined;
    throw scriptError(
      `baton.script: the sandbox failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The `baton.script` activity: {@link evaluateScript}. */
export function createScriptActivity(): (arg: ScriptArg) => Promise<unknown> {
  return evaluateScript;
}

function runInSandbox(
  module: QuickJSWASMModule,
  script: string,
  bindings: Record<string, unknown>,
  timeoutMs: number,
): unknown {
  const runtime = module.newRuntime();
  let vm: QuickJSContext | undefined;
  let interrupted = false;
  try {
    runtime.setMemoryLimit(SCRIPT_MEMORY_LIMIT_BYTES);
    runtime.setMaxStackSize(SCRIPT_STACK_LIMIT_BYTES);
    const deadline = performance.now() + timeoutMs;
    runtime.setInterruptHandler(() => (interrupted ||= performance.now() > deadline));
    vm = runtime.newContext();
    for (const [name, value] of Object.entries(bindings)) bindGlobal(vm, name, value);
    const outcome = vm.evalCode(script, SCRIPT_FILE, { type: 'global' });
    if (outcome.error !== undefined) {
      const message = interrupted
        ? `script ran past its ${timeoutMs} ms limit`
        : describeThrown(vm, outcome.error);
      outcome.error.dispose();
      throw scriptError(message);
    }
    return toJson(vm, outcome.value, () => interrupted, timeoutMs);
  } finally {
    vm?.dispose();
    runtime.dispose();
  }
}

/** Sets global `name` to `value`, passed as JSON text and parsed inside the sandbox. */
function bindGlobal(vm: QuickJSContext, name: string, value: unknown): void {
  const text = JSON.stringify(value);
  if (text === undefined) {
    vm.setProp(vm.global, name, vm.undefined);
    return;
  }
  const parsed = callJson(vm, 'parse', vm.newString(text));
  try {
    vm.setProp(vm.global, name, vm.unwrapResult(parsed));
  } finally {
    if (parsed.error === undefined) parsed.value.dispose();
  }
}

/** Calls the sandbox's own `JSON.parse` / `JSON.stringify` on `arg`; consumes `arg`. */
function callJson(
  vm: QuickJSContext,
  method: 'parse' | 'stringify',
  arg: QuickJSHandle,
): ReturnType<QuickJSContext['callFunction']> {
  const json = vm.getProp(vm.global, 'JSON');
  const fn = vm.getProp(json, method);
  try {
    return vm.callFunction(fn, json, arg);
  } finally {
    fn.dispose();
    json.dispose();
    arg.dispose();
  }
}

/** The completion value as JSON, through the sandbox's own `JSON.stringify`; consumes `value`. */
function toJson(
  vm: QuickJSContext,
  value: QuickJSHandle,
  interrupted: () => boolean,
  timeoutMs: number,
): unknown {
  const text = callJson(vm, 'stringify', value);
  if (text.error !== undefined) {
    const message = interrupted()
      ? `script ran past its ${timeoutMs} ms limit`
      : describeThrown(vm, text.error);
    text.error.dispose();
    throw scriptError(`script's result cannot be turned into JSON: ${message}`);
  }
  try {
    if (vm.typeof(text.value) !== 'string') return null;
    return JSON.parse(vm.getString(text.value)) as unknown;
  } finally {
    text.value.dispose();
  }
}

/** What the script threw, with its line: `SyntaxError at line 2: unexpected token …`. */
function describeThrown(vm: QuickJSContext, error: QuickJSHandle): string {
  let thrown: unknown;
  try {
    thrown = vm.dump(error);
  } catch {
    return 'script threw a value that cannot be read';
  }
  if (typeof thrown !== 'object' || thrown === null || !('message' in thrown)) {
    return `script threw ${safeText(thrown)}`;
  }
  const { name, message, stack, lineNumber } = thrown as {
    name?: unknown;
    message?: unknown;
    stack?: unknown;
    lineNumber?: unknown;
  };
  const kind = typeof name === 'string' && name !== '' ? name : 'Error';
  const line = typeof lineNumber === 'number' ? lineNumber : lineOf(stack);
  if (message === 'out of memory') {
    return `script ran past its ${SCRIPT_MEMORY_LIMIT_BYTES / 1024 / 1024} MiB memory limit`;
  }
  if (kind === 'SyntaxError') return `script has a syntax error${at(line)}: ${String(message)}`;
  return `script threw ${kind}: ${String(message)}${at(line)}`;
}

function at(line: number | undefined): string {
  return line === undefined ? '' : ` at line ${line}`;
}

/** The first line number of the script named in a QuickJS stack trace. */
function lineOf(stack: unknown): number | undefined {
  if (typeof stack !== 'string') return undefined;
  const match = /script\.js:(\d+)/.exec(stack);
  return match === null ? undefined : Number(match[1]);
}

function safeText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
