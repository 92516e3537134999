/**
 * `baton demo choreography`: the capture with no orchestrator. The status, combat and pokeball
 * services each subscribe to durable topics in their own consumer group and react to events:
 * PokemonEncountered → PokemonParalyzed → PokemonWeakened → PokemonCaptured. With `--escape` every
 * throw fails, so the pokeball service publishes PokemonEscaped after its last attempt, and combat
 * and status undo their steps (heal, cure): a rollback by events.
 */
import { randomUUID } from 'node:crypto';
import {
  CaptureTopics,
  runCombatService,
  runPokeballService,
  runStatusService,
  type AppliedEffect,
  type ChoreographyOptions,
} from '../../examples/pokemon/choreography.js';
import { mewtwo, sacha } from '../../examples/pokemon/domain.js';
import { EffectLog } from '../../examples/pokemon/effect-log.js';
import { CombatService, PokeballService, StatusService } from '../../examples/pokemon/services.js';
import type { Baton } from '../index.js';
import { withStore } from './demo-runner.js';
import { ExitCode, out, outJson } from './output.js';

/** Options of {@link runChoreographyDemo}, as parsed from the command line. */
export interface ChoreographyDemoOptions {
  store: string;
  json: boolean;
  /** Every throw fails: the capture rolls back by events. */
  escape: boolean;
}

/** How long the demo waits for the capture to settle. */
const SETTLE_TIMEOUT_MS = 30_000;

/** Runs the demo; returns the exit code (0 when the capture ended captured, or rolled back with --escape). */
export function runChoreographyDemo(options: ChoreographyDemoOptions): Promise<number> {
  return withStore(options.store, (baton) => choreograph(baton, options));
}

async function choreograph(baton: Baton, options: ChoreographyDemoOptions): Promise<number> {
  const captureId = `capture-${randomUUID().slice(0, 8)}`;
  const started = performance.now();
  const effects: (AppliedEffect & { elapsedMs: number })[] = [];
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const logs = ['status', 'combat', 'pokeball'].map(() => new EffectLog(':memory:'));
  const shared = (effects_: EffectLog): ChoreographyOptions => ({
    effects: effects_,
    retry: { initialInterval: '100ms', maximumAttempts: 3 },
    onEffect: (e) => {
      if (e.captureId !== captureId) return;
      const elapsedMs = Math.round(performance.now() - started);
      effects.push({ ...e, elapsedMs });
      if (!options.json) out(`  ${String(elapsedMs).padStart(5)} ms  ${e.line}`);
      const done = new Set(effects.map((x) => x.effect));
      if (done.has('capture') || (done.has('heal') && done.has('cure'))) settle();
    },
  });
  const subs = [
    ...runStatusService(baton.topics, new StatusService(), shared(logs[0]!)),
    ...runCombatService(baton.topics, new CombatService(), shared(logs[1]!)),
    ...runPokeballService(
      baton.topics,
      new PokeballService(options.escape ? { failProbability: 1 } : {}),
      shared(logs[2]!),
    ),
  ];
  await Promise.all(subs.map((s) => s.ready));
  if (!options.json) {
    out(`Three services, three consumer groups on ${baton.store.url}; no orchestrator.`);
    out(`Sacha meets a wild Mewtwo: publishing PokemonEncountered (${captureId})`);
  }
  await baton.topics.publish(
    CaptureTopics.encountered,
    { captureId, trainer: sacha(), pokemon: mewtwo() },
    { id: `${CaptureTopics.encountered}:${captureId}`, key: captureId, correlationId: captureId },
  );
  const timedOut = await Promise.race([
    settled.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), SETTLE_TIMEOUT_MS).unref()),
  ]);
  await Promise.all(subs.map((s) => s.close()));
  for (const log of logs) log.close();
  const outcome = timedOut
    ? 'unsettled'
    : effects.some((e) => e.effect === 'capture')
      ? 'captured'
      : 'rolled back';
  if (options.json) {
    outJson({
      captureId,
      outcome,
      effects: effects.map(({ effect, line, elapsedMs }) => ({ effect, line, elapsedMs })),
    });
  } else if (outcome === 'captured') {
    out(`Mewtwo captured by Sacha, by events alone (correlation id ${captureId}).`);
  } else if (outcome === 'rolled back') {
    out('The throw failed for good: PokemonEscaped rolled the capture back (healed and cured).');
  } else {
    out(`The capture did not settle within ${SETTLE_TIMEOUT_MS / 1000} s.`);
  }
  const expected = options.escape ? 'rolled back' : 'captured';
  return outcome === expected ? ExitCode.OK : ExitCode.FAILED;
}
