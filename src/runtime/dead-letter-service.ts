/**
 * Dead letters an operator can act on: list them by processor, error text and time; replay them
 * (their runs go back on the work queue through RunService.requeue, so a replay keeps the run's
 * key and never stores a second blob); discard them (the run stays FAILED).
 *
 * Bounded: a list call reads at most LIST_BUDGET dead letters and a bulk call at most
 * BULK_BUDGET, acting on at most BULK_LIMIT; however many there are, a call holds no more than
 * that. A list page may then be short, even empty, with `hasNextPage`: go on from `endCursor`.
 * A bulk call that stopped early says `more`: call it again.
 *
 * A dead letter's id is `<processor>/<key>`: the key is its run's id (one letter per run).
 */
import { AppError, badInput, ErrorCode } from '../errors';
import type { EventBackbone, StoredDeadLetter } from '../events/backbone';
import { encodeKey, pageRequest } from '../paging';
import { BULK_LIMIT, type BulkOutcome, outcomeOf, type Skipped } from './bulk-outcome';
import { errorMatches, type OperatorFilter } from './operator-filter';
import type { RunRepository } from './run-repository';
import type { RunService } from './run-service';

/** Dead letters one list call reads at most, matching or not. */
export const LIST_BUDGET = 2000;
/** Dead letters one bulk call reads at most, matching or not. */
export const BULK_BUDGET = 10_000;
/** Most ids one call may name. */
export const MAX_IDS = 100;

const CURSOR = 'dead-letter';

export interface DeadLetterServiceOptions {
  events: EventBackbone;
  runs: RunRepository;
  runService: RunService;
}

/** Which dead letters an action takes: those named, or those a filter matches. */
export type DeadLetterTarget = { ids: readonly string[] } | { filter: OperatorFilter };

export interface DeadLetterListing {
  edges: { cursor: string; node: StoredDeadLetter }[];
  hasNextPage: boolean;
  /** Where the next page starts: after the last edge, or after the last letter read. */
  endCursor: string | null;
}

export const deadLetterId = (letter: StoredDeadLetter): string =>
  `${letter.group}/${letter.key ?? letter.event.id}`;

/** The group and key an id names; BAD_USER_INPUT when it is not a dead letter's id. */
export function parseDeadLetterId(id: string): { group: string; key: string } {
  const slash = id.indexOf('/');
  const group = id.slice(0, slash);
  const key = id.slice(slash + 1);
  if (slash < 1 || key === '' || id.length > 300) {
    throw badInput('ids', `"${id.slice(0, 100)}" is not a dead letter id (<processor>/<run id>)`);
  }
  return { group, key };
}

const isPosition = (key: unknown): key is number =>
  typeof key === 'number' && Number.isSafeInteger(key) && key >= 0;

/** The backbone's scan of what a filter matches. */
const scanOf = (filter: OperatorFilter) => ({
  ...(filter.processorId ? { group: filter.processorId } : {}),
  ...(filter.from ? { since: filter.from } : {}),
  ...(filter.to ? { until: filter.to } : {}),
  match: (letter: StoredDeadLetter) => errorMatches(filter, letter.reason),
});

const skip = (
  letter: StoredDeadLetter,
  reason: Skipped['reason'],
  message: string,
  runId = letter.key ?? null,
): Skipped => ({ id: deadLetterId(letter), runId, reason, message });

export class DeadLetterService {
  constructor(private readonly options: DeadLetterServiceOptions) {}

  /** A page of the dead letters the filter matches, oldest first. */
  async list(
    filter: OperatorFilter,
    first?: number | null,
    after?: string | null,
  ): Promise<DeadLetterListing> {
    const page = pageRequest(CURSOR, first, after, isPosition);
    const scan = await this.options.events.scanDeadLetters({
      ...scanOf(filter),
      ...(page.after === null ? {} : { after: page.after }),
      limit: page.first + 1,
      budget: LIST_BUDGET,
    });
    const edges = scan.letters
      .slice(0, page.first)
      .map((node) => ({ cursor: encodeKey(CURSOR, node.position), node }));
    const full = scan.letters.length > page.first;
    const readTo = scan.last === null ? null : encodeKey(CURSOR, scan.last);
    return {
      edges,
      hasNextPage: full || scan.more,
      endCursor: full || !scan.more ? (edges.at(-1)?.cursor ?? null) : readTo,
    };
  }

  /**
   * Puts the runs of the dead letters back on their work queues and removes the letters. A
   * letter whose run is gone, or no longer FAILED or CANCELLED, is skipped and stays.
   */
  async replay(target: DeadLetterTarget, dryRun: boolean): Promise<BulkOutcome> {
    const { letters, more } = await this.resolve(target);
    const skipped: Skipped[] = [];
    for (const letter of letters) {
      const skippedOne = await this.replayOne(letter, dryRun);
      if (skippedOne) skipped.push(skippedOne);
    }
    return outcomeOf(dryRun, letters.length, skipped, more);
  }

  /** Removes the dead letters; their runs stay as they are (FAILED). */
  async discard(target: DeadLetterTarget, dryRun: boolean): Promise<BulkOutcome> {
    const { letters, more } = await this.resolve(target);
    const skipped: Skipped[] = [];
    if (!dryRun) {
      for (const letter of letters) {
        if (!(await this.remove(letter)))
          skipped.push(skip(letter, 'GONE', 'The dead letter went while this ran'));
      }
    }
    return outcomeOf(dryRun, letters.length, skipped, more);
  }

  private async replayOne(letter: StoredDeadLetter, dryRun: boolean): Promise<Skipped | null> {
    const { runs, runService } = this.options;
    const run = letter.key ? await runs.get(letter.event.userId, letter.key) : null;
    if (!run) return skip(letter, 'RUN_NOT_FOUND', 'The dead letter names no run that exists');
    if (run.status !== 'failed' && run.status !== 'cancelled') {
      return skip(letter, 'RUN_NOT_RETRYABLE', `The run is ${run.status.toUpperCase()}`, run.id);
    }
    if (dryRun) return null;
    if (!(await runService.requeue(run))) {
      const now = (await runs.status(run.id)) ?? 'gone';
      return skip(letter, 'RUN_NOT_RETRYABLE', `The run is ${now.toUpperCase()}`, run.id);
    }
    // After the requeue: a letter the run writes if it fails again is newer, and stays.
    await this.remove(letter);
    return null;
  }

  private remove(letter: StoredDeadLetter): Promise<boolean> {
    return this.options.events.discardDeadLetter({
      group: letter.group,
      key: letter.key ?? letter.event.id,
      position: letter.position,
    });
  }

  /** The letters a target names (all must exist) or its filter matches (a bounded scan). */
  private async resolve(
    target: DeadLetterTarget,
  ): Promise<{ letters: StoredDeadLetter[]; more: boolean }> {
    if ('filter' in target) {
      const scan = await this.options.events.scanDeadLetters({
        ...scanOf(target.filter),
        limit: BULK_LIMIT,
        budget: BULK_BUDGET,
      });
      return { letters: scan.letters, more: scan.more };
    }
    return { letters: await this.named(target.ids), more: false };
  }

  /** The named letters; BAD_USER_INPUT or NOT_FOUND (before anything is done) otherwise. */
  private async named(ids: readonly string[]): Promise<StoredDeadLetter[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) throw badInput('ids', 'Name at least one dead letter');
    if (unique.length > MAX_IDS) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `Name at most ${MAX_IDS} dead letters a call`, {
        field: 'ids',
        limit: MAX_IDS,
        actual: unique.length,
      });
    }
    const letters: StoredDeadLetter[] = [];
    for (const id of unique) {
      const { group, key } = parseDeadLetterId(id);
      const letter = await this.options.events.deadLetter(group, key);
      if (!letter) {
        throw new AppError(ErrorCode.NOT_FOUND, `Dead letter "${id}" was not found`, {
          field: 'ids',
        });
      }
      letters.push(letter);
    }
    return letters;
  }
}
