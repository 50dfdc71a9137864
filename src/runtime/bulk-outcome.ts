/** What a bulk action on dead letters or failed runs reports: counts, and why some were skipped. */

/** Why an item matched but was not acted on. */
export type SkipReason =
  /** The dead letter names no run that still exists. */
  | 'RUN_NOT_FOUND'
  /** The run is no longer FAILED or CANCELLED (retried, or running, or it succeeded). */
  | 'RUN_NOT_RETRYABLE'
  /** The dead letter went (replayed, discarded or replaced) while this action ran. */
  | 'GONE';

export interface Skipped {
  /** The dead letter's id, or the run's for a bulk retry. */
  id: string;
  runId: string | null;
  reason: SkipReason;
  message: string;
}

export interface BulkOutcome {
  dryRun: boolean;
  /** Items matching that this call considered (at most BULK_LIMIT). */
  matched: number;
  /** Items acted on (replayed, discarded, retried); in a dry run, those that would be. */
  done: number;
  skipped: Skipped[];
  /** The filter may match more than this call took: call it again to go on. */
  more: boolean;
}

/** Most items one bulk call acts on: a hostile backlog is worked through call by call. */
export const BULK_LIMIT = 1000;

/** The outcome of acting on `matched` items, each either done or skipped. */
export function outcomeOf(
  dryRun: boolean,
  matched: number,
  skipped: Skipped[],
  more: boolean,
): BulkOutcome {
  return { dryRun, matched, done: matched - skipped.length, skipped, more };
}
