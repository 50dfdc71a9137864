import type {
  ReprocessingPlan,
  Reprocessing as ReprocessingRow,
  ReprocessingSelection,
} from '../../runtime/reprocessing-types';
import { builder } from '../builder';
import { forwardOnly, toConnection } from '../connection';
import { adminOf } from '../context';
import { ProcessorRef } from './processor';
import { RunStatusEnum } from './run';

const upper = (s: string) =>
  s.toUpperCase() as 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

const ReprocessInputRef = builder.inputType('ReprocessInput', {
  description:
    'Which inputs of a processor to re-derive. Every field given narrows the selection; with none, `all: true` is required.',
  fields: (t) => ({
    processorId: t.id({
      required: true,
      description: 'A processor that consumes blob.created events.',
    }),
    userId: t.string({ description: "Only this user's inputs." }),
    bookId: t.id({ description: 'Only the inputs in this book (its owner is the user).' }),
    blobId: t.id({ description: 'Only this input blob.' }),
    schemaId: t.id({ description: 'Only inputs of this schema (one the processor takes).' }),
    since: t.field({
      type: 'DateTime',
      description: 'Only inputs created at or after this instant (not in the future).',
    }),
    all: t.boolean({
      description: 'Every input the processor has worked on, when no other field narrows it.',
    }),
  }),
});

const SelectionRef = builder.objectRef<ReprocessingSelection>('ReprocessingSelection').implement({
  description:
    'The inputs a reprocessing was asked for (`userId` is the owner a book or blob resolved to).',
  fields: (t) => ({
    userId: t.exposeString('userId', { nullable: true }),
    bookId: t.exposeID('bookId', { nullable: true }),
    blobId: t.exposeID('blobId', { nullable: true }),
    schemaId: t.exposeID('schemaId', { nullable: true }),
    since: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (s) => (s.since ? new Date(s.since) : null),
    }),
    all: t.exposeBoolean('all'),
  }),
});

export const ReprocessingRef = builder.objectRef<ReprocessingRow>('Reprocessing').implement({
  description:
    "A processor's outputs re-derived with its current version for chosen inputs, as a run-like object. Run counts are counted from the runs it created.",
  fields: (t) => ({
    id: t.exposeID('id'),
    processorId: t.exposeID('processorId'),
    processor: t.field({
      type: ProcessorRef,
      resolve: async (r, _a, ctx) => (await ctx.loaders.processor.load(r.processorId))!,
    }),
    fromVersions: t.exposeStringList('fromVersions', {
      description: 'Versions of the processor that made the outputs it replaces.',
    }),
    toVersion: t.exposeString('toVersion', { description: 'The version its runs derive with.' }),
    selection: t.field({ type: SelectionRef, resolve: (r) => r.selection }),
    status: t.field({ type: RunStatusEnum, resolve: (r) => upper(r.status) }),
    total: t.exposeInt('total', {
      description: 'Inputs the selection held when it was asked for.',
    }),
    skipped: t.exposeInt('skipped', {
      description:
        'Inputs passed over: a run of toVersion for their current version exists, or their current output comes from toVersion.',
    }),
    queued: t.exposeInt('queued', { description: 'Its runs waiting for a worker.' }),
    running: t.exposeInt('running'),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed'),
    cancelled: t.exposeInt('cancelled'),
    error: t.exposeString('error', { nullable: true }),
    requestedBy: t.exposeString('requestedBy', { description: 'The admin who asked for it.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.finishedAt }),
  }),
});

const PlanRef = builder.objectRef<ReprocessingPlan>('ReprocessingPlan').implement({
  description: 'What a reprocessing of a selection does, counted without writing anything.',
  fields: (t) => ({
    processorId: t.exposeID('processorId'),
    fromVersions: t.exposeStringList('fromVersions'),
    toVersion: t.exposeString('toVersion'),
    matched: t.exposeInt('matched', { description: 'Inputs that match the selection.' }),
    skipped: t.exposeInt('skipped', {
      description:
        'Of those, inputs whose output for their current version already comes from toVersion (or is being made).',
    }),
    toDerive: t.exposeInt('toDerive', {
      description: 'Of those, inputs that would be re-derived.',
    }),
  }),
});

const ReprocessResultRef = builder
  .objectRef<{ plan: ReprocessingPlan; reprocessing: ReprocessingRow | null }>('ReprocessResult')
  .implement({
    fields: (t) => ({
      plan: t.field({ type: PlanRef, resolve: (r) => r.plan }),
      reprocessing: t.field({
        type: ReprocessingRef,
        nullable: true,
        description: 'The reprocessing started; null for a dry run.',
        resolve: (r) => r.reprocessing,
      }),
    }),
  });

const ReprocessingConnection = builder.connectionObject(
  { type: ReprocessingRef, name: 'ReprocessingConnection' },
  { name: 'ReprocessingEdge' },
);

builder.queryFields((t) => ({
  reprocessing: t.field({
    type: ReprocessingRef,
    nullable: true,
    description: 'A reprocessing by id. Needs the registry-admin role.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => {
      adminOf(ctx);
      return ctx.reprocessings.get(String(id));
    },
  }),
  reprocessings: t.connection(
    {
      type: ReprocessingRef,
      description:
        'Every reprocessing, newest first, at most 100 a page. Needs the registry-admin role.',
      resolve: async (_r, args, ctx) => {
        adminOf(ctx);
        const { first, after } = forwardOnly(args);
        return toConnection(await ctx.reprocessings.list(first, after), args);
      },
    },
    ReprocessingConnection,
  ),
}));

builder.mutationFields((t) => ({
  reprocess: t.field({
    type: ReprocessResultRef,
    description:
      "Re-derives a processor's outputs for the inputs selected with its current version, in batches; with `dryRun`, only counts. Needs the registry-admin role.",
    args: {
      input: t.arg({ type: ReprocessInputRef, required: true }),
      dryRun: t.arg.boolean({ description: 'Count only; nothing is written.' }),
    },
    resolve: async (_r, { input, dryRun }, ctx) => {
      const admin = adminOf(ctx);
      const request = { ...input, processorId: String(input.processorId) } as const;
      const selection = {
        ...request,
        bookId: request.bookId == null ? null : String(request.bookId),
        blobId: request.blobId == null ? null : String(request.blobId),
        schemaId: request.schemaId == null ? null : String(request.schemaId),
      };
      if (dryRun) return { plan: await ctx.reprocessings.plan(selection), reprocessing: null };
      const started = await ctx.reprocessings.start(admin, selection);
      ctx.onReprocess();
      return started;
    },
  }),
  cancelReprocessing: t.field({
    type: ReprocessingRef,
    description:
      'Stops a reprocessing: nothing more is enqueued and its queued runs are cancelled; running ones finish. Needs the registry-admin role.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => {
      adminOf(ctx);
      return ctx.reprocessings.cancel(String(id));
    },
  }),
}));
