import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplePath } from '../support/samples.js';
import { importConductor, looksLikeConductor } from '../../src/dsl/conductor/import.js';
import { WorkflowFileError } from '../../src/dsl/files/file-error.js';
import { parseSource } from '../../src/dsl/files/source.js';
import { ValidationError } from '../../src/common/errors.js';

const SAMPLES = samplePath('conductor');

function load(text: string, file = 'wf.json') {
  return importConductor(parseSource(text, file));
}

function problemsOf(text: string): WorkflowFileError {
  try {
    load(text);
  } catch (error) {
    if (error instanceof WorkflowFileError) return error;
    throw error;
  }
  throw new Error('expected a WorkflowFileError');
}

const wf = (tasks: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ name: 'w', version: 2, tasks, ...extra }, null, 2);

describe('Conductor import: the samples', () => {
  const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.json'));

  it('finds the six sample definitions', () => {
    expect(files.sort()).toEqual([
      'dowhile-workflow.json',
      'multistep-workflow.json',
      'retry-workflow.json',
      'saga-order-compensation.json',
      'saga-order-fulfillment.json',
      'workflow.json',
    ]);
  });

  it.each(files)('%s loads as a Conductor workflow named name@version', (file) => {
    const text = readFileSync(join(SAMPLES, file), 'utf8');
    const doc = parseSource(text, file);
    expect(looksLikeConductor(doc.value)).toBe(true);
    const loaded = importConductor(doc);
    const raw = JSON.parse(text) as { name: string; version: number };
    expect(loaded.format).toBe('conductor');
    expect(loaded.workflowType).toBe(`${raw.name}@${raw.version}`);
    expect(loaded.definition.name).toBe(loaded.workflowType);
  });

  it('the fulfillment references its failure workflow', () => {
    const loaded = load(readFileSync(join(SAMPLES, 'saga-order-fulfillment.json'), 'utf8'));
    expect(loaded.references).toEqual(['saga_order_compensation']);
  });

  it('graphs nested tasks with their parent, branch and the JOIN after both branches', () => {
    const multistep = load(readFileSync(join(SAMPLES, 'multistep-workflow.json'), 'utf8'));
    expect(multistep.graph.nodes).toEqual([
      { id: 'fork_parallel_calls', label: 'fork_parallel_calls', kind: 'FORK_JOIN', dependsOn: [] },
      {
        id: 'fetch_utc_time',
        label: 'fetch_utc_time',
        kind: 'HTTP',
        dependsOn: ['fork_parallel_calls'],
        parent: 'fork_parallel_calls',
      },
      {
        id: 'fetch_ny_time',
        label: 'fetch_ny_time',
        kind: 'HTTP',
        dependsOn: ['fork_parallel_calls'],
        parent: 'fork_parallel_calls',
      },
      {
        id: 'join_results',
        label: 'join_results',
        kind: 'JOIN',
        dependsOn: ['fetch_utc_time', 'fetch_ny_time'],
      },
    ]);
    const compensation = load(readFileSync(join(SAMPLES, 'saga-order-compensation.json'), 'utf8'));
    expect(compensation.graph.nodes.find((n) => n.id === 'refund_payment')).toMatchObject({
      parent: 'route_refund',
      branch: 'true',
    });
  });

  it('prepareInput wants an object, fills inputTemplate defaults', () => {
    const loaded = load(
      wf([{ name: 'a', taskReferenceName: 'a', type: 'SET_VARIABLE' }], { inputTemplate: { x: 1 } }),
    );
    expect(loaded.prepareInput(undefined)).toEqual({ x: 1 });
    expect(loaded.prepareInput({ y: 2 })).toEqual({ x: 1, y: 2 });
    expect(() => loaded.prepareInput([1])).toThrow(ValidationError);
    expect(() => loaded.prepareInput('x')).toThrow(/expected a JSON object/);
  });
});

describe('Conductor import: load errors name the task, the type, the line and column', () => {
  it('an unsupported task type', () => {
    const text = wf([
      { name: 'ok', taskReferenceName: 'ok', type: 'SET_VARIABLE' },
      { name: 'pub', taskReferenceName: 'publish_ref', type: 'KAFKA_PUBLISH', inputParameters: {} },
    ]);
    const error = problemsOf(text);
    expect(error.problems).toHaveLength(1);
    const [p] = error.problems;
    expect(p!.message).toMatch(/task 'publish_ref': task type 'KAFKA_PUBLISH' is not supported/);
    const line = text.split('\n').findIndex((l) => l.includes('"KAFKA_PUBLISH"')) + 1;
    expect(p!.line).toBe(line);
    expect(p!.column).toBe(text.split('\n')[line - 1]!.indexOf('"KAFKA_PUBLISH"') + 1);
    expect(p!.file).toBe('wf.json');
  });

  it('EVENT and DYNAMIC, nested in a SWITCH case, are reported together', () => {
    const error = problemsOf(
      wf([
        {
          name: 's',
          taskReferenceName: 's',
          type: 'SWITCH',
          evaluatorType: 'value-param',
          expression: 'k',
          inputParameters: { k: 'a' },
          decisionCases: { a: [{ name: 'e', taskReferenceName: 'event_ref', type: 'EVENT' }] },
          defaultCase: [{ name: 'd', taskReferenceName: 'dyn_ref', type: 'DYNAMIC' }],
        },
      ]),
    );
    expect(error.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/task 'event_ref': task type 'EVENT' is not supported/),
      expect.stringMatching(/task 'dyn_ref': task type 'DYNAMIC' is not supported/),
    ]);
  });

  it('duplicated reference names, FORK without JOIN, JOIN on an unknown task, bad references', () => {
    const error = problemsOf(
      wf([
        {
          name: 'a',
          taskReferenceName: 'a',
          type: 'SET_VARIABLE',
          inputParameters: { x: '${nope.output.x}' },
        },
        {
          name: 'a',
          taskReferenceName: 'a',
          type: 'SET_VARIABLE',
          inputParameters: { y: '${workflow.input[*]}' },
        },
        {
          name: 'f',
          taskReferenceName: 'f',
          type: 'FORK_JOIN',
          forkTasks: [
            [{ name: 'b', taskReferenceName: 'b', type: 'WAIT', inputParameters: { duration: '1s' } }],
          ],
        },
        { name: 'j', taskReferenceName: 'j', type: 'JOIN', joinOn: ['zz'] },
        {
          name: 'g',
          taskReferenceName: 'g',
          type: 'FORK_JOIN',
          forkTasks: [
            [{ name: 'c', taskReferenceName: 'c', type: 'WAIT', inputParameters: { duration: 'soon' } }],
          ],
        },
      ]),
    );
    const messages = error.problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(
      /\$\{nope\.output\.x\} starts with 'nope', which is neither workflow nor a taskReferenceName/,
    );
    expect(messages).toMatch(/task 'a': taskReferenceName already used at line \d+/);
    expect(messages).toMatch(/wildcard|\[\*\] is not supported/);
    expect(messages).toMatch(/joinOn names 'zz'/);
    expect(messages).toMatch(/task 'g': a FORK_JOIN must be followed by a JOIN/);
    expect(messages).toMatch(/task 'c': WAIT duration 'soon'/);
    for (const p of error.problems) expect(p.line).toBeGreaterThan(1);
  });

  it('missing fields of the supported types', () => {
    const error = problemsOf(
      wf([
        { name: 'h', taskReferenceName: 'h', type: 'HTTP', inputParameters: {} },
        { name: 's', taskReferenceName: 's', type: 'SWITCH', evaluatorType: 'python', expression: 'x' },
        { name: 'l', taskReferenceName: 'l', type: 'DO_WHILE', loopOver: [] },
        { name: 'w', taskReferenceName: 'w', type: 'WAIT' },
        { name: 'sub', taskReferenceName: 'sub', type: 'SUB_WORKFLOW' },
        {
          name: 't',
          taskReferenceName: 't',
          type: 'TERMINATE',
          inputParameters: { terminationStatus: 'DONE' },
        },
        { name: 'i', taskReferenceName: 'i', type: 'INLINE', inputParameters: { expression: '1' } },
        { name: 'q', taskReferenceName: 'q', type: 'JSON_JQ_TRANSFORM', inputParameters: {} },
        {
          name: 'r',
          taskReferenceName: 'r',
          type: 'HTTP',
          retryCount: -1,
          inputParameters: { uri: 'http://x' },
          taskDefinition: { retryLogic: 'RANDOM' },
        },
      ]),
    );
    const messages = error.problems.map((p) => p.message);
    for (const pattern of [
      /task 'h': HTTP needs inputParameters.http_request/,
      /task 's': SWITCH evaluatorType: expected one of value-param, javascript, graaljs, got "python"/,
      /task 'l': DO_WHILE needs loopCondition/,
      /expected at least one task/,
      /task 'w': WAIT needs inputParameters.duration/,
      /task 'sub': SUB_WORKFLOW needs subWorkflowParam.name/,
      /task 't': TERMINATE terminationStatus: expected one of COMPLETED, FAILED, TERMINATED, got "DONE"/,
      /task 'i': INLINE evaluatorType/,
      /task 'q': JSON_JQ_TRANSFORM needs inputParameters.queryExpression/,
      /task 'r': retryCount: expected a number ≥ 0, got -1/,
      /task 'r': taskDefinition.retryLogic: expected one of FIXED, EXPONENTIAL_BACKOFF, LINEAR_BACKOFF/,
    ])
      expect(
        messages.some((m) => pattern.test(m)),
        `${pattern} in\n${messages.join('\n')}`,
      ).toBe(true);
  });

  it('the workflow fields', () => {
    const error = problemsOf(JSON.stringify({ version: 0, tasks: [], timeoutPolicy: 'NEVER' }));
    const messages = error.problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/name: expected the workflow name/);
    expect(messages).toMatch(/version: expected an integer ≥ 1, got 0/);
    expect(messages).toMatch(/expected at least one task/);
    expect(messages).toMatch(/timeoutPolicy: expected one of ALERT_ONLY, TIME_OUT_WF, got "NEVER"/);
  });
});
