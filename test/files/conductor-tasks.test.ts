/**
 * Conductor task types beyond the samples (SIMPLE, SWITCH with a script, SET_VARIABLE, WAIT,
 * SUB_WORKFLOW, TERMINATE, optional tasks, TIME_OUT_WF), run on the engine from inline files.
 */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '../../src/index.js';
import { runWorkflowFiles } from '../support/workflow-files.js';

const file = (name: string, tasks: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ name, version: 1, tasks, ...extra });

describe('Conductor tasks on the engine', () => {
  it('SIMPLE calls the registered activity with the resolved input; expressions keep 0 and splice null', async () => {
    const calls: unknown[] = [];
    const run = await runWorkflowFiles([], {
      input: { n: 0 },
      activities: {
        double: async (input: { n: number; label: string }) => {
          calls.push(input);
          return { doubled: input.n * 2, label: input.label };
        },
      },
      texts: {
        'simple.json': file(
          'simple',
          [
            {
              name: 'double',
              taskReferenceName: 'd',
              type: 'SIMPLE',
              inputParameters: {
                n: '${workflow.input.n}',
                label: 'n=${workflow.input.n} m=${workflow.input.missing}',
              },
            },
          ],
          {
            outputParameters: {
              doubled: '${d.output.doubled}',
              deep: '${d.output.missing.deep}',
              label: '${d.output.label}',
            },
          },
        ),
      },
    });
    expect(run.status).toBe('COMPLETED');
    expect(calls).toEqual([{ n: 0, label: 'n=0 m=null' }]);
    expect(run.result).toEqual({ doubled: 0, deep: null, label: 'n=0 m=null' });
  });

  it('SWITCH with a javascript expression, SET_VARIABLE, INLINE value-param, WAIT, and the last task as the output', async () => {
    const started = Date.now();
    const run = await runWorkflowFiles([], {
      input: { kind: 'b' },
      texts: {
        'switch.json': file('switchy', [
          { name: 'v', taskReferenceName: 'v', type: 'SET_VARIABLE', inputParameters: { greeting: 'hi' } },
          {
            name: 's',
            taskReferenceName: 's',
            type: 'SWITCH',
            evaluatorType: 'javascript',
            expression: '$.kind === "b" ? "second" : "first"',
            inputParameters: { kind: '${workflow.input.kind}' },
            decisionCases: {
              first: [
                { name: 'w1', taskReferenceName: 'w1', type: 'WAIT', inputParameters: { duration: '1s' } },
              ],
              second: [
                { name: 'w2', taskReferenceName: 'w2', type: 'WAIT', inputParameters: { duration: '1s' } },
              ],
            },
          },
          {
            name: 'pick',
            taskReferenceName: 'pick',
            type: 'INLINE',
            inputParameters: {
              evaluatorType: 'value-param',
              expression: 'g',
              g: '${workflow.variables.greeting}',
              at: '${s.output.evaluationResult}',
            },
          },
        ]),
      },
    });
    expect(run.status).toBe('COMPLETED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(run.steps).toEqual({
      v: 'COMPLETED',
      s: 'COMPLETED',
      w1: 'SKIPPED',
      w2: 'COMPLETED',
      pick: 'COMPLETED',
    });
    expect(run.result).toEqual({ result: 'hi' });
  });

  it('SUB_WORKFLOW runs the child and returns its output; TERMINATE COMPLETED replaces the output', async () => {
    const run = await runWorkflowFiles([], {
      input: { x: 3 },
      texts: {
        'parent.json': file(
          'parent',
          [
            {
              name: 'c',
              taskReferenceName: 'call',
              type: 'SUB_WORKFLOW',
              subWorkflowParam: { name: 'child', version: 1 },
              inputParameters: { x: '${workflow.input.x}' },
            },
            { name: 'after', taskReferenceName: 'after', type: 'SET_VARIABLE', inputParameters: { y: 1 } },
          ],
          { outputParameters: { fromChild: '${call.output.tripled}', id: '${call.output.subWorkflowId}' } },
        ),
        'child.json': file('child', [
          {
            name: 'calc',
            taskReferenceName: 'calc',
            type: 'INLINE',
            inputParameters: { evaluatorType: 'graaljs', expression: '$.x * 3', x: '${workflow.input.x}' },
          },
          {
            name: 'end',
            taskReferenceName: 'end',
            type: 'TERMINATE',
            inputParameters: {
              terminationStatus: 'COMPLETED',
              workflowOutput: { tripled: '${calc.output.result}' },
            },
          },
          { name: 'never', taskReferenceName: 'never', type: 'SET_VARIABLE', inputParameters: {} },
        ]),
      },
      workflowId: 'parent-1',
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({ fromChild: 9, id: 'parent-1/call' });
  });

  it('TERMINATE FAILED fails the run with its reason and workflowOutput', async () => {
    const run = await runWorkflowFiles([], {
      texts: {
        'term.json': file('term', [
          {
            name: 'end',
            taskReferenceName: 'end',
            type: 'TERMINATE',
            inputParameters: {
              terminationStatus: 'FAILED',
              terminationReason: 'no stock',
              workflowOutput: { why: 'stock' },
            },
          },
        ]),
      },
    });
    expect(run.status).toBe('FAILED');
    const failure = run.failure as ApplicationFailure;
    expect(failure.message).toBe('FAILED: no stock');
    expect(failure.details[0]).toEqual({ why: 'stock' });
  });

  it('an optional task that fails leaves the run going', async () => {
    const run = await runWorkflowFiles([], {
      texts: {
        'opt.json': file('opt', [
          {
            name: 'bad',
            taskReferenceName: 'bad',
            type: 'INLINE',
            optional: true,
            inputParameters: { evaluatorType: 'javascript', expression: 'throw new Error("nope")' },
          },
          {
            name: 'ok',
            taskReferenceName: 'ok',
            type: 'INLINE',
            inputParameters: { evaluatorType: 'javascript', expression: '$.s', s: '${bad.status}' },
          },
        ]),
      },
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({ result: 'COMPLETED_WITH_ERRORS' });
  });

  it('TIME_OUT_WF times the run out, cancels its task and still starts the failure workflow', async () => {
    const run = await runWorkflowFiles([], {
      workflowId: 'slow-1',
      texts: {
        'slow.json': file(
          'slow',
          [{ name: 'w', taskReferenceName: 'w', type: 'WAIT', inputParameters: { duration: '1m' } }],
          {
            timeoutSeconds: 1,
            timeoutPolicy: 'TIME_OUT_WF',
            failureWorkflow: 'cleanup',
            outputParameters: { s: '${workflow.status}' },
          },
        ),
        'cleanup.json': file('cleanup', [
          { name: 'n', taskReferenceName: 'n', type: 'SET_VARIABLE', inputParameters: {} },
        ]),
      },
    });
    expect(run.status).toBe('FAILED');
    const failure = run.failure as ApplicationFailure;
    expect(failure.message).toMatch(/^TIMED_OUT: workflow timed out after 1 s/);
    expect(failure.details[0]).toEqual({
      s: 'TIMED_OUT',
      'conductor.failure_workflow': 'slow-1/failureWorkflow',
    });
    expect(run.steps).toEqual({ w: 'CANCELED' });
  });
});
