/**
 * The `--query` of `baton list`: what it accepts (equality on WorkflowId, WorkflowType,
 * ExecutionStatus and custom search attributes, joined by AND) and the position named in each
 * refusal; and how it combines with --status and --type.
 */
import { describe, expect, it } from 'vitest';
import { ListQueryError, parseListQuery } from '../../src/cli/commands/list-query.js';
import { listFilter } from '../../src/cli/commands/list.js';

function refusal(text: string): { position: number; message: string } {
  try {
    parseListQuery(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ListQueryError);
    const e = error as ListQueryError;
    return { position: e.position, message: e.message };
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('parseListQuery', () => {
  it('reads system and custom attributes joined by AND', () => {
    expect(
      parseListQuery('WorkflowType = "Capture" AND ExecutionStatus = "RUNNING" AND Team = "kanto"'),
    ).toEqual({ workflowType: 'Capture', status: 'RUNNING', searchAttributes: { Team: 'kanto' } });
    expect(parseListQuery("WorkflowId='capture-1'")).toEqual({
      workflowId: 'capture-1',
      searchAttributes: {},
    });
  });

  it('search attributes named like Object.prototype fields are custom attributes, own fields', () => {
    const query = parseListQuery(
      'constructor = "x" AND __proto__ = 5 AND toString = true AND hasOwnProperty = 1',
    );
    expect(query.workflowId ?? query.workflowType ?? query.status).toBeUndefined();
    expect(Object.entries(query.searchAttributes)).toEqual([
      ['constructor', 'x'],
      ['__proto__', 5],
      ['toString', true],
      ['hasOwnProperty', 1],
    ]);
    expect(Object.getPrototypeOf(query.searchAttributes)).toBe(Object.prototype);
    expect(
      Object.entries(listFilter({ query: '__proto__ = "a"', limit: 10 }).searchAttributes ?? {}),
    ).toEqual([['__proto__', 'a']]);
  });

  it('reads numbers, booleans, single quotes, escapes, any-case AND and statuses', () => {
    expect(
      parseListQuery(
        `Level = 70 and Shiny = TRUE AND Ratio = -1.5e2 AND Name = 'Farfetch\\'d' AND Quote = "a\\"b"`,
      ),
    ).toEqual({
      searchAttributes: { Level: 70, Shiny: true, Ratio: -150, Name: "Farfetch'd", Quote: 'a"b' },
    });
    expect(parseListQuery('ExecutionStatus = "TimedOut"').status).toBe('TIMED_OUT');
    expect(parseListQuery('executionstatus = "timed_out"').status).toBe('TIMED_OUT');
    expect(parseListQuery('ExecutionStatus = "Running"').status).toBe('RUNNING');
    expect(parseListQuery('  Team = "kanto"  ').searchAttributes).toEqual({ Team: 'kanto' });
  });

  it.each([
    ['', 0, 'the query is empty'],
    ['   ', 0, 'the query is empty'],
    ['Team = "kanto" OR Team = "johto"', 15, "expected AND or the end of the query, found 'OR'"],
    ['Team != "kanto"', 5, "expected = after Team, found '!='"],
    ['Level > 5', 6, "expected = after Level, found '>'"],
    [
      'Team = kanto',
      7,
      'expected a value: a "quoted string", a number, true or false, found \'kanto\'; quote text: "kanto"',
    ],
    ['Team = "kanto" AND', 18, 'expected an attribute name, found the end of the query'],
    ['Team =', 6, 'expected a value'],
    ['= "kanto"', 0, "expected an attribute name, found '='"],
    ['(Team = "kanto")', 0, "expected an attribute name, found '('"],
    ['Team = "kanto', 7, 'unterminated string: no closing "'],
    ['Team = "a" AND team = "b"', 15, 'team is already compared at position 0'],
    ['ExecutionStatus = "Runing"', 18, 'unknown ExecutionStatus "Runing"'],
    ['WorkflowType = 42', 15, 'WorkflowType takes a "quoted string", found 42'],
    ['RunId = "r1"', 0, 'RunId cannot be filtered on'],
    ['StartTime = "2024-01-01"', 0, 'StartTime cannot be filtered on'],
    ['Team = "kanto" ; drop', 15, "unexpected character ';'"],
    ['Team = "kanto" "johto"', 15, 'expected AND or the end of the query, found \'"johto"\''],
  ])('refuses %j at position %i', (text, position, message) => {
    const r = refusal(text);
    expect(r.position).toBe(position);
    expect(r.message).toContain(`--query at position ${position}: `);
    expect(r.message).toContain(message);
  });
});

describe('listFilter (--query with --status, --type, --limit)', () => {
  it('merges the shorthands with the query', () => {
    expect(listFilter({ query: 'Team = "kanto"', status: 'RUNNING', type: 'Capture', limit: 10 })).toEqual({
      limit: 10,
      status: 'RUNNING',
      workflowType: 'Capture',
      searchAttributes: { Team: 'kanto' },
    });
    expect(listFilter({ limit: 100 })).toEqual({ limit: 100 });
    expect(listFilter({ limit: 20, offset: 40, idContains: 'capture-' })).toEqual({
      limit: 20,
      offset: 40,
      workflowIdContains: 'capture-',
    });
  });

  it('refuses a shorthand that contradicts the query', () => {
    expect(() => listFilter({ query: 'ExecutionStatus = "Failed"', status: 'RUNNING', limit: 1 })).toThrow(
      '--status running contradicts ExecutionStatus in --query (FAILED)',
    );
    expect(() => listFilter({ query: 'WorkflowType = "A"', type: 'B', limit: 1 })).toThrow(
      '--type B contradicts WorkflowType in --query (A)',
    );
  });
});
