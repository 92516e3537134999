/**
 * The `--query` of `baton list`: a small part of Temporal's list filter syntax.
 *
 *     query  := clause ( AND clause )*
 *     clause := NAME = VALUE
 *     VALUE  := "text" | 'text' | number | true | false
 *
 * NAME is `WorkflowId`, `WorkflowType`, `ExecutionStatus` (one of Running, Completed, Failed,
 * Canceled, Terminated, TimedOut, ContinuedAsNew, any case, also as RUNNING or TIMED_OUT) or a custom search
 * attribute (letters, digits, underscores). Comparisons are exact; `AND` is the only connective
 * (any case). Inside quotes, `\` escapes the next character. Anything else is refused with a
 * message naming the 0-based position.
 */
import type { ExecutionStatus } from '../../index.js';
import { UsageError } from './exit-codes.js';
import { STATUSES } from './options.js';

/** What a `--query` selects: `list()` filter fields. */
export interface ListQuery {
  workflowId?: string;
  workflowType?: string;
  status?: ExecutionStatus;
  /** Custom search attributes, by name. */
  searchAttributes: Record<string, string | number | boolean>;
}

/** A `--query` that cannot be read; the message names the position. */
export class ListQueryError extends UsageError {
  constructor(
    readonly position: number,
    what: string,
  ) {
    super(`--query at position ${position}: ${what}`);
    this.name = 'ListQueryError';
  }
}

type Token =
  | { kind: 'name'; text: string; pos: number }
  | { kind: 'value'; value: string | number | boolean; text: string; pos: number }
  | { kind: 'op'; text: string; pos: number }
  | { kind: 'end'; text: 'end of query'; pos: number };

/** The system attributes, by lower-case name (a Map: `constructor` or `__proto__` is no system field). */
const SYSTEM: ReadonlyMap<string, 'WorkflowId' | 'WorkflowType' | 'ExecutionStatus'> = new Map([
  ['workflowid', 'WorkflowId'],
  ['workflowtype', 'WorkflowType'],
  ['executionstatus', 'ExecutionStatus'],
]);

/** Temporal attributes this filter has no field for. */
const UNSUPPORTED = [
  'RunId',
  'TaskQueue',
  'StartTime',
  'CloseTime',
  'ExecutionTime',
  'ExecutionDuration',
  'HistoryLength',
  'StateTransitionCount',
  'ParentWorkflowId',
  'ParentRunId',
  'RootWorkflowId',
  'RootRunId',
];

const EXPECTED_VALUE = 'expected a value: a "quoted string", a number, true or false';

/**
 * Reads a `--query`.
 *
 * @throws ListQueryError naming the position and what was expected there.
 * @example
 * parseListQuery('WorkflowType = "Capture" AND ExecutionStatus = "Running" AND Team = "kanto"');
 * // { workflowType: 'Capture', status: 'RUNNING', searchAttributes: { Team: 'kanto' } }
 */
export function parseListQuery(text: string): ListQuery {
  const tokens = tokenize(text);
  const query: ListQuery = { searchAttributes: {} };
  const seen = new Map<string, number>();
  let k = 0;
  const next = (): Token => tokens[k++] ?? tokens[tokens.length - 1]!;
  if (tokens[0]!.kind === 'end') throw new ListQueryError(0, 'the query is empty; expected NAME = VALUE');
  for (;;) {
    const name = next();
    if (name.kind !== 'name')
      throw new ListQueryError(name.pos, `expected an attribute name, found ${shown(name)}`);
    const eq = next();
    if (eq.kind !== 'op' || eq.text !== '=') {
      throw new ListQueryError(
        eq.pos,
        `expected = after ${name.text}, found ${shown(eq)} (only = is supported)`,
      );
    }
    const value = next();
    if (value.kind !== 'value') {
      const quote = value.kind === 'name' ? `; quote text: "${value.text}"` : '';
      throw new ListQueryError(value.pos, `${EXPECTED_VALUE}, found ${shown(value)}${quote}`);
    }
    const key = name.text.toLowerCase();
    const before = seen.get(key);
    if (before !== undefined)
      throw new ListQueryError(name.pos, `${name.text} is already compared at position ${before}`);
    seen.set(key, name.pos);
    setClause(query, name, value);
    const and = next();
    if (and.kind === 'end') return query;
    if (and.kind !== 'name' || and.text.toUpperCase() !== 'AND') {
      throw new ListQueryError(
        and.pos,
        `expected AND or the end of the query, found ${shown(and)} (only AND is supported)`,
      );
    }
  }
}

function setClause(
  query: ListQuery,
  name: Extract<Token, { kind: 'name' }>,
  value: Extract<Token, { kind: 'value' }>,
): void {
  const system = SYSTEM.get(name.text.toLowerCase());
  const unsupported = UNSUPPORTED.find((u) => u.toLowerCase() === name.text.toLowerCase());
  if (unsupported !== undefined) {
    throw new ListQueryError(
      name.pos,
      `${unsupported} cannot be filtered on; expected WorkflowId, WorkflowType, ExecutionStatus or a custom search attribute`,
    );
  }
  if (system === undefined) {
    // defineProperty: a search attribute named `__proto__` is an own field, not the prototype.
    Object.defineProperty(query.searchAttributes, name.text, {
      value: value.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return;
  }
  if (typeof value.value !== 'string')
    throw new ListQueryError(value.pos, `${system} takes a "quoted string", found ${value.text}`);
  if (system === 'WorkflowId') query.workflowId = value.value;
  else if (system === 'WorkflowType') query.workflowType = value.value;
  else query.status = statusOf(value.value, value.pos);
}

function statusOf(text: string, pos: number): ExecutionStatus {
  const wanted = text.toUpperCase().replace(/[\s_]/g, '');
  const status = STATUSES.find((s) => s.replace(/_/g, '') === wanted);
  if (status === undefined) {
    throw new ListQueryError(
      pos,
      `unknown ExecutionStatus "${text}"; expected one of Running, Completed, Failed, Canceled, Terminated, TimedOut, ContinuedAsNew`,
    );
  }
  return status;
}

function shown(t: Token): string {
  return t.kind === 'end' ? 'the end of the query' : `'${t.text}'`;
}

/** The tokens of `text`, ending with an `end` token. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space !== null) {
      i += space[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?(?![A-Za-z0-9_.])/.exec(rest);
    const op = /^(!=|<>|<=|>=|=|<|>|\(|\)|,)/.exec(rest);
    if (number !== null) {
      tokens.push({ kind: 'value', value: Number(number[0]), text: number[0], pos: i });
      i += number[0].length;
    } else if (word !== null) {
      const lower = word[0].toLowerCase();
      if (lower === 'true' || lower === 'false') {
        tokens.push({ kind: 'value', value: lower === 'true', text: word[0], pos: i });
      } else tokens.push({ kind: 'name', text: word[0], pos: i });
      i += word[0].length;
    } else if (rest[0] === '"' || rest[0] === "'") {
      const read = readString(text, i);
      tokens.push({ kind: 'value', value: read.value, text: text.slice(i, read.end), pos: i });
      i = read.end;
    } else if (op !== null) {
      tokens.push({ kind: 'op', text: op[0], pos: i });
      i += op[0].length;
    } else {
      throw new ListQueryError(
        i,
        `unexpected character '${rest[0]}'; expected NAME = VALUE [AND NAME = VALUE]…`,
      );
    }
  }
  tokens.push({ kind: 'end', text: 'end of query', pos: text.length });
  return tokens;
}

/** The quoted string starting at `start`: its value and the index after its closing quote. */
function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\' && i + 1 < text.length) value += text[++i];
    else value += c;
  }
  throw new ListQueryError(start, `unterminated string: no closing ${quote}`);
}
