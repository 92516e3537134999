/**
 * The capture across teams: each service belongs to its own team and runs in its own worker
 * process, on its own task queue — `status` (paralyze, cure), `combat` (attack, heal) and
 * `pokeball` (throwPokeball) — while the capture workflow, on `pokemon-teams`, orchestrates them.
 * The workflow's activity calls name those task queues, so each attempt is claimed and run by a
 * worker polling that queue, in whatever process or machine it runs; the workflow's worker keeps
 * retries and timeouts.
 *
 * The team workers are the modules of `teams/` (for `baton worker --module …`). Each activity may
 * append a line to an effects file — which process ran which attempt of which step — so that
 * at-least-once effects can be counted outside the engine (`baton demo capture --distributed`
 * shows them, and the kill test counts them).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { activityContext, defineWorkflow, type ActivityOptions } from '../../src/index.js';
import type { CaptureActivities } from './activities.js';
import type { Pokemon, Trainer } from './domain.js';
import { CombatService, PokeballService, StatusService } from './services.js';

/** The task queues of the capture across teams: the workflow's, and one per service. */
export const TEAM_TASK_QUEUES = Object.freeze({
  workflow: 'pokemon-teams',
  status: 'status',
  combat: 'combat',
  pokeball: 'pokeball',
} as const);

/**
 * Options of the teams' activities: 3 s per attempt, so that an attempt lost with a killed
 * service worker is timed out (and run again by another worker of its queue) within about 3.5 s;
 * up to 10 attempts from 200 ms, doubling, at most 2 s apart.
 */
export const TEAM_ACTIVITY_OPTIONS: ActivityOptions = Object.freeze({
  startToCloseTimeout: '3s',
  retry: Object.freeze({
    initialInterval: '200ms',
    backoffCoefficient: 2,
    maximumInterval: '2s',
    maximumAttempts: 10,
  }),
});

/** The status team's activities. */
export type StatusActivities = Pick<CaptureActivities, 'paralyze' | 'cure'>;
/** The combat team's activities. */
export type CombatActivities = Pick<CaptureActivities, 'attack' | 'heal'>;
/** The pokeball team's activities. */
export type PokeballActivities = Pick<CaptureActivities, 'throwPokeball'>;

/**
 * `CapturePokemonAcrossTeams`: paralyze (on `status`) → attack (on `combat`) → throw a Poké Ball
 * (on `pokeball`); returns `{ trainer, pokemon }` as `CapturePokemon` does.
 *
 * @example
 * // workers: npx baton worker --module dist/examples/pokemon/teams/workflow-worker.js --task-queue pokemon-teams
 * //          npx baton worker --module dist/examples/pokemon/teams/status-worker.js --task-queue status  (…combat, pokeball)
 * const { pokemon } = await baton.client.execute(capturePokemonAcrossTeams, {
 *   taskQueue: TEAM_TASK_QUEUES.workflow, args: [sacha(), mewtwo()],
 * });
 */
export const capturePokemonAcrossTeams = defineWorkflow(
  'CapturePokemonAcrossTeams',
  async (ctx, trainer: Trainer, pokemon: Pokemon) => {
    const status = ctx.activities<StatusActivities>({
      ...TEAM_ACTIVITY_OPTIONS,
      taskQueue: TEAM_TASK_QUEUES.status,
    });
    const combat = ctx.activities<CombatActivities>({
      ...TEAM_ACTIVITY_OPTIONS,
      taskQueue: TEAM_TASK_QUEUES.combat,
    });
    const pokeball = ctx.activities<PokeballActivities>({
      ...TEAM_ACTIVITY_OPTIONS,
      taskQueue: TEAM_TASK_QUEUES.pokeball,
    });
    const paralyzed = await status.paralyze(pokemon);
    const weakened = await combat.attack(paralyzed);
    return pokeball.throwPokeball(trainer, weakened);
  },
);

/** One run of a team's activity, as a line of the effects file. */
export interface TeamEffect {
  activity: string;
  /** The Pokémon it acted on. */
  pokemonId: string;
  workflowId: string;
  /** The attempt, from 1. */
  attempt: number;
  /** The process that ran it. */
  pid: number;
  /** The task queue of the worker that ran it. */
  taskQueue: string;
  /** When the effect was applied, epoch ms. */
  atMs: number;
}

/** Options of the teams' activities. */
export interface TeamOptions {
  /** Append one {@link TeamEffect} line here per effect applied. @default no file */
  effectsFile?: string | undefined;
}

/**
 * Applies `apply`, then appends its line to the effects file (if any): the effect is recorded
 * once applied, even if the attempt's result is then lost (a killed process), so a file may hold
 * several lines for one step — at least once.
 */
function applied<T>(o: TeamOptions, activity: string, pokemonId: string, apply: () => T): T {
  const result = apply();
  if (o.effectsFile !== undefined) {
    const { info } = activityContext();
    const effect: TeamEffect = {
      activity,
      pokemonId,
      workflowId: info.workflowId,
      attempt: info.attempt,
      pid: process.pid,
      taskQueue: info.taskQueue,
      atMs: Date.now(),
    };
    // One write with O_APPEND: lines of concurrent processes do not interleave.
    appendFileSync(o.effectsFile, `${JSON.stringify(effect)}\n`);
  }
  return result;
}

/**
 * The status team's activities on a fresh {@link StatusService}.
 * @example export const activities = statusTeamActivities({ effectsFile: '/tmp/effects.jsonl' });
 */
export function statusTeamActivities(o: TeamOptions = {}): StatusActivities {
  const status = new StatusService();
  return {
    paralyze: async (p) => applied(o, 'paralyze', p.id, () => status.paralyze(p)),
    cure: async (p) => applied(o, 'cure', p.id, () => status.cure(p)),
  };
}

/** The combat team's activities on a fresh {@link CombatService}. @example combatTeamActivities() */
export function combatTeamActivities(o: TeamOptions = {}): CombatActivities {
  const combat = new CombatService();
  return {
    attack: async (p) => applied(o, 'attack', p.id, () => combat.attack(p)),
    heal: async (p) => applied(o, 'heal', p.id, () => combat.heal(p)),
  };
}

/** The pokeball team's activities on a fresh {@link PokeballService}. @example pokeballTeamActivities() */
export function pokeballTeamActivities(o: TeamOptions = {}): PokeballActivities {
  const pokeball = new PokeballService();
  return {
    throwPokeball: async (t, p) => applied(o, 'throwPokeball', p.id, () => pokeball.throw(t, p)),
  };
}

/**
 * The effects file's lines, oldest first (none when it does not exist yet). A last line still
 * being written by another process is left for the next read.
 *
 * @example const throws = readTeamEffects(file).filter((e) => e.activity === 'throwPokeball');
 */
export function readTeamEffects(file: string): TeamEffect[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as TeamEffect);
}

/**
 * The effects file named by the `BATON_EFFECTS_FILE` environment variable (unset or empty: none),
 * read by the team worker modules.
 */
export function effectsFileFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.BATON_EFFECTS_FILE;
  return file === undefined || file === '' ? undefined : file;
}
