/**
 * Bulk retry of FAILED runs across users (what Inngest calls Replay): the runs a filter matches
 * (processor, error text, time they finished) go back on their work queues through
 * RunService.requeue, batch by batch, at most BULK_LIMIT a call. A dry run counts them and
 * writes nothing. A retried run's dead letter is removed with it: the run is being dealt with.
 */
import type { EventBackbone } from '../events/backbone';
import { BULK_LIMIT, type BulkOutcome, outcomeOf, type Skipped } from './bulk-outcome';
import type { OperatorFilter } from './operator-filter';
import type { FailedRunFilter, RunRepository } from './run-repository';
import type { RunService } from './run-service';
import type { ProcessorRun } from './run-types';

/** Runs read and requeued at a time. */
export const RETRY_BATCH = 100;

export interface FailedRunRetryOptions {
  events: EventBackbone;
  runs: RunRepository;
  runService: RunService;
}

export class FailedRunRetry {
  constructor(private readonly options: FailedRunRetryOptions) {}

  async retry(filter: OperatorFilter, dryRun: boolean): Promise<BulkOutcome> {
    if (dryRun) {
      // Every match is counted (one query); a real call would take the first BULK_LIMIT.
      const total = await this.options.runs.countFailed(filter);
      return {
        dryRun,
        matched: total,
        done: Math.min(total, BULK_LIMIT),
        skipped: [],
        more: total > BULK_LIMIT,
      };
    }
    // Runs that fail again while this call works finish after it started: not taken twice.
    const scope: FailedRunFilter = { ...filter, to: earlier(filter.to, new Date()) };
    const skipped: Skipped[] = [];
    let matched = 0;
    while (matched < BULK_LIMIT) {
      const batch = await this.options.runs.failedRuns(
        scope,
        Math.min(RETRY_BATCH, BULK_LIMIT - matched),
      );
      if (batch.length === 0) return outcomeOf(false, matched, skipped, false);
      matched += batch.length;
      for (const run of batch) {
        const skippedOne = await this.retryOne(run);
        if (skippedOne) skipped.push(skippedOne);
      }
    }
    const more = (await this.options.runs.failedRuns(scope, 1)).length > 0;
    return outcomeOf(false, matched, skipped, more);
  }

  private async retryOne(run: ProcessorRun): Promise<Skipped | null> {
    const { events, runService, runs } = this.options;
    const letter = await events.deadLetter(run.processorId, run.id);
    if (!(await runService.requeue(run))) {
      const now = (await runs.status(run.id)) ?? 'gone';
      return {
        id: run.id,
        runId: run.id,
        reason: 'RUN_NOT_RETRYABLE',
        message: `The run is ${now.toUpperCase()}`,
      };
    }
    // Read before the requeue, removed after: a letter of a new failure is newer, and stays.
    if (letter) await events.discardDeadLetter({ ...letter, key: run.id });
    return null;
  }
}

const earlier = (a: Date | null, b: Date): Date => (a && a < b ? a : b);
