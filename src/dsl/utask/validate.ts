/**
 * Reading and checking a whole uTask template (as uTask's template validation does): name, inputs,
 * variables, title and result formats, steps; dependencies name existing steps with states they
 * can reach, no cycles, conditions set states the target steps allow. Every problem carries the
 * file, line and column.
 */
import { WorkflowFileError } from '../files/file-error.js';
import type { SourceDoc, ValuePath } from '../files/source.js';
import type { UtaskInput, UtaskStep, UtaskTemplate, UtaskVariable } from './model.js';
import { isRecord, Reader } from './reader.js';
import { readStep } from './validate-step.js';

const TEMPLATE_KEYS = [
  'name',
  'description',
  'title_format',
  'result_format',
  'variables',
  'inputs',
  'steps',
];
const IGNORED_TEMPLATE_KEYS = [
  'long_description',
  'doc_link',
  'allowed_resolver_usernames',
  'allowed_resolver_groups',
  'allow_all_resolver_usernames',
  'auto_runnable',
  'blocked',
  'hidden',
  'tags',
  'retry_max',
  'requester_groups',
  'result_display',
];
/** States a condition may set on a step besides its custom states (as uTask's). */
const CONDITION_STATES = ['DONE', 'PRUNE', 'TO_RETRY', 'FATAL_ERROR', 'CLIENT_ERROR', 'SERVER_ERROR'];

function readInput(r: Reader, raw: unknown, path: ValuePath): UtaskInput | undefined {
  if (!isRecord(raw)) {
    r.fail(path, 'inputs: each input must be a map with a name');
    return undefined;
  }
  const name = r.str(raw.name, [...path, 'name'], 'input name');
  if (name === undefined || name === '') {
    r.fail(path, 'inputs: an input needs a name');
    return undefined;
  }
  const where = `input '${name}'`;
  r.keys(
    raw,
    path,
    where,
    ['name', 'description', 'type', 'optional', 'collection', 'legal_values', 'regex', 'default'],
    'warn',
  );
  const type = r.str(raw.type, [...path, 'type'], `${where}: type`) ?? 'any';
  if (!['string', 'password', 'number', 'bool', 'object', 'any'].includes(type))
    r.fail([...path, 'type'], `${where}: type must be string, number, bool, object or any, got '${type}'`);
  let regex: RegExp | undefined;
  const regexText = r.str(raw.regex, [...path, 'regex'], `${where}: regex`);
  if (regexText !== undefined)
    try {
      regex = new RegExp(regexText);
    } catch (e) {
      r.fail([...path, 'regex'], `${where}: invalid regex: ${(e as Error).message}`);
    }
  if (raw.legal_values !== undefined && !Array.isArray(raw.legal_values))
    r.fail([...path, 'legal_values'], `${where}: legal_values must be a list`);
  return {
    name,
    type: (type === 'password' ? 'string' : type) as UtaskInput['type'],
    optional: r.bool(raw.optional, [...path, 'optional'], `${where}: optional`, false),
    collection: r.bool(raw.collection, [...path, 'collection'], `${where}: collection`, false),
    ...(Array.isArray(raw.legal_values) ? { legalValues: raw.legal_values as unknown[] } : {}),
    ...(regex === undefined ? {} : { regex }),
    ...(raw.default === undefined || raw.default === null ? {} : { default: raw.default }),
  };
}

function readVariable(r: Reader, raw: unknown, path: ValuePath): UtaskVariable | undefined {
  if (!isRecord(raw)) {
    r.fail(path, 'variables: each variable must be a map with a name and a value or an expression');
    return undefined;
  }
  const name = r.str(raw.name, [...path, 'name'], 'variable name');
  if (name === undefined) {
    r.fail(path, 'variables: a variable needs a name');
    return undefined;
  }
  const where = `variable '${name}'`;
  r.keys(raw, path, where, ['name', 'value', 'expression'], 'refuse');
  const expr = r.str(raw.expression, [...path, 'expression'], `${where}: expression`);
  if (raw.value !== undefined && raw.value !== null)
    return { name, value: r.tree(raw.value, [...path, 'value'], where) };
  if (expr === undefined) {
    r.fail(path, `${where}: needs a value or an expression`);
    return undefined;
  }
  const expression = r.tpl(expr, [...path, 'expression'], where);
  return expression === undefined ? undefined : { name, expression };
}

function readList<T>(
  r: Reader,
  raw: unknown,
  path: ValuePath,
  what: string,
  read: (r: Reader, v: unknown, p: ValuePath) => T | undefined,
): T[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    r.fail(path, `${what} must be a list`);
    return [];
  }
  return raw.flatMap((v, i) => read(r, v, [...path, i]) ?? []);
}

/** Checks the links between steps: dependencies, their states, cycles, condition targets. */
function checkLinks(r: Reader, steps: readonly UtaskStep[]): void {
  const byName = new Map(steps.map((s) => [s.name, s]));
  for (const step of steps) {
    const seen = new Set<string>();
    step.dependencies.forEach((dep, i) => {
      const at = ['steps', step.name, 'dependencies', i];
      const target = byName.get(dep.step);
      if (target === undefined)
        return r.fail(
          at,
          `step '${step.name}': dependency on unknown step '${dep.step}'; steps are ${[...byName.keys()].join(', ')}`,
        );
      if (seen.has(dep.step)) r.fail(at, `step '${step.name}': dependency on '${dep.step}' declared twice`);
      seen.add(dep.step);
      if (dep.states.includes('ANY') && dep.states.length > 1)
        r.fail(at, `step '${step.name}': no other state is allowed with ANY`);
      for (const s of dep.states)
        if (s !== 'DONE' && s !== 'ANY' && !target.customStates.includes(s))
          r.fail(
            at,
            `step '${step.name}': step '${dep.step}' never reaches state '${s}' (expected DONE, ANY or one of its custom_states: ${target.customStates.join(', ') || 'none'})`,
          );
    });
    step.conditions.forEach((c, ci) => {
      for (const [target, state] of Object.entries(c.then)) {
        const at = ['steps', step.name, 'conditions', ci, 'then', target];
        const t = target === 'this' ? step : byName.get(target);
        if (t === undefined) r.fail(at, `step '${step.name}': condition sets unknown step '${target}'`);
        else if (!CONDITION_STATES.includes(state) && !t.customStates.includes(state))
          r.fail(
            at,
            `step '${step.name}': state '${state}' is not allowed for step '${t.name}' (expected ${CONDITION_STATES.join(', ')} or its custom_states)`,
          );
      }
    });
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, chain: string[]): void => {
    if (done.has(name)) return;
    if (visiting.has(name)) {
      r.fail(
        ['steps', name, 'dependencies'],
        `circular dependency: ${[...chain.slice(chain.indexOf(name)), name].join(' -> ')}`,
      );
      return;
    }
    visiting.add(name);
    for (const d of byName.get(name)?.dependencies ?? [])
      if (byName.has(d.step)) visit(d.step, [...chain, name]);
    visiting.delete(name);
    done.add(name);
  };
  for (const s of steps) visit(s.name, []);
}

/**
 * Reads a uTask template from a parsed file.
 *
 * @returns the template and warnings (ignored keys, TABs replaced).
 * @throws WorkflowFileError with every problem found, each with its line and column.
 */
export function readUtaskTemplate(doc: SourceDoc): { template: UtaskTemplate; warnings: string[] } {
  const r = new Reader(doc);
  const raw = doc.value;
  if (!isRecord(raw))
    throw new WorkflowFileError([doc.problem([], 'a uTask template must be a map with name and steps')]);
  r.keys(raw, [], 'template', [...TEMPLATE_KEYS, ...IGNORED_TEMPLATE_KEYS], 'warn');
  const rawName = r.str(raw.name, ['name'], 'name');
  if (rawName === undefined || rawName.trim() === '') r.fail(['name'], 'a uTask template needs a name');
  const titleText = r.str(raw.title_format, ['title_format'], 'title_format');
  const titleFormat =
    titleText === undefined ? undefined : r.tpl(titleText, ['title_format'], 'title_format');
  const resultFormat =
    raw.result_format === undefined
      ? undefined
      : r.tree(raw.result_format, ['result_format'], 'result_format');
  const inputs = readList(r, raw.inputs, ['inputs'], 'inputs', readInput);
  const variables = readList(r, raw.variables, ['variables'], 'variables', readVariable);
  const steps: UtaskStep[] = [];
  if (!isRecord(raw.steps) || Object.keys(raw.steps).length === 0)
    r.fail(['steps'], 'steps must be a map of step names to steps');
  else
    for (const [name, s] of Object.entries(raw.steps)) {
      if (name === 'this') r.fail(['steps', name], "'this' step name is reserved", true);
      const step = readStep(r, name, s, ['steps', name]);
      if (step !== undefined) steps.push(step);
    }
  if (r.problems.length === 0) checkLinks(r, steps);
  if (r.problems.length > 0) throw new WorkflowFileError(r.problems);
  if (doc.tabsReplaced)
    r.warnings.unshift(
      `${doc.file}: TAB indentation replaced by two spaces per TAB (as uTask's test harness does; uTask's own loader would refuse this file)`,
    );
  const template: UtaskTemplate = {
    name: (rawName ?? '').trim().toLowerCase(),
    description: r.str(raw.description, ['description'], 'description') ?? '',
    ...(titleFormat === undefined ? {} : { titleFormat }),
    ...(resultFormat === undefined ? {} : { resultFormat }),
    variables,
    inputs,
    steps,
  };
  return { template, warnings: r.warnings };
}
