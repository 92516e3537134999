import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  captureActivities,
  CombatService,
  mewtwo,
  PokeballService,
  sacha,
  StatusService,
} from '../../examples/pokemon/index.js';
import { capturePokemon } from '../histories/workflows.js';
import { runBaton } from '../support/cli.js';
import { openTestEnv } from '../support/harness.js';

const MODULE = 'test/histories/workflows.ts';
const SAVED = readdirSync('test/histories')
  .filter((f) => f.endsWith('.json'))
  .map((f) => join('test/histories', f));

const dir = mkdtempSync(join(tmpdir(), 'baton-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of test/histories/capture.json whose attack is recorded as a heal. */
function editedCapture(): string {
  const doc = JSON.parse(readFileSync('test/histories/capture.json', 'utf8')) as {
    events: { eventId: number; eventType: string; attrs: { activityType?: string } }[];
  };
  const attack = doc.events.find((e) => e.attrs.activityType === 'attack')!;
  attack.attrs.activityType = 'heal';
  const file = join(dir, 'edited-capture.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('baton replay', () => {
  it('exits 0 on the saved histories of the examples', async () => {
    expect(SAVED.length).toBeGreaterThanOrEqual(4);
    const r = await runBaton(['replay', ...SAVED, '--workflows', MODULE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const file of SAVED) expect(r.stdout).toContain(`ok    ${file}`);
    expect(r.stdout).toContain(`${SAVED.length} histories: ${SAVED.length} replayed, 0 failed`);
  });

  it('exits 1 with the NonDeterminismError message on a history that no longer matches', async () => {
    const edited = editedCapture();
    const r = await runBaton(['replay', 'test/histories/capture.json', edited, '--workflows', MODULE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ok    test/histories/capture.json');
    expect(r.stdout).toContain(`FAIL  ${edited}`);
    expect(r.stdout).toMatch(
      /NonDeterminismError: non-determinism in workflow 'CapturePokemon' \(workflowId 'example-capture'\) at event 5 \(command #2\): the history holds ActivityTaskScheduled 'heal', the code asked for ActivityTaskScheduled 'attack'/,
    );
    expect(r.stdout).toContain('2 histories: 1 replayed, 1 failed');

    const json = await runBaton(['replay', edited, '--workflows', MODULE, '--json']);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { failed: number; results: { error: Record<string, unknown> }[] };
    expect(out.failed).toBe(1);
    expect(out.results[0]!.error).toMatchObject({
      name: 'NonDeterminismError',
      eventId: 5,
      expected: "ActivityTaskScheduled 'heal'",
      actual: "ActivityTaskScheduled 'attack'",
    });
  });

  it('exits 2 on bad usage: a missing file, a file that is not a saved history, a module without workflows', async () => {
    const notHistory = join(dir, 'not-history.json');
    writeFileSync(notHistory, '{"events": []}');
    const [missing, wrong, noModule, noOption] = await Promise.all([
      runBaton(['replay', join(dir, 'nope.json'), '--workflows', MODULE]),
      runBaton(['replay', notHistory, '--workflows', MODULE]),
      runBaton(['replay', SAVED[0]!, '--workflows', join(dir, 'nope.ts')]),
      runBaton(['replay', SAVED[0]!]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: cannot be read');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`${notHistory}: expected a saved history ("format": "baton.history")`);
    expect(noModule.code).toBe(2);
    expect(noModule.stderr).toContain('nope.ts not found');
    expect(noOption.code).toBe(2);
    expect(noOption.stderr).toContain("required option '--workflows <module>' not specified");
  });

  it('baton history ID --save FILE writes a history that baton replay checks', async () => {
    const env = await openTestEnv();
    const activities = captureActivities(new StatusService(), new CombatService(), new PokeballService());
    const w = env.worker({ taskQueue: 'save', workflows: [capturePokemon], activities });
    await env.baton.client.execute(capturePokemon, {
      taskQueue: 'save',
      workflowId: 'saved-capture',
      args: [sacha(), mewtwo()],
    });
    await w.shutdown();
    const file = join(dir, 'saved-capture.json');
    const saved = await runBaton(['history', 'saved-capture', '--save', file, '--store', env.url]);
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(/^saved 11 events of workflowId saved-capture \(runId [0-9a-f-]+\) to /);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(doc).toMatchObject({ format: 'baton.history', formatVersion: 1, workflowType: 'CapturePokemon' });
    const r = await runBaton(['replay', file, '--workflows', MODULE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 history: 1 replayed, 0 failed');
  });
});
