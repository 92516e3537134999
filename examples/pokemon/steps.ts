/**
 * The capture as a step workflow (the orchestrator style): the same three activities, declared as
 * data instead of code. paralyze → attack → throw a Poké Ball, each undone by its compensation
 * (cure, heal) when a later step fails for good; the throw is tried at most 3 times.
 */
import { defineStepWorkflow } from '../../src/index.js';
import type { CaptureResult, Pokemon, Trainer } from './domain.js';
import { CAPTURE_ACTIVITY_OPTIONS } from './workflows.js';

/** The input of the step workflows of this example: who captures (or greets) whom. */
export interface CaptureInput {
  trainer: Trainer;
  pokemon: Pokemon;
}

/**
 * `CapturePokemonSteps`: the capture as an ordered list of steps (no `dependsOn`, so each step
 * runs after the previous one and, by default, is called with its output). Its activities are
 * {@link captureActivities}; its result is the throw's `{ trainer, pokemon }`.
 *
 * @example
 * baton.worker({ taskQueue: 'pokemon-orchestrator', workflows: [captureSteps], activities });
 * const { pokemon } = await baton.client.execute(captureSteps, {
 *   taskQueue: 'pokemon-orchestrator', args: [{ trainer: sacha(), pokemon: mewtwo() }],
 * });
 */
export const captureSteps = defineStepWorkflow<CaptureInput, CaptureResult>({
  name: 'CapturePokemonSteps',
  activityOptions: CAPTURE_ACTIVITY_OPTIONS,
  steps: [
    { name: 'Paralyze', run: 'paralyze', compensate: 'cure', args: (input) => [input.pokemon] },
    { name: 'Attack', run: 'attack', compensate: 'heal' },
    {
      name: 'ThrowPokeball',
      run: 'throwPokeball',
      retry: { maximumAttempts: 3 },
      args: (input, outputs) => [input.trainer, outputs.Attack],
    },
  ],
  output: (outputs) => outputs.ThrowPokeball as CaptureResult,
});
