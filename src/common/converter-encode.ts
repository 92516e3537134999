/**
 * The encoding half of the data converter: a walk that turns a value into a JSON-able tree, with
 * the special values as tagged objects (see `converter.ts` for the format and the choices).
 * Internal: use {@link DataConverter} from `converter.ts`.
 *
 * @internal
 * @module
 */

import { Buffer } from 'node:buffer';
import { types } from 'node:util';
import {
  ActivityFailure,
  ApplicationFailure,
  BatonFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  TerminatedFailure,
  TimeoutFailure,
} from './failures.js';

/** The reserved key that marks a tagged object in the JSON tree. */
export const TAG = '@t';

/** A JSON-able tree, as `JSON.stringify` takes it and `JSON.parse` gives it. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A JSON object of the tree. */
export interface JsonObject {
  [key: string]: Json;
}

/**
 * The error classes restored with their class, by stable id (the id is stored, so never rename
 * one). Any other error class is stored as its nearest listed ancestor (`Error` at worst).
 */
export const ERROR_CLASSES: Readonly<Record<string, new (...args: never[]) => Error>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
  BatonFailure,
  ApplicationFailure,
  ActivityFailure,
  TimeoutFailure,
  CancelledFailure,
  TerminatedFailure,
  ChildWorkflowFailure,
};

const PROTOTYPE_IDS = new Map<unknown, string>(
  Object.entries(ERROR_CLASSES).map(([id, Class]) => [Class.prototype, id]),
);

const UNDEFINED_NODE: JsonObject = Object.freeze({ '@t': 'u' });
const NEGATIVE_ZERO_NODE: JsonObject = Object.freeze({ '@t': 'N', v: '-0' });
const NAN_NODE: JsonObject = Object.freeze({ '@t': 'N', v: 'NaN' });
const INFINITY_NODE: JsonObject = Object.freeze({ '@t': 'N', v: 'Infinity' });
const NEGATIVE_INFINITY_NODE: JsonObject = Object.freeze({ '@t': 'N', v: '-Infinity' });

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A value that cannot be converted, thrown inside the walk. Each enclosing container appends its
 * path segment on the way out (innermost first); {@link WalkProblem.path} reads them in order.
 */
export class WalkProblem extends Error {
  /** Path segments, innermost first. */
  readonly segments: string[] = [];

  constructor(readonly problem: string) {
    super(problem);
  }

  /**
   * The path from the root of the value, e.g. `[0].callback` (empty for the value itself); past
   * 16 segments, the first 8 and the last 8 around `…(N more)…`.
   */
  get path(): string {
    const all = this.segments.slice().reverse();
    if (all.length <= 16) return all.join('');
    return `${all.slice(0, 8).join('')}…(${all.length - 16} more)…${all.slice(-8).join('')}`;
  }
}

/**
 * Encodes `value` into a JSON-able tree.
 *
 * @throws {@link WalkProblem} for a function, a symbol, a cyclic reference or a refused object.
 */
export function encodeTree(value: unknown): Json {
  return new Encoder().value(value);
}

/** Adds `segment` to a {@link WalkProblem} passing through; anything else passes unchanged. */
function within(err: unknown, segment: string): unknown {
  if (err instanceof WalkProblem) err.segments.push(segment);
  return err;
}

/** The path segment of an object property: `.name`, or `["a key"]` when not an identifier. */
function propertySegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Sets an own property, even one named `__proto__` (an assignment would set the prototype). */
function setOwn(target: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function encodeNumber(n: number): Json {
  if (n - n === 0) return n !== 0 || 1 / n > 0 ? n : NEGATIVE_ZERO_NODE;
  if (n !== n) return NAN_NODE;
  return n > 0 ? INFINITY_NODE : NEGATIVE_INFINITY_NODE;
}

function encodeDate(date: Date): Json {
  const time = date.getTime();
  return { '@t': 'D', v: time === time ? date.toISOString() : null };
}

function encodeBytes(bytes: Uint8Array): Json {
  return { '@t': 'B', v: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

/** The id of the nearest class of `err` in {@link ERROR_CLASSES}. */
function errorClassId(err: Error): string {
  for (let proto: unknown = Object.getPrototypeOf(err); proto !== null;) {
    const id = PROTOTYPE_IDS.get(proto);
    if (id !== undefined) return id;
    proto = Object.getPrototypeOf(proto);
  }
  return 'Error';
}

/** Why an object that would lose its contents as a plain object is refused, if it is. */
function refusal(o: object): string | undefined {
  if (types.isPromise(o)) return 'a Promise (is an await missing?)';
  if (ArrayBuffer.isView(o)) {
    return `a ${Object.prototype.toString.call(o).slice(8, -1)} (only Uint8Array is supported for binary data)`;
  }
  if (types.isAnyArrayBuffer(o)) return 'an ArrayBuffer (wrap it in a Uint8Array)';
  if (types.isWeakMap(o) || types.isWeakSet(o) || o instanceof WeakRef)
    return 'a WeakMap, WeakSet or WeakRef';
  return undefined;
}

/** One walk. Holds the objects being encoded (the ancestors of the current value) to find cycles. */
/** How deep containers may nest in a payload (JSON itself has no limit; the walk recurses). */
export const MAX_PAYLOAD_DEPTH = 256;

class Encoder {
  private readonly ancestors = new Set<object>();

  value(v: unknown): Json {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return encodeNumber(v);
      case 'object':
        return v === null ? null : this.object(v);
      case 'undefined':
        return UNDEFINED_NODE;
      case 'bigint':
        return { '@t': 'n', v: v.toString() };
      case 'function':
        throw new WalkProblem('a function');
      default:
        throw new WalkProblem('a symbol');
    }
  }

  private object(o: object): Json {
    if (this.ancestors.has(o)) throw new WalkProblem('a cyclic reference');
    if (this.ancestors.size >= MAX_PAYLOAD_DEPTH)
      throw new WalkProblem(`containers nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    this.ancestors.add(o);
    let out: Json;
    if (Array.isArray(o)) {
      out = this.array(o);
    } else {
      const proto: unknown = Object.getPrototypeOf(o);
      out = proto === Object.prototype || proto === null ? this.plain(o) : this.special(o);
    }
    this.ancestors.delete(o);
    return out;
  }

  /** Holes and `undefined` elements both become `undefined`. */
  private array(a: readonly unknown[]): Json[] {
    const n = a.length;
    const out: Json[] = [];
    let i = 0;
    try {
      for (; i < n; i++) out.push(this.value(a[i]));
    } catch (err) {
      throw within(err, `[${i}]`);
    }
    return out;
  }

  /** Own enumerable string-keyed properties; an object holding the reserved key is escaped. */
  private plain(o: object): Json {
    const source = o as Record<string, unknown>;
    const out: JsonObject = {};
    let escape = false;
    let key = '';
    try {
      for (key of Object.keys(o)) {
        setOwn(out, key, this.value(source[key]));
        if (key === TAG) escape = true;
      }
    } catch (err) {
      throw within(err, propertySegment(key));
    }
    return escape ? { '@t': 'o', v: out } : out;
  }

  private special(o: object): Json {
    if (types.isDate(o)) return encodeDate(o);
    if (types.isUint8Array(o)) return encodeBytes(o);
    if (types.isMap(o)) return this.map(o);
    if (types.isSet(o)) return this.set(o);
    if (o instanceof Error || types.isNativeError(o)) return this.error(o);
    const refused = refusal(o);
    if (refused !== undefined) throw new WalkProblem(refused);
    return this.plain(o);
  }

  /** Stored flat: key, value, key, value… */
  private map(m: ReadonlyMap<unknown, unknown>): Json {
    const out: Json[] = [];
    let i = 0;
    let part = 'key';
    try {
      for (const [k, v] of m) {
        part = 'key';
        out.push(this.value(k));
        part = 'value';
        out.push(this.value(v));
        i++;
      }
    } catch (err) {
      throw within(err, `<map ${part} #${i}>`);
    }
    return { '@t': 'M', v: out };
  }

  private set(s: ReadonlySet<unknown>): Json {
    const out: Json[] = [];
    let i = 0;
    try {
      for (const v of s) {
        out.push(this.value(v));
        i++;
      }
    } catch (err) {
      throw within(err, `<set entry #${i}>`);
    }
    return { '@t': 'S', v: out };
  }

  /** Class id, name, message, stack, cause, `errors` of an AggregateError, own enumerable props. */
  private error(err: Error): Json {
    const out: JsonObject = { '@t': 'E', c: errorClassId(err), n: String(err.name), m: String(err.message) };
    if (typeof err.stack === 'string') out.s = err.stack;
    let segment = '.cause';
    try {
      if (Object.hasOwn(err, 'cause')) out.x = this.value(err.cause);
      if (err instanceof AggregateError) {
        segment = '.errors';
        out.e = this.array(err.errors);
      }
    } catch (e) {
      throw within(e, segment);
    }
    out.p = this.plain(err);
    return out;
  }
}
