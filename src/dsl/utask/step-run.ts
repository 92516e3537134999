/**
 * Running one uTask step (or one foreach child), as uTask's step runner does: skip conditions,
 * configuration rendered, the action, the output checked against `json_schema`, then check
 * conditions (only after DONE or CLIENT_ERROR). And a foreach step: its list rendered, one child
 * per item (in parallel, or in sequence), the children collected once all are final.
 */
import type { WorkflowContext } from '../../runtime/context.js';
import { markStep } from '../files/step-kit.js';
import { isCancellation, type ActionOutcome, type ActionSettings } from './actions.js';
import { conditionHolds } from './conditions.js';
import { isFinalState, type UtaskActionType, type UtaskCondition, type UtaskStep } from './model.js';
import { isRecord } from './reader.js';
import { render, renderTree, type RenderScope, type StepRecord, type ValueSource } from './values.js';

/** What the step runner needs of the resolution. */
export interface StepRunner {
  readonly ctx: WorkflowContext;
  readonly settings: ActionSettings;
  readonly source: ValueSource;
  setState(target: string, state: string, self: StepRecord, selfId: string, by: string): void;
  action(
    ctx: WorkflowContext,
    id: string,
    step: UtaskStep,
    type: UtaskActionType,
    config: Record<string, unknown>,
    settings: ActionSettings,
  ): Promise<ActionOutcome>;
}

/** Which conditions apply: a plain step's all, a child's the `children` ones, a parent's the `parent` ones. */
type Mode = 'plain' | 'child' | 'parent';

function applies(c: UtaskCondition, mode: Mode): boolean {
  if (mode === 'plain') return true;
  if (c.type === 'check') return mode === 'child';
  return c.foreach === (mode === 'child' ? 'children' : 'parent');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the `type` conditions that apply; returns true when one held (for skip: the step is skipped).
 * A condition that cannot be evaluated sets the step to `errorState` with the reason.
 */
function runConditions(
  r: StepRunner,
  step: UtaskStep,
  id: string,
  record: StepRecord,
  mode: Mode,
  type: 'skip' | 'check',
  scope: RenderScope,
): boolean {
  let held = false;
  for (const c of step.conditions) {
    if (c.type !== type || !applies(c, mode)) continue;
    let holds: boolean;
    try {
      holds = conditionHolds(c, (t) => render(r.source, t, scope));
    } catch (error) {
      record.state = type === 'skip' ? 'SERVER_ERROR' : 'AFTERRUN_ERROR';
      record.error = `${type} condition: ${errorText(error)}`;
      return true;
    }
    if (!holds) continue;
    held = true;
    for (const [target, state] of Object.entries(c.then)) r.setState(target, state, record, id, id);
  }
  return held;
}

/** Ends a step: records its final state marker. */
function finish(r: StepRunner, id: string, record: StepRecord): void {
  markStep(r.ctx, id, record.state, record.error);
}

/**
 * Runs a plain step or a foreach child (`id` = `name[i]`, `item` its item): skip conditions, the
 * action, the schema check, check conditions. Sets `record` and records the step's markers.
 */
export async function runSingle(
  r: StepRunner,
  step: UtaskStep,
  id: string,
  record: StepRecord,
  mode: 'plain' | 'child',
  item?: unknown,
): Promise<void> {
  markStep(r.ctx, id, 'RUNNING');
  record.state = 'RUNNING';
  const scope: RenderScope = { self: record, ...(item === undefined ? {} : { item }) };
  if (runConditions(r, step, id, record, mode, 'skip', scope)) {
    if (record.state === 'RUNNING') record.state = 'PRUNE';
    return finish(r, id, record);
  }
  let config: unknown;
  try {
    config = renderTree(r.source, step.action.configuration, scope);
  } catch (error) {
    Object.assign(record, {
      state: 'FATAL_ERROR',
      error: `failed to template configuration: ${errorText(error)}`,
    });
    return finish(r, id, record);
  }
  let outcome: ActionOutcome;
  try {
    outcome = await r.action(r.ctx, id, step, step.action.type, isRecord(config) ? config : {}, r.settings);
  } catch (error) {
    // The run is being cancelled: the step ends CANCELED and the cancellation ends the run. Any
    // other failure (an activity that should not fail, such as baton.echo) is a SERVER_ERROR.
    if (isCancellation(error)) {
      record.state = 'CANCELED';
      markStep(r.ctx, id, 'CANCELED', errorText(error));
      throw error;
    }
    outcome = { state: 'SERVER_ERROR', error: errorText(error) };
  }
  Object.assign(record, outcome);
  if (outcome.error === undefined) delete record.error;
  if (outcome.state === 'DONE' && step.validateOutput !== undefined) {
    const problem = step.validateOutput(outcome.output);
    if (problem !== undefined) Object.assign(record, { state: 'FATAL_ERROR', error: problem });
  }
  if (record.state === 'DONE' || record.state === 'CLIENT_ERROR')
    runConditions(r, step, id, record, mode, 'check', scope);
  finish(r, id, record);
}

/** Renders a foreach list: the template must give a JSON array. */
function items(r: StepRunner, step: UtaskStep, record: StepRecord): unknown[] | string {
  let text: string;
  try {
    text = render(r.source, step.foreach!, { self: record });
  } catch (error) {
    return `foreach: ${errorText(error)}`;
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (Array.isArray(value)) return value as unknown[];
    return `foreach: not an array: ${text}`;
  } catch {
    return `foreach: not a JSON array: ${text}`;
  }
}

/** A foreach child as uTask collects it: output, metadata (with the iterator), state. */
function collected(child: StepRecord): Record<string, unknown> {
  const metadata = isRecord(child.metadata) ? child.metadata : {};
  return {
    ...(child.output === undefined ? {} : { output: child.output }),
    metadata: { ...metadata, iterator: child.item },
    state: child.state,
  };
}

/** Worst state of unfinished children, by uTask's resolution priority. */
function worst(children: readonly StepRecord[]): string {
  for (const s of ['FATAL_ERROR', 'CLIENT_ERROR', 'SERVER_ERROR', 'AFTERRUN_ERROR', 'TO_RETRY'])
    if (children.some((c) => c.state === s)) return s;
  return 'TODO';
}

/**
 * Runs a foreach step: `parent` skip conditions, the list, one child per item (`name[i]`), then the
 * step is DONE with `children` = the children not pruned, or (a child not final) in its worst
 * child's state with every child listed.
 */
export async function runForeach(r: StepRunner, step: UtaskStep, record: StepRecord): Promise<void> {
  markStep(r.ctx, step.name, 'RUNNING');
  if (runConditions(r, step, step.name, record, 'parent', 'skip', { self: record })) {
    if (record.state === 'RUNNING') record.state = 'PRUNE';
    return finish(r, step.name, record);
  }
  const list = items(r, step, record);
  if (typeof list === 'string') {
    Object.assign(record, { state: 'FATAL_ERROR', error: list });
    return finish(r, step.name, record);
  }
  const children: StepRecord[] = list.map((item) => ({ state: 'TODO', item }));
  const runChild = (i: number): Promise<void> =>
    runSingle(r, step, `${step.name}[${i}]`, children[i] as StepRecord, 'child', list[i]);
  if (step.foreachStrategy === 'parallel') await Promise.all(children.map((_c, i) => runChild(i)));
  else
    for (let i = 0; i < children.length; i++) {
      const previous = children[i - 1];
      if (previous !== undefined && previous.state !== 'DONE') {
        if (isFinalState(previous.state)) for (const c of children.slice(i)) c.state = 'PRUNE';
        break;
      }
      await runChild(i);
    }
  const allFinal = children.every((c) => isFinalState(c.state));
  if (allFinal) {
    record.state = 'DONE';
    record.children = children.filter((c) => c.state !== 'PRUNE').map(collected);
    delete record.error;
  } else {
    record.state = worst(children);
    record.children = children.map((c) => ({
      ...collected(c),
      ...(c.error === undefined ? {} : { error: c.error }),
    }));
    record.error = 'a foreach child did not end in a final state';
  }
  finish(r, step.name, record);
}
