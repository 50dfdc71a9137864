/**
 * Real-time: the caller's blob events and derived blobs, over graphql-ws (WebSocket) and SSE.
 * Every delivery carries a `cursor`; subscribing again with `after: <cursor>` replays what was
 * missed, in order and at the subscriber's pace, before live events. A RESET delivery means
 * events were lost (cursor older than the stream retains, or the subscriber fell more than its
 * buffer behind the live flow): refetch, then carry on from its cursor.
 */
import type { Blob } from '../../blobs/blob-types';
import { AppError, badInput, ErrorCode } from '../../errors';
import type { Delivery, EventSubscription } from '../../events/backbone';
import type { StudioEvent } from '../../events/event';
import { inSlot } from '../../events/subscription-slots';
import { builder } from '../builder';
import { type Context, createLoaders, userOf } from '../context';
import { selectedFields } from '../lookahead';
import { BlobRef } from './blob';

/** Deliveries read from the backbone at a time: their blobs are loaded with one query. */
const BATCH = 200;

interface Payload {
  delivery: Delivery;
  blob: Blob | null;
}

/**
 * Wraps a backbone subscription: only deliveries passing `keep`, each with its blob as it is now
 * when `withBlob` (the selection asks for it), loaded for a whole batch of deliveries at once;
 * closing the subscription on return. A batch is what is ready when the subscriber asks for
 * more, so a replay goes at the reader's pace and a single live event is not held back. A class,
 * not an object literal of closures: thousands of idle subscriptions share its methods.
 */
class Deliveries implements AsyncIterableIterator<Payload> {
  private ready: Payload[] = [];

  constructor(
    private readonly ctx: Context,
    private readonly subscription: EventSubscription,
    private readonly keep: (event: StudioEvent) => boolean,
    private readonly withBlob: boolean,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Payload>> {
    while (this.ready.length === 0) {
      const batch = await this.subscription.nextBatch(BATCH);
      if (batch.length === 0) return { value: undefined, done: true };
      const kept = batch.filter((d) => d.kind === 'reset' || this.keep(d.event));
      this.ready = await withBlobs(this.ctx, kept, this.withBlob);
    }
    return { value: this.ready.shift()!, done: false };
  }

  async return(): Promise<IteratorResult<Payload>> {
    this.ready = [];
    await this.subscription.close();
    return { value: undefined, done: true };
  }
}

function deliveries(
  ctx: Context,
  subscription: EventSubscription,
  keep: (event: StudioEvent) => boolean,
  withBlob: boolean,
): AsyncIterable<Payload> {
  return new Deliveries(ctx, subscription, keep, withBlob);
}

/**
 * The blobs of a batch in one query. Their data is held until each is delivered, so the query
 * reads one response's worth of it at most (`DataBudget`); a blob past that is read again when
 * its delivery resolves (`blobOf`).
 */
async function withBlobs(ctx: Context, batch: Delivery[], withBlob: boolean): Promise<Payload[]> {
  const ids = withBlob
    ? batch.flatMap((d) => (d.kind === 'event' && d.event.blobId ? [d.event.blobId] : []))
    : [];
  const blobs = new Map<string, Blob>();
  if (ids.length > 0 && ctx.principal) {
    const found = await ctx.services.blobs.getMany(ctx.principal.userId, [...new Set(ids)], {
      bytes: ctx.services.blobs.responseDataBytes,
    });
    for (const blob of found) blobs.set(blob.id, blob);
  }
  return batch.map((delivery) => ({
    delivery,
    blob: delivery.kind === 'event' ? (blobs.get(delivery.event.blobId ?? '') ?? null) : null,
  }));
}

/** A delivery's blob; one whose data its batch left out is read now, within this delivery's budget. */
function blobOf(p: Payload, _a: unknown, ctx: Context): Blob | null | Promise<Blob | null> {
  return p.blob?.withheld ? ctx.loaders.blob.load(p.blob.id) : p.blob;
}

/** Each delivered event resolves with fresh loaders, for the fields under its blob. */
function deliver(ctx: Context, payload: Payload): Payload {
  ctx.loaders = createLoaders(ctx.services, ctx.principal?.userId ?? null);
  if (payload.delivery.kind === 'event')
    ctx.observeEventLag((Date.now() - Date.parse(payload.delivery.event.time)) / 1000);
  return payload;
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

type BlobEventPayload = Payload;

const eventOf = (p: BlobEventPayload) => (p.delivery.kind === 'event' ? p.delivery.event : null);

const BlobEventRef = builder.objectRef<BlobEventPayload>('BlobEvent').implement({
  description: 'A blob of yours was created, updated or deleted (or RESET: refetch).',
  fields: (t) => ({
    cursor: t.string({
      description: 'Pass as `after` to resume after this event.',
      resolve: (p) => p.delivery.cursor,
    }),
    reset: t.boolean({
      description:
        'True when events were missed (the same delivery as `kind: RESET`): refetch what you show, then continue from its cursor.',
      resolve: (p) => p.delivery.kind === 'reset',
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
      resolve: blobOf,
    }),
  }),
});

type DerivedPayload = Payload;

const BlobDerivedRef = builder.objectRef<DerivedPayload>('BlobDerived').implement({
  description: 'A blob was derived from the watched parent or inside the watched book.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Pass as `after` to resume after this delivery.',
      resolve: (p) => p.delivery.cursor,
    }),
    reset: t.boolean({
      description:
        'True when events were missed: refetch what you show, then continue from its cursor.',
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
    blob: t.field({ type: BlobRef, nullable: true, resolve: blobOf }),
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
    subscribe: async (_r, { filter, after }, ctx, info) => {
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
        ctx,
        subscription,
        (e) =>
          (!kinds || kinds.has(KINDS[e.type.split('.')[1] as keyof typeof KINDS])) &&
          (want.schemaId === null || e.schemaId === want.schemaId) &&
          (want.processorId === null || e.processorId === want.processorId) &&
          (want.bookId === null || e.bookId === want.bookId) &&
          (want.parentId === null || e.parentId === want.parentId),
        selectedFields(info).has('blob'),
      );
    },
    resolve: (payload: Payload, _a, ctx) => deliver(ctx, payload),
  }),
  blobDerived: t.field({
    type: BlobDerivedRef,
    description:
      'Each blob derived from `parentId`, or derived inside `bookId` (give one or both).',
    args: { parentId: t.arg.id(), bookId: t.arg.id(), after: t.arg.string() },
    subscribe: async (_r, args, ctx, info) => {
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
        ctx,
        subscription,
        (e) =>
          e.parentId !== null &&
          ((parentId !== null && e.parentId === parentId) ||
            (bookId !== null && e.bookId === bookId)),
        selectedFields(info).has('blob'),
      );
    },
    resolve: (payload: Payload, _a, ctx) => deliver(ctx, payload),
  }),
}));

builder.queryField('eventCursor', (t) =>
  t.string({
    description:
      'A cursor at the end of the event log now. Take it before a write and pass it as `after` to `blobEvents` or `blobDerived`: everything from the write on is delivered, however late you subscribe.',
    resolve: async (_r, _a, ctx) => {
      userOf(ctx);
      return ctx.events.position();
    },
  }),
);
