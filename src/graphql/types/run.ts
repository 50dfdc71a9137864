import { AppError, badInput, ErrorCode } from '../../errors';
import type { RequestKind } from '../../events/catalog';
import { inSlot } from '../../events/subscription-slots';
import {
  decodeRunCursor,
  encodeRunCursor,
  followRuns,
  type RunDelivery,
} from '../../runtime/run-follow';
import { requestRun } from '../../runtime/run-requests';
import { RUN_TEXT_LIMIT, STREAM_WRITE_MS } from '../../runtime/run-stream';
import type { ProcessorRun } from '../../runtime/run-types';
import { builder } from '../builder';
import { forwardOnly, toConnection } from '../connection';
import { createLoaders, userOf } from '../context';
import { BlobRef } from './blob';
import { BookRef } from './book';
import { ProcessorRef } from './processor';

export const RunStatusEnum = builder.enumType('RunStatus', {
  values: { QUEUED: {}, RUNNING: {}, SUCCEEDED: {}, FAILED: {}, CANCELLED: {} },
});
const upper = (s: string) =>
  s.toUpperCase() as 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export const RunRef = builder.objectRef<ProcessorRun>('ProcessorRun').implement({
  description:
    'One processor working on one input for you: its status, attempts, error and output.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: RunStatusEnum, resolve: (r) => upper(r.status) }),
    attempts: t.exposeInt('attempts'),
    error: t.exposeString('error', { nullable: true }),
    model: t.exposeString('model', {
      nullable: true,
      description: 'The LLM model, for LLM steps.',
    }),
    processorId: t.exposeID('processorId'),
    processorVersion: t.exposeString('processorVersion'),
    processor: t.field({
      type: ProcessorRef,
      resolve: async (r, _a, ctx) => (await ctx.loaders.processor.load(r.processorId))!,
    }),
    inputBlobId: t.exposeID('inputBlobId', { nullable: true }),
    inputVersion: t.exposeInt('inputVersion', { nullable: true }),
    input: t.field({
      type: BlobRef,
      nullable: true,
      resolve: (r, _a, ctx) => (r.inputBlobId ? ctx.loaders.blob.load(r.inputBlobId) : null),
    }),
    outputBlobId: t.exposeID('outputBlobId', { nullable: true }),
    output: t.field({
      type: BlobRef,
      nullable: true,
      resolve: (r, _a, ctx) => (r.outputBlobId ? ctx.loaders.blob.load(r.outputBlobId) : null),
    }),
    book: t.field({
      type: BookRef,
      nullable: true,
      resolve: (r, _a, ctx) => (r.bookId ? ctx.loaders.book.load(r.bookId) : null),
    }),
    textSoFar: t.exposeString('textSoFar', {
      description: `The text the run's current (or last) attempt has streamed, readable while it runs (written every ${STREAM_WRITE_MS} ms at most; its first REYNA_RUN_TEXT_LIMIT characters, ${RUN_TEXT_LIMIT} by default).`,
    }),
    streamCursor: t.string({
      description: 'Pass as `after` to `runUpdated(runId)` to receive what follows `textSoFar`.',
      resolve: (r) =>
        encodeRunCursor({
          runId: r.id,
          start: r.streamStart,
          sequence: r.streamSeq,
          length: r.textSoFar.length,
        }),
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (r) => r.updatedAt }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.finishedAt }),
  }),
});

builder.objectField(BlobRef, 'runs', (t) =>
  t.field({
    type: [RunRef],
    description: 'Processor runs that took this blob as input, oldest first (the first 100).',
    resolve: (b, _a, ctx) => ctx.runs.byInputs(userOf(ctx), [b.id]),
  }),
);

export const RunConnection = builder.connectionObject(
  { type: RunRef, name: 'ProcessorRunConnection' },
  { name: 'ProcessorRunEdge' },
);

builder.objectField(ProcessorRef, 'runs', (t) =>
  t.connection(
    {
      type: RunRef,
      description: 'Your runs of this processor, newest first, at most 100 a page.',
      args: { status: t.arg({ type: RunStatusEnum }) },
      resolve: async (p, args, ctx) => {
        const { first, after } = forwardOnly(args);
        const page = await ctx.runs.list(
          userOf(ctx),
          { processorId: p.id, status: args.status ? (args.status.toLowerCase() as never) : null },
          first,
          after,
        );
        return toConnection(page, args);
      },
    },
    RunConnection,
  ),
);

const BookFormatEnum = builder.enumType('BookFormat', {
  values: { MARKDOWN: {}, HTML: {}, EPUB: {}, DOCX: {}, PDF: {} },
});

builder.queryFields((t) => ({
  run: t.field({
    type: RunRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.runs.get(userOf(ctx), String(id)),
  }),
  runs: t.connection(
    {
      type: RunRef,
      description: 'Your runs, newest first, at most 100 a page.',
      args: {
        processorId: t.arg.id(),
        status: t.arg({ type: RunStatusEnum }),
        bookId: t.arg.id(),
      },
      resolve: async (_r, a, ctx) => {
        const { first, after } = forwardOnly(a);
        const page = await ctx.runs.list(
          userOf(ctx),
          {
            processorId: a.processorId ? String(a.processorId) : null,
            status: a.status ? (a.status.toLowerCase() as never) : null,
            bookId: a.bookId ? String(a.bookId) : null,
          },
          first,
          after,
        );
        return toConnection(page, a);
      },
    },
    RunConnection,
  ),
}));

const RunTargetEnum = builder.enumType('RunTarget', {
  description: 'What a run of an on-request processor works on.',
  values: { BOOK: {}, BLOB: {}, NONE: {} },
});

const ProcessorRequestRef = builder.objectRef<RequestKind>('ProcessorRequest').implement({
  description: 'How to ask an on-request processor for a run (`requestRun`).',
  fields: (t) => ({
    event: t.string({
      description: 'The event a request writes.',
      resolve: (r) => r.kind.name,
    }),
    target: t.field({
      type: RunTargetEnum,
      description: 'BOOK: pass `bookId`; BLOB: pass `blobId`; NONE: pass neither.',
      resolve: (r) => r.target.toUpperCase() as 'BOOK' | 'BLOB' | 'NONE',
    }),
    inputSchemaIds: t.idList({
      description: 'For BLOB: the schemas of the blobs it takes.',
      resolve: (r) => [...r.inputSchemaIds],
    }),
    detailsSchema: t.field({
      type: 'JSON',
      description: 'The JSON Schema `details` must match.',
      resolve: (r) => r.kind.details,
    }),
  }),
});

builder.objectField(ProcessorRef, 'onRequest', (t) =>
  t.field({
    type: ProcessorRequestRef,
    nullable: true,
    description: 'How to ask it for a run, when it runs on request (null when it only reacts).',
    resolve: (p, _a, ctx) => ctx.runService.catalog.requestOf(p.id),
  }),
);

builder.mutationFields((t) => ({
  requestRun: t.field({
    type: RunRef,
    description:
      'Asks an on-request processor (see `Processor.onRequest`) for a run on one of your books or blobs, with `details` its schema accepts. NOT_FOUND for a processor, book or blob that is not there (or not yours); BAD_USER_INPUT for a processor that does not run on request or a target it does not take; VALIDATION_FAILED with `issues` for details it refuses. Nothing is written unless the request is accepted.',
    args: {
      processorId: t.arg.id({ required: true }),
      bookId: t.arg.id(),
      blobId: t.arg.id(),
      details: t.arg({ type: 'JSON', description: 'At most 64 KiB; `{}` when left out.' }),
    },
    resolve: (_r, args, ctx) =>
      requestRun(ctx, userOf(ctx), String(args.processorId), {
        bookId: args.bookId == null ? null : String(args.bookId),
        blobId: args.blobId == null ? null : String(args.blobId),
        details: args.details,
      }),
  }),
  compileBook: t.field({
    type: RunRef,
    description:
      'Compiles the book (each chapter\'s newest expansion, or the originals) into the formats asked for; the run\'s output is a compiled-book-v1 blob whose files download from /files/:id. The typed form of `requestRun(processorId: "book-compiler")`.',
    args: {
      bookId: t.arg.id({ required: true }),
      formats: t.arg({ type: [BookFormatEnum], required: true }),
      useOriginals: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_r, args, ctx) => {
      if (args.formats.length === 0) throw badInput('formats', 'Ask for at least one format');
      return requestRun(ctx, userOf(ctx), 'book-compiler', {
        bookId: String(args.bookId),
        details: {
          formats: [...new Set(args.formats.map((f) => f.toLowerCase()))],
          useOriginals: args.useOriginals ?? false,
        },
      });
    },
  }),
  retryRun: t.field({
    type: RunRef,
    description: 'Runs a FAILED or CANCELLED run again from its first step.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.runService.retry(userOf(ctx), String(id)),
  }),
  cancelRun: t.field({
    type: RunRef,
    description: 'Cancels a QUEUED or RUNNING run; a running step stops at its next checkpoint.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.runService.cancel(userOf(ctx), String(id)),
  }),
}));

const RunUpdateRef = builder.objectRef<RunDelivery>('RunUpdate').implement({
  description:
    'A run changed status, or reported progress (`textDelta` carries LLM text as it streams). The first delivery for a run already under way carries its text so far.',
  fields: (t) => ({
    runId: t.id({ resolve: (p) => p.update.runId }),
    processorId: t.id({ resolve: (p) => p.update.processorId }),
    status: t.field({ type: RunStatusEnum, resolve: (p) => upper(p.update.status) }),
    attempts: t.int({ resolve: (p) => p.update.attempts }),
    error: t.string({ nullable: true, resolve: (p) => p.update.error }),
    inputBlobId: t.id({ nullable: true, resolve: (p) => p.update.inputBlobId }),
    outputBlobId: t.id({ nullable: true, resolve: (p) => p.update.outputBlobId }),
    textDelta: t.string({
      nullable: true,
      description:
        "The text this delivery adds to the previous delivery's `textSoFar` (all of it on a run's first delivery).",
      resolve: (p) => p.update.textDelta ?? null,
    }),
    textSoFar: t.string({
      description: `The whole text the attempt has streamed up to this delivery (its first REYNA_RUN_TEXT_LIMIT characters, ${RUN_TEXT_LIMIT} by default). Sent in full with every delivery: for long texts, append \`textDelta\` instead.`,
      resolve: (p) => p.textSoFar,
    }),
    sequence: t.int({
      description:
        "Grows with each of the run's updates: +1 from one live delivery to the next; a delivery that brings you up to date may cover several.",
      resolve: (p) => p.sequence,
    }),
    cursor: t.string({
      description: 'Pass as `after` (with this `runId`) to continue after this delivery.',
      resolve: (p) => p.cursor,
    }),
    reset: t.boolean({
      description:
        'True when `textSoFar` does not continue the text delivered before (a new attempt started over, or updates were lost): show `textSoFar` (here equal to `textDelta`) instead of appending.',
      resolve: (p) => p.reset,
    }),
    message: t.string({ nullable: true, resolve: (p) => p.update.message ?? null }),
    fraction: t.float({ nullable: true, resolve: (p) => p.update.fraction ?? null }),
    run: t.field({
      type: RunRef,
      nullable: true,
      description:
        'The run as stored now (one query per update: ask for it on status changes only).',
      resolve: (p, _a, ctx) => ctx.runs.get(userOf(ctx), p.update.runId),
    }),
  }),
});

builder.subscriptionField('runUpdated', (t) =>
  t.field({
    type: RunUpdateRef,
    description:
      'Your runs as they progress: status changes, and the text of LLM steps as it streams. A run already under way (the one named, or those queued or running that match) first gets one delivery with its status and text so far; `after` continues after a cursor instead.',
    args: {
      runId: t.arg.id(),
      inputBlobId: t.arg.id(),
      processorId: t.arg.id(),
      after: t.arg.string({
        description:
          "A `cursor` of this run's deliveries (or its `streamCursor`): continue after it.",
      }),
    },
    subscribe: async (_r, args, ctx) => {
      const userId = userOf(ctx);
      const after = args.after == null ? null : decodeRunCursor(args.after);
      if (args.after != null && !after)
        throw badInput('after', 'after is not a cursor of runUpdated or ProcessorRun.streamCursor');
      const runId = args.runId ? String(args.runId) : (after?.runId ?? null);
      if (after && after.runId !== runId)
        throw badInput('after', `after is a cursor of run "${after.runId}", not of run "${runId}"`);
      if (runId && !(await ctx.runs.get(userId, runId))) {
        throw new AppError(ErrorCode.NOT_FOUND, `Run "${runId}" was not found`, {
          field: args.runId ? 'runId' : 'after',
        });
      }
      const filter = {
        runId,
        inputBlobId: args.inputBlobId ? String(args.inputBlobId) : null,
        processorId: args.processorId ? String(args.processorId) : null,
      };
      const live = await inSlot(ctx.slots, userId, () =>
        ctx.events.subscribeLive(userId, ctx.subscriptionBuffer),
      );
      return followRuns(live, ctx.runs, userId, filter, after);
    },
    resolve: (delivery: RunDelivery, _a, ctx) => {
      ctx.loaders = createLoaders(ctx.services, ctx.principal?.userId ?? null);
      return delivery;
    },
  }),
);
