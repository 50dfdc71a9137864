import { badInput } from '../../errors';
import type { StoredDeadLetter } from '../../events/backbone';
import { BULK_LIMIT, type BulkOutcome, type SkipReason } from '../../runtime/bulk-outcome';
import {
  BULK_BUDGET,
  DeadLetterService,
  type DeadLetterTarget,
  deadLetterId,
  LIST_BUDGET,
  MAX_IDS,
} from '../../runtime/dead-letter-service';
import { FailedRunRetry } from '../../runtime/failed-run-retry';
import {
  checkFilter,
  type FilterInput,
  MAX_ERROR_TEXT,
  type OperatorFilter,
  requireScope,
} from '../../runtime/operator-filter';
import { builder } from '../builder';
import type { Context } from '../context';
import { adminOf } from '../context';
import { ProcessorRef } from './processor';
import { RunRef } from './run';

/** Skipped items listed in a result; the counts by reason cover them all. */
const SKIPPED_SHOWN = 100;

const DeadLetterRef = builder.objectRef<StoredDeadLetter>('DeadLetter').implement({
  description:
    "An event a processor gave up on: its run failed for good (one dead letter per run; a run that fails again replaces its letter). Replay puts the run back on the processor's queue; discard removes the letter and leaves the run FAILED.",
  fields: (t) => ({
    id: t.id({
      description: '`<processor>/<run id>`: what replayDeadLetters and discardDeadLetters take.',
      resolve: deadLetterId,
    }),
    processorId: t.exposeID('group'),
    processor: t.field({
      type: ProcessorRef,
      nullable: true,
      resolve: (d, _a, ctx) => ctx.loaders.processor.load(d.group),
    }),
    runId: t.id({ nullable: true, resolve: (d) => d.key ?? null }),
    run: t.field({
      type: RunRef,
      nullable: true,
      description:
        "The run, whoever's it is (its input, output and book resolve for your own runs only).",
      resolve: (d, _a, ctx) => (d.key ? ctx.runs.get(d.event.userId, d.key) : null),
    }),
    userId: t.id({ description: 'The user the run belongs to.', resolve: (d) => d.event.userId }),
    eventId: t.id({ resolve: (d) => d.event.id }),
    eventType: t.string({ resolve: (d) => d.event.type }),
    event: t.field({
      type: 'JSON',
      description: 'The event as delivered.',
      resolve: (d) => d.event,
    }),
    reason: t.exposeString('reason', { description: 'Why the run failed: its last error.' }),
    attempts: t.int({
      nullable: true,
      description: 'Attempts the run made (null for letters written before this was recorded).',
      resolve: (d) => d.attempts ?? null,
    }),
    at: t.field({
      type: 'DateTime',
      description: 'When it was dead-lettered.',
      resolve: (d) => d.at,
    }),
  }),
});

const DeadLetterConnection = builder.connectionObject(
  { type: DeadLetterRef, name: 'DeadLetterConnection' },
  { name: 'DeadLetterEdge' },
);

/** A filter input: `time` says what `from` and `to` bound, `text` what `error` searches. */
const filterInput = (name: string, time: string, text: string) =>
  builder.inputType(name, {
    description: `Every criterion given must hold. \`from\` and \`to\` bound ${time}, both included.`,
    fields: (t) => ({
      processorId: t.id(),
      error: t.string({
        description: `Text ${text} contains, case-insensitively (at most ${MAX_ERROR_TEXT} characters).`,
      }),
      from: t.field({ type: 'DateTime' }),
      to: t.field({ type: 'DateTime' }),
    }),
  });
const DeadLetterFilterInput = filterInput(
  'DeadLetterFilter',
  'when the letter was written',
  'its reason',
);
const FailedRunFilterInput = filterInput('FailedRunFilter', 'when the run failed', 'its error');

const SkipReasonEnum = builder.enumType('BulkSkipReason', {
  values: {
    RUN_NOT_FOUND: { description: 'The dead letter names no run that exists.' },
    RUN_NOT_RETRYABLE: {
      description: 'The run is no longer FAILED or CANCELLED (retried, running, or succeeded).',
    },
    GONE: { description: 'The dead letter went (replayed, discarded or replaced) meanwhile.' },
  } as const,
});

const SkippedRef = builder.objectRef<BulkOutcome['skipped'][number]>('BulkSkip').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The dead letter (or, for retryFailedRuns, the run).' }),
    runId: t.exposeID('runId', { nullable: true }),
    reason: t.field({ type: SkipReasonEnum, resolve: (s) => s.reason }),
    message: t.exposeString('message'),
  }),
});

const SkipCountRef = builder
  .objectRef<{ reason: SkipReason; count: number }>('BulkSkipCount')
  .implement({
    fields: (t) => ({
      reason: t.field({ type: SkipReasonEnum, resolve: (c) => c.reason }),
      count: t.exposeInt('count'),
    }),
  });

/** A result type of a bulk action, its count of what was done named `doneAs`. */
function bulkResult(name: string, doneAs: string, description: string, bound: string) {
  return builder.objectRef<BulkOutcome>(name).implement({
    description,
    fields: (t) => ({
      dryRun: t.exposeBoolean('dryRun', { description: 'True: nothing was changed.' }),
      matched: t.exposeInt('matched', {
        description: `What the call matched: at most ${BULK_LIMIT} (a dry run of retryFailedRuns counts every match).`,
      }),
      [doneAs]: t.exposeInt('done', { description: 'Acted on (in a dry run: would be).' }),
      skipped: t.int({ resolve: (o) => o.skipped.length }),
      skippedReasons: t.field({
        type: [SkipCountRef],
        resolve: (o) => countByReason(o.skipped),
      }),
      skippedItems: t.field({
        type: [SkippedRef],
        description: `The first ${SKIPPED_SHOWN} skipped, with why.`,
        resolve: (o) => o.skipped.slice(0, SKIPPED_SHOWN),
      }),
      hasMore: t.exposeBoolean('more', {
        description: `The filter may match more than this call took (${bound}): call it again to go on.`,
      }),
    }),
  });
}

function countByReason(skipped: BulkOutcome['skipped']) {
  const counts = new Map<SkipReason, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count }));
}

const ReplayResult = bulkResult(
  'DeadLetterReplayResult',
  'replayed',
  'What replayDeadLetters did: dead letters matched, replayed (their runs queued again, the letters removed) and skipped.',
  `it acts on ${BULK_LIMIT} and reads ${BULK_BUDGET} dead letters at most`,
);
const DiscardResult = bulkResult(
  'DeadLetterDiscardResult',
  'discarded',
  'What discardDeadLetters did: dead letters matched, discarded and skipped.',
  `it acts on ${BULK_LIMIT} and reads ${BULK_BUDGET} dead letters at most`,
);
const RetryResult = bulkResult(
  'FailedRunRetryResult',
  'retried',
  'What retryFailedRuns did: failed runs matched, queued again and skipped.',
  `it retries ${BULK_LIMIT} runs at most`,
);

/** A filter argument as GraphQL gives it (an ID may come as a number). */
type FilterArg = Omit<FilterInput, 'processorId'> & { processorId?: string | number | null };

/** The filter argument, checked (see checkFilter). */
const checked = (ctx: Context, input: FilterArg | null | undefined) =>
  checkFilter(
    input && {
      ...input,
      processorId: input.processorId == null ? null : String(input.processorId),
    },
    async (id) => (await ctx.services.processors.get(id)) !== null,
  );

const deadLetterService = (ctx: Context) =>
  new DeadLetterService({ events: ctx.events, runs: ctx.runs, runService: ctx.runService });

interface TargetArgs {
  ids?: readonly (string | number)[] | null;
  filter?: FilterArg | null;
  all?: boolean | null;
  dryRun?: boolean | null;
}

/** Ids or a filter, exactly one; a filter that would take everything needs `all`. */
async function targetOf(ctx: Context, args: TargetArgs): Promise<DeadLetterTarget> {
  if (args.ids != null && args.filter != null)
    throw badInput('ids', 'Give ids or a filter, not both');
  if (args.ids != null) return { ids: args.ids.map(String) };
  const filter = await checked(ctx, args.filter);
  requireScope(filter, args.all ?? false, args.dryRun ?? false);
  return { filter };
}

builder.queryField('deadLetters', (t) =>
  t.connection(
    {
      type: DeadLetterRef,
      description: `Dead letters matching the filter, oldest first, at most 100 a page. Needs the registry-admin role. A call reads at most ${LIST_BUDGET} dead letters: when few of them match, a page may be short or empty with hasNextPage true; go on from endCursor.`,
      args: { filter: t.arg({ type: DeadLetterFilterInput }) },
      resolve: async (_r, args, ctx) => {
        adminOf(ctx);
        const filter: OperatorFilter = await checked(ctx, args.filter);
        const listing = await deadLetterService(ctx).list(filter, args.first, args.after);
        return {
          edges: listing.edges,
          pageInfo: {
            hasNextPage: listing.hasNextPage,
            hasPreviousPage: args.after != null,
            startCursor: listing.edges[0]?.cursor ?? null,
            endCursor: listing.endCursor,
          },
        };
      },
    },
    DeadLetterConnection,
  ),
);

builder.mutationFields((t) => {
  const args = {
    ids: t.arg.idList({ description: `Dead letter ids (at most ${MAX_IDS}); or give a filter.` }),
    filter: t.arg({ type: DeadLetterFilterInput }),
    all: t.arg.boolean({
      defaultValue: false,
      description: 'Needed to act on every dead letter with an empty filter.',
    }),
    dryRun: t.arg.boolean({ defaultValue: false, description: 'Count, change nothing.' }),
  };
  return {
    replayDeadLetters: t.field({
      type: ReplayResult,
      description:
        "Puts the runs of the dead letters named (or matching the filter) back on their processors' queues and removes the letters. A run keeps its key, so a replay never stores a second blob; a run no longer FAILED or CANCELLED is skipped and its letter stays. Needs the registry-admin role.",
      args,
      resolve: async (_r, a, ctx) => {
        adminOf(ctx);
        const target = await targetOf(ctx, a);
        return deadLetterService(ctx).replay(target, a.dryRun ?? false);
      },
    }),
    discardDeadLetters: t.field({
      type: DiscardResult,
      description:
        'Removes the dead letters named (or matching the filter); their runs stay FAILED. Needs the registry-admin role.',
      args,
      resolve: async (_r, a, ctx) => {
        adminOf(ctx);
        const target = await targetOf(ctx, a);
        return deadLetterService(ctx).discard(target, a.dryRun ?? false);
      },
    }),
    retryFailedRuns: t.field({
      type: RetryResult,
      description: `Queues again the FAILED runs of every user that the filter matches (by processor, error text, and when they failed), ${BULK_LIMIT} at most a call, oldest failure first; their dead letters are removed. A dry run counts every match. Needs the registry-admin role.`,
      args: {
        filter: t.arg({ type: FailedRunFilterInput }),
        all: t.arg.boolean({
          defaultValue: false,
          description: 'Needed to retry every failed run with an empty filter.',
        }),
        dryRun: t.arg.boolean({ defaultValue: false, description: 'Count, change nothing.' }),
      },
      resolve: async (_r, a, ctx) => {
        adminOf(ctx);
        const filter = await checked(ctx, a.filter);
        requireScope(filter, a.all ?? false, a.dryRun ?? false);
        return new FailedRunRetry({
          events: ctx.events,
          runs: ctx.runs,
          runService: ctx.runService,
        }).retry(filter, a.dryRun ?? false);
      },
    }),
  };
});
