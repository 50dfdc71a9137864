/**
 * A process running processors says so every interval: its id, host, processors and runs in
 * flight, in `worker_heartbeats` where every API instance reads it. `stop()` deletes the row (a
 * goodbye); a process that dies without one stops beating and drops out of `live()` within two
 * intervals.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger';
import type { HeartbeatRepository } from './heartbeat-repository';

export interface HeartbeatSource {
  /** The processors this process consumes for. */
  running(): string[];
  /** Runs in flight by processor id. */
  inFlight(): Record<string, number>;
}

export class WorkerHeartbeat {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly startedAt = new Date();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: HeartbeatRepository,
    private readonly source: HeartbeatSource,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** Beats now and then every interval. Idempotent. */
  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.beating = this.beat();
    }, this.intervalMs);
    this.timer.unref();
    await this.beat();
  }

  /** Stops beating and deletes the row. */
  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.repository.remove(this.id).catch((error: Error) => {
      this.log.warn('heartbeat goodbye failed: the row expires by itself', {
        error: error.message,
      });
    });
  }

  private async beat(): Promise<void> {
    try {
      await this.repository.beat({
        id: this.id,
        host: hostname(),
        pid: process.pid,
        processors: this.source.running(),
        inFlight: this.source.inFlight(),
        intervalMs: this.intervalMs,
        startedAt: this.startedAt,
      });
    } catch (error) {
      // The database being away is not this process being dead: beat again next interval.
      this.log.warn('heartbeat not written', { error: (error as Error).message });
    }
  }
}
