/**
 * Reading one step of a uTask template: its action (echo, http, subtask), dependencies,
 * conditions, foreach, retry pattern, custom states and JSON Schema, each checked with the file
 * position of what is wrong.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { ValuePath } from '../files/source.js';
import {
  BUILTIN_STATES,
  type UtaskActionType,
  type UtaskAssert,
  type UtaskCondition,
  type UtaskDependency,
  type UtaskStep,
} from './model.js';
import { isRecord, type Reader } from './reader.js';

const STEP_KEYS = [
  'description',
  'idempotent',
  'action',
  'json_schema',
  'dependencies',
  'custom_states',
  'conditions',
  'foreach',
  'foreach_strategy',
  'retry_pattern',
  'max_retries',
  'resources',
  'tags',
  'name',
];
const ACTION_CONFIG_KEYS: Record<UtaskActionType, { known: string[]; ignored: string[] }> = {
  echo: { known: ['output', 'metadata', 'error_message', 'error_type'], ignored: [] },
  http: {
    known: ['url', 'host', 'path', 'method', 'headers', 'query_parameters', 'body', 'timeout'],
    ignored: [],
  },
  subtask: {
    known: ['template', 'input', 'json_input'],
    ignored: ['resolver_usernames', 'resolver_groups', 'watcher_usernames', 'watcher_groups', 'tags'],
  },
};
const OPERATORS = ['EQ', 'NE', 'GT', 'LT', 'GE', 'LE', 'REGEXP', 'IN', 'NOTIN'];

/** Reads the dependency strings `step`, `step:STATE,STATE`, `step:ANY` (checked later against the steps). */
function readDependencies(r: Reader, raw: unknown, path: ValuePath, where: string): UtaskDependency[] {
  return r.strList(raw, path, `${where}: dependencies`).map((dep) => {
    const at = dep.indexOf(':');
    if (at < 0) return { step: dep, states: ['DONE'] };
    return { step: dep.slice(0, at), states: dep.slice(at + 1).split(',') };
  });
}

function readAssert(r: Reader, raw: unknown, path: ValuePath, where: string): UtaskAssert | undefined {
  if (!isRecord(raw)) {
    r.fail(path, `${where}: expected a map with value, operator, expected`);
    return undefined;
  }
  r.keys(raw, path, where, ['value', 'operator', 'expected', 'list_separator', 'message'], 'refuse');
  const operator = (r.str(raw.operator, [...path, 'operator'], `${where}: operator`) ?? '').toUpperCase();
  if (!OPERATORS.includes(operator))
    r.fail(
      [...path, 'operator'],
      `${where}: unknown operator '${String(raw.operator)}'; expected one of ${OPERATORS.join(', ')}`,
    );
  const value = r.tpl(
    r.str(raw.value, [...path, 'value'], `${where}: value`) ?? '',
    [...path, 'value'],
    where,
  );
  const expectedText = r.str(raw.expected, [...path, 'expected'], `${where}: expected`) ?? '';
  const expected = r.tpl(expectedText, [...path, 'expected'], where);
  if (operator === 'REGEXP' && !expectedText.includes('{{'))
    try {
      new RegExp(expectedText);
    } catch (e) {
      r.fail([...path, 'expected'], `${where}: invalid regular expression: ${(e as Error).message}`);
    }
  if (value === undefined || expected === undefined) return undefined;
  const sep = r.str(raw.list_separator, [...path, 'list_separator'], `${where}: list_separator`);
  return { value, operator, expected, listSeparator: sep === undefined || sep === '' ? ',' : sep };
}

function readCondition(r: Reader, raw: unknown, path: ValuePath, where: string): UtaskCondition | undefined {
  if (!isRecord(raw)) {
    r.fail(path, `${where}: expected a map with type, if, then`);
    return undefined;
  }
  r.keys(
    raw,
    path,
    where,
    ['type', 'if', 'then', 'foreach', 'message', 'final', 'run_on_retryable'],
    'refuse',
  );
  for (const flag of ['final', 'run_on_retryable'])
    if (raw[flag] === true) r.fail([...path, flag], `${where}: '${flag}: true' is not supported`);
  const type = r.str(raw.type, [...path, 'type'], `${where}: type`);
  if (type !== 'skip' && type !== 'check')
    r.fail([...path, 'type'], `${where}: type must be skip or check, got '${String(type)}'`);
  const foreach = r.str(raw.foreach, [...path, 'foreach'], `${where}: foreach`) ?? 'children';
  if (foreach !== 'children' && foreach !== 'parent')
    r.fail([...path, 'foreach'], `${where}: foreach must be children or parent, got '${foreach}'`);
  const ifs = Array.isArray(raw.if) ? raw.if : [];
  if (!Array.isArray(raw.if)) r.fail([...path, 'if'], `${where}: 'if' must be a list of assertions`);
  const asserts = ifs.map((a, i) => readAssert(r, a, [...path, 'if', i], `${where} if[${i}]`));
  const then: Record<string, string> = {};
  if (!isRecord(raw.then))
    r.fail([...path, 'then'], `${where}: 'then' must map step names (or this) to states`);
  else
    for (const [step, state] of Object.entries(raw.then)) {
      const s = r.str(state, [...path, 'then', step], `${where}: then.${step}`);
      if (s !== undefined) then[step] = s;
    }
  if (asserts.some((a) => a === undefined) || (type !== 'skip' && type !== 'check')) return undefined;
  return { type, if: asserts as UtaskAssert[], then, foreach: foreach === 'parent' ? 'parent' : 'children' };
}

function readSchema(
  r: Reader,
  raw: unknown,
  path: ValuePath,
  where: string,
): ((o: unknown) => string | undefined) | undefined {
  if (raw === undefined || raw === null) return undefined;
  let validate: ValidateFunction;
  try {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validate = ajv.compile(
      isRecord(raw) ? Object.fromEntries(Object.entries(raw).filter(([k]) => k !== '$schema')) : raw,
    );
  } catch (e) {
    r.fail(path, `${where}: invalid json_schema: ${(e as Error).message}`);
    return undefined;
  }
  return (output) =>
    validate(output)
      ? undefined
      : `output does not match json_schema: ${(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ')}`;
}

function readAction(
  r: Reader,
  raw: unknown,
  path: ValuePath,
  where: string,
): UtaskStep['action'] | undefined {
  if (!isRecord(raw)) {
    r.fail(path, `${where}: action must be a map with type and configuration`);
    return undefined;
  }
  r.keys(raw, path, `${where} action`, ['type', 'configuration'], 'refuse');
  const type = r.str(raw.type, [...path, 'type'], `${where}: action type`);
  if (type !== 'echo' && type !== 'http' && type !== 'subtask') {
    r.fail(
      [...path, 'type'],
      `${where}: action type '${String(type)}' is not supported; Baton runs echo, http and subtask`,
    );
    return undefined;
  }
  const config = raw.configuration ?? {};
  if (!isRecord(config)) {
    r.fail([...path, 'configuration'], `${where}: configuration must be a map`);
    return undefined;
  }
  const keys = ACTION_CONFIG_KEYS[type];
  r.keys(
    config,
    [...path, 'configuration'],
    `${where} ${type} configuration`,
    [...keys.known, ...keys.ignored],
    'refuse',
  );
  for (const key of keys.ignored)
    if (key in config)
      r.warn(
        [...path, 'configuration', key],
        `${where}: ${type} '${key}' is ignored (Baton has no users or tags)`,
      );
  if (type === 'http' && config.url === undefined && config.host === undefined)
    r.fail([...path, 'configuration'], `${where}: http configuration needs url (or host and path)`);
  if (type === 'subtask' && typeof config.template !== 'string')
    r.fail([...path, 'configuration'], `${where}: subtask configuration needs template (a template name)`);
  const configuration = r.tree(config, [...path, 'configuration'], where);
  return { type, configuration };
}

/**
 * Reads step `name` of a template (`raw` at `path`).
 * @returns the step, or undefined when it has problems (recorded in `r`).
 */
export function readStep(r: Reader, name: string, raw: unknown, path: ValuePath): UtaskStep | undefined {
  const where = `step '${name}'`;
  if (!isRecord(raw)) {
    r.fail(path, `${where}: expected a map with an action`);
    return undefined;
  }
  r.keys(raw, path, where, [...STEP_KEYS, 'pre_hook'], 'refuse');
  if ('pre_hook' in raw) r.fail([...path, 'pre_hook'], `${where}: pre_hook is not supported`, true);
  const problemsBefore = r.problems.length;
  const action = readAction(r, raw.action, [...path, 'action'], where);
  const customStates = r.strList(raw.custom_states, [...path, 'custom_states'], `${where}: custom_states`);
  customStates.forEach((s, i) => {
    if (BUILTIN_STATES.includes(s))
      r.fail(
        [...path, 'custom_states', i],
        `${where}: custom state '${s}' is a reserved state (${BUILTIN_STATES.join(', ')})`,
      );
  });
  const conditions = (Array.isArray(raw.conditions) ? raw.conditions : []).map((c, i) =>
    readCondition(r, c, [...path, 'conditions', i], `${where} condition ${i}`),
  );
  if (raw.conditions !== undefined && !Array.isArray(raw.conditions))
    r.fail([...path, 'conditions'], `${where}: conditions must be a list`);
  const foreachText = r.str(raw.foreach, [...path, 'foreach'], `${where}: foreach`);
  const foreach =
    foreachText === undefined ? undefined : r.tpl(foreachText, [...path, 'foreach'], `${where} foreach`);
  const strategy =
    r.str(raw.foreach_strategy, [...path, 'foreach_strategy'], `${where}: foreach_strategy`) ?? 'parallel';
  if (strategy !== 'parallel' && strategy !== 'sequence')
    r.fail([...path, 'foreach_strategy'], `${where}: foreach_strategy must be parallel or sequence`);
  const pattern =
    r.str(raw.retry_pattern, [...path, 'retry_pattern'], `${where}: retry_pattern`) ?? 'seconds';
  if (pattern !== 'seconds' && pattern !== 'minutes' && pattern !== 'hours')
    r.fail(
      [...path, 'retry_pattern'],
      `${where}: retry_pattern must be seconds, minutes or hours, got '${pattern}'`,
    );
  const validateOutput = readSchema(r, raw.json_schema, [...path, 'json_schema'], where);
  if (r.problems.length > problemsBefore || action === undefined) return undefined;
  return {
    name,
    description: r.str(raw.description, [...path, 'description'], `${where}: description`) ?? '',
    action,
    dependencies: readDependencies(r, raw.dependencies, [...path, 'dependencies'], where),
    customStates,
    conditions: conditions as UtaskCondition[],
    ...(foreach === undefined ? {} : { foreach }),
    foreachStrategy: strategy === 'sequence' ? 'sequence' : 'parallel',
    retryPattern: pattern as UtaskStep['retryPattern'],
    ...(validateOutput === undefined ? {} : { validateOutput }),
  };
}
