import { expect, test } from 'vitest';
import { runBaton, tempStore } from '../support/cli.js';

interface ChoreographyJson {
  captureId: string;
  outcome: string;
  effects: { effect: string; line: string; elapsedMs: number }[];
}

test('baton demo choreography: the capture by events alone ends captured', async () => {
  const store = tempStore('baton-demo-choreo-');
  const run = await runBaton(['demo', 'choreography', '--store', `sqlite:${store}`, '--json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const json = JSON.parse(run.stdout) as ChoreographyJson;
  expect(json.outcome).toBe('captured');
  expect(json.effects.map((e) => e.effect)).toEqual(['paralyze', 'attack', 'capture']);
  expect(json.effects[2]!.line).toMatch(/Mewtwo is caught by Sacha/);
  // A second run on the same store captures again: the groups are there, old events are settled.
  const again = await runBaton(['demo', 'choreography', '--store', `sqlite:${store}`]);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/Mewtwo captured by Sacha, by events alone/);
});

test('baton demo choreography --escape: the throw fails for good and PokemonEscaped rolls the capture back', async () => {
  const run = await runBaton(['demo', 'choreography', '--store', 'sqlite::memory:', '--escape', '--json']);
  expect(run.code).toBe(0);
  const json = JSON.parse(run.stdout) as ChoreographyJson;
  expect(json.outcome).toBe('rolled back');
  const order = json.effects.map((e) => e.effect);
  expect(order.slice(0, 3)).toEqual(['paralyze', 'attack', 'escape']);
  expect(order.slice(3).sort()).toEqual(['cure', 'heal']);
  expect(json.effects[2]!.line).toMatch(/escaped after 3 throws/);
  // Two retries with back-off (100 ms, 200 ms) come before the escape.
  expect(json.effects[2]!.elapsedMs - json.effects[1]!.elapsedMs).toBeGreaterThanOrEqual(290);
});
