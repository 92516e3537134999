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
import type { WorkerHooks } from './worker/services.js';
import { combineHooks } from './worker/combine-hooks.js';
import { tracingHooks } from './observability/tracing.js';
import { StoreBroker } from './topics/store-broker.js';
import { Topics } from './topics/topics.js';
import { topicActivities } from './topics/workflow-activities.js';
import type { TopicBroker } from './topics/broker.js';

/** Options of the durable topics of a {@link Baton}. */
export interface TopicsOptions {
  /**
   * Where topics live: `'store'` (the engine's own store) or a NATS URL such as
   * `'nats://127.0.0.1:4222'` (NATS JetStream, the broker for scale). @default 'store'
   */
  broker?: string;
  /**
   * A publish whose event id was published to the same topic within this window is dropped and
   * reported as deduplicated (as JetStream's duplicate window). @default '2m'
   */
  dedupWindow?: Duration;
  /** How often idle store-backed consumers look for events written by other processes. @default '100ms' */
  pollInterval?: Duration;
}

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
  /** Durable topics: the broker (the store by default, or NATS JetStream) and its settings. */
  topics?: TopicsOptions;
  /**
   * Observers installed on every worker made by {@link Baton.worker}, called before the worker's
   * own `hooks` (see `combineHooks`). Metrics: `createMetrics(baton.store).hooks`.
   *
   * @default none
   * @example
   * const metrics = createMetrics(store);
   * const baton = await Baton.open(url, { hooks: metrics.hooks });
   */
  hooks?: WorkerHooks;
  /**
   * OpenTelemetry spans for workflow executions and activity attempts ({@link tracingHooks}),
   * through `@opentelemetry/api`: they cost next to nothing until an OpenTelemetry SDK is
   * registered. `false` leaves them out.
   *
   * @default true
   */
  tracing?: boolean;
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
  /** Durable topics (choreography): publish, subscribe in consumer groups, dead letters, redrive. */
  readonly topics: Topics;
  private readonly workers = new Set<Worker>();
  /** The engine's hooks (tracing, then `BatonOptions.hooks`), installed on every worker. */
  private readonly hooks: WorkerHooks;

  private constructor(
    readonly store: Store,
    readonly converter: DataConverter,
    private readonly clock: Clock,
    private readonly logger: Logger,
    queryTimeoutMs: number,
    broker: TopicBroker,
    hooks: WorkerHooks,
  ) {
    this.hooks = hooks;
    this.client = new Client({ store, converter, clock, queryTimeoutMs });
    this.topics = new Topics({ broker, converter, clock, logger, client: this.client });
  }

  /**
   * Opens the engine on a store URL.
   *
   * @param url - `sqlite:PATH`, `sqlite::memory:` or `postgres://user@host:port/database[?schema=S]`.
   *   @default 'sqlite:./.baton/baton.db'
   * @param options - data converter (options or instance), logger, clock, topics, and the store's
   *   options: SQLite's `durability` (`'normal'` or `'full'`) and `busyTimeoutMs`; PostgreSQL's
   *   `poolSize` and `connectTimeoutMs`.
   * @throws StoreError when the store cannot be opened; ValidationError for bad options (e.g. a
   *   bad payload limit or codec, an unknown `topics.broker`); JetStreamBrokerError when
   *   `topics.broker` is a NATS URL that cannot be reached (the store is closed again).
   */
  static async open(url: string = DEFAULT_STORE_URL, options: BatonOptions = {}): Promise<Baton> {
    const converter = dataConverterOf(options.dataConverter);
    const queryTimeoutMs = durationMs(options.queryTimeout ?? '10s', 'queryTimeout');
    const storeOptions: StoreOptions = {};
    if (options.durability !== undefined) storeOptions.durability = options.durability;
    if (options.busyTimeoutMs !== undefined) storeOptions.busyTimeoutMs = options.busyTimeoutMs;
    if (options.poolSize !== undefined) storeOptions.poolSize = options.poolSize;
    if (options.connectTimeoutMs !== undefined) storeOptions.connectTimeoutMs = options.connectTimeoutMs;
    const logger = options.logger ?? consoleLogger('warn');
    storeOptions.logger = logger;
    const clock = options.clock ?? systemClock;
    const store = await openStore(url, storeOptions);
    let broker: TopicBroker;
    try {
      broker = await openBroker(store, clock, options.topics ?? {});
    } catch (error) {
      await store.close();
      throw error;
    }
    const hooks = combineHooks(options.tracing === false ? undefined : tracingHooks(), options.hooks);
    return new Baton(store, converter, clock, logger, queryTimeoutMs, broker, hooks);
  }

  /**
   * A worker on this engine's store; call `run()` to start it. Besides `options.activities` it
   * registers the activities behind `ctx.publish` and `ctx.waitForEvent` (reserved `baton.` names).
   * Its hooks are the engine's (tracing, `BatonOptions.hooks`) followed by `options.hooks`.
   *
   * @throws ValidationError for bad options.
   */
  worker(options: WorkerOptions): Worker {
    const activities = { ...(options.activities ?? {}), ...topicActivities(this.topics) };
    const worker = new Worker(
      { store: this.store, converter: this.converter, clock: this.clock, logger: this.logger },
      { ...options, activities, hooks: combineHooks(this.hooks, options.hooks) },
    );
    this.workers.add(worker);
    return worker;
  }

  /**
   * Shuts down every worker made here (gracefully), closes the topics' subscriptions (waiting for
   * running handlers) and the topic broker, then the client and the store.
   */
  async close(): Promise<void> {
    // Waits for events (ctx.waitForEvent) end at once, so the workers' attempts end quickly.
    this.topics.interruptReads();
    await Promise.all([...this.workers].map((w) => w.shutdown()));
    await this.topics.close();
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

/**
 * The topic broker the options ask for.
 *
 * @throws ValidationError for an unknown broker; JetStreamBrokerError when NATS cannot be reached.
 */
async function openBroker(store: Store, clock: Clock, options: TopicsOptions): Promise<TopicBroker> {
  const dedupWindowMs = durationMs(options.dedupWindow ?? '2m', 'topics.dedupWindow');
  const pollIntervalMs = durationMs(options.pollInterval ?? '100ms', 'topics.pollInterval');
  if (pollIntervalMs < 1)
    throw new ValidationError(`topics.pollInterval: expected at least 1 ms, got ${pollIntervalMs} ms`);
  const broker = options.broker ?? 'store';
  if (broker === 'store') return new StoreBroker(store, { clock, dedupWindowMs, pollIntervalMs });
  if (broker.startsWith('nats://')) {
    // Loaded only when asked for: the NATS client is not needed on the store.
    const { openJetStreamBroker } = await import('./topics/jetstream/jetstream-broker.js');
    return openJetStreamBroker(broker, { dedupWindowMs });
  }
  throw new ValidationError(
    `topics.broker: expected 'store' or a NATS URL such as 'nats://127.0.0.1:4222', got ${JSON.stringify(broker)}`,
  );
}
