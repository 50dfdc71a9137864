/**
 * What an operator asks of a processor: which workers are alive for it, how much work waits,
 * how much is running, what was dead-lettered, the last error, and how recent runs went. Read
 * from the heartbeat table, the runs table and the event backbone, so any API instance answers
 * for every worker.
 */
import type { EventBackbone } from '../events/backbone';
import type { ProcessorRecord } from '../processor-registry/processor-types';
import { retryEventType } from '../runtime/run-service';
import type { HeartbeatRepository, WorkerBeat } from './heartbeat-repository';
import type { LastFailure, RunCount, RunStatsRepository } from './run-stats-repository';

/** How far back success rate and p95 look: runs finished in the last hour. */
const HEALTH_WINDOW_MS = 3_600_000;

export interface ProcessorHealth {
  processorId: string;
  /** Workers running this processor whose last beat is within two heartbeat intervals. */
  liveWorkers: WorkerBeat[];
  /** Events not yet finished (see `backlogSource`). */
  backlog: number;
  /** `nats-consumer` (every worker's share) or `in-process-queue` (this process only). */
  backlogSource: 'nats-consumer' | 'in-process-queue';
  /** Deliveries the live workers are handling now. */
  runsInFlight: number;
  deadLetters: number;
  lastError: LastFailure | null;
  windowMs: number;
  succeeded: number;
  failed: number;
  /** succeeded / (succeeded + failed) in the window; null without finished runs. */
  successRate: number | null;
  p95DurationMs: number | null;
}

export class ProcessorHealthService {
  constructor(
    private readonly deps: {
      heartbeats: HeartbeatRepository;
      runStats: RunStatsRepository;
      events: EventBackbone;
      windowMs?: number;
    },
  ) {}

  /** How many runs each processor has in each status, all time. */
  runCounts(): Promise<RunCount[]> {
    return this.deps.runStats.countsByStatus();
  }

  /** Live workers, every processor's. */
  liveWorkers(): Promise<WorkerBeat[]> {
    return this.deps.heartbeats.live();
  }

  /** The health of one registered processor (`live` lets one read of the table serve many). */
  async of(processor: ProcessorRecord, live?: WorkerBeat[]): Promise<ProcessorHealth> {
    const { heartbeats, runStats, events } = this.deps;
    const windowMs = this.deps.windowMs ?? HEALTH_WINDOW_MS;
    const id = processor.id;
    const [workers, backlog, deadLetters, lastError, window] = await Promise.all([
      live ?? heartbeats.live(),
      events.workBacklog(id, [...processor.subscribes, retryEventType(id)]),
      events.deadLetterCount(id),
      runStats.lastFailure(id),
      runStats.window(id, windowMs),
    ]);
    const running = workers.filter((w) => w.processors.includes(id));
    const finished = window.succeeded + window.failed;
    return {
      processorId: id,
      liveWorkers: running,
      backlog,
      backlogSource: events.kind === 'nats' ? 'nats-consumer' : 'in-process-queue',
      runsInFlight: running.reduce((n, w) => n + (w.inFlight[id] ?? 0), 0),
      deadLetters,
      lastError,
      windowMs,
      succeeded: window.succeeded,
      failed: window.failed,
      successRate: finished === 0 ? null : window.succeeded / finished,
      p95DurationMs: window.p95DurationMs,
    };
  }
}
