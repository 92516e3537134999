import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DataConverter,
  DEFAULT_PAYLOAD_LIMIT_BYTES,
  defaultConverter,
  type Payload,
  type PayloadCodec,
} from '../../src/common/converter.js';
import { DataConverterError, PayloadTooLargeError, ValidationError } from '../../src/common/errors.js';
import {
  ActivityFailure,
  ApplicationFailure,
  BatonFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
} from '../../src/common/failures.js';

const WHAT = "input of workflow 'CapturePokemon'";

function rt<T>(value: T, converter: DataConverter = defaultConverter): T {
  return converter.roundTrip(value, WHAT).value;
}

function conversionError(value: unknown, what = WHAT): DataConverterError {
  try {
    defaultConverter.toPayload(value, what);
  } catch (err) {
    expect(err).toBeInstanceOf(DataConverterError);
    return err as DataConverterError;
  }
  throw new Error('expected toPayload to throw');
}

const KEY = Buffer.alloc(32, 7);
const aesGcm: PayloadCodec = {
  encode(data) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', KEY, iv);
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  },
  decode(data) {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const decipher = createDecipheriv('aes-256-gcm', KEY, buf.subarray(0, 12));
    decipher.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]);
  },
};

/** XOR with a 4-byte header, so the stored size differs from the JSON size. */
const xorWithHeader: PayloadCodec = {
  encode: (data) => Uint8Array.of(0xba, 0x70, 0x4e, 0x01, ...data.map((b) => b ^ 0x5a)),
  decode: (data) => data.subarray(4).map((b) => b ^ 0x5a),
};

describe('DataConverter: options', () => {
  it('defaults to a 2 MiB limit', () => {
    expect(DEFAULT_PAYLOAD_LIMIT_BYTES).toBe(2 * 1024 * 1024);
    expect(defaultConverter.payloadLimitBytes).toBe(2 * 1024 * 1024);
    expect(new DataConverter().payloadLimitBytes).toBe(2 * 1024 * 1024);
    expect(new DataConverter({ payloadLimitBytes: 10 }).payloadLimitBytes).toBe(10);
  });

  it.each([0, -1, 1.5, NaN, Infinity, '10'])('refuses payloadLimitBytes %s', (limit) => {
    expect(() => new DataConverter({ payloadLimitBytes: limit as number })).toThrow(ValidationError);
    expect(() => new DataConverter({ payloadLimitBytes: limit as number })).toThrow(/payloadLimitBytes/);
  });

  it('refuses a codec without encode/decode', () => {
    expect(() => new DataConverter({ codec: { encode: (d: Uint8Array) => d } as PayloadCodec })).toThrow(
      /codec/,
    );
  });
});

describe('DataConverter: values', () => {
  it('round-trips the reference value exactly in value and type', () => {
    const value = {
      when: new Date('2024-02-29T12:34:56.789Z'),
      big: 12345678901234567890n,
      text: '𝄞 naïve 🙂',
      list: [1, undefined, 3],
    };
    const { payload, value: back } = defaultConverter.roundTrip(value, WHAT);
    expect(typeof payload).toBe('string');
    expect(back).toStrictEqual(value);
    expect(back).not.toBe(value);
    expect(back.when).toBeInstanceOf(Date);
    expect(back.when.toISOString()).toBe('2024-02-29T12:34:56.789Z');
    expect(typeof back.big).toBe('bigint');
    expect(back.big).toBe(12345678901234567890n);
    expect(back.text).toBe('𝄞 naïve 🙂');
    expect(back.list).toHaveLength(3);
    expect(back.list[1]).toBeUndefined();
    expect(1 in back.list).toBe(true);
  });

  it('stores JSON text with tagged special values', () => {
    expect(defaultConverter.toPayload(new Date('2024-02-29T12:34:56.789Z'), WHAT)).toBe(
      '{"@t":"D","v":"2024-02-29T12:34:56.789Z"}',
    );
    expect(defaultConverter.toPayload({ a: 1, b: 'x', c: [true, null] }, WHAT)).toBe(
      '{"a":1,"b":"x","c":[true,null]}',
    );
    expect(defaultConverter.fromPayload('{"@t":"n","v":"42"}')).toBe(42n);
  });

  it('keeps undefined at the top level, in arrays and as a property value', () => {
    expect(rt(undefined)).toBeUndefined();
    expect(defaultConverter.toPayload(undefined, WHAT)).toBe('{"@t":"u"}');
    expect(rt([undefined, 1])).toStrictEqual([undefined, 1]);
    const back = rt({ a: undefined, b: 2 });
    expect(Object.keys(back)).toEqual(['a', 'b']);
    expect(Object.hasOwn(back, 'a')).toBe(true);
    expect(back.a).toBeUndefined();
  });

  it('keeps NaN, Infinity, -Infinity and -0 exactly', () => {
    expect(rt(NaN)).toBeNaN();
    expect(rt(Infinity)).toBe(Infinity);
    expect(rt(-Infinity)).toBe(-Infinity);
    expect(Object.is(rt(-0), -0)).toBe(true);
    expect(Object.is(rt(0), 0)).toBe(true);
    const back = rt([NaN, -0, 1.5, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE]);
    expect(back).toStrictEqual([NaN, -0, 1.5, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE]);
    expect(Object.is(back[1], -0)).toBe(true);
  });

  it('keeps bigints, negative and huge', () => {
    for (const b of [0n, -1n, 2n ** 200n, -(2n ** 64n)]) {
      expect(rt(b)).toBe(b);
      expect(typeof rt(b)).toBe('bigint');
    }
  });

  it('keeps Dates, an invalid Date included', () => {
    const d = new Date('2024-02-29T12:34:56.789Z');
    expect(rt(d)).toBeInstanceOf(Date);
    expect(rt(d).getTime()).toBe(d.getTime());
    const invalid = rt(new Date(NaN));
    expect(invalid).toBeInstanceOf(Date);
    expect(Number.isNaN(invalid.getTime())).toBe(true);
    const far = new Date(8.64e15);
    expect(rt(far).getTime()).toBe(8.64e15);
  });

  it('keeps Maps with any key types, in order', () => {
    const objKey = { id: 1 };
    const map = new Map<unknown, unknown>([
      ['pikachu', 25],
      [7, 'seven'],
      [objKey, new Date(0)],
      [NaN, undefined],
      [[1, 2], new Map([[1n, new Set(['a'])]])],
    ]);
    const back = rt(map);
    expect(back).toBeInstanceOf(Map);
    expect(back).toStrictEqual(map);
    expect([...back.keys()]).toStrictEqual([...map.keys()]);
    expect(back.get('pikachu')).toBe(25);
    expect(back.has(NaN)).toBe(true);
    const [, , [k3, v3]] = [...back.entries()] as [unknown, unknown, [unknown, unknown]];
    expect(k3).toStrictEqual(objKey);
    expect(v3).toBeInstanceOf(Date);
  });

  it('keeps Sets', () => {
    const set = new Set<unknown>([1, 'a', undefined, 3n, new Date(5), { x: 1 }]);
    const back = rt(set);
    expect(back).toBeInstanceOf(Set);
    expect(back).toStrictEqual(set);
    expect([...back][3]).toBe(3n);
  });

  it('keeps Uint8Array; a Buffer comes back as a plain Uint8Array', () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    const back = rt(bytes);
    expect(back).toBeInstanceOf(Uint8Array);
    expect([...back]).toEqual([0, 1, 2, 254, 255]);
    const fromBuffer = rt(Buffer.from('hi there'));
    expect(fromBuffer).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(fromBuffer)).toBe(false);
    expect(Object.getPrototypeOf(fromBuffer)).toBe(Uint8Array.prototype);
    expect(Buffer.from(fromBuffer).toString()).toBe('hi there');
    const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    expect([...rt(view)]).toEqual([2, 3]);
    expect(rt(view).buffer.byteLength).toBe(2);
    expect(rt(new Uint8Array(0))).toStrictEqual(new Uint8Array(0));
  });

  it('keeps any Unicode text, lone surrogates included', () => {
    for (const s of ['𝄞 naïve 🙂', '', '\u0000\n"\\', '\uD800', 'a\uDC00b', '日本語']) expect(rt(s)).toBe(s);
  });

  it('turns sparse array holes into undefined', () => {
    // eslint-disable-next-line no-sparse-arrays
    const back = rt([1, , 3]);
    expect(back).toHaveLength(3);
    expect(1 in back).toBe(true);
    expect(back[1]).toBeUndefined();
  });

  it('round-trips nested combinations', () => {
    const value = {
      trainers: [
        {
          name: 'Ash',
          badges: new Set(['Boulder']),
          caught: new Map([['pikachu', { at: new Date(1), hp: -0 }]]),
        },
        { name: 'Misty', badges: new Set<string>(), caught: new Map(), extra: [undefined, [NaN, 10n]] },
      ],
      blob: new Uint8Array([9]),
    };
    expect(rt(value)).toStrictEqual(value);
  });

  it('duplicates shared references, ignores symbol keys, flattens class instances', () => {
    const shared = { a: 1 };
    const back = rt({ x: shared, y: shared, z: [shared, shared] });
    expect(back.x).toStrictEqual(shared);
    expect(back.x).not.toBe(back.y);
    expect(back.z).toStrictEqual([shared, shared]);

    expect(rt({ a: 1, [Symbol('hidden')]: 2 })).toStrictEqual({ a: 1 });

    class Trainer {
      readonly name = 'Ash';
      badges = 8;
      get upper(): string {
        return this.name.toUpperCase();
      }
    }
    const trainer = rt(new Trainer());
    expect(trainer).toStrictEqual({ name: 'Ash', badges: 8 });
    expect(Object.getPrototypeOf(trainer)).toBe(Object.prototype);

    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(rt(bare)).toStrictEqual({ a: 1 });
  });

  it('escapes user objects holding the reserved key', () => {
    const values: unknown[] = [
      { '@t': 'D', v: 'not a date' },
      { '@t': 'u' },
      { '@t': { '@t': 'E' }, v: [{ '@t': 'n', v: '1' }] },
      [{ '@t': 'o', v: { x: undefined } }],
      new Map([[{ '@t': 'M' }, { '@t': 'S', v: 3 }]]),
      { '@t': undefined },
    ];
    for (const value of values) expect(rt(value)).toStrictEqual(value);
    expect(defaultConverter.toPayload({ '@t': 'u' }, WHAT)).toBe('{"@t":"o","v":{"@t":"u"}}');
  });

  it('keeps an own __proto__ key as data without touching prototypes', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true, "d": 1}, "ok": 1}') as Record<string, unknown>;
    const withDate = { ...value };
    Object.defineProperty(withDate, '__proto__', {
      value: new Date(0),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    for (const v of [value, withDate]) {
      const back = rt(v);
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect(Object.hasOwn(back, '__proto__')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toStrictEqual(
        Object.getOwnPropertyDescriptor(v, '__proto__')?.value,
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('DataConverter: errors', () => {
  function expectSameError(back: unknown, original: Error, Class: new (...args: never[]) => Error): Error {
    expect(back).toBeInstanceOf(Class);
    expect(Object.getPrototypeOf(back)).toBe(Class.prototype);
    const err = back as Error;
    expect(err).not.toBe(original);
    expect(err.name).toBe(original.name);
    expect(err.message).toBe(original.message);
    expect(err.stack).toBe(original.stack);
    expect(types.isNativeError(err)).toBe(true);
    expect(Object.keys(err)).toEqual(Object.keys(original));
    return err;
  }

  it('restores each built-in Error class', () => {
    for (const Class of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
      const original = new Class(`bad ${Class.name}`);
      const back = expectSameError(rt(original), original, Class);
      expect(back).toStrictEqual(original);
      expect(Object.getOwnPropertyDescriptor(back, 'stack')?.enumerable).toBe(false);
      expect(Object.getOwnPropertyDescriptor(back, 'message')?.enumerable).toBe(false);
    }
  });

  it('restores ApplicationFailure with type, nonRetryable, details and a cause chain', () => {
    const root = new TypeError('pokeball is null');
    const original = new ApplicationFailure('capture failed', 'PokemonFled', true, [new Date(3), 7n], root);
    const back = expectSameError(rt(original), original, ApplicationFailure) as ApplicationFailure;
    expect(back).toBeInstanceOf(BatonFailure);
    expect(back.type).toBe('PokemonFled');
    expect(back.nonRetryable).toBe(true);
    expect(back.details).toStrictEqual([new Date(3), 7n]);
    expect(back.cause).toBeInstanceOf(TypeError);
    expect((back.cause as Error).message).toBe('pokeball is null');
    expect((back.cause as Error).stack).toBe(root.stack);
    expect(back).toStrictEqual(original);
  });

  it('restores ActivityFailure → ApplicationFailure → RangeError', () => {
    const inner = new RangeError('level out of range');
    const app = new ApplicationFailure('throw failed', 'RangeError', false, [], inner);
    const wrapped = ApplicationFailure.fromError(new SyntaxError('bad ball'));
    const original = new ActivityFailure(
      'activity failed',
      'throwBall',
      '3',
      5,
      'MAXIMUM_ATTEMPTS_REACHED',
      app,
    );
    const back = expectSameError(rt(original), original, ActivityFailure) as ActivityFailure;
    expect(back.activityType).toBe('throwBall');
    expect(back.activityId).toBe('3');
    expect(back.attempt).toBe(5);
    expect(back.retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    const cause = expectSameError(back.cause, app, ApplicationFailure) as ApplicationFailure;
    expect(cause.type).toBe('RangeError');
    expect(cause.nonRetryable).toBe(false);
    expectSameError(cause.cause, inner, RangeError);
    expect(back).toStrictEqual(original);

    const fromError = expectSameError(rt(wrapped), wrapped, ApplicationFailure) as ApplicationFailure;
    expect(fromError.type).toBe('SyntaxError');
    expect(Object.hasOwn(fromError, 'cause')).toBe(false);
  });

  it('restores TimeoutFailure, CancelledFailure, TerminatedFailure and BatonFailure', () => {
    const timeout = new TimeoutFailure('heartbeat timeout', 'HEARTBEAT', { progress: 3n, at: new Date(9) });
    const t = expectSameError(rt(timeout), timeout, TimeoutFailure) as TimeoutFailure;
    expect(t.timeoutType).toBe('HEARTBEAT');
    expect(t.lastHeartbeatDetails).toStrictEqual({ progress: 3n, at: new Date(9) });

    const noHeartbeat = rt(new TimeoutFailure('late', 'START_TO_CLOSE'));
    expect(noHeartbeat.lastHeartbeatDetails).toBeUndefined();
    expect(Object.hasOwn(noHeartbeat, 'lastHeartbeatDetails')).toBe(true);

    const cancelled = new CancelledFailure('stop', [new Map([[1, 2]])]);
    const c = expectSameError(rt(cancelled), cancelled, CancelledFailure) as CancelledFailure;
    expect(c.details).toStrictEqual([new Map([[1, 2]])]);

    const terminated = new TerminatedFailure();
    expect(expectSameError(rt(terminated), terminated, TerminatedFailure).message).toBe('terminated');

    const base = new BatonFailure('base', new Error('why'));
    const b = expectSameError(rt(base), base, BatonFailure);
    expect(b.cause).toBeInstanceOf(Error);
    expect((b.cause as Error).message).toBe('why');
  });

  it('turns an unknown class into an Error keeping its name and own props', () => {
    class PokeError extends Error {
      readonly code = 42;
      constructor(message: string) {
        super(message);
        this.name = 'PokeError';
      }
    }
    const original = new PokeError('wild MissingNo appeared');
    const back = rt(original) as Error & { code?: number };
    expect(Object.getPrototypeOf(back)).toBe(Error.prototype);
    expect(back.name).toBe('PokeError');
    expect(back.message).toBe('wild MissingNo appeared');
    expect(back.stack).toBe(original.stack);
    expect(back.code).toBe(42);

    class Quiet extends Error {}
    Object.defineProperty(Quiet.prototype, 'name', { value: 'Quiet' });
    const quiet = rt(new Quiet('shh'));
    expect(Object.getPrototypeOf(quiet)).toBe(Error.prototype);
    expect(quiet.name).toBe('Quiet');
  });

  it('keeps a subclass of a failure as that failure, with its name', () => {
    class PokemonFled extends ApplicationFailure {}
    const original = new PokemonFled('fled', 'Fled', true);
    const back = rt(original);
    expect(back).toBeInstanceOf(ApplicationFailure);
    expect(back.name).toBe('PokemonFled');
    expect(back.nonRetryable).toBe(true);
  });

  it('keeps errors anywhere in a value, non-error causes, undefined causes and AggregateError', () => {
    const value = { list: [new Error('a')], map: new Map([['e', new URIError('u')]]) };
    const back = rt(value);
    expect(back.list[0]).toBeInstanceOf(Error);
    expect(back.map.get('e')).toBeInstanceOf(URIError);
    expect(back).toStrictEqual(value);

    expect(rt(new Error('x', { cause: { code: 'E42', n: 1n } })).cause).toStrictEqual({ code: 'E42', n: 1n });
    const undefinedCause = rt(new Error('x', { cause: undefined }));
    expect(Object.hasOwn(undefinedCause, 'cause')).toBe(true);
    expect(Object.hasOwn(rt(new Error('x')), 'cause')).toBe(false);

    const agg = new AggregateError([new TypeError('t'), 'plain'], 'many', { cause: new Error('c') });
    const a = rt(agg);
    expect(a).toBeInstanceOf(AggregateError);
    expect(a.errors[0]).toBeInstanceOf(TypeError);
    expect(a.errors[1]).toBe('plain');
    expect(a.stack).toBe(agg.stack);
    expect(a.cause).toBeInstanceOf(Error);
    expect(a).toStrictEqual(agg);
  });

  it('keeps own enumerable extra props of errors', () => {
    const original = Object.assign(new Error('extra'), { code: 'ENOENT', when: new Date(1), '@t': 'x' });
    const back = rt(original);
    expect(back.code).toBe('ENOENT');
    expect(back.when).toStrictEqual(new Date(1));
    expect(back['@t']).toBe('x');
    expect(Object.getOwnPropertyDescriptor(back, 'code')?.enumerable).toBe(true);
  });
});

describe('DataConverter: refused values', () => {
  it('names a function and its path', () => {
    const err = conversionError([{ callback: () => 1 }], "input of workflow 'X'");
    expect(err.message).toBe("cannot convert input of workflow 'X': a function at [0].callback");
    expect(err.path).toBe('[0].callback');
  });

  it('names a symbol and its path', () => {
    const err = conversionError({ a: { b: [1, Symbol('s')] } });
    expect(err.message).toBe(`cannot convert ${WHAT}: a symbol at .a.b[1]`);
    expect(err.path).toBe('.a.b[1]');
  });

  it('names a cyclic reference and its path', () => {
    const trainer: { name: string; team: unknown[] } = { name: 'Ash', team: [] };
    trainer.team.push({ owner: trainer });
    const err = conversionError({ trainer });
    expect(err.message).toBe(`cannot convert ${WHAT}: a cyclic reference at .trainer.team[0].owner`);
    expect(err.path).toBe('.trainer.team[0].owner');

    const selfCause = new Error('loop');
    selfCause.cause = selfCause;
    expect(conversionError(selfCause).path).toBe('.cause');
  });

  it('formats paths through maps, sets, errors and odd keys', () => {
    expect(conversionError(() => 1).message).toBe(`cannot convert ${WHAT}: a function`);
    expect(conversionError(() => 1).path).toBe('');
    expect(conversionError(new Map([['k', () => 1]])).path).toBe('<map value #0>');
    expect(
      conversionError(
        new Map<unknown, unknown>([
          [1, 1],
          [Symbol('k'), 1],
        ]),
      ).path,
    ).toBe('<map key #1>');
    expect(conversionError({ s: new Set([1, () => 1]) }).path).toBe('.s<set entry #1>');
    expect(conversionError({ 'my key': [() => 1] }).path).toBe('["my key"][0]');
    expect(conversionError(new Error('e', { cause: { f: () => 1 } })).path).toBe('.cause.f');
    expect(conversionError(Object.assign(new Error('e'), { fn: () => 1 })).path).toBe('.fn');
    expect(conversionError(new AggregateError([1, Symbol('x')])).path).toBe('.errors[1]');
    expect(conversionError({ '@t': 'x', f: () => 1 }).path).toBe('.f');
  });

  it('refuses objects that would come back empty', () => {
    expect(conversionError({ p: Promise.resolve(1) }).message).toMatch(/a Promise .* at \.p$/);
    expect(conversionError([new Float64Array(2)]).message).toMatch(/a Float64Array .* at \[0\]$/);
    expect(conversionError(new ArrayBuffer(2)).message).toMatch(/an ArrayBuffer/);
    expect(conversionError(new WeakMap()).message).toMatch(/a WeakMap/);
  });

  it('lets an error thrown by a getter pass through', () => {
    const boom = new Error('getter failed');
    const value = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw boom;
      },
    });
    expect(() => defaultConverter.toPayload(value, WHAT)).toThrow(boom);
  });
});

describe('DataConverter: payload limit', () => {
  const limited = new DataConverter({ payloadLimitBytes: 100 });

  it('accepts a payload at the limit and refuses one over it', () => {
    expect(limited.toPayload('x'.repeat(98), WHAT)).toHaveLength(100);
    expect(limited.toPayload('x'.repeat(97), WHAT)).toHaveLength(99);
    let caught: unknown;
    try {
      limited.toPayload('x'.repeat(99), WHAT);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PayloadTooLargeError);
    expect(caught).toBeInstanceOf(DataConverterError);
    const err = caught as PayloadTooLargeError;
    expect(err.sizeBytes).toBe(101);
    expect(err.limitBytes).toBe(100);
    expect(err.message).toBe(`${WHAT} is 101 bytes, over the payload limit of 100 bytes`);
  });

  it('counts UTF-8 bytes, not characters', () => {
    // '🙂' is 2 UTF-16 code units and 4 UTF-8 bytes: 30 of them are 122 bytes of JSON.
    const value = '🙂'.repeat(30);
    expect(() => new DataConverter({ payloadLimitBytes: 121 }).toPayload(value, WHAT)).toThrow(
      `${WHAT} is 122 bytes, over the payload limit of 121 bytes`,
    );
    expect(new DataConverter({ payloadLimitBytes: 122 }).toPayload(value, WHAT)).toBe(JSON.stringify(value));
  });

  it('applies the limit to roundTrip and to the default 2 MiB', () => {
    expect(() => limited.roundTrip({ s: 'y'.repeat(200) }, WHAT)).toThrow(PayloadTooLargeError);
    expect(defaultConverter.toPayload('z'.repeat(2 * 1024 * 1024 - 2), WHAT)).toHaveLength(2 * 1024 * 1024);
    expect(() => defaultConverter.toPayload('z'.repeat(2 * 1024 * 1024 - 1), WHAT)).toThrow(
      `${WHAT} is 2097153 bytes, over the payload limit of 2097152 bytes`,
    );
  });
});

describe('DataConverter: codec', () => {
  const secret = { trainer: 'Pikachu-owner', caught: new Date('2024-02-29T12:34:56.789Z'), level: 99n };

  it('stores the codec bytes, without the plaintext, and round-trips', () => {
    const converter = new DataConverter({ codec: aesGcm });
    const { payload, value } = converter.roundTrip(secret, WHAT);
    expect(payload).toBeInstanceOf(Uint8Array);
    const stored = Buffer.from(payload as Uint8Array).toString('latin1');
    expect(stored).not.toContain('Pikachu');
    expect(stored).not.toContain('@t');
    expect(value).toStrictEqual(secret);
    expect(converter.fromPayload(converter.toPayload(secret, WHAT))).toStrictEqual(secret);
  });

  it('reads JSON text stored before the codec was set; bytes need a codec', () => {
    const text: Payload = defaultConverter.toPayload(secret, WHAT);
    expect(new DataConverter({ codec: aesGcm }).fromPayload(text)).toStrictEqual(secret);
    const bytes = new DataConverter({ codec: xorWithHeader }).toPayload(secret, WHAT);
    expect(() => defaultConverter.fromPayload(bytes)).toThrow(DataConverterError);
    expect(() => defaultConverter.fromPayload(bytes)).toThrow(/no codec/);
  });

  it('measures the limit after the codec', () => {
    // JSON of 'x'.repeat(98) is 100 bytes; the codec adds a 4-byte header.
    const converter = new DataConverter({ payloadLimitBytes: 102, codec: xorWithHeader });
    expect(() => converter.toPayload('x'.repeat(98), WHAT)).toThrow(
      `${WHAT} is 104 bytes, over the payload limit of 102 bytes`,
    );
    const ok = converter.toPayload('x'.repeat(96), WHAT);
    expect(ok).toBeInstanceOf(Uint8Array);
    expect((ok as Uint8Array).byteLength).toBe(102);
    expect(converter.fromPayload(ok)).toBe('x'.repeat(96));
  });
});

describe('DataConverter: malformed payloads', () => {
  it('refuses invalid JSON and unknown tags with a DataConverterError', () => {
    expect(() => defaultConverter.fromPayload('{oops')).toThrow(/not valid JSON/);
    expect(() => defaultConverter.fromPayload('{"@t":"?"}')).toThrow(/unknown tag "\?"/);
    expect(() => defaultConverter.fromPayload('{"@t":"N","v":"1"}')).toThrow(DataConverterError);
    expect(() => defaultConverter.fromPayload('{"@t":"M","v":3}')).toThrow(DataConverterError);
  });
});

describe('DataConverter: volume', () => {
  it('encodes and decodes 10k small objects', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      id: i,
      name: `pokemon-${i}`,
      shiny: i % 7 === 0,
    }));
    const { value } = defaultConverter.roundTrip(items, WHAT);
    expect(value).toHaveLength(10_000);
    expect(value[9_999]).toStrictEqual({ id: 9_999, name: 'pokemon-9999', shiny: false });
  });
});
