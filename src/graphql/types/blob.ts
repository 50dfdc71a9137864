import { encodeCursor } from '../../blobs/blob-service';
import type { Blob, BlobVersion } from '../../blobs/blob-types';
import { currentOnly, supersession } from '../../blobs/lineage';
import { badInput } from '../../errors';
import { chargeData } from '../../http/cost-meter';
import { builder } from '../builder';
import { userOf } from '../context';
import { selectedFields } from '../lookahead';
import { BookRef } from './book';
import { ConversationRef } from './conversation';
import { ProcessorRef } from './processor';
import { SchemaRef } from './schema';

export const BlobRef = builder.objectRef<Blob>('Blob');

const BlobVersionRef = builder.objectRef<BlobVersion>('BlobVersion').implement({
  description: 'The content a blob had at one version.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    schemaId: t.exposeID('schemaId'),
    data: t.field({
      type: 'JSON',
      resolve: (v) => {
        chargeData(v.size);
        return v.data;
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
      // Served data counts against the user's event-loop budget (see DATA_BYTES_PER_MS).
      resolve: (b) => {
        chargeData(b.size);
        return b.data;
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
      description:
        'Blobs derived from this one, oldest first: the current ones, unless `includeSuperseded` (then also those made from earlier versions of this blob, with `supersededBy` set).',
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
      description: 'Every version, oldest first; the last is the current content.',
      resolve: (b, _a, ctx) => ctx.services.blobs.versions(userOf(ctx), b.id),
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
      const family = await ctx.services.blobs.family(userId, String(id), include);
      if (!family) return null;
      ctx.loaders.blob.prime(family.blob.id, family.blob);
      if (include.parent && family.blob.parentId)
        ctx.loaders.blob.prime(family.blob.parentId, family.parent);
      if (include.derived) {
        ctx.loaders.derived.prime(family.blob.id, family.derived);
        for (const d of family.derived) ctx.loaders.blob.prime(d.id, d);
      }
      return family.blob;
    },
  }),
  blobs: t.connection({
    type: BlobRef,
    description: 'Your blobs, newest first unless `order` says otherwise. Forward pagination only.',
    args: {
      filter: t.arg({ type: BlobFilter }),
      order: t.arg({ type: BlobOrderEnum, defaultValue: 'NEWEST_FIRST' }),
    },
    resolve: async (_r, args, ctx) => {
      const userId = userOf(ctx);
      if (args.last != null || args.before != null)
        throw badInput('last', 'Only forward pagination (first, after) is supported');
      const f = args.filter ?? {};
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
      );
      for (const blob of page.blobs) ctx.loaders.blob.prime(blob.id, blob);
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
      ctx.services.blobs.create(userOf(ctx), {
        schemaId: String(input.schemaId),
        data: input.data,
        parentId: str(input.parentId),
        bookId: str(input.bookId),
        conversationId: str(input.conversationId),
      }),
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
      ctx.services.blobs.update(userOf(ctx), String(id), {
        data: input.data,
        schemaId: str(input.schemaId),
        expectedVersion: input.expectedVersion,
      }),
  }),
  deleteBlob: t.field({
    type: BlobRef,
    description:
      'Soft delete: the blob disappears from every read; blobs derived from it stay, with `parent` null.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.blobs.delete(userOf(ctx), String(id)),
  }),
}));
