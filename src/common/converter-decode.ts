/**
 * The decoding half of the data converter: turns the tree that `JSON.parse` gives back into the
 * value, replacing tagged objects in place (the tree is fresh, so it is reused rather than copied).
 * Internal: use {@link DataConverter} from `converter.ts`.
 *
 * @internal
 * @module
 */

import { Buffer } from 'node:buffer';
import { ERROR_CLASSES, TAG } from './converter-encode.js';
import { DataConverterError } from './errors.js';

type Node = Record<string, unknown>;

/**
 * Decodes a tree from `JSON.parse` in place and returns the value.
 *
 * @throws {@link DataConverterError} when the tree holds a malformed or unknown tagged object.
 */
export function decodeTree(tree: unknown): unknown {
  return typeof tree === 'object' && tree !== null ? decodeNode(tree) : tree;
}

function malformed(what: string): DataConverterError {
  return new DataConverterError(`cannot decode payload: ${what}`, '');
}

/** Sets an own data property, even one named `__proto__` (an assignment would set the prototype). */
function defineOwn(target: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable, configurable: true });
}

function decodeNode(node: object): unknown {
  if (Array.isArray(node)) {
    decodeArray(node);
    return node;
  }
  const tag = (node as Node)[TAG];
  if (tag === undefined) {
    decodeObject(node as Node);
    return node;
  }
  return decodeTagged(node as Node, tag);
}

function decodeArray(a: unknown[]): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v === 'object' && v !== null) a[i] = decodeNode(v);
  }
}

function decodeObject(o: Node): void {
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (typeof v !== 'object' || v === null) continue;
    const decoded = decodeNode(v);
    // An own `__proto__` key (JSON.parse makes one) shadows the accessor: this assigns the data.
    if (decoded !== v) o[key] = decoded;
  }
}

function asString(v: unknown, tag: string): string {
  if (typeof v !== 'string') throw malformed(`tagged value '${tag}' has no string 'v'`);
  return v;
}

function asArray(v: unknown, tag: string): unknown[] {
  if (!Array.isArray(v)) throw malformed(`tagged value '${tag}' has no array 'v'`);
  return v;
}

function decodeTagged(node: Node, tag: unknown): unknown {
  const v = node.v;
  switch (tag) {
    case 'u':
      return undefined;
    case 'N':
      return decodeNumber(asString(v, tag));
    case 'n':
      return BigInt(asString(v, tag));
    case 'D':
      return new Date(v === null ? NaN : asString(v, tag));
    case 'B':
      return new Uint8Array(Buffer.from(asString(v, tag), 'base64'));
    case 'M':
      return decodeMap(asArray(v, tag));
    case 'S':
      return decodeSet(asArray(v, tag));
    case 'o':
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw malformed("escaped object 'o' has no object 'v'");
      decodeObject(v as Node);
      return v;
    case 'E':
      return decodeError(node);
    default:
      throw malformed(`unknown tag ${JSON.stringify(tag)}`);
  }
}

function decodeNumber(v: string): number {
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      throw malformed(`unknown special number ${JSON.stringify(v)}`);
  }
}

function decodeMap(flat: unknown[]): Map<unknown, unknown> {
  decodeArray(flat);
  const map = new Map<unknown, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
  return map;
}

function decodeSet(entries: unknown[]): Set<unknown> {
  decodeArray(entries);
  return new Set(entries);
}

/**
 * Rebuilds an error as an instance of its stored class without running that class's constructor:
 * `Reflect.construct(Error, …, Class)` gives a genuine error object (as `util.types.isNativeError`
 * and `util.inspect` see it) whose prototype is `Class.prototype`. Then the stored stack, the
 * `errors` of an AggregateError and the own enumerable properties are set as they were.
 */
function decodeError(node: Node): Error {
  const id = node.c;
  const Class = typeof id === 'string' && Object.hasOwn(ERROR_CLASSES, id) ? ERROR_CLASSES[id] : undefined;
  const args: unknown[] = [typeof node.m === 'string' ? node.m : ''];
  if (Object.hasOwn(node, 'x')) args.push({ cause: decodeTree(node.x) });
  const err = Reflect.construct(Error, args, Class ?? Error) as Error;
  if (typeof node.s === 'string') defineOwn(err, 'stack', node.s, false);
  else Reflect.deleteProperty(err, 'stack');
  if (Array.isArray(node.e)) {
    decodeArray(node.e);
    defineOwn(err, 'errors', node.e, false);
  }
  const props = decodeTree(node.p);
  if (typeof props === 'object' && props !== null) {
    for (const key of Object.keys(props)) defineOwn(err, key, (props as Node)[key], true);
  }
  if (typeof node.n === 'string' && err.name !== node.n) defineOwn(err, 'name', node.n, false);
  return err;
}
