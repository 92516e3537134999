import { Client } from './client/client.js';
import { durationMs, type Duration } from './common/duration.js';
import { systemClock, type Clock } from './common/clock.js';
import { DataConverter, type DataConverterOptions } from './common/converter.js';
import { ValidationError } from './common/errors.js';
import { consoleLogger, type Logger } from './common/logger.js';
import { DEFAULT_STORE_URL, openStore, type StoreOptions } from './store/open-store.js';
import type { Store } from './store/types.js';
import { Worker } from './worker/worker.js';
import type { WorkerOptions } from './worker/options.js';

/** Options of {@link Baton.open}. */
export interface BatonOptions extends StoreOptions {
  /**
   * The data converter of the client and the workers: either its options (payload limit and
   * codec), from which one is made, or a {@link DataConverter} instance, used as given (its codec
   * and limit included).
   *
   * @default a converter with a 2 MiB payload limit and no codec (payloads stored as JSON text)
   * @example
   * await Baton.open('sqlite:./.baton/baton.db', { dataConverter: { codec, payloadLimitBytes: 256 * 1024 } });
   * await Baton.open('sqlite:./.baton/baton.db', { dataConverter: new DataConverter({ codec }) });
   */
  dataConverter?: DataConverterOptions | DataConverter;
  /** Logger of the workers and of `ctx.logger`. @default warnings and errors to stderr */
  logger?: Logger;
  /** The clock of workers and client. @default the system clock */
  clock?: Clock;
  /** How long `handle.query()` waits for a worker's answer. @default '10s' */
  queryTimeout?: Duration;
}

/**
 * The engine: a store, a client, and the workers made from it.
 *
 * @example
 * const baton = await Baton.open();                 // sqlite:./.baton/baton.db
 * const worker = baton.worker({ taskQueue: 'capture', workflows: [capturePokemon], activities });
 * const running = worker.run();
 * console.log(await baton.client.execute(capturePokemon, { taskQueue: 'capture', args: [sacha(), mewtwo()] }));
 * await baton.close();                              // shuts the workers down, closes the store
 * await running;
 */
export class Baton {
  readonly client: Client;
  private readonly workers = new Set<Worker>();

  private constructor(
    readonly store: Store,
    readonly converter: DataConverter,
    private readonly clock: Clock,
    private readonly logger: Logger,
    queryTimeoutMs: number,
  ) {
    this.client = new Client({ store, converter, clock, queryTimeoutMs });
  }

  /**
   * Opens the engine on a store URL.
   *
   * @param url - `sqlite:PATH` or `sqlite::memory:`. @default 'sqlite:./.baton/baton.db'
   * @param options - data converter (options or instance), logger, clock, and the store's
   *   `durability` (`'normal'` or `'full'`) and `busyTimeoutMs`.
   * @throws StoreError when the store cannot be opened; ValidationError for bad options (e.g. a
   *   bad payload limit or codec).
   */
  static async open(url: string = DEFAULT_STORE_URL, options: BatonOptions = {}): Promise<Baton> {
    const converter = dataConverterOf(options.dataConverter);
    const queryTimeoutMs = durationMs(options.queryTimeout ?? '10s', 'queryTimeout');
    const storeOptions: StoreOptions = {};
    if (options.durability !== undefined) storeOptions.durability = options.durability;
    if (options.busyTimeoutMs !== undefined) storeOptions.busyTimeoutMs = options.busyTimeoutMs;
    const store = await openStore(url, storeOptions);
    const logger = options.logger ?? consoleLogger('warn');
    return new Baton(store, converter, options.clock ?? systemClock, logger, queryTimeoutMs);
  }

  /** A worker on this engine's store; call `run()` to start it. @throws ValidationError for bad options. */
  worker(options: WorkerOptions): Worker {
    const worker = new Worker(
      { store: this.store, converter: this.converter, clock: this.clock, logger: this.logger },
      options,
    );
    this.workers.add(worker);
    return worker;
  }

  /** Shuts down every worker made here (gracefully), then closes the client and the store. */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.shutdown()));
    this.client.close();
    await this.store.close();
  }
}

/** The converter given, or one made from the options given. @throws ValidationError for bad options */
function dataConverterOf(given: DataConverterOptions | DataConverter | undefined): DataConverter {
  if (given instanceof DataConverter) return given;
  // A converter from another copy of Baton is not an instance of this one's class, and reading it
  // as options would silently drop its codec (payloads stored unencrypted): refuse it instead.
  if (typeof (given as { toPayload?: unknown } | undefined)?.toPayload === 'function') {
    throw new ValidationError(
      'dataConverter is a DataConverter from another copy of Baton; pass its options ({ codec, payloadLimitBytes }) instead',
    );
  }
  return new DataConverter(given);
}
