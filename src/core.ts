/**
 * What both `reyna serve` and `reyna worker` run on: database (migrated), services, the event
 * backbone, the outbox relay, and the processor runtime. Started in that order; `stop()` undoes
 * it in reverse, letting in-flight runs finish first.
 */
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../db/migrate';
import { createProcessors } from '../processors/index';
import type { Processor } from '../processors/kit';
import { type DemoLlm, startDemoLlm } from '../processors/lib/demo-llm';
import type { MongoStores } from './blobs/mongo-blob-store';
import type { Config } from './config';
import { type Database, openDatabase } from './db/database';
import type { EventBackbone } from './events/backbone';
import { EventCatalog } from './events/catalog';
import type { StudioEvent } from './events/event';
import { MemoryBackbone } from './events/memory-backbone';
import { NatsBackbone } from './events/nats-backbone';
import { OutboxRelay, PgOutboxSource } from './events/outbox-relay';
import { FileStore } from './files/file-store';
import { HeartbeatRepository } from './health/heartbeat-repository';
import { ProcessorHealthService } from './health/processor-health';
import { RunStatsRepository } from './health/run-stats-repository';
import { WorkerHeartbeat } from './health/worker-heartbeat';
import { createLogger, type Logger } from './logger';
import { BUILTIN_SCHEMAS } from './registry/builtin-schemas';
import { ProcessorRuntime } from './runtime/processor-runtime';
import { ReprocessingDriver } from './runtime/reprocessing-driver';
import { ReprocessingRepository } from './runtime/reprocessing-repository';
import { ReprocessingService } from './runtime/reprocessing-service';
import { RunRepository } from './runtime/run-repository';
import { RunService } from './runtime/run-service';
import { createServices, registerBuiltins, reservedOf, type Services } from './services';

export interface Core {
  config: Config;
  log: Logger;
  database: Database;
  /** Every event kind this deployment writes: the studio's and its processors' requests. */
  catalog: EventCatalog;
  services: Services;
  events: EventBackbone;
  relay: OutboxRelay;
  runs: RunRepository;
  /** The one way runs are requested, retried, cancelled and replayed. */
  runService: RunService;
  files: FileStore;
  runtime: ProcessorRuntime;
  /** Processor health: live workers, backlog, dead letters, recent runs. */
  health: ProcessorHealthService;
  /** This process's heartbeat, written while it runs processors. */
  heartbeat: WorkerHeartbeat;
  /** Re-deriving a processor's outputs with its current version (admins). */
  reprocessings: ReprocessingService;
  /** Steps reprocessings along; `reyna serve` starts it (see reprocessing-driver.ts). */
  reprocessingDriver: ReprocessingDriver;
  /** The MongoDB blob store and its outbox, when MONGODB_URL is set. */
  mongo: MongoStores | undefined;
  /** Starts the processors named (or those `config.processors` names). */
  startProcessors(ids?: Config['processors']): Promise<void>;
  stop(): Promise<void>;
}

export interface CoreOptions {
  /** Use an already-open database (tests share one per file); `stop()` leaves it open. */
  database?: Database;
  log?: Logger;
  /** Replace the built-in processors (tests). */
  processors?: Processor[];
}

export async function createCore(config: Config, options: CoreOptions = {}): Promise<Core> {
  const log = options.log ?? createLogger(config.logLevel);
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase(config, {
      onConnectionError: (error) => log.warn('database connection lost', { error: error.message }),
      onMaintenanceError: (error) =>
        log.warn('embedded database maintenance failed; it tries again later', {
          error: error instanceof Error ? error.message : String(error),
        }),
    }));
  const events: EventBackbone = config.natsUrl
    ? new NatsBackbone({ url: config.natsUrl, prefix: config.deploymentId, log })
    : new MemoryBackbone();
  let eventsStarted = false;
  let mongo: MongoStores | undefined;
  let demo: DemoLlm | undefined;
  const relayRef: { current?: OutboxRelay } = {};
  try {
    await migrateToLatest(database.db as unknown as Kysely<unknown>);
    // With MONGODB_URL, blobs (and the events of blob writes) live in MongoDB.
    // Imported only then: the MongoDB driver is a sixth of a second of every start otherwise.
    if (config.mongodbUrl)
      mongo = await (await import('./blobs/mongo-blob-store')).openMongoStores(config.mongodbUrl);
    // A write that names the events it committed has them published at once; others wake a pass.
    const kick = (events?: readonly StudioEvent[]) =>
      events ? relayRef.current?.committed(events) : relayRef.current?.kick();
    // The demo is a real OpenAI-compatible endpoint in this process: the same client talks to it.
    if (config.llm === 'demo' && !options.processors) {
      demo = await startDemoLlm({ tokenDelayMs: config.llmDemoDelayMs });
    }
    const llmSettings = {
      model: config.llmModel,
      timeoutMs: config.llmTimeoutMs,
      maxOutputTokens: config.llmMaxOutputTokens,
      breakerThreshold: config.llmBreakerThreshold,
      breakerOpenMs: config.llmBreakerOpenMs,
    };
    const processors =
      options.processors ??
      createProcessors({
        llm: demo
          ? { ...llmSettings, baseURL: demo.url, demo: true }
          : config.openaiBaseUrl || config.openaiApiKey
            ? { ...llmSettings, baseURL: config.openaiBaseUrl, apiKey: config.openaiApiKey }
            : undefined,
        models: config.llmModels,
        expansionConcurrency: config.expansionConcurrency,
        renderTimeLimitMs: config.renderTimeLimitMs,
      });
    // What this release ships is reserved, whichever processors this process runs.
    const reserved = reservedOf(BUILTIN_SCHEMAS, [
      ...createProcessors({}).map((p) => p.definition),
      ...processors.map((p) => p.definition),
    ]);
    // Every event kind: the studio's own and the requests of these processors.
    const catalog = new EventCatalog(processors.map((p) => p.definition));
    const services = createServices(database, {
      catalog,
      onWrite: kick,
      store: mongo?.blobs,
      reserved,
      quota: { blobs: config.quotaBlobs, bytes: config.quotaBytes },
      responseDataBytes: config.responseDataBytes,
    });
    await registerBuiltins(services);
    await events.start();
    eventsStarted = true;
    const relay = new OutboxRelay(
      [new PgOutboxSource(database), ...(mongo ? [mongo.outbox] : [])],
      events,
      log,
    );
    relayRef.current = relay;
    if (config.outboxRelay) relay.start();
    const runs = new RunRepository(database.db, catalog);
    const files = new FileStore(database.db);
    const runService = new RunService({ runs, events, log, catalog, onWrite: kick });
    const runtime = new ProcessorRuntime(processors, {
      services,
      catalog,
      events,
      runs,
      runService,
      files,
      log,
      ackWaitMs: config.ackWaitMs,
      retryBaseMs: config.retryBaseMs,
      retryWindowMs: config.retryWindowMs,
      workBuffer: config.workBuffer,
      runTextLimit: config.runTextLimit,
      runReadBytes: config.runReadBytes,
      onWrite: kick,
      blobsInDatabase: !mongo,
      publicUrl: config.publicUrl,
    });
    await runtime.register();
    const heartbeats = new HeartbeatRepository(database.db);
    const heartbeat = new WorkerHeartbeat(heartbeats, runtime, config.heartbeatMs, log);
    const health = new ProcessorHealthService({
      heartbeats,
      runStats: new RunStatsRepository(database.db),
      events,
    });
    const reprocessingRepo = new ReprocessingRepository(database.db);
    const reprocessings = new ReprocessingService({
      repo: reprocessingRepo,
      blobs: services.blobs,
      schemas: services.schemas,
      processors: services.processors,
      runService,
      log,
      batchSize: config.reprocessBatch,
    });
    const reprocessingDriver = new ReprocessingDriver({
      service: reprocessings,
      repo: reprocessingRepo,
      log,
      pollMs: config.reprocessPollMs,
    });
    let stopped = false;
    return {
      config,
      log,
      database,
      catalog,
      services,
      events,
      relay,
      runs,
      runService,
      files,
      runtime,
      health,
      heartbeat,
      reprocessings,
      reprocessingDriver,
      mongo,
      async startProcessors(ids = config.processors) {
        if (ids === 'none') return;
        await runtime.start(ids);
        if (runtime.running().length > 0) await heartbeat.start();
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await reprocessingDriver.stop();
        await runtime.stop();
        // After the runs in flight: until then this process is still working.
        await heartbeat.stop();
        // Publish what the last runs wrote before the backbone goes.
        if (config.outboxRelay) await relay.drain().catch(() => {});
        await relay.stop();
        await events.stop();
        await demo?.close();
        await services.inspector.close();
        await mongo?.close();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    // A processor the catalog refuses stops the start after the relay began: stop it too.
    await relayRef.current?.stop().catch(() => {});
    if (eventsStarted) await events.stop().catch(() => {});
    await demo?.close().catch(() => {});
    await mongo?.close().catch(() => {});
    if (ownsDatabase) await database.close();
    throw error;
  }
}
