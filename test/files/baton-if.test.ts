/**
 * A step's `if` in Baton's workflow files: a condition that cannot be a boolean (a literal string
 * such as `"yes"`, text around an expression, an expression of another CEL type) is refused at
 * load with its line and column and the step's name; one whose type is only known at run time
 * fails its step when it gives anything but true or false (never skipped or run by accident).
 */
import { describe, expect, it } from 'vitest';
import { WorkflowFileError } from '../../src/index.js';
import { loadWorkflowText } from '../../src/dsl/files/load.js';
import { runWorkflowFiles } from '../support/workflow-files.js';
import { rootOf } from './run-kit.js';

/** A file whose step `check` has `if: <condition>` (line 6, column 9), then a step `after`. */
function withIf(condition: string, after = '["check:ANY"]'): string {
  return [
    'name: cond',
    'inputs:',
    '  flag: { type: any, default: true }',
    'steps:',
    '  check:',
    `    if: ${condition}`,
    '    action: { echo: ran }',
    '  after:',
    `    dependsOn: ${after}`,
    '    action: { echo: "${steps.check.state}" }',
  ].join('\n');
}

/** The problems of loading `text`, as `line:column message`. */
function loadProblems(text: string): string[] {
  try {
    loadWorkflowText(text, 'cond.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowFileError);
    return (error as WorkflowFileError).problems.map((p) => `${p.line}:${p.column} ${p.message}`);
  }
  throw new Error('expected the file to be refused');
}

const EXPECTED = "step 'check': if: expected true, false or one '${…}' CEL expression that gives a boolean";

describe('Baton format: if at load', () => {
  it('refuses a literal string, quoted or not, at the if value, naming the step', () => {
    for (const condition of ['"yes"', 'yes', '"true"', 'off'])
      expect(loadProblems(withIf(condition))).toEqual([
        `6:9 ${EXPECTED}, got the string ${JSON.stringify(condition.replace(/"/g, ''))} (text, not a boolean: write true or false, without quotes)`,
      ]);
    expect(loadProblems(withIf("'inputs.flag'"))).toEqual([
      `6:9 ${EXPECTED}, got the string "inputs.flag" (text, not a condition: write the condition inside '\${…}')`,
    ]);
    expect(loadProblems(withIf("'$${inputs.flag}'"))).toEqual([
      expect.stringContaining(`${EXPECTED}, got the string "\${inputs.flag}"`),
    ]);
  });

  it('refuses text around an expression (always a string)', () => {
    for (const condition of ['"flag is ${inputs.flag}"', '" ${inputs.flag} "'])
      expect(loadProblems(withIf(condition))).toEqual([
        `6:9 ${EXPECTED}, got text around an expression, which is always a string`,
      ]);
  });

  it('refuses an expression whose CEL type is known and not bool', () => {
    const cases: [string, string][] = [
      [`"\${'yes'}"`, "expression `'yes'` gives a string"],
      ['"${size(inputs.flag)}"', 'expression `size(inputs.flag)` gives an int'],
      ['"${[true]}"', 'expression `[true]` gives a list<bool>'],
      ['"${null}"', 'expression `null` gives null'],
    ];
    for (const [condition, gives] of cases)
      expect(loadProblems(withIf(condition))).toEqual([
        `6:9 step 'check': if: ${gives}; expected one that gives a boolean (true or false)`,
      ]);
    expect(loadProblems(withIf('"${inputs.?flag}"'))).toEqual([
      "6:9 step 'check': if: expression `inputs.?flag` gives an optional<dyn>; expected one that gives a boolean (true or false) (add .orValue(false))",
    ]);
  });

  it('reports an expression that does not compile once, as such', () => {
    expect(loadProblems(withIf('"${inputs.flag +}"'))).toEqual([
      expect.stringMatching(/^6:9 steps\.check\.if: expression `inputs\.flag \+`: /),
    ]);
  });

  it('names the step of a steps list by its name', () => {
    const text = ['name: cond', 'steps:', '  - name: first', '    if: "yes"', '    action: { echo: 1 }'].join(
      '\n',
    );
    expect(loadProblems(text)).toEqual([
      expect.stringMatching(/^4:9 step 'first': if: expected true, false or one/),
    ]);
  });

  it('accepts true, false, a bool expression and one whose type is known only at run time', () => {
    for (const condition of [
      'true',
      'false',
      '"${inputs.flag == true}"',
      '"${has(inputs.flag) && size(inputs) > 0}"',
      '"${inputs.flag}"',
      '"${inputs.?flag.orValue(false)}"',
    ])
      expect(loadWorkflowText(withIf(condition), 'cond.yaml').workflowType, condition).toBe('cond@1');
  });
});

describe('Baton format: if at run time', () => {
  it('runs the step when a run-time-typed condition is true, skips it when false', async () => {
    for (const [flag, state] of [
      [true, 'COMPLETED'],
      [false, 'SKIPPED'],
    ] as const) {
      const run = await runWorkflowFiles([], {
        texts: { 'cond.yaml': withIf('"${inputs.flag}"') },
        input: { flag },
      });
      expect(run.failure).toBeUndefined();
      expect(run.steps).toEqual({ check: state, after: 'COMPLETED' });
      const view = run.stepViews.find((v) => v.step === 'check');
      expect(view?.reason).toBe(flag ? undefined : 'its if is false');
      expect(view?.endedAtMs).toBeDefined();
    }
  });

  it('fails the step (not retried) naming it, the value and the expression when the value is no boolean', async () => {
    const run = await runWorkflowFiles([], {
      texts: { 'cond.yaml': withIf('"${inputs.flag}"', '[check]') },
      input: { flag: 'yes' },
    });
    expect(run.status).toBe('FAILED');
    const root = rootOf(run.failure);
    expect(root.type).toBe('ExpressionError');
    expect(root.nonRetryable).toBe(true);
    expect(root.message).toBe(
      'step \'check\': if: expected true or false, got "yes" (from expression `inputs.flag`)',
    );
    expect(run.steps).toEqual({ check: 'FAILED' });
    expect(run.history.filter((e) => e.eventType === 'ActivityTaskScheduled')).toEqual([]);
  });

  it('a step waiting with :ANY sees the failed condition as FAILED with ExpressionError', async () => {
    const run = await runWorkflowFiles([], {
      texts: { 'cond.yaml': withIf('"${inputs.flag}"') },
      input: { flag: null },
    });
    expect(run.failure).toBeUndefined();
    expect(run.steps).toEqual({ check: 'FAILED', after: 'COMPLETED' });
    expect(run.result).toEqual({ check: null, after: 'FAILED' });
    expect(run.stepViews.find((v) => v.step === 'check')?.reason).toBe(
      "step 'check': if: expected true or false, got null (from expression `inputs.flag`)",
    );
  });
});
