/**
 * Health, readiness and Prometheus metrics, served from inside Yoga like the REST routes:
 *
 *   GET /healthz   200 while the process is up
 *   GET /readyz    200 when the database answers, migrations are applied, NATS is connected and
 *                  (when used) Redis and MongoDB answer; 503 with what is failing otherwise.
 *                  `consumers` lists the work queues this process consumes (its in-process
 *                  processors; `reyna worker` serves no HTTP)
 *   GET /metrics   Prometheus text: GraphQL operation durations, open subscriptions, event lag,
 *                  outbox backlog, runs by processor and status, and each processor's health
 *                  (live workers, backlog, runs in flight, dead letters, success rate, p95)
 *
 * Every response carries an `x-request-id` (the client's, or a new one), also in the logs.
 */
import { randomUUID } from 'node:crypto';
import type { DocumentNode, ExecutionResult, OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { latestAppliedMigration } from '../../db/migrate';
import { migrations } from '../../db/migrations/index';
import type { Database } from '../db/database';
import { AppError, ErrorCode } from '../errors';
import type { EventBackbone } from '../events/backbone';
import type { OutboxRelay } from '../events/outbox-relay';
import type { ProcessorHealth, ProcessorHealthService } from '../health/processor-health';
import type { Logger } from '../logger';
import type { ProcessorService } from '../processor-registry/processor-service';
import type { ConsumerInfo } from '../runtime/processor-runtime';

export interface Metrics {
  registry: Registry;
  operationDuration: Histogram<'operation' | 'type'>;
  operationErrors: Counter<'operation' | 'code'>;
  eventLag: Histogram;
}

/** Every active processor that consumes events, with its health; computed once a scrape. */
function healthSnapshot(health: ProcessorHealthService, processors: ProcessorService) {
  let last: {
    at: number;
    value: Promise<{ workers: number; all: ProcessorHealth[] } | null>;
  } | null = null;
  return () => {
    if (last && performance.now() - last.at < 1000) return last.value;
    // A dependency that is down leaves these gauges out of the scrape, not the whole scrape.
    const value = (async () => {
      const page = await processors.list({ active: true }, 100, null);
      const live = await health.liveWorkers();
      const consuming = page.edges.map((e) => e.node).filter((p) => p.subscribes.length > 0);
      return {
        workers: live.length,
        all: await Promise.all(consuming.map((p) => health.of(p, live))),
      };
    })().catch(() => null);
    last = { at: performance.now(), value };
    return value;
  };
}

interface MetricDeps {
  events: EventBackbone;
  relay: OutboxRelay;
  health: ProcessorHealthService;
  processors: ProcessorService;
  /** SQL statements this process has sent so far (`Database.stats`). */
  statements?: () => number;
}

export function createMetrics(deps: MetricDeps): Metrics {
  const registry = new Registry();
  const { operationDuration, operationErrors } = graphqlMetrics(registry);
  const eventLag = eventMetrics(registry, deps);
  runGauges(registry, deps);
  const { statements } = deps;
  if (statements) {
    new Counter({
      name: 'reyna_db_statements_total',
      help: 'SQL statements this process has sent to its database (a round trip of several counts once)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(statements());
      },
    });
  }
  return { registry, operationDuration, operationErrors, eventLag };
}

function graphqlMetrics(registry: Registry) {
  const operationDuration = new Histogram({
    name: 'reyna_graphql_operation_seconds',
    help: 'GraphQL operation duration by operation name and type',
    labelNames: ['operation', 'type'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const operationErrors = new Counter({
    name: 'reyna_graphql_errors_total',
    help: 'GraphQL errors by operation name and error code',
    labelNames: ['operation', 'code'],
    registers: [registry],
  });
  return { operationDuration, operationErrors };
}

/** Event delivery: lag (observed by the caller), open subscriptions and the outbox backlog. */
function eventMetrics(registry: Registry, deps: MetricDeps): Histogram {
  const eventLag = new Histogram({
    name: 'reyna_event_lag_seconds',
    help: 'Time from an event being written to its delivery to a subscriber',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'reyna_subscriptions_open',
    help: 'Subscriptions open in this process',
    registers: [registry],
    collect() {
      this.set(deps.events.subscriptionCount());
    },
  });
  new Gauge({
    name: 'reyna_outbox_backlog',
    help: 'Events committed but not yet published',
    registers: [registry],
    async collect() {
      this.set(await deps.relay.backlog());
    },
  });
  return eventLag;
}

/** Runs by processor and status, and each processor's health figures. */
function runGauges(registry: Registry, deps: MetricDeps): void {
  runCountGauge(registry, deps.health);
  processorHealthGauges(registry, deps);
}

function runCountGauge(registry: Registry, health: ProcessorHealthService): void {
  new Gauge({
    name: 'reyna_runs',
    help: 'Processor runs by processor and status',
    labelNames: ['processor', 'status'],
    registers: [registry],
    async collect() {
      const counts = await health.runCounts();
      this.reset();
      for (const r of counts) this.set({ processor: r.processorId, status: r.status }, r.count);
    },
  });
}

/** Live workers, and each consuming processor's figures from one health snapshot a scrape. */
function processorHealthGauges(registry: Registry, deps: MetricDeps): void {
  const snapshot = healthSnapshot(deps.health, deps.processors);
  new Gauge({
    name: 'reyna_workers_live',
    help: 'Processes running processors whose last heartbeat is within two intervals',
    registers: [registry],
    async collect() {
      const now = await snapshot();
      this.reset();
      if (now) this.set(now.workers);
    },
  });
  const perProcessor = (name: string, help: string, value: (h: ProcessorHealth) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['processor'],
      registers: [registry],
      async collect() {
        const now = await snapshot();
        this.reset();
        for (const h of now?.all ?? []) {
          const v = value(h);
          if (v !== null) this.set({ processor: h.processorId }, v);
        }
      },
    });
  perProcessor(
    'reyna_processor_live_workers',
    'Live workers running the processor',
    (h) => h.liveWorkers.length,
  );
  perProcessor(
    'reyna_processor_backlog',
    'Events the processor has not finished (NATS: its consumers pending; in-process: this process)',
    (h) => h.backlog,
  );
  perProcessor(
    'reyna_processor_runs_in_flight',
    'Deliveries live workers are handling',
    (h) => h.runsInFlight,
  );
  perProcessor(
    'reyna_processor_dead_letters',
    'Dead letters of the processor',
    (h) => h.deadLetters,
  );
  perProcessor(
    'reyna_processor_success_ratio',
    'Succeeded / finished runs in the last hour (absent without finished runs)',
    (h) => h.successRate,
  );
  perProcessor(
    'reyna_processor_run_p95_seconds',
    '95th percentile run duration, first start to finish, in the last hour',
    (h) => (h.p95DurationMs === null ? null : h.p95DurationMs / 1000),
  );
}

const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1);

/**
 * How long one readiness check may take. A dependency that does not answer in this time is
 * reported failing, so /readyz answers within a second even while connections hang.
 */
const CHECK_TIMEOUT_MS = 800;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer in ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  // The losing check may still settle later; its outcome is no longer wanted.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const healthyWithin = (check: () => Promise<boolean>, what: string) =>
  within(check(), what).catch(() => false);

async function readiness(
  database: Database,
  events: EventBackbone,
  limits: { store: string; healthy(): Promise<boolean> } | undefined,
  mongo: { healthy(): Promise<boolean> } | undefined,
): Promise<Record<string, string>> {
  const checks: Record<string, string> = {};
  const verdict = (ok: boolean) => (ok ? 'ok' : 'failing');
  // In parallel: each is bounded by CHECK_TIMEOUT_MS, so the whole answer is too.
  const [migrated, eventsOk, redisOk, mongoOk] = await Promise.all([
    within(latestAppliedMigration(database.db as Kysely<unknown>), 'the database').then(
      (name) => ({ ok: true as const, name }),
      (error: Error) => ({ ok: false as const, message: error.message }),
    ),
    healthyWithin(() => events.healthy(), 'events'),
    limits?.store === 'redis' ? healthyWithin(() => limits.healthy(), 'redis') : undefined,
    mongo ? healthyWithin(() => mongo.healthy(), 'mongodb') : undefined,
  ]);
  if (migrated.ok) {
    checks.database = 'ok';
    checks.migrations =
      migrated.name === LATEST_MIGRATION ? 'ok' : `pending (at ${migrated.name ?? 'none'})`;
  } else {
    checks.database = `failing: ${migrated.message}`;
  }
  checks.events = verdict(eventsOk);
  if (redisOk !== undefined) checks.redis = verdict(redisOk);
  if (mongoOk !== undefined) checks.mongodb = verdict(mongoOk);
  return checks;
}

/** The names of the operations in a set of operation texts (a persisted manifest). */
export function operationNames(texts: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(
      /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g,
    )) {
      names.add(match[1]!);
    }
  }
  return names;
}

/**
 * The `operation` label: a client's operation name only when it is a known one (from the
 * persisted manifest or the SDK's operations); anything else is `other`. Labels a client could
 * choose freely would let one client grow the metrics without bound.
 */
function operationLabel(name: string | undefined, known: ReadonlySet<string>): string {
  if (!name) return 'anonymous';
  return known.has(name) ? name : 'other';
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** The stable code an error will carry once masked (errors are masked after execution). */
function errorCode(error: {
  extensions?: Record<string, unknown>;
  originalError?: unknown;
}): string {
  let current: unknown = error;
  while (current && typeof current === 'object') {
    if (current instanceof AppError) return current.code;
    const code = (current as { extensions?: Record<string, unknown> }).extensions?.code;
    if (typeof code === 'string') return code;
    current = (current as { originalError?: unknown }).originalError;
  }
  return 'INTERNAL_SERVER_ERROR';
}

/** The `code` label: one of ours, or OTHER (GraphQL's own codes, armor's), never free text. */
const codeLabel = (code: string) => (KNOWN_CODES.has(code) ? code : 'OTHER');

/**
 * What /readyz answers, for the API and for a worker alike: each dependency's check, and the work
 * queues the process consumes.
 */
export async function readinessReport(options: {
  database: Database;
  events: EventBackbone;
  limits?: { store: string; healthy(): Promise<boolean> };
  mongo?: { healthy(): Promise<boolean> };
  consumers?: () => ConsumerInfo[];
}): Promise<{ ready: boolean; body: Record<string, unknown> }> {
  const checks = await readiness(options.database, options.events, options.limits, options.mongo);
  const ready = Object.values(checks).every((v) => v === 'ok');
  return {
    ready,
    body: { status: ready ? 'ready' : 'not ready', checks, consumers: options.consumers?.() ?? [] },
  };
}

interface ObservabilityOptions {
  database: Database;
  events: EventBackbone;
  metrics: Metrics;
  log: Logger;
  /** With Redis behind them, /readyz checks Redis too. */
  limits?: { store: string; healthy(): Promise<boolean> };
  /** With blobs in MongoDB, /readyz checks MongoDB too. */
  mongo?: { healthy(): Promise<boolean> };
  /** Operation names that may appear as metric labels; others are counted as `other`. */
  knownOperations?: ReadonlySet<string>;
  /** The work queues this process consumes, listed by /readyz. */
  consumers?: () => ConsumerInfo[];
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export function useObservability(options: ObservabilityOptions): Plugin {
  const known = options.knownOperations ?? new Set<string>();
  const ids = new WeakMap<Request, { id: string; started: number }>();
  return {
    async onRequest({ request, url, endResponse }) {
      ids.set(request, {
        id: request.headers.get('x-request-id')?.slice(0, 128) || randomUUID(),
        started: performance.now(),
      });
      if (request.method !== 'GET' || !PROBES.has(url.pathname)) return;
      endResponse(await probeResponse(url.pathname, options));
    },
    onResponse({ request, response }) {
      const seen = ids.get(request);
      if (!seen) return;
      response.headers.set('x-request-id', seen.id);
      const path = new URL(request.url).pathname;
      if (PROBES.has(path)) return;
      options.log.info('request', {
        requestId: seen.id,
        method: request.method,
        path,
        status: response.status,
        ms: Math.round((performance.now() - seen.started) * 10) / 10,
      });
    },
    onExecute({ args }) {
      return timeOperation(
        args.document as DocumentNode,
        args.operationName,
        known,
        options.metrics,
      );
    },
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The answer of /healthz, /readyz or /metrics. */
async function probeResponse(path: string, options: ObservabilityOptions): Promise<Response> {
  if (path === '/healthz') return json(200, { status: 'ok' });
  if (path === '/metrics') {
    const { registry } = options.metrics;
    return new Response(await registry.metrics(), {
      headers: { 'content-type': registry.contentType },
    });
  }
  const report = await readinessReport(options);
  return json(report.ready ? 200 : 503, report.body);
}

/** Times one operation and counts its errors, labelled by operation name and type. */
function timeOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
  known: ReadonlySet<string>,
  metrics: Metrics,
) {
  const started = performance.now();
  const operationNode = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  );
  const type = operationNode?.operation ?? 'query';
  const operation = operationLabel(operationName ?? operationNode?.name?.value ?? undefined, known);
  return {
    onExecuteDone({ result }: { result: ExecutionResult | AsyncIterable<ExecutionResult> }) {
      metrics.operationDuration.observe({ operation, type }, (performance.now() - started) / 1000);
      const errors = 'errors' in result ? (result.errors ?? []) : [];
      for (const e of errors) {
        metrics.operationErrors.inc({ operation, code: codeLabel(errorCode(e)) });
      }
    },
  };
}
