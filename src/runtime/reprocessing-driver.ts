/**
 * Drives reprocessings: every API process (`reyna serve`) runs one. Each poll it leases the open
 * reprocessings nobody else holds (a lease lasts a few polls and is renewed by each one) and
 * takes one step of each (see `ReprocessingService.step`). The state is all in the
 * `reprocessings` table and the runs, so a reprocessing whose process stopped or died is resumed
 * by the next process to poll once the lease is given up (a clean stop) or runs out (a crash),
 * from the last input it went past; its runs still queued get their events again then. Workers
 * (`reyna worker`) only run the runs, as for any other work.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger';
import type { ReprocessingRepository } from './reprocessing-repository';
import type { ReprocessingService } from './reprocessing-service';

export interface ReprocessingDriverOptions {
  service: ReprocessingService;
  repo: ReprocessingRepository;
  log: Logger;
  pollMs: number;
}

/** Reprocessings one process steps at once; the others wait for a later poll or process. */
const PER_POLL = 10;
/** A lease outlasts this many polls: a live process renews it long before it runs out. */
const LEASE_POLLS = 10;

export class ReprocessingDriver {
  /** host:pid:random, new for every start. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: ReprocessingDriverOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Polls now: a reprocessing was just asked for. */
  kick(): void {
    if (this.stopped || !this.timer) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Stops polling, lets the step in progress finish and gives up this process's leases. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await this.options.repo.release(this.owner).catch(() => {});
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick().finally(() => {
        if (!this.stopped) this.schedule(this.options.pollMs);
      });
    }, ms);
  }

  private async tick(): Promise<void> {
    const { service, repo, log, pollMs } = this.options;
    try {
      const claimed = await repo.claim(this.owner, pollMs * LEASE_POLLS, PER_POLL);
      for (const { id, takenOver } of claimed) {
        if (this.stopped) return;
        await service.step(id, takenOver);
      }
    } catch (error) {
      // A database outage: the next poll tries again.
      log.warn('reprocessing step failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
