import type { WorkerBeat } from '../../health/heartbeat-repository';
import type { ProcessorHealth } from '../../health/processor-health';
import type { LastFailure } from '../../health/run-stats-repository';
import { builder } from '../builder';
import { adminOf } from '../context';
import { ProcessorRef } from './processor';

const WorkerRef = builder.objectRef<WorkerBeat>('Worker').implement({
  description:
    'A process running processors (`reyna worker`, or `reyna serve` with in-process processors), as its last heartbeat described it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'host:pid:random, new for every start.' }),
    host: t.exposeString('host'),
    pid: t.exposeInt('pid'),
    processors: t.exposeStringList('processors', { description: 'Processor ids it consumes for.' }),
    runsInFlight: t.int({
      description: 'Deliveries it is handling now, all processors together.',
      resolve: (w) => Object.values(w.inFlight).reduce((a, b) => a + b, 0),
    }),
    heartbeatMs: t.exposeInt('intervalMs', {
      description:
        'Its heartbeat interval: it counts as live for two of these after its last beat.',
    }),
    startedAt: t.field({ type: 'DateTime', resolve: (w) => w.startedAt }),
    lastBeatAt: t.field({ type: 'DateTime', resolve: (w) => w.lastBeat }),
  }),
});

const BacklogSource = builder.enumType('BacklogSource', {
  description: 'Where `ProcessorHealth.backlog` was counted.',
  values: {
    NATS_CONSUMER: {
      value: 'nats-consumer',
      description:
        "The processor's durable JetStream consumers: undelivered plus delivered and unacknowledged, across every worker.",
    },
    IN_PROCESS_QUEUE: {
      value: 'in-process-queue',
      description:
        'The in-process backbone of the API process answering: its queue (waiting, retrying and running) only.',
    },
  } as const,
});

const RunErrorRef = builder.objectRef<LastFailure>('RunError').implement({
  description: 'Why a run failed.',
  fields: (t) => ({
    runId: t.exposeID('runId'),
    message: t.exposeString('message'),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
  }),
});

const ProcessorHealthRef = builder.objectRef<ProcessorHealth>('ProcessorHealth').implement({
  description: "A processor's workers, queue and recent runs, as an operator watches them.",
  fields: (t) => ({
    liveWorkers: t.field({
      type: [WorkerRef],
      description: 'Workers running it whose last heartbeat is within two of their intervals.',
      resolve: (h) => h.liveWorkers,
    }),
    backlog: t.exposeInt('backlog', { description: 'Events it has not finished yet.' }),
    backlogSource: t.field({ type: BacklogSource, resolve: (h) => h.backlogSource }),
    runsInFlight: t.exposeInt('runsInFlight', {
      description: 'Deliveries its live workers are handling now.',
    }),
    deadLetters: t.exposeInt('deadLetters', { description: 'Dead-lettered runs (one each).' }),
    lastError: t.field({
      type: RunErrorRef,
      nullable: true,
      description: 'The error of its most recently failed run.',
      resolve: (h) => h.lastError,
    }),
    windowSeconds: t.int({
      description: 'How far back the run figures look (runs finished since then).',
      resolve: (h) => Math.round(h.windowMs / 1000),
    }),
    succeeded: t.exposeInt('succeeded', { description: 'Runs succeeded in the window.' }),
    failed: t.exposeInt('failed', { description: 'Runs failed in the window.' }),
    successRate: t.exposeFloat('successRate', {
      nullable: true,
      description: 'succeeded / (succeeded + failed) in the window; null without finished runs.',
    }),
    p95DurationMs: t.exposeInt('p95DurationMs', {
      nullable: true,
      description: '95th percentile run duration (first start to finish) in the window.',
    }),
  }),
});

builder.objectField(ProcessorRef, 'health', (t) =>
  t.field({
    type: ProcessorHealthRef,
    nullable: true,
    description:
      'Live workers, backlog, runs in flight, dead letters, last error, success rate and p95 over the last hour. Needs the registry-admin role: null with a FORBIDDEN error otherwise.',
    resolve: (p, _a, ctx) => {
      adminOf(ctx);
      return ctx.health.of(p);
    },
  }),
);

builder.queryField('workers', (t) =>
  t.field({
    type: [WorkerRef],
    description:
      'Processes running processors whose last heartbeat is within two of their intervals. Needs the registry-admin role.',
    resolve: (_r, _a, ctx) => {
      adminOf(ctx);
      return ctx.health.liveWorkers();
    },
  }),
);
