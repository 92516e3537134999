/**
 * Hello World as a step workflow: two independent steps, "hello trainer" and "hello Pokémon",
 * declared as a DAG (`dependsOn: []`), so both start at once and run in parallel.
 */
import { defineStepWorkflow } from '../../src/index.js';
import type { Pokemon, Trainer } from './domain.js';
import type { CaptureInput } from './steps.js';

/**
 * The activities of {@link helloWorld}.
 *
 * @example
 * await helloWorldActivities.helloTrainer(sacha()); // 'Hello, Sacha!'
 */
export const helloWorldActivities = {
  async helloTrainer(trainer: Trainer): Promise<string> {
    return `Hello, ${trainer.name}!`;
  },
  async helloPokemon(pokemon: Pokemon): Promise<string> {
    return `Hello, ${pokemon.name}!`;
  },
};

/**
 * `HelloWorld`: greets the trainer and the Pokémon of its input, in parallel. Its result is the
 * default one, every step's output by step name:
 * `{ 'hello trainer': 'Hello, Sacha!', 'hello Pokémon': 'Hello, Mewtwo!' }`.
 *
 * @example
 * baton.worker({ taskQueue: 'hello-world', workflows: [helloWorld], activities: helloWorldActivities });
 * const greetings = await baton.client.execute(helloWorld, {
 *   taskQueue: 'hello-world', args: [{ trainer: sacha(), pokemon: mewtwo() }],
 * });
 */
export const helloWorld = defineStepWorkflow<CaptureInput>({
  name: 'HelloWorld',
  activityOptions: { startToCloseTimeout: '10s' },
  steps: [
    { name: 'hello trainer', run: 'helloTrainer', dependsOn: [], args: (input) => [input.trainer] },
    { name: 'hello Pokémon', run: 'helloPokemon', dependsOn: [], args: (input) => [input.pokemon] },
  ],
});
