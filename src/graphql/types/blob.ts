import { encodeCursor } from '../../blobs/blob-service';
import type { Blob, BlobVersion } from '../../blobs/blob-types';
import { MAX_LIST_ROWS, tooManyRows } from '../../blobs/data-budget';
import { currentOnly, supersession } from '../../blobs/lineage';
import { AppError, badInput, ErrorCode } from '../../errors';
import { chargeRead } from '../../http/cost-meter';
import { builder } from '../builder';
import { userOf } from '../context';
import { selectedAt, selectedFields } from '../lookahead';
import { BookRef } from './book';
import { ConversationRef } from './conversation';
import { ProcessorRef } from './processor';
import { SchemaRef } from './schema';

export const BlobRef = builder.objectRef<Blob>('Blob');

/** For data read late (see `Loaders.data`) of a blob deleted since the response began. */
function gone(id: string): never {
  throw new AppError(
    ErrorCode.NOT_FOUND,
    `Blob "${id}" was deleted while this response was being read`,
    { field: 'data' },
  );
}

const DATA_DESCRIPTION =
  'The JSON document. One response carries at most REYNA_RESPONSE_DATA_BYTES of it (16 MiB by default) across every `data` field: past that, RESPONSE_TOO_LARGE with `limit`.';

const BlobVersionRef = builder.objectRef<BlobVersion>('BlobVersion').implement({
  description: 'The content a blob had at one version.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    schemaId: t.exposeID('schemaId'),
    data: t.field({
      type: 'JSON',
      description: DATA_DESCRIPTION,
      resolve: async (v, _a, ctx) => {
        ctx.loaders.budget.take(v.size);
        if (!v.withheld) return v.data;
        ctx.loaders.budget.admit(v.size);
        const found = await ctx.services.blobs.versionOf(userOf(ctx), v.blobId, v.version);
        chargeRead(ctx.meter, [found]);
        return found ? found.data : gone(v.blobId);
      },
    }),
    size: t.exposeInt('size'),
    createdAt: t.field({ type: 'DateTime', resolve: (v) => v.createdAt }),
  }),
});

BlobRef.implement({
  description:
    'A JSON document valid against its schema, owned by one user, produced by a processor.',
  fields: (t) => ({
    id: t.exposeID('id'),
    userId: t.exposeID('userId'),
    processorId: t.exposeID('processorId'),
    schemaId: t.exposeID('schemaId'),
    data: t.field({
      type: 'JSON',
      description: DATA_DESCRIPTION,
      resolve: (b, _a, ctx) => {
        // What it serves counts against the response's data budget (see DataBudget); what was
        // read, served or not, against the user's event-loop budget (`chargeRead`).
        ctx.loaders.budget.take(b.size);
        if (!b.withheld) return b.data;
        // Left out by a capped read, and it fits after all: read it now.
        ctx.loaders.budget.admit(b.size);
        return ctx.loaders.data.load(b.id).then((found) => (found ? found.data : gone(b.id)));
      },
    }),
    size: t.exposeInt('size', { description: 'Bytes of the serialised data.' }),
    version: t.exposeInt('version', { description: '1 when created, +1 on each update.' }),
    parentId: t.exposeID('parentId', { nullable: true }),
    parent: t.field({
      type: BlobRef,
      nullable: true,
      description: 'The blob this one was derived from; null when there is none or it was deleted.',
      resolve: (b, _a, ctx) => (b.parentId ? ctx.loaders.blob.load(b.parentId) : null),
    }),
    derived: t.field({
      type: [BlobRef],
      description: `Blobs derived from this one, oldest first: the current ones, unless \`includeSuperseded\` (then also those made from earlier versions of this blob, with \`supersededBy\` set). RESPONSE_TOO_LARGE past ${MAX_LIST_ROWS} derived blobs (superseded ones included) under the blobs of one level of the query: page them with \`blobs(filter: { parentId })\`.`,
      args: { includeSuperseded: t.arg.boolean({ defaultValue: false }) },
      resolve: async (b, { includeSuperseded }, ctx) => {
        const derived = await ctx.loaders.derived.load(b.id);
        return includeSuperseded ? derived : currentOnly(derived);
      },
    }),
    supersededBy: t.field({
      type: BlobRef,
      nullable: true,
      description:
        'The blob that replaces this one: the same processor derived it again from a newer version of the same parent. Null while this one is current.',
      resolve: async (b, _a, ctx) => {
        if (!b.parentId || !b.provenance) return null;
        return supersession(await ctx.loaders.derived.load(b.parentId)).get(b.id) ?? null;
      },
    }),
    book: t.field({
      type: BookRef,
      nullable: true,
      resolve: (b, _a, ctx) => (b.bookId ? ctx.loaders.book.load(b.bookId) : null),
    }),
    conversation: t.field({
      type: ConversationRef,
      nullable: true,
      resolve: (b, _a, ctx) =>
        b.conversationId ? ctx.loaders.conversation.load(b.conversationId) : null,
    }),
    schema: t.field({
      type: SchemaRef,
      resolve: async (b, _a, ctx) => (await ctx.loaders.schema.load(b.schemaId))!,
    }),
    processor: t.field({
      type: ProcessorRef,
      resolve: async (b, _a, ctx) => (await ctx.loaders.processor.load(b.processorId))!,
    }),
    provenance: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'How a processor made it: processor id and version, input blob and version, schema ids, and for LLM steps the model and a hash of the prompt. Null for your own blobs.',
      resolve: (b) => b.provenance,
    }),
    versions: t.field({
      type: [BlobVersionRef],
      description: `Every version, oldest first; the last is the current content. RESPONSE_TOO_LARGE past ${MAX_LIST_ROWS} versions.`,
      resolve: async (b, _a, ctx) => {
        const cap = ctx.loaders.budget.cap(MAX_LIST_ROWS);
        const versions = ctx.loaders.budget.read(
          await ctx.services.blobs.versions(userOf(ctx), b.id, cap),
          cap,
        );
        if (versions.length > MAX_LIST_ROWS + 1)
          throw tooManyRows('versions', 'read them one at a time with versionAt(version)');
        return versions;
      },
    }),
    versionAt: t.field({
      type: BlobVersionRef,
      nullable: true,
      description:
        'One version of this blob, the current one included; null when it has none such.',
      args: { version: t.arg.int({ required: true }) },
      resolve: async (b, { version }, ctx) => {
        const found = await ctx.services.blobs.versionOf(userOf(ctx), b.id, version);
        ctx.loaders.budget.read([found]);
        return found;
      },
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (b) => b.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (b) => b.updatedAt }),
  }),
});

const BlobFilter = builder.inputType('BlobFilter', {
  description: 'All given fields must match.',
  fields: (t) => ({
    schemaId: t.id(),
    processorId: t.id(),
    bookId: t.id(),
    conversationId: t.id(),
    parentId: t.id(),
  }),
});

const BlobOrderEnum = builder.enumType('BlobOrder', {
  values: { NEWEST_FIRST: {}, OLDEST_FIRST: {} },
});

const CreateBlobInput = builder.inputType('CreateBlobInput', {
  fields: (t) => ({
    schemaId: t.id({ required: true }),
    data: t.field({ type: 'JSON', required: true, description: 'At most 1 MiB once serialised.' }),
    parentId: t.id({ description: 'A blob of yours this one derives from.' }),
    bookId: t.id(),
    conversationId: t.id(),
    idempotencyKey: t.string({
      description:
        'A name you give this create (1 to 128 characters, a UUID for instance): sent again, it answers the blob the first request stored, as it is now, and stores nothing. Retry with it a create whose answer you did not get. The data is not compared (the answer has the data stored: update it if you edited since); BAD_USER_INPUT when the key was used with another schema, parent, book or conversation, or its blob was deleted.',
    }),
  }),
});

const UpdateBlobInput = builder.inputType('UpdateBlobInput', {
  fields: (t) => ({
    data: t.field({ type: 'JSON', required: true }),
    schemaId: t.id({
      description: 'Move the blob to another schema; defaults to its current one.',
    }),
    expectedVersion: t.int({
      description: 'Refuse with VERSION_CONFLICT unless the blob is at this version.',
    }),
  }),
});

const str = (v: string | number | null | undefined) => (v == null ? null : String(v));

builder.queryFields((t) => ({
  blob: t.field({
    type: BlobRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, { id }, ctx, info) => {
      const userId = userOf(ctx);
      const fields = selectedFields(info);
      const include = { parent: fields.has('parent'), derived: fields.has('derived') };
      if (!include.parent && !include.derived) return ctx.loaders.blob.load(String(id));
      // One statement for the blob and the lineage the query asks for; the nested resolvers then
      // find it in the loaders' caches.
      const cap = ctx.loaders.budget.cap(MAX_LIST_ROWS);
      const family = await ctx.services.blobs.family(userId, String(id), include, cap);
      ctx.loaders.budget.read(family ? [family.blob, family.parent, ...family.derived] : [], cap);
      if (!family) return null;
      ctx.loaders.blob.prime(family.blob.id, family.blob);
      if (include.parent && family.blob.parentId)
        ctx.loaders.blob.prime(family.blob.parentId, family.parent);
      if (include.derived && family.derived.length > MAX_LIST_ROWS) {
        ctx.loaders.derived.prime(
          family.blob.id,
          tooManyRows('derived', 'page them with blobs(filter: { parentId })'),
        );
      } else if (include.derived) {
        ctx.loaders.derived.prime(family.blob.id, family.derived);
        for (const d of family.derived) if (!d.withheld) ctx.loaders.blob.prime(d.id, d);
      }
      return family.blob;
    },
  }),
  blobs: t.connection({
    type: BlobRef,
    description:
      'Your blobs, newest first unless `order` says otherwise. Forward pagination only. A page that selects `data` ends early, with `hasNextPage` true, where its data would pass what one response carries (REYNA_RESPONSE_DATA_BYTES, 16 MiB by default).',
    args: {
      filter: t.arg({ type: BlobFilter }),
      order: t.arg({ type: BlobOrderEnum, defaultValue: 'NEWEST_FIRST' }),
    },
    resolve: async (_r, args, ctx, info) => {
      const userId = userOf(ctx);
      if (args.last != null || args.before != null)
        throw badInput('last', 'Only forward pagination (first, after) is supported');
      const f = args.filter ?? {};
      const cap = ctx.loaders.budget.cap();
      const page = await ctx.services.blobs.list(
        userId,
        {
          schemaId: str(f.schemaId),
          processorId: str(f.processorId),
          bookId: str(f.bookId),
          conversationId: str(f.conversationId),
          parentId: str(f.parentId),
        },
        args.order ?? 'NEWEST_FIRST',
        args.first,
        args.after,
        // A page whose data is asked for ends where the response's data budget does.
        { ...cap, shorten: selectedAt(info, ['edges', 'node']).has('data') },
      );
      ctx.loaders.budget.read(page.blobs, cap);
      for (const blob of page.blobs) if (!blob.withheld) ctx.loaders.blob.prime(blob.id, blob);
      const edges = page.blobs.map((node) => ({ cursor: encodeCursor(node.seq), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: args.after != null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
}));

builder.mutationFields((t) => ({
  createBlob: t.field({
    type: BlobRef,
    description: 'Validates data against an active schema and stores it as a blob of yours.',
    args: { input: t.arg({ type: CreateBlobInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.blobs.create(
        userOf(ctx),
        {
          schemaId: String(input.schemaId),
          data: input.data,
          parentId: str(input.parentId),
          bookId: str(input.bookId),
          conversationId: str(input.conversationId),
          idempotencyKey: input.idempotencyKey ?? null,
        },
        undefined,
        ctx.meter,
      ),
  }),
  updateBlob: t.field({
    type: BlobRef,
    description:
      'Re-validates and replaces the data; earlier versions stay readable in `versions`.',
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateBlobInput, required: true }),
    },
    resolve: (_r, { id, input }, ctx) =>
      ctx.services.blobs.update(
        userOf(ctx),
        String(id),
        {
          data: input.data,
          schemaId: str(input.schemaId),
          expectedVersion: input.expectedVersion,
        },
        ctx.meter,
      ),
  }),
  deleteBlob: t.field({
    type: BlobRef,
    description:
      'Soft delete: the blob disappears from every read; blobs derived from it stay, with `parent` null.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.blobs.delete(userOf(ctx), String(id)),
  }),
}));
