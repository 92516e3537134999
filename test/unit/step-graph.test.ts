/**
 * Step workflows as data: the graph `defineStepWorkflow` builds (sequence or DAG, resolved
 * dependencies, roots, topological order, frozen) and the ValidationErrors it raises at define
 * time, each naming the step and what was expected.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defineStepWorkflow,
  ValidationError,
  type StepDefinition,
  type StepOutputs,
  type StepWorkflowOptions,
  type WorkflowArgs,
  type WorkflowResult,
} from '../../src/index.js';
import type { CaptureResult } from '../../examples/pokemon/index.js';
import type { CaptureInput } from '../../examples/pokemon/steps.js';
import { captureSteps } from '../../examples/pokemon/steps.js';
import { helloWorld } from '../../examples/pokemon/hello-world.js';

/** The ValidationError `defineStepWorkflow` throws for these options (fails when it does not throw). */
function refusal(options: unknown): ValidationError {
  try {
    defineStepWorkflow(options as StepWorkflowOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected defineStepWorkflow to throw');
}

const step = (name: string, extra: Partial<StepDefinition> = {}): StepDefinition => ({
  name,
  run: name.toLowerCase(),
  ...extra,
});

describe('the graph of a step workflow', () => {
  it('a list without dependsOn is a sequence: each step depends on the previous one', () => {
    const { graph } = captureSteps;
    expect(graph).toEqual({
      name: 'CapturePokemonSteps',
      mode: 'sequence',
      steps: [
        { name: 'Paralyze', activity: 'paralyze', compensation: 'cure', dependsOn: [] },
        { name: 'Attack', activity: 'attack', compensation: 'heal', dependsOn: ['Paralyze'] },
        { name: 'ThrowPokeball', activity: 'throwPokeball', compensation: null, dependsOn: ['Attack'] },
      ],
      roots: ['Paralyze'],
      order: ['Paralyze', 'Attack', 'ThrowPokeball'],
    });
  });

  it('any dependsOn makes a DAG: steps without one are roots; the order breaks ties by declaration', () => {
    const wf = defineStepWorkflow({
      name: 'Diamond',
      steps: [
        step('D', { dependsOn: ['C', 'B'] }),
        step('C', { dependsOn: ['A'] }),
        step('B', { dependsOn: ['A'] }),
        step('A'),
        step('E'),
      ],
    });
    expect(wf.graph.mode).toBe('dag');
    expect(wf.graph.roots).toEqual(['A', 'E']);
    expect(wf.graph.steps.map((s) => [s.name, s.dependsOn])).toEqual([
      ['D', ['C', 'B']],
      ['C', ['A']],
      ['B', ['A']],
      ['A', []],
      ['E', []],
    ]);
    expect(wf.graph.order).toEqual(['A', 'C', 'B', 'D', 'E']);
  });

  it('HelloWorld is a DAG of two independent steps', () => {
    expect(helloWorld.graph.mode).toBe('dag');
    expect(helloWorld.graph.roots).toEqual(['hello trainer', 'hello Pokémon']);
    expect(helloWorld.graph.steps.every((s) => s.dependsOn.length === 0)).toBe(true);
  });

  it('is frozen, deeply, and the definition is an ordinary workflow definition', () => {
    const { graph } = captureSteps;
    expect(Object.isFrozen(captureSteps)).toBe(true);
    expect(Object.isFrozen(graph)).toBe(true);
    expect(Object.isFrozen(graph.steps)).toBe(true);
    expect(Object.isFrozen(graph.steps[1])).toBe(true);
    expect(Object.isFrozen(graph.steps[1]!.dependsOn)).toBe(true);
    expect(Object.isFrozen(graph.order)).toBe(true);
    expect(() => (graph.steps as unknown as { name: string }[]).push({ name: 'X' })).toThrow(TypeError);
    expect(captureSteps.name).toBe('CapturePokemonSteps');
    expect(typeof captureSteps.fn).toBe('function');
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
  });

  it('carries its input and result types to the client (checked by tsc)', () => {
    expectTypeOf<WorkflowArgs<typeof captureSteps>>().toEqualTypeOf<[input: CaptureInput]>();
    expectTypeOf<WorkflowResult<typeof captureSteps>>().toEqualTypeOf<CaptureResult>();
    expectTypeOf<WorkflowResult<typeof helloWorld>>().toEqualTypeOf<StepOutputs>();
    const inferred = defineStepWorkflow({
      name: 'Inferred',
      steps: [{ name: 'A', run: 'a', args: (input: { n: number }) => [input.n] }],
      output: (outputs) => Number(outputs.A),
    });
    expectTypeOf<WorkflowArgs<typeof inferred>>().toEqualTypeOf<[input: { n: number }]>();
    expectTypeOf<WorkflowResult<typeof inferred>>().toEqualTypeOf<number>();
    expect(inferred.graph.roots).toEqual(['A']);
  });

  it('does not keep a reference to the arrays it was given', () => {
    const dependsOn = ['A'];
    const wf = defineStepWorkflow({ name: 'Copy', steps: [step('A'), step('B', { dependsOn })] });
    dependsOn.push('B');
    expect(wf.graph.steps[1]!.dependsOn).toEqual(['A']);
  });
});

describe('validation at define time', () => {
  it('empty or missing steps', () => {
    expect(refusal({ name: 'Empty', steps: [] }).message).toBe(
      "defineStepWorkflow('Empty'): steps: expected a non-empty array of steps, got []",
    );
    expect(refusal({ name: 'None' }).message).toContain(
      'steps: expected a non-empty array of steps, got undefined',
    );
  });

  it('a missing or empty workflow name', () => {
    expect(refusal({ name: '', steps: [step('A')] }).message).toContain('name: expected a non-empty string');
    expect(refusal({ steps: [step('A')] }).message).toContain('name: expected a non-empty string');
  });

  it('duplicate step names name both positions', () => {
    expect(refusal({ name: 'Dup', steps: [step('A'), step('B'), step('A')] }).message).toBe(
      "defineStepWorkflow('Dup'): step 'A' is declared twice (steps[0] and steps[2]); step names must be unique",
    );
  });

  it('an unknown dependency names the step, the unknown name and the known ones', () => {
    expect(refusal({ name: 'Unknown', steps: [step('A'), step('B', { dependsOn: ['Z'] })] }).message).toBe(
      "defineStepWorkflow('Unknown'): step 'B': dependsOn: unknown step 'Z'; expected one of 'A', 'B'",
    );
  });

  it('a dependency listed twice', () => {
    expect(refusal({ name: 'Twice', steps: [step('A'), step('B', { dependsOn: ['A', 'A'] })] }).message).toBe(
      "defineStepWorkflow('Twice'): step 'B': dependsOn lists 'A' twice",
    );
  });

  it('a cycle is named, from its first-declared step', () => {
    const message = refusal({
      name: 'Loop',
      steps: [
        step('Start'),
        step('C', { dependsOn: ['B'] }),
        step('A', { dependsOn: ['Start', 'C'] }),
        step('B', { dependsOn: ['A'] }),
        step('End', { dependsOn: ['C'] }),
      ],
    }).message;
    expect(message).toMatch(
      /^defineStepWorkflow\('Loop'\): dependency cycle 'C' → 'B' → 'A' → 'C' \(each step depends on the next\)/,
    );
  });

  it('a step that depends on itself is a cycle of one', () => {
    expect(refusal({ name: 'Self', steps: [step('A', { dependsOn: ['A'] })] }).message).toContain(
      "dependency cycle 'A' → 'A'",
    );
  });

  it('bad types name the step (or its index) and the field', () => {
    const cases: [unknown[], string][] = [
      [[42], "steps[0]: expected a step object such as { name: 'Attack', run: 'attack' }, got 42"],
      [[step('A'), { run: 'b' }], 'steps[1].name: expected a non-empty string, got undefined'],
      [
        [{ name: 'A' }],
        "step 'A': run: expected the name of an activity (a non-empty string), got undefined",
      ],
      [
        [{ name: 'A', run: 7 }],
        "step 'A': run: expected the name of an activity (a non-empty string), got 7",
      ],
      [[step('A', { compensate: '' })], "step 'A': compensate: expected the name of an activity"],
      [
        [step('A', { dependsOn: 'B' as unknown as string[] })],
        `step 'A': dependsOn: expected an array of step names, got "B"`,
      ],
      [[step('A', { args: [1] as unknown as () => unknown[] })], "step 'A': args: expected a function"],
      [[step('A', { compensateArgs: (o) => [o] })], "step 'A': compensateArgs is set but compensate"],
      [
        [step('A', { retry: { maximumAttempts: -1 } })],
        "step 'A': retry.maximumAttempts: expected an integer ≥ 0",
      ],
      [[step('A', { timeout: 'soon' })], "step 'A': timeout: expected a duration"],
      [[step('A', { timeout: 0 })], "step 'A': timeout: expected a duration > 0"],
      [
        [step('A', { compensation: 'cure' } as unknown as Partial<StepDefinition>)],
        "step 'A': unknown field 'compensation'; expected only name, run, compensate",
      ],
    ];
    for (const [steps, expected] of cases)
      expect(refusal({ name: 'Bad', steps }).message, JSON.stringify(steps)).toContain(expected);
  });

  it('bad workflow-level options name the field', () => {
    expect(
      refusal({ name: 'Opts', steps: [step('A')], activityOptions: { retry: { backoffCoefficient: 0.5 } } })
        .message,
    ).toContain(
      "defineStepWorkflow('Opts'): activityOptions: retry.backoffCoefficient: expected a number ≥ 1",
    );
    expect(refusal({ name: 'Out', steps: [step('A')], output: 'A' }).message).toContain(
      'output: expected a function',
    );
  });

  it('activity options default to a 1-minute startToCloseTimeout, and a step may override it', () => {
    expect(() =>
      defineStepWorkflow({ name: 'Defaults', steps: [step('A', { timeout: '5s' }), step('B')] }),
    ).not.toThrow();
    expect(() =>
      defineStepWorkflow({
        name: 'ScheduleOnly',
        activityOptions: { scheduleToCloseTimeout: '1h' },
        steps: [step('A')],
      }),
    ).not.toThrow();
  });
});
