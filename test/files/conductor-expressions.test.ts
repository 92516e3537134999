import { describe, expect, it } from 'vitest';
import {
  ExpressionSyntaxError,
  parsePath,
  resolveString,
  resolveValue,
} from '../../src/dsl/conductor/expressions.js';
import { retryPolicyOf } from '../../src/dsl/conductor/retry.js';
import { parseWaitDuration, parseWaitUntil } from '../../src/dsl/conductor/wait.js';

const docs: Record<string, unknown> = {
  workflow: { input: { orderId: 'ORD-1', amount: 49, zero: 0, flag: false, nothing: null, list: [10, 20] } },
  fetch: { output: { response: { statusCode: 200, body: { dateTime: 'T1' } } } },
  loop: { output: { iteration: 3, '3': { fetch: { response: { body: { dateTime: 'T3' } } } } } },
};
const lookup = (root: string): unknown => docs[root];

describe('Conductor ${...} expressions', () => {
  it('a whole-string reference keeps its JSON type, 0 and false included', () => {
    expect(resolveString('${workflow.input.amount}', lookup)).toBe(49);
    expect(resolveString('${workflow.input.zero}', lookup)).toBe(0);
    expect(resolveString('${workflow.input.flag}', lookup)).toBe(false);
    expect(resolveString('${workflow.input.list}', lookup)).toEqual([10, 20]);
    expect(resolveString('${fetch.output.response.body}', lookup)).toEqual({ dateTime: 'T1' });
  });

  it('a path that does not resolve gives null, however deep', () => {
    expect(resolveString('${fetch.output.missing.deep}', lookup)).toBeNull();
    expect(resolveString('${unknown_ref.output.x}', lookup)).toBeNull();
    expect(resolveString('${workflow.input.orderId.length}', lookup)).toBeNull();
    expect(resolveString('${workflow.input.nothing}', lookup)).toBeNull();
  });

  it('inside a longer string, values become text and null becomes "null"', () => {
    expect(resolveString('${workflow.input.orderId}-reserve', lookup)).toBe('ORD-1-reserve');
    expect(resolveString('book?status=${workflow.input.shipmentStatus}', lookup)).toBe('book?status=null');
    expect(resolveString('n=${workflow.input.zero}, ok=${workflow.input.flag}', lookup)).toBe(
      'n=0, ok=false',
    );
    expect(resolveString('list=${workflow.input.list}', lookup)).toBe('list=[10,20]');
  });

  it('a numeric segment after a dot is a map key; [n] indexes a list', () => {
    expect(resolveString('${loop.output.3.fetch.response.body.dateTime}', lookup)).toBe('T3');
    expect(resolveString('${workflow.input.list[1]}', lookup)).toBe(20);
    expect(resolveString('${workflow.input.list.1}', lookup)).toBeNull();
    expect(resolveString("${fetch.output['response'].statusCode}", lookup)).toBe(200);
    expect(resolveString('${$.workflow.input.orderId}', lookup)).toBe('ORD-1');
  });

  it('$${ is a literal ${, and an unclosed ${ stays as it is', () => {
    expect(resolveString('$${workflow.input.orderId}', lookup)).toBe('${workflow.input.orderId}');
    expect(resolveString('price ${workflow.input.amount', lookup)).toBe('price ${workflow.input.amount');
  });

  it('walks objects and lists, keeping non-string leaves', () => {
    const value = {
      body: { orderId: '${workflow.input.orderId}', amount: '${workflow.input.amount}' },
      n: 5,
      l: ['${workflow.input.zero}'],
    };
    expect(resolveValue(value, lookup)).toEqual({ body: { orderId: 'ORD-1', amount: 49 }, n: 5, l: [0] });
  });

  it('does not read inherited properties', () => {
    expect(resolveString('${workflow.input.constructor}', lookup)).toBeNull();
    expect(resolveString('${workflow.__proto__}', lookup)).toBeNull();
  });

  it('refuses JSONPath it does not evaluate, naming the reference', () => {
    expect(() => parsePath('workflow.input[*]')).toThrow(ExpressionSyntaxError);
    expect(() => parsePath('workflow..x')).toThrow(/deep scan/);
    expect(() => parsePath('a.b[?(@.x)]')).toThrow(/\$\{a\.b\[\?\(@\.x\)\]\}/);
    expect(() => parsePath('  ')).toThrow(/empty reference/);
  });
});

describe('Conductor retry settings → Baton retry policy', () => {
  it('no taskDefinition: no retries (the ad-hoc definition)', () => {
    expect(retryPolicyOf({})).toMatchObject({ maximumAttempts: 1 });
  });
  it('the workflow task retryCount overrides the definition', () => {
    expect(retryPolicyOf({ taskRetryCount: 0, definition: { retryCount: 5 } })).toMatchObject({
      maximumAttempts: 1,
    });
    expect(retryPolicyOf({ taskRetryCount: 2 })).toMatchObject({
      maximumAttempts: 3,
      initialInterval: 60_000,
      backoffCoefficient: 1,
    });
  });
  it('an inline taskDefinition without retryCount has TaskDef defaults (3, FIXED, 60 s)', () => {
    expect(retryPolicyOf({ definition: {} })).toEqual({
      maximumAttempts: 4,
      initialInterval: 60_000,
      backoffCoefficient: 1,
      maximumInterval: 60_000,
    });
  });
  it('EXPONENTIAL_BACKOFF: retryDelaySeconds × 2^(n−1)', () => {
    expect(
      retryPolicyOf({
        definition: { retryCount: 1, retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 2 },
      }),
    ).toEqual({
      maximumAttempts: 2,
      initialInterval: 2000,
      backoffCoefficient: 2,
      maximumInterval: 2000,
    });
    expect(
      retryPolicyOf({
        definition: { retryCount: 5, retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 5 },
      }),
    ).toMatchObject({
      maximumAttempts: 6,
      initialInterval: 5000,
      maximumInterval: 80_000,
    });
  });
  it('LINEAR_BACKOFF: first delay d × scale, capped at the last linear delay', () => {
    expect(
      retryPolicyOf({
        definition: {
          retryCount: 3,
          retryLogic: 'LINEAR_BACKOFF',
          retryDelaySeconds: 2,
          backoffScaleFactor: 2,
        },
      }),
    ).toEqual({ maximumAttempts: 4, initialInterval: 4000, backoffCoefficient: 2, maximumInterval: 12_000 });
  });
});

describe('WAIT durations', () => {
  it('reads Conductor durations', () => {
    expect(parseWaitDuration('10s')).toBe(10_000);
    expect(parseWaitDuration('1m')).toBe(60_000);
    expect(parseWaitDuration('1d 2h 3mins 4 seconds')).toBe(86_400_000 + 7_200_000 + 180_000 + 4000);
    expect(() => parseWaitDuration('soon')).toThrow(/expected numbers with units/);
  });
  it('reads until times (UTC without a zone)', () => {
    expect(parseWaitUntil('2030-01-02 03:04')).toBe(Date.UTC(2030, 0, 2, 3, 4));
    expect(parseWaitUntil('2030-01-02 03:04 +01:00')).toBe(Date.UTC(2030, 0, 2, 2, 4));
    expect(() => parseWaitUntil('tomorrow')).toThrow(/WAIT until/);
  });
});
