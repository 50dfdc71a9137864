/**
 * Real-time: the caller's blob events and derived blobs, over graphql-ws (WebSocket) and SSE.
 * Every delivery carries a `cursor`; subscribing again with `after: <cursor>` replays what was
 * missed, in order, before live events. A RESET delivery means events were lost (cursor too old,
 * or the subscriber fell more than its buffer behind): refetch, then carry on from its cursor.
 */
import type { Blob } from '../../blobs/blob-types';
import { AppError, badInput, ErrorCode } from '../../errors';
import type { Delivery, EventSubscription } from '../../events/backbone';
import type { StudioEvent } from '../../events/event';
import { inSlot } from '../../events/subscription-slots';
import { builder } from '../builder';
import { type Context, createLoaders, userOf } from '../context';
import { BlobRef } from './blob';

/** Wraps a backbone subscription: only deliveries passing `keep`, and closing it on return. */
function deliveries(
  subscription: EventSubscription,
  keep: (event: StudioEvent) => boolean,
): AsyncIterable<Delivery> {
  return {
    [Symbol.asyncIterator]() {
      const source = subscription[Symbol.asyncIterator]();
      return {
        async next() {
          for (;;) {
            const result = await source.next();
            if (result.done || result.value.kind === 'reset' || keep(result.value.event))
              return result;
          }
        },
        async return() {
          await subscription.close();
          return { value: undefined, done: true };
        },
      };
    },
  };
}

/** Each delivered event resolves with fresh loaders: a subscription's context lives for hours. */
async function freshBlob(ctx: Context, delivery: Delivery): Promise<Blob | null> {
  ctx.loaders = createLoaders(ctx.services, ctx.principal?.userId ?? null);
  if (delivery.kind !== 'event') return null;
  ctx.observeEventLag((Date.now() - Date.parse(delivery.event.time)) / 1000);
  const blobId = delivery.event.blobId;
  return blobId ? ctx.loaders.blob.load(blobId) : null;
}

const KINDS = { created: 'CREATED', updated: 'UPDATED', deleted: 'DELETED' } as const;
type Kind = (typeof KINDS)[keyof typeof KINDS] | 'RESET';

const BlobEventKind = builder.enumType('BlobEventKind', {
  values: {
    CREATED: {},
    UPDATED: {},
    DELETED: {},
    RESET: { description: 'Events were missed: refetch what you show, then continue.' },
  },
});

interface BlobEventPayload {
  delivery: Delivery;
  blob: Blob | null;
}

const eventOf = (p: BlobEventPayload) => (p.delivery.kind === 'event' ? p.delivery.event : null);

const BlobEventRef = builder.objectRef<BlobEventPayload>('BlobEvent').implement({
  description: 'A blob of yours was created, updated or deleted (or RESET: refetch).',
  fields: (t) => ({
    cursor: t.string({
      description: 'Pass as `after` to resume after this event.',
      resolve: (p) => p.delivery.cursor,
    }),
    kind: t.field({
      type: BlobEventKind,
      resolve: (p): Kind => {
        const e = eventOf(p);
        return e ? KINDS[e.type.split('.')[1] as keyof typeof KINDS] : 'RESET';
      },
    }),
    type: t.string({
      nullable: true,
      description: 'e.g. blob.created.text-input-v1',
      resolve: (p) => eventOf(p)?.type ?? null,
    }),
    eventId: t.id({ nullable: true, resolve: (p) => eventOf(p)?.id ?? null }),
    blobId: t.id({ nullable: true, resolve: (p) => eventOf(p)?.blobId ?? null }),
    parentId: t.id({ nullable: true, resolve: (p) => eventOf(p)?.parentId ?? null }),
    processorId: t.id({ nullable: true, resolve: (p) => eventOf(p)?.processorId ?? null }),
    schemaId: t.id({ nullable: true, resolve: (p) => eventOf(p)?.schemaId ?? null }),
    bookId: t.id({ nullable: true, resolve: (p) => eventOf(p)?.bookId ?? null }),
    time: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (p) => (eventOf(p) ? new Date(eventOf(p)!.time) : null),
    }),
    blob: t.field({
      type: BlobRef,
      nullable: true,
      description: 'The blob as it is now; null once deleted.',
      resolve: (p) => p.blob,
    }),
  }),
});

interface DerivedPayload {
  delivery: Delivery;
  blob: Blob | null;
}

const BlobDerivedRef = builder.objectRef<DerivedPayload>('BlobDerived').implement({
  description: 'A blob was derived from the watched parent or inside the watched book.',
  fields: (t) => ({
    cursor: t.string({ resolve: (p) => p.delivery.cursor }),
    reset: t.boolean({
      description: 'True when events were missed: refetch.',
      resolve: (p) => p.delivery.kind === 'reset',
    }),
    parentId: t.id({
      nullable: true,
      resolve: (p) => (p.delivery.kind === 'event' ? p.delivery.event.parentId : null),
    }),
    derivedId: t.id({
      nullable: true,
      resolve: (p) => (p.delivery.kind === 'event' ? p.delivery.event.blobId : null),
    }),
    processorId: t.id({
      nullable: true,
      resolve: (p) => (p.delivery.kind === 'event' ? p.delivery.event.processorId : null),
    }),
    blob: t.field({ type: BlobRef, nullable: true, resolve: (p) => p.blob }),
  }),
});

const BlobEventFilter = builder.inputType('BlobEventFilter', {
  description: 'All given fields must match.',
  fields: (t) => ({
    kinds: t.field({ type: [BlobEventKind] }),
    schemaId: t.id(),
    processorId: t.id(),
    bookId: t.id(),
    parentId: t.id(),
  }),
});

const str = (v: string | number | null | undefined) => (v == null ? null : String(v));

builder.subscriptionFields((t) => ({
  blobEvents: t.field({
    type: BlobEventRef,
    description: 'Your blobs as they are created, updated and deleted.',
    args: {
      filter: t.arg({ type: BlobEventFilter }),
      after: t.arg.string({ description: 'Resume after this cursor.' }),
    },
    subscribe: async (_r, { filter, after }, ctx) => {
      const userId = userOf(ctx);
      const kinds = filter?.kinds?.length ? new Set<string>(filter.kinds) : null;
      const want = {
        schemaId: str(filter?.schemaId),
        processorId: str(filter?.processorId),
        bookId: str(filter?.bookId),
        parentId: str(filter?.parentId),
      };
      const subscription = await inSlot(ctx.slots, userId, () =>
        ctx.events.subscribe(userId, { entity: 'blob', after, bufferSize: ctx.subscriptionBuffer }),
      );
      return deliveries(
        subscription,
        (e) =>
          (!kinds || kinds.has(KINDS[e.type.split('.')[1] as keyof typeof KINDS])) &&
          (want.schemaId === null || e.schemaId === want.schemaId) &&
          (want.processorId === null || e.processorId === want.processorId) &&
          (want.bookId === null || e.bookId === want.bookId) &&
          (want.parentId === null || e.parentId === want.parentId),
      );
    },
    resolve: async (delivery: Delivery, _a, ctx) => ({
      delivery,
      blob: await freshBlob(ctx, delivery),
    }),
  }),
  blobDerived: t.field({
    type: BlobDerivedRef,
    description:
      'Each blob derived from `parentId`, or derived inside `bookId` (give one or both).',
    args: { parentId: t.arg.id(), bookId: t.arg.id(), after: t.arg.string() },
    subscribe: async (_r, args, ctx) => {
      const userId = userOf(ctx);
      const parentId = str(args.parentId);
      const bookId = str(args.bookId);
      if (!parentId && !bookId) throw badInput('parentId', 'Give parentId, bookId or both');
      if (parentId && !(await ctx.services.blobs.get(userId, parentId))) {
        throw new AppError(ErrorCode.NOT_FOUND, `Blob "${parentId}" was not found`, {
          field: 'parentId',
        });
      }
      if (bookId && !(await ctx.services.books.get(userId, bookId))) {
        throw new AppError(ErrorCode.NOT_FOUND, `Book "${bookId}" was not found`, {
          field: 'bookId',
        });
      }
      const subscription = await inSlot(ctx.slots, userId, () =>
        ctx.events.subscribe(userId, {
          entity: 'blob',
          action: 'created',
          after: args.after,
          bufferSize: ctx.subscriptionBuffer,
        }),
      );
      return deliveries(
        subscription,
        (e) =>
          e.parentId !== null &&
          ((parentId !== null && e.parentId === parentId) ||
            (bookId !== null && e.bookId === bookId)),
      );
    },
    resolve: async (delivery: Delivery, _a, ctx) => ({
      delivery,
      blob: await freshBlob(ctx, delivery),
    }),
  }),
}));
