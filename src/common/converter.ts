/**
 * The data converter: turns every value that crosses a durability boundary (workflow inputs and
 * results, activity inputs and results, signals, queries, updates, failures, heartbeat details)
 * into a stored {@link Payload} and back.
 *
 * A value is walked into a JSON-able tree and stringified; special values become tagged objects
 * under the reserved key `"@t"` (e.g. `{"@t":"D","v":"2024-02-29T12:34:56.789Z"}`). With a
 * {@link PayloadCodec}, the UTF-8 bytes of that JSON go through `codec.encode` (e.g. encryption).
 *
 * What comes back, exactly in value and type unless the table says otherwise:
 *
 * | Value                                            | Comes back as                                                        |
 * | ------------------------------------------------ | -------------------------------------------------------------------- |
 * | string, boolean, null, finite number             | itself (any Unicode, lone surrogates included)                       |
 * | `NaN`, `Infinity`, `-Infinity`, `-0`             | itself, exactly (`Object.is` holds)                                  |
 * | `undefined` (top level, array element, property) | `undefined`; an object property keeps its key                        |
 * | `bigint`                                         | the same `bigint`                                                    |
 * | `Date` (an invalid one too)                      | a `Date` with the same time                                          |
 * | `Map` (any key types), `Set`                     | a `Map`/`Set` with the same entries in the same order                |
 * | `Uint8Array`, `Buffer`                           | a `Uint8Array` (a `Buffer` comes back as a plain `Uint8Array`)       |
 * | array                                            | an array; holes of a sparse array come back as `undefined`           |
 * | plain object (null prototype too)                | a plain object with its own enumerable string-keyed properties       |
 * | an object holding the key `"@t"`                 | the same plain object (it is escaped when stored)                    |
 * | other class instance                             | a plain object with its own enumerable properties (class is lost)   |
 * | failure of `failures.ts`, built-in `Error` class | the same class: name, message, stack, cause chain, own props kept    |
 * | `AggregateError`                                 | an `AggregateError` with its `errors`                                |
 * | other `Error` subclass                           | its nearest class above (at worst `Error`), keeping its `name`       |
 * | symbol-keyed property                            | dropped                                                              |
 * | function, symbol, cyclic reference               | refused: {@link DataConverterError} naming the path                  |
 * | containers nested deeper than 256 levels         | refused (the walk recurses; JSON has no limit of its own)            |
 * | `Promise`, `WeakMap`/`WeakSet`/`WeakRef`         | refused (they would come back empty)                                 |
 * | `ArrayBuffer`, other typed arrays, `DataView`    | refused (wrap the bytes in a `Uint8Array`)                           |
 *
 * Shared references (the same object twice, without a cycle) are stored twice and come back as two
 * distinct equal objects. `toJSON` methods are not called. Getters that are own enumerable
 * properties are read.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { decodeTree } from './converter-decode.js';
import { encodeTree, WalkProblem } from './converter-encode.js';
import { DataConverterError, PayloadTooLargeError, ValidationError } from './errors.js';

/**
 * A stored value: JSON text when no codec is set, the codec's bytes when one is.
 */
export type Payload = string | Uint8Array;

/**
 * Transforms the bytes of every stored payload, e.g. to encrypt or compress them. Synchronous, and
 * `decode(encode(x))` must give back `x` byte for byte.
 *
 * @example
 * const xor: PayloadCodec = {
 *   encode: (data) => data.map((b) => b ^ 0x5a),
 *   decode: (data) => data.map((b) => b ^ 0x5a),
 * };
 */
export interface PayloadCodec {
  /** Transforms the UTF-8 bytes of the JSON text (a `Uint8Array`, possibly a `Buffer`) into the stored bytes. */
  encode(data: Uint8Array): Uint8Array;
  /** Transforms stored bytes back into the bytes that `encode` was given. */
  decode(data: Uint8Array): Uint8Array;
}

/** Options of {@link DataConverter}. */
export interface DataConverterOptions {
  /**
   * The largest payload stored, in bytes, measured after the codec (if any). A positive integer.
   * @default 2 MiB (2 * 1024 * 1024)
   */
  payloadLimitBytes?: number;
  /** Applied to every stored payload. @default none: payloads are JSON text */
  codec?: PayloadCodec;
}

/** The default {@link DataConverterOptions.payloadLimitBytes}: 2 MiB. */
export const DEFAULT_PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * Converts values to payloads and back. See the module documentation for what survives.
 *
 * @example
 * const converter = new DataConverter({ payloadLimitBytes: 64 * 1024 });
 * const payload = converter.toPayload({ caught: new Date(), level: 42n }, "input of workflow 'CapturePokemon'");
 * const value = converter.fromPayload<{ caught: Date; level: bigint }>(payload);
 */
export class DataConverter {
  /** The largest payload stored, in bytes (after the codec). */
  readonly payloadLimitBytes: number;
  readonly #codec: PayloadCodec | undefined;

  /**
   * @param options - the limit (default 2 MiB) and an optional codec.
   * @throws {@link ValidationError} when `payloadLimitBytes` is not a positive integer, or when
   * `codec` lacks an `encode` or `decode` function.
   */
  constructor(options: DataConverterOptions = {}) {
    const limit = options.payloadLimitBytes ?? DEFAULT_PAYLOAD_LIMIT_BYTES;
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit <= 0) {
      throw new ValidationError(`payloadLimitBytes must be a positive integer (bytes), got ${String(limit)}`);
    }
    const codec = options.codec;
    if (codec !== undefined && (typeof codec?.encode !== 'function' || typeof codec.decode !== 'function')) {
      throw new ValidationError('codec must be an object with encode(data) and decode(data) functions');
    }
    this.payloadLimitBytes = limit;
    this.#codec = codec;
  }

  /**
   * Encodes `value` into a payload.
   *
   * @param what - a label such as `"input of workflow 'CapturePokemon'"`, used in error messages.
   * @returns JSON text, or the codec's bytes when a codec is set.
   * @throws {@link DataConverterError} when the value holds a function, a symbol, a cyclic
   * reference or a refused object, or nests containers deeper than 256 levels; its `path` says
   * where (e.g. `[0].callback`).
   * @throws {@link PayloadTooLargeError} when the payload (after the codec) exceeds the limit.
   *
   * @example
   * defaultConverter.toPayload([{ callback: () => 1 }], "input of workflow 'X'");
   * // throws DataConverterError: cannot convert input of workflow 'X': a function at [0].callback
   */
  toPayload(value: unknown, what: string): Payload {
    const json = toJson(value, what);
    const limit = this.payloadLimitBytes;
    const codec = this.#codec;
    if (codec === undefined) {
      // A UTF-16 code unit takes at most 3 UTF-8 bytes: short texts need no byte count.
      if (json.length * 3 > limit) {
        const size = Buffer.byteLength(json, 'utf8');
        if (size > limit) throw new PayloadTooLargeError(size, limit, what);
      }
      return json;
    }
    const bytes = codec.encode(Buffer.from(json, 'utf8'));
    if (!(bytes instanceof Uint8Array)) {
      throw new DataConverterError(`cannot convert ${what}: codec.encode did not return a Uint8Array`, '');
    }
    if (bytes.byteLength > limit) throw new PayloadTooLargeError(bytes.byteLength, limit, what);
    return bytes;
  }

  /**
   * Decodes a payload made by {@link DataConverter.toPayload}. JSON text is read as is even when a
   * codec is set (payloads stored before the codec was configured); bytes need the codec.
   *
   * @throws {@link DataConverterError} when the payload is bytes and no codec is set, or is not
   * valid JSON, or holds an unknown tagged value. Errors thrown by `codec.decode` pass through.
   *
   * @example
   * const when = defaultConverter.fromPayload<Date>('{"@t":"D","v":"2024-02-29T12:34:56.789Z"}');
   */
  fromPayload<T = unknown>(payload: Payload): T {
    let text: string;
    if (typeof payload === 'string') {
      text = payload;
    } else {
      const codec = this.#codec;
      if (codec === undefined)
        throw new DataConverterError('cannot decode a binary payload: no codec is set', '');
      const bytes = codec.decode(payload);
      text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    }
    let tree: unknown;
    try {
      tree = JSON.parse(text);
    } catch (err) {
      throw new DataConverterError(`cannot decode payload: not valid JSON (${(err as Error).message})`, '');
    }
    return decodeTree(tree) as T;
  }

  /**
   * Encodes then decodes `value`, exactly as a replay would decode the stored payload: what
   * workflow code sees on the first run is identical to what it sees on a replay.
   *
   * @throws the errors of {@link DataConverter.toPayload} and {@link DataConverter.fromPayload}.
   *
   * @example
   * const { payload, value } = defaultConverter.roundTrip({ hp: -0 }, "result of activity 'heal'");
   */
  roundTrip<T>(value: T, what: string): { payload: Payload; value: T } {
    const payload = this.toPayload(value, what);
    return { payload, value: this.fromPayload<T>(payload) };
  }
}

/** Walks and stringifies; a {@link WalkProblem} becomes a {@link DataConverterError} naming `what`. */
function toJson(value: unknown, what: string): string {
  try {
    return JSON.stringify(encodeTree(value));
  } catch (err) {
    if (!(err instanceof WalkProblem)) throw err;
    const path = err.path;
    const where = path === '' ? '' : ` at ${path}`;
    throw new DataConverterError(`cannot convert ${what}: ${err.problem}${where}`, path);
  }
}

/**
 * The converter with the default options: a 2 MiB limit and no codec.
 *
 * @example
 * const payload = defaultConverter.toPayload(new Map([['pikachu', 25]]), "input of workflow 'Pokedex'");
 */
export const defaultConverter: DataConverter = new DataConverter();
