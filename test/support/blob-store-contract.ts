/**
 * The blob store contract: what every `BlobStore` (and the outbox it writes to) must do, as tests.
 * `test/blob-store.test.ts` runs it on PostgreSQL and PGlite; `test/mongo-blob-store.test.ts` on
 * MongoDB when MONGODB_URL is set.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/blobs/blob-store';
import type { Admit, Blob, NewBlob, Usage } from '../../src/blobs/blob-types';
import { blobEvent, type StudioEvent } from '../../src/events/event';
import type { OutboxSource } from '../../src/events/outbox-relay';

export interface ContractSubject {
  store: BlobStore;
  /** The outbox the store's writes go to. */
  outbox: OutboxSource;
  /** Ids of a book and a conversation of `userId` that blobs may belong to. */
  book(userId: string): Promise<string>;
  conversation(userId: string): Promise<string>;
  /**
   * A fresh count of the user's stored rows, straight from the database: blobs not deleted, their
   * bytes with earlier versions, and their current bytes. The reference the counters must equal.
   */
  recount(userId: string): Promise<Recount>;
  close(): Promise<void>;
}

export interface Recount {
  blobs: number;
  bytes: number;
  currentBytes: number;
}

/** Data that a careless store would not give back as it was given. */
const AWKWARD = {
  zeta: 1,
  alpha: [1, 2.5, -0.125, 1e21, 2 ** 53 - 1, true, null, 'ünïcödé 👩‍💻'],
  $dollar: { 'dotted.key': 'x', $in: [1], nested: { deeper: [{}, []] } },
  empty: '',
};

const size = (data: unknown) => Buffer.byteLength(JSON.stringify(data));

/**
 * Registers the contract's tests for one store. With `skip` (the reason), every test is reported
 * as skipped instead of run.
 */
export function blobStoreContract(
  name: string,
  setup: () => Promise<ContractSubject>,
  options: { skip?: string } = {},
): void {
  const title = `BlobStore contract: ${name}${options.skip ? ` (skipped: ${options.skip})` : ''}`;
  describe.skipIf(options.skip !== undefined)(title, () => {
    let s: ContractSubject;
    beforeAll(async () => {
      s = await setup();
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    /** Publishes (and returns) what is pending, in order. */
    async function drain(): Promise<StudioEvent[]> {
      const out: StudioEvent[] = [];
      for (;;) {
        const n = await s.outbox.pass(500, async (entries) => {
          out.push(...entries.map((e) => e.event as StudioEvent));
        });
        if (n < 500) return out;
      }
    }
    beforeEach(async () => {
      await drain();
    });

    const user = () => `contract-${randomBytes(5).toString('hex')}`;
    const newBlob = (userId: string, over: Partial<NewBlob> = {}): NewBlob => {
      const data = over.data ?? { content: `text ${randomUUID()}` };
      return {
        id: randomUUID(),
        userId,
        processorId: 'user-input',
        schemaId: 'text-input-v1',
        parentId: null,
        bookId: null,
        conversationId: null,
        ...over,
        data,
        size: size(data),
      };
    };
    const create = (userId: string, over: Partial<NewBlob> = {}) => {
      const blob = newBlob(userId, over);
      return s.store.create(blob, blobEvent('created', blob));
    };
    const update = (b: Blob, data: unknown, expectedVersion?: number | null, userId = b.userId) =>
      s.store.update(
        userId,
        b.id,
        { schemaId: b.schemaId, data, size: size(data), expectedVersion },
        blobEvent('updated', b),
      );
    const ids = (page: { blobs: Blob[] }) => page.blobs.map((b) => b.id);
    const remove = (b: Blob, userId = b.userId) =>
      s.store.softDelete(userId, b.id, blobEvent('deleted', b));

    it('creates a blob at version 1 that reads back exactly, with one pending event', async () => {
      const u = user();
      const input = newBlob(u, { data: AWKWARD });
      const event = blobEvent('created', input);
      const created = await s.store.create(input, event);
      expect(created).toMatchObject({
        id: input.id,
        userId: u,
        processorId: 'user-input',
        schemaId: 'text-input-v1',
        size: size(AWKWARD),
        version: 1,
        parentId: null,
        provenance: null,
      });
      expect(created.createdAt).toBeInstanceOf(Date);
      const read = await s.store.findById(u, input.id);
      expect(read).toEqual(created);
      // Keys with `$` and `.`, numbers, unicode and empty containers survive.
      expect(read!.data).toEqual(AWKWARD);
      expect(await s.outbox.backlog()).toBe(1);
      const published = await drain();
      expect(published.map((e) => e.id)).toEqual([event.id]);
      expect(published[0]).toMatchObject({ type: 'blob.created.text-input-v1', blobId: input.id });
      expect(await s.outbox.backlog()).toBe(0);
      expect(await drain()).toEqual([]);
    });

    it('stores neither the blob nor the event when the event cannot be written', async () => {
      const u = user();
      const first = newBlob(u);
      const event = blobEvent('created', first);
      await s.store.create(first, event);
      const second = newBlob(u);
      // The same event id again: the outbox refuses it, so the blob must not be stored either.
      await expect(s.store.create(second, { ...event, blobId: second.id })).rejects.toThrow();
      expect(await s.store.findById(u, second.id)).toBeNull();
      expect((await drain()).map((e) => e.id)).toEqual([event.id]);
      expect((await s.store.stats(u)).count).toBe(1);
    });

    it('stores a derived blob once per idempotency key', async () => {
      const u = user();
      const parent = await create(u);
      await drain();
      const key = `run:${randomUUID()}`;
      const attempt = () => {
        const blob = {
          ...newBlob(u, { parentId: parent.id, provenance: { run: key, model: 'm' } }),
          idempotencyKey: key,
        };
        return s.store.createOnce(blob, blobEvent('created', blob));
      };
      const first = await attempt();
      const again = await attempt();
      expect(first.created).toBe(true);
      expect(first.blob.provenance).toEqual({ run: key, model: 'm' });
      expect(again.created).toBe(false);
      expect(again.blob.id).toBe(first.blob.id);
      expect((await s.store.findByParents(u, [parent.id])).map((b) => b.id)).toEqual([
        first.blob.id,
      ]);
      expect(await drain()).toHaveLength(1);
    });

    it('updates with a new version, keeping the old content, and honours expectedVersion', async () => {
      const u = user();
      const b = await create(u, { data: { content: 'one' } });
      await drain();
      const v2 = await update(b, { content: 'two' }, 1);
      expect(v2).toMatchObject({ id: b.id, version: 2, data: { content: 'two' } });
      expect(v2!.createdAt).toEqual(b.createdAt);
      expect(await update(b, { content: 'stale' }, 1)).toBeNull();
      expect(await update(b, { content: 'theirs' }, null, user())).toBeNull();
      expect(
        await s.store.update(
          u,
          'not-a-uuid',
          { schemaId: 'x', data: {}, size: 2 },
          blobEvent('updated', b),
        ),
      ).toBeNull();
      const v3 = await update(v2!, { content: 'three' });
      expect(v3!.version).toBe(3);
      const versions = await s.store.versions(u, b.id);
      expect(versions.map((v) => [v.version, v.data])).toEqual([
        [1, { content: 'one' }],
        [2, { content: 'two' }],
        [3, { content: 'three' }],
      ]);
      expect(versions[0]!.size).toBe(size({ content: 'one' }));
      expect((await s.store.versionOf(u, b.id, 1))?.data).toEqual({ content: 'one' });
      expect((await s.store.versionOf(u, b.id.toUpperCase(), 3))?.data).toEqual({
        content: 'three',
      });
      expect(await s.store.versionOf(u, b.id, 4)).toBeNull();
      expect(await s.store.versionOf(user(), b.id, 1)).toBeNull();
      expect(await s.store.versionOf(u, 'not-a-uuid', 1)).toBeNull();
      expect((await drain()).map((e) => e.type)).toEqual([
        'blob.updated.text-input-v1',
        'blob.updated.text-input-v1',
      ]);
      expect((await s.store.findById(u, b.id))!.data).toEqual({ content: 'three' });
    });

    it('updates several blobs all or nothing, each with its event', async () => {
      const u = user();
      const a = await create(u, { data: { content: 'a1' } });
      const b = await create(u, { data: { content: 'b1' } });
      const theirs = await create(user(), { data: { content: 'theirs' } });
      await drain();
      const change = (x: Blob, content: string, expectedVersion?: number | null) => ({
        id: x.id,
        schemaId: x.schemaId,
        data: { content },
        size: size({ content }),
        expectedVersion,
        event: blobEvent('updated', x),
      });
      const before = await s.store.usage(u);
      // One moved on, one another user's, one listed twice, one not an id: nothing is written.
      for (const refused of [
        [change(a, 'a2', 1), change(b, 'b2', 2)],
        [change(a, 'a2', 1), change(theirs, 'x', 1)],
        [change(a, 'a2', 1), change(a, 'a3', 1)],
        [change(a, 'a2', 1), { ...change(b, 'b2', 1), id: 'not-a-uuid' }],
      ]) {
        expect(await s.store.updateAll(u, refused)).toBeNull();
      }
      expect((await s.store.findById(u, a.id))!.version).toBe(1);
      expect(await s.store.usage(u)).toEqual(before);
      expect(await drain()).toEqual([]);
      expect(await s.store.updateAll(u, [])).toEqual([]);

      const updated = await s.store.updateAll(u, [
        change(b, 'b2', 1),
        { ...change(a, 'a2', 1), id: a.id.toUpperCase() },
      ]);
      expect(updated!.map((x) => [x.id, x.version, x.data])).toEqual([
        [b.id, 2, { content: 'b2' }],
        [a.id, 2, { content: 'a2' }],
      ]);
      expect((await s.store.versions(u, a.id)).map((v) => v.data)).toEqual([
        { content: 'a1' },
        { content: 'a2' },
      ]);
      expect((await drain()).map((e) => [e.type, e.blobId, e.details?.version])).toEqual([
        ['blob.updated.text-input-v1', b.id, 2],
        ['blob.updated.text-input-v1', a.id, 2],
      ]);
      expect((await s.store.usage(u)).bytes).toBe(
        before.bytes + size({ content: 'a2' }) + size({ content: 'b2' }),
      );
    });

    it('soft-deletes: the blob leaves every read, once, and only for its owner', async () => {
      const u = user();
      const book = await s.book(u);
      const b = await create(u, { bookId: book });
      const keep = await create(u);
      await drain();
      expect(await remove(b, user())).toBeNull();
      const deleted = await remove(b);
      expect(deleted?.id).toBe(b.id);
      expect(await remove(b)).toBeNull();
      expect(await s.store.findById(u, b.id)).toBeNull();
      expect(await s.store.findByIds(u, [b.id, keep.id])).toEqual([keep]);
      expect(await s.store.findWithFamily(u, b.id, { parent: true, derived: true })).toBeNull();
      expect((await s.store.list(u, {}, 'OLDEST_FIRST', 10, null)).blobs).toEqual([keep]);
      expect(await s.store.chaptersOf(u, book)).toEqual([]);
      expect(await s.store.versions(u, b.id)).toEqual([]);
      expect(await update(b, { content: 'after' })).toBeNull();
      expect(await s.store.stats(u)).toEqual({ count: 1, totalSize: keep.size });
      expect((await drain()).map((e) => e.type)).toEqual(['blob.deleted.text-input-v1']);
    });

    it('reads a blob with its parent and derived blobs, without deleted ones', async () => {
      const u = user();
      const parent = await create(u);
      const c1 = await create(u, { parentId: parent.id });
      const c2 = await create(u, { parentId: parent.id });
      const c3 = await create(u, { parentId: parent.id });
      await remove(c2);
      const family = await s.store.findWithFamily(u, parent.id, { parent: true, derived: true });
      expect(family).toEqual({ blob: parent, parent: null, derived: [c1, c3] });
      expect(await s.store.findWithFamily(u, c1.id, { parent: true, derived: false })).toEqual({
        blob: c1,
        parent,
        derived: [],
      });
      expect(await s.store.findWithFamily(u, parent.id, { parent: false, derived: false })).toEqual(
        { blob: parent, parent: null, derived: [] },
      );
      expect(
        await s.store.findWithFamily(user(), parent.id, { parent: true, derived: true }),
      ).toBeNull();
      expect(await s.store.findWithFamily(u, 'nope', { parent: true, derived: true })).toBeNull();
      await remove(parent);
      expect(await s.store.findWithFamily(u, c1.id, { parent: true, derived: false })).toEqual({
        blob: c1,
        parent: null,
        derived: [],
      });
    });

    it('finds by ids and by parents, only among the user’s visible blobs', async () => {
      const u = user();
      const other = await create(user());
      const p1 = await create(u);
      const p2 = await create(u);
      const a = await create(u, { parentId: p2.id });
      const b = await create(u, { parentId: p1.id });
      const c = await create(u, { parentId: p2.id });
      const found = await s.store.findByIds(u, [p1.id, other.id, randomUUID(), 'bad', p2.id]);
      expect(found.map((x) => x.id).sort()).toEqual([p1.id, p2.id].sort());
      expect(await s.store.findByIds(u, [])).toEqual([]);
      expect((await s.store.findByParents(u, [p1.id, p2.id, 'bad'])).map((x) => x.id)).toEqual([
        a.id,
        b.id,
        c.id,
      ]);
      expect(await s.store.findByParents(user(), [p1.id, p2.id])).toEqual([]);
    });

    it('lists pages in both orders with every filter', async () => {
      const u = user();
      const book = await s.book(u);
      const conversation = await s.conversation(u);
      const made: Blob[] = [];
      for (let i = 0; i < 5; i++) made.push(await create(u, { bookId: i < 3 ? book : null }));
      const child = await create(u, {
        parentId: made[0]!.id,
        conversationId: conversation,
        schemaId: 'expanded-text-v1',
        data: { original: 'a', expanded: 'bb', expansion_ratio: 2 },
      });
      await create(user(), { bookId: null });
      const all = [...made, child];

      const first = await s.store.list(u, {}, 'OLDEST_FIRST', 4, null);
      expect(ids(first)).toEqual(all.slice(0, 4).map((b) => b.id));
      expect(first.hasNextPage).toBe(true);
      const rest = await s.store.list(u, {}, 'OLDEST_FIRST', 4, first.blobs.at(-1)!.seq);
      expect(ids(rest)).toEqual(all.slice(4).map((b) => b.id));
      expect(rest.hasNextPage).toBe(false);
      const newest = await s.store.list(u, {}, 'NEWEST_FIRST', 2, null);
      expect(ids(newest)).toEqual([child.id, made[4]!.id]);
      const older = await s.store.list(u, {}, 'NEWEST_FIRST', 10, newest.blobs.at(-1)!.seq);
      expect(ids(older)).toEqual(
        made
          .slice(0, 4)
          .reverse()
          .map((b) => b.id),
      );

      expect(ids(await s.store.list(u, { bookId: book }, 'OLDEST_FIRST', 10, null))).toEqual(
        made.slice(0, 3).map((b) => b.id),
      );
      for (const filter of [
        { conversationId: conversation },
        { parentId: made[0]!.id },
        { schemaId: 'expanded-text-v1' },
      ]) {
        expect(ids(await s.store.list(u, filter, 'OLDEST_FIRST', 10, null))).toEqual([child.id]);
      }
      expect(
        (await s.store.list(u, { processorId: 'user-input' }, 'OLDEST_FIRST', 10, null)).blobs,
      ).toHaveLength(6);
      expect(
        (await s.store.list(u, { processorId: 'other' }, 'OLDEST_FIRST', 10, null)).blobs,
      ).toEqual([]);
      expect(await s.store.list(u, { bookId: 'not-a-uuid' }, 'OLDEST_FIRST', 10, null)).toEqual({
        blobs: [],
        hasNextPage: false,
      });
      expect(all.every((b, i) => i === 0 || b.seq > all[i - 1]!.seq)).toBe(true);
    });

    it("orders a book's chapters by metadata.chapter, numbers first, then creation", async () => {
      const u = user();
      const book = await s.book(u);
      const otherBook = await s.book(u);
      const chapter = (n: unknown) =>
        create(u, { bookId: book, data: { content: `c${String(n)}`, metadata: { chapter: n } } });
      const ten = await chapter(10);
      const twoA = await chapter(2);
      const none = await create(u, { bookId: book });
      const text = await chapter('1');
      const twoB = await chapter(2);
      const half = await chapter(1.5);
      await create(u, { bookId: book, parentId: ten.id });
      await create(u, { bookId: otherBook, data: { content: 'x', metadata: { chapter: 0 } } });
      expect((await s.store.chaptersOf(u, book)).map((b) => b.id)).toEqual([
        half.id,
        twoA.id,
        twoB.id,
        ten.id,
        none.id,
        text.id,
      ]);
      expect(await s.store.chaptersOf(user(), book)).toEqual([]);
      expect(await s.store.chaptersOf(u, 'not-a-uuid')).toEqual([]);
    });

    it('treats ids as UUIDs: any case in, lower case out', async () => {
      const u = user();
      const book = await s.book(u);
      const b = await create(u, { bookId: book.toUpperCase() });
      expect(b.bookId).toBe(book);
      const child = await create(u, { parentId: b.id.toUpperCase() });
      expect(child.parentId).toBe(b.id);
      expect(await s.store.findById(u, b.id.toUpperCase())).toEqual(b);
      expect(await s.store.findByIds(u, [b.id.toUpperCase()])).toEqual([b]);
      expect(await s.store.findByParents(u, [b.id.toUpperCase()])).toEqual([child]);
      expect(
        ids(await s.store.list(u, { bookId: book.toUpperCase() }, 'OLDEST_FIRST', 10, null)),
      ).toEqual([b.id]);
      expect(await s.store.chaptersOf(u, book.toUpperCase())).toEqual([b]);
      expect(
        (await s.store.findWithFamily(u, b.id.toUpperCase(), { parent: false, derived: true }))
          ?.derived,
      ).toEqual([child]);
      expect((await update(b, { content: 'v2' }, null, u))?.version).toBe(2);
      expect(await s.store.versions(u, b.id.toUpperCase())).toHaveLength(2);
    });

    it('counts visible blobs and their bytes', async () => {
      const u = user();
      expect(await s.store.stats(u)).toEqual({ count: 0, totalSize: 0 });
      const a = await create(u, { data: { content: 'x'.repeat(100) } });
      const b = await create(u, { data: { content: 'ü'.repeat(10) } });
      expect(await s.store.stats(u)).toEqual({ count: 2, totalSize: a.size + b.size });
      expect(b.size).toBe(Buffer.byteLength(JSON.stringify({ content: 'ü'.repeat(10) })));
    });

    it('keeps usage counters equal to a fresh count through every kind of write, and per user', async () => {
      const u = user();
      const neighbour = user();
      /** The usage each admit was shown (a store may decide a fitting write without asking). */
      const shown: Usage[] = [];
      /** Admits a write while the usage before it is at most `most`. */
      const admitUpTo = (most: Usage): Admit =>
        Object.assign(
          (used: Usage) => {
            shown.push(used);
            if (used.blobs > most.blobs || used.bytes > most.bytes) throw new Error('over quota');
          },
          { before: most },
        );
      const admit = admitUpTo({ blobs: Number.MAX_SAFE_INTEGER, bytes: Number.MAX_SAFE_INTEGER });
      /** A create refused by a quota one short of its usage: the store says so, writes nothing. */
      const refusedCreate = async (userId: string, most: Usage, usage: Usage) => {
        const before = await counted(userId);
        const blob = newBlob(userId);
        await expect(
          s.store.create(blob, blobEvent('created', blob), admitUpTo(most)),
        ).rejects.toThrow('over quota');
        expect(shown.at(-1)).toEqual(usage);
        expect(await counted(userId)).toEqual(before);
        expect(await s.store.findById(userId, blob.id)).toBeNull();
      };
      const counted = async (userId: string) => {
        const fresh = await s.recount(userId);
        expect(await s.store.usage(userId)).toEqual({ blobs: fresh.blobs, bytes: fresh.bytes });
        expect(await s.store.stats(userId)).toEqual({
          count: fresh.blobs,
          totalSize: fresh.currentBytes,
        });
        return fresh;
      };
      const theirs = await create(neighbour, { data: { content: 'the neighbour' } });
      const neighbourBefore = await counted(neighbour);

      // Creates, with and without a quota check.
      const a = await create(u, { data: { content: 'a'.repeat(40) } });
      const bInput = newBlob(u, { data: { content: 'b'.repeat(30) } });
      const bEvent = blobEvent('created', bInput);
      const usedA = { blobs: 1, bytes: a.size };
      await refusedCreate(u, { blobs: 0, bytes: a.size }, usedA);
      await refusedCreate(u, { blobs: 1, bytes: a.size - 1 }, usedA);
      // Exactly at the most it admits: stored.
      const b = await s.store.create(bInput, bEvent, admitUpTo(usedA));
      expect(b.id).toBe(bInput.id);
      // A derived blob, then its redelivery (checked and not), which must count nothing.
      const key = `run:${randomUUID()}`;
      const derive = (check?: Admit) => {
        const blob = { ...newBlob(u, { parentId: a.id }), idempotencyKey: key };
        return s.store.createOnce(blob, blobEvent('created', blob), check);
      };
      const derived = await derive(admit);
      expect(derived.created).toBe(true);
      expect((await derive(admit)).created).toBe(false);
      expect((await derive()).created).toBe(false);
      // A create whose event cannot be written stores nothing and counts nothing.
      const dup = newBlob(u);
      await expect(s.store.create(dup, { ...bEvent, blobId: dup.id })).rejects.toThrow();
      await counted(u);

      // Updates: the old content stays as a version and keeps counting.
      const a2 = await update(a, { content: 'a2'.repeat(10) });
      await s.store.update(
        u,
        a.id,
        { schemaId: a.schemaId, data: { content: 'a3' }, size: size({ content: 'a3' }) },
        blobEvent('updated', a2!),
        admit,
      );
      await update(b, { content: 'b2' });
      // Refused updates count nothing: a stale version, another user's blob, a deleted one.
      expect(await update(b, { content: 'stale' }, 1)).toBeNull();
      expect(await update(theirs, { content: 'not mine' }, null, u)).toBeNull();
      const mid = await counted(u);
      expect(mid).toEqual({
        blobs: 3,
        bytes:
          a.size +
          size({ content: 'a2'.repeat(10) }) +
          size({ content: 'a3' }) +
          b.size +
          size({ content: 'b2' }) +
          derived.blob.size,
        currentBytes: size({ content: 'a3' }) + size({ content: 'b2' }) + derived.blob.size,
      });

      // Deletes: the blob and all its versions stop counting; a second delete changes nothing.
      expect(await remove(a)).not.toBeNull();
      expect(await remove(a)).toBeNull();
      expect(await remove(theirs, u)).toBeNull();
      expect(await counted(u)).toEqual({
        blobs: 2,
        bytes: b.size + size({ content: 'b2' }) + derived.blob.size,
        currentBytes: size({ content: 'b2' }) + derived.blob.size,
      });
      expect(await update(a, { content: 'after' })).toBeNull();
      const after = await counted(u);
      const next = newBlob(u);
      const usedAfter = { blobs: after.blobs, bytes: after.bytes };
      await refusedCreate(u, { blobs: after.blobs - 1, bytes: after.bytes }, usedAfter);
      const checked = await s.store.create(next, blobEvent('created', next), admitUpTo(usedAfter));
      await remove(checked);

      // None of that touched the neighbour; the neighbour's writes do not touch this user.
      expect(await counted(neighbour)).toEqual(neighbourBefore);
      const mine = await s.store.usage(u);
      const t2 = await update(theirs, { content: 'the neighbour, again' });
      await create(neighbour);
      await remove(t2!);
      expect(await s.store.usage(u)).toEqual(mine);
      expect((await counted(neighbour)).blobs).toBe(1);
    });

    it('keeps events pending when publishing fails, and publishes them in order later', async () => {
      const u = user();
      const a = await create(u);
      const b = await create(u);
      await expect(
        s.outbox.pass(500, async () => {
          throw new Error('backbone down');
        }),
      ).rejects.toThrow('backbone down');
      expect(await s.outbox.backlog()).toBe(2);
      expect((await drain()).map((e) => e.blobId)).toEqual([a.id, b.id]);
    });
  });
}
