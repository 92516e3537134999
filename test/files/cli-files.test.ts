/**
 * `baton validate` and `baton run` as real child processes: problems reported as
 * FILE:LINE:COLUMN, the capture file run against the bundled Pokémon activities with step
 * progress, bad input refused before anything is started.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mewtwo, sacha } from '../../examples/pokemon/domain.js';
import { runTs } from '../support/child.js';
import { runBaton, tempStore } from '../support/cli.js';
import { eventually } from '../support/harness.js';

const CYCLE = `name: Cyclic
steps:
  a:
    dependsOn: [b]
    action: { echo: 1 }
  b:
    dependsOn: [a]
    action: { echo: 2 }
`;

describe.concurrent('baton validate / baton run (CLI, child process)', () => {
  it('validate: a valid file is ok (exit 0); a cycle and bad YAML are reported as FILE:LINE:COLUMN (exit 1)', async () => {
    const dir = dirname(tempStore('baton-validate-'));
    const cyclic = join(dir, 'cyclic.yaml');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(cyclic, CYCLE);
    writeFileSync(broken, 'name: Broken\nsteps:\n  a: [1, 2\n');
    const yes = join(dir, 'yes.yaml');
    writeFileSync(yes, 'name: Yes\nsteps:\n  a:\n    if: "yes"\n    action: { echo: 1 }\n');
    const ok = await runBaton(['validate', 'examples/files/capture.yaml']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('examples/files/capture.yaml: ok (baton: CapturePokemon@1, 3 steps)');

    const bad = await runBaton([
      'validate',
      cyclic,
      broken,
      yes,
      'test/fixtures/samples/conductor/workflow.json',
    ]);
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split('\n');
    expect(
      lines.some((l) => l.startsWith(`${cyclic}:4:`) && /cycle/.test(l)),
      bad.stderr,
    ).toBe(true);
    expect(
      lines.some((l) => new RegExp(`^${broken}:\\d+:\\d+: `).test(l)),
      bad.stderr,
    ).toBe(true);
    expect(lines, bad.stderr).toContain(
      `${yes}:4:9: step 'a': if: expected true, false or one '\${…}' CEL expression that gives a boolean, got the string "yes" (text, not a boolean: write true or false, without quotes)`,
    );
    expect(bad.stdout).toContain('workflow.json: ok (conductor: hello_workflow@1, 2 steps)');
  });

  it("run: with no input, the inputs' defaults (Sacha, Mewtwo) are used", async () => {
    const store = `sqlite:${tempStore('baton-run-defaults-')}`;
    const exit = await runBaton(['run', 'examples/files/capture.yaml', '--store', store, '--json']);
    expect(exit.code, exit.stderr).toBe(0);
    const out = JSON.parse(exit.stdout) as {
      result: { trainer: { name: string }; pokemon: { name: string } };
    };
    expect(out.result.pokemon.name).toBe('Mewtwo');
    expect(out.result.trainer.name).toBe('Sacha');
  });

  it('run: the capture file captures Mewtwo, showing each step as it goes', async () => {
    const store = `sqlite:${tempStore('baton-run-')}`;
    const input = JSON.stringify({ trainer: sacha(), pokemon: mewtwo() });
    const exit = await runBaton(['run', 'examples/files/capture.yaml', '--input', input, '--store', store]);
    expect(exit.code, exit.stderr).toBe(0);
    const result = JSON.parse(exit.stdout) as { pokemon: { name: string; status: string } };
    expect(result.pokemon).toMatchObject({ name: 'Mewtwo', status: 'PAR' });
    for (const step of ['paralyze', 'attack', 'throwPokeball'])
      expect(exit.stderr).toMatch(new RegExp(`step ${step}\\s+COMPLETED`));

    const json = await runBaton([
      'run',
      'examples/files/capture.yaml',
      '--input',
      input,
      '--store',
      store,
      '--json',
    ]);
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as {
      status: string;
      workflowType: string;
      steps: { step: string; state: string }[];
    };
    expect(out.status).toBe('COMPLETED');
    expect(out.workflowType).toBe('CapturePokemon@1');
    expect(out.steps.map((s) => `${s.step}:${s.state}`)).toEqual([
      'paralyze:COMPLETED',
      'attack:COMPLETED',
      'throwPokeball:COMPLETED',
    ]);
  });

  it('run: malformed --input and an input of the wrong type exit 2 and start nothing', async () => {
    const path = tempStore('baton-run-bad-');
    const store = `sqlite:${path}`;
    const bad = await runBaton(['run', 'examples/files/capture.yaml', '--input', '{nope', '--store', store]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--input .*not valid JSON/);
    const wrong = await runBaton([
      'run',
      'examples/files/capture.yaml',
      '--input',
      '{"trainer":5}',
      '--store',
      store,
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/trainer/);
    // Refused before the store was even opened.
    expect(existsSync(path)).toBe(false);
  });

  it('run: an activity no worker registers ends the command (exit 1) with the reason; the execution stays open', async () => {
    const dir = dirname(tempStore('baton-run-unknown-'));
    const file = join(dir, 'unknown.yaml');
    writeFileSync(file, 'name: Unk\nsteps:\n  a: { action: { activity: noSuchActivity, args: [1] } }\n');
    const store = `sqlite:${join(dir, 'baton.db')}`;
    const exit = await runBaton(['run', file, '--store', store, '--workflow-id', 'unk-1']);
    expect(exit.code, exit.stderr).toBe(1);
    expect(exit.stderr).toMatch(/the workflow task of unk-1 fails: .*noSuchActivity/);
    expect(exit.stderr).toContain('--workflow-id unk-1');
    const described = await runBaton(['describe', 'unk-1', '--store', store, '--json']);
    expect(JSON.parse(described.stdout)).toMatchObject({ status: 'RUNNING' });
  });

  it('run --workflow-id of an execution running another file: exit 2, naming both types', async () => {
    const dir = dirname(tempStore('baton-run-mix-'));
    const waiting = join(dir, 'waiting.yaml');
    const other = join(dir, 'other.yaml');
    writeFileSync(waiting, 'name: Waiting\nsteps:\n  w: { action: { waitForSignal: go } }\n');
    writeFileSync(other, 'name: Other\nsteps:\n  e: { action: { echo: 1 } }\n');
    const store = `sqlite:${join(dir, 'baton.db')}`;
    const first = runTs('src/cli/main.ts', ['run', waiting, '--store', store, '--workflow-id', 'mix-1'], {
      BATON_STORE: undefined,
    });
    try {
      await eventually(() => (first.stderr().includes('running Waiting@1') ? true : undefined), 20_000);
      const mixed = await runBaton(['run', other, '--store', store, '--workflow-id', 'mix-1']);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toMatch(/'mix-1' is running as 'Waiting@1', not 'Other@1'/);
    } finally {
      first.proc.kill('SIGKILL');
      await first.exited;
    }
  });
});
