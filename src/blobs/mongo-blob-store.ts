/**
 * The blob store on MongoDB, with the official driver. Used instead of PostgreSQL for blobs when
 * MONGODB_URL is set; schemas, processors, books, conversations and runs stay in PostgreSQL.
 *
 * Collections (in the database the URL names, `reyna` when it names none):
 * - `blobs`: one document per blob. `json` holds the blob's data as the JSON text that was
 *   validated, so every JSON document round-trips exactly (key order, keys with `$`, `.` or NUL,
 *   which BSON field names cannot all carry); `size` is its byte length.
 * - `blob_versions`: earlier contents, one document per (blob, version).
 * - `outbox`: the events of blob writes, written in the same transaction as the write (MongoDB
 *   transactions need a replica set, so a standalone server is refused at start-up).
 * - `blob_locks`: one document per user, written by every blob write of that user so that the
 *   writes of one user conflict and are admitted one at a time. It also holds the user's usage
 *   counters (as `blob_usage` does on PostgreSQL), changed in the transaction of each write;
 *   a document without them (a user whose blobs predate the counters) is counted once, by the
 *   user's next write.
 * - `counters`: the `seq` counter that orders blobs and outbox entries. Like a PostgreSQL
 *   sequence it is taken outside the transaction: numbers are unique and increasing, a rolled-back
 *   write leaves a gap.
 *
 * Indexes are created at start-up; creating an index that exists with the same options is a
 * no-op, so every instance can do it on every start. The collections are meant unsharded (a
 * replica set): the unique `seq` and idempotency-key indexes could not be built on a collection
 * sharded on another key.
 */
import { randomUUID } from 'node:crypto';
import {
  type ClientSession,
  type Collection,
  type Db,
  MongoClient,
  MongoServerError,
} from 'mongodb';
import { ConnectionString } from 'mongodb-connection-string-url';
import { BASE_CATALOG } from '../events/catalog';
import { type StudioEvent, withVersion } from '../events/event';
import type { OutboxEntry, OutboxSource } from '../events/outbox-relay';
import { isUuid } from '../ids';
import type { BlobStore, References } from './blob-store';
import type {
  Admit,
  Blob,
  BlobChange,
  BlobFamily,
  BlobFilter,
  BlobOrder,
  BlobPage,
  BlobVersion,
  DataCap,
  NewBlob,
  Usage,
} from './blob-types';
import { capRows, currentVersion, pageOf } from './blob-types';

interface BlobDoc {
  _id: string;
  userId: string;
  processorId: string;
  schemaId: string;
  /** The data as JSON text. */
  json: string;
  size: number;
  version: number;
  parentId: string | null;
  bookId: string | null;
  conversationId: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  seq: number;
  provenance: string | null;
  /** Absent on blobs users write; unique where present. */
  idempotencyKey?: string;
}

interface VersionDoc {
  _id: string;
  blobId: string;
  version: number;
  schemaId: string;
  json: string;
  size: number;
  createdAt: Date;
}

interface OutboxDoc {
  /** The event id: a second insert of one event fails, and the write with it. */
  _id: string;
  seq: number;
  userId: string;
  type: string;
  /** The event as JSON text. */
  event: string;
  createdAt: Date;
  pending: boolean;
  publishedAt: Date | null;
  /** A relay's claim while it publishes; expires so a crashed relay's entries are retried. */
  claim: string | null;
  claimedUntil: Date | null;
}

interface CounterDoc {
  _id: string;
  value: number;
}

/** What a user keeps: see `blob_usage` on PostgreSQL. */
interface Counts {
  /** Blobs not deleted. */
  blobs: number;
  /** Their bytes with earlier versions: what the byte quota counts. */
  bytes: number;
  /** Their current versions' bytes: what `stats` reports. */
  currentBytes: number;
}

/** A user's write lock and usage counters; the counters are absent until first counted. */
interface UsageDoc extends Partial<Counts> {
  _id: string;
  writes: number;
}

const toBlob = (doc: BlobDoc): Blob => ({
  id: doc._id,
  userId: doc.userId,
  processorId: doc.processorId,
  schemaId: doc.schemaId,
  data: JSON.parse(doc.json),
  size: doc.size,
  version: doc.version,
  parentId: doc.parentId,
  bookId: doc.bookId,
  conversationId: doc.conversationId,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  seq: doc.seq,
  provenance: doc.provenance === null ? null : (JSON.parse(doc.provenance) as Blob['provenance']),
});

/** The chapter number a book orders by: `data.metadata.chapter` when it is a number. */
function chapterOf(blob: Blob): number | null {
  const metadata = (blob.data as { metadata?: unknown } | null)?.metadata;
  const chapter =
    metadata && typeof metadata === 'object' ? (metadata as { chapter?: unknown }).chapter : null;
  return typeof chapter === 'number' ? chapter : null;
}

/**
 * Ids are UUIDs, which PostgreSQL compares regardless of case and returns in lower case; here they
 * are strings, so every id is lower-cased on the way in to behave the same.
 */
const lower = (id: string): string => id.toLowerCase();
const lowerOrNull = (id: string | null): string | null => (id === null ? null : lower(id));

const DUPLICATE_KEY = 11000;
const isDuplicateKey = (error: unknown, field: string): boolean =>
  error instanceof MongoServerError &&
  error.code === DUPLICATE_KEY &&
  (error.keyPattern === undefined || field in (error.keyPattern as object));

export interface MongoStores {
  client: MongoClient;
  blobs: MongoBlobStore;
  outbox: MongoOutboxSource;
  /** Whether the server answers a ping. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Connects, checks that the deployment can run transactions (a replica set or a sharded cluster),
 * and creates the indexes. Throws with a message naming MONGODB_URL when it cannot.
 */
export async function openMongoStores(
  url: string,
  options: { connectTimeoutMs?: number; claimMs?: number } = {},
): Promise<MongoStores> {
  const timeout = options.connectTimeoutMs ?? 10_000;
  let client: MongoClient | undefined;
  try {
    client = new MongoClient(url, {
      serverSelectionTimeoutMS: timeout,
      connectTimeoutMS: timeout,
      appName: 'reyna-studio-api',
    });
    await client.connect();
    // Reads that decide writes (and every read in a transaction) must see the primary, whatever
    // read preference the URL asks for.
    const name = decodeURIComponent(new ConnectionString(url).pathname.slice(1)) || 'reyna';
    const db = client.db(name, { readPreference: 'primary' });
    const hello = await db.admin().command({ hello: 1 });
    if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') {
      throw new Error(
        'MONGODB_URL: the server is a standalone; blob writes and their events commit in one ' +
          'transaction, which needs a replica set (a single-node one will do)',
      );
    }
    await ensureIndexes(db);
    const blobs = new MongoBlobStore(client, db);
    const outbox = new MongoOutboxSource(db, options.claimMs);
    const connected = client;
    return {
      client: connected,
      blobs,
      outbox,
      async healthy() {
        try {
          await db.command({ ping: 1 });
          return true;
        } catch {
          return false;
        }
      },
      close: () => connected.close(),
    };
  } catch (error) {
    await client?.close().catch(() => {});
    if (error instanceof Error && error.message.startsWith('MONGODB_URL')) throw error;
    throw new Error(`MONGODB_URL: cannot use MongoDB: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Creates every index the store uses. Safe to run again and from several instances at once. */
async function ensureIndexes(db: Db): Promise<void> {
  await db.collection<BlobDoc>('blobs').createIndexes([
    { key: { userId: 1, seq: 1 }, name: 'user_seq' },
    { key: { parentId: 1, seq: 1 }, name: 'parent_seq' },
    { key: { userId: 1, bookId: 1, seq: 1 }, name: 'user_book_seq' },
    { key: { userId: 1, conversationId: 1, seq: 1 }, name: 'user_conversation_seq' },
    { key: { seq: 1 }, name: 'seq', unique: true },
    {
      key: { idempotencyKey: 1 },
      name: 'idempotency_key',
      unique: true,
      // The field is absent on blobs without a key; `$exists` lets equality queries use the index.
      partialFilterExpression: { idempotencyKey: { $exists: true } },
    },
  ]);
  await db
    .collection<VersionDoc>('blob_versions')
    .createIndexes([{ key: { blobId: 1, version: 1 }, name: 'blob_version', unique: true }]);
  await db.collection<OutboxDoc>('outbox').createIndexes([
    { key: { pending: 1, seq: 1 }, name: 'pending_seq' },
    { key: { claim: 1 }, name: 'claim' },
  ]);
  // The counter exists before the first write (concurrent first upserts are retried by the
  // server anyway: the filter is an equality on _id).
  await db
    .collection<CounterDoc>('counters')
    .updateOne({ _id: 'seq' }, { $setOnInsert: { value: 0 } }, { upsert: true });
}

class MongoBlobStore implements BlobStore {
  private readonly blobs: Collection<BlobDoc>;
  private readonly versionsCol: Collection<VersionDoc>;
  private readonly outbox: Collection<OutboxDoc>;
  private readonly counters: Collection<CounterDoc>;
  /** One document per user that writes blobs: the user's write lock and counters (`lockUsage`). */
  private readonly locks: Collection<UsageDoc>;

  constructor(
    private readonly client: MongoClient,
    db: Db,
  ) {
    this.blobs = db.collection<BlobDoc>('blobs');
    this.versionsCol = db.collection<VersionDoc>('blob_versions');
    this.outbox = db.collection<OutboxDoc>('outbox');
    this.counters = db.collection<CounterDoc>('counters');
    this.locks = db.collection<UsageDoc>('blob_locks');
  }

  /** Takes `n` consecutive sequence numbers; returns the first. */
  private async nextSeq(n: number): Promise<number> {
    const doc = await this.counters.findOneAndUpdate(
      { _id: 'seq' },
      { $inc: { value: n } },
      // Majority: a failover must not roll the counter back and hand out numbers twice.
      { upsert: true, returnDocument: 'after', writeConcern: { w: 'majority' } },
    );
    if (!doc) throw new Error('the seq counter did not answer');
    return doc.value - n + 1;
  }

  /** The outbox entry of an event the catalog accepts (blob stores write blob.* kinds only). */
  private outboxDoc(event: StudioEvent, seq: number): OutboxDoc {
    BASE_CATALOG.check(event);
    return {
      _id: event.id,
      seq,
      userId: event.userId,
      type: event.type,
      event: JSON.stringify(event),
      createdAt: new Date(),
      pending: true,
      publishedAt: null,
      claim: null,
      claimedUntil: null,
    };
  }

  /** Runs `fn` in a transaction (retried by the driver on transient errors). */
  private async transaction<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = this.client.startSession();
    try {
      return await session.withTransaction(() => fn(session), {
        readConcern: { level: 'snapshot' },
        writeConcern: { w: 'majority' },
        readPreference: 'primary',
      });
    } finally {
      await session.endSession();
    }
  }

  private newDoc(blob: NewBlob, seq: number): BlobDoc {
    const now = new Date();
    const doc: BlobDoc = {
      _id: lower(blob.id),
      userId: blob.userId,
      processorId: blob.processorId,
      schemaId: blob.schemaId,
      json: blob.json ?? JSON.stringify(blob.data),
      size: blob.size,
      version: 1,
      parentId: lowerOrNull(blob.parentId),
      bookId: lowerOrNull(blob.bookId),
      conversationId: lowerOrNull(blob.conversationId),
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      seq,
      provenance: blob.provenance ? JSON.stringify(blob.provenance) : null,
    };
    if (blob.idempotencyKey != null) doc.idempotencyKey = blob.idempotencyKey;
    return doc;
  }

  /** Makes sure the user's lock document exists, outside any transaction (see `lockUsage`). */
  private async ensureLock(userId: string): Promise<void> {
    await this.locks.updateOne({ _id: userId }, { $setOnInsert: { writes: 0 } }, { upsert: true });
  }

  /**
   * Writes the user's lock document in this transaction and returns the counters it holds. Every
   * write of a user writes that document first, so two of them conflict: the driver retries the
   * loser after the winner commits, and it then reads the counters the winner left. The writes
   * of one user go one at a time, as the usage row lock does on PostgreSQL; other users' never
   * wait. A document not counted yet is counted here, in the same snapshot, and keeps the count.
   */
  private async lockUsage(session: ClientSession, userId: string): Promise<Counts> {
    const doc = await this.locks.findOneAndUpdate(
      { _id: userId },
      { $inc: { writes: 1 } },
      { session, returnDocument: 'after' },
    );
    if (!doc) throw new Error(`the usage document of ${userId} is missing`);
    const counted = countsOf(doc);
    if (counted) return counted;
    const counts = await this.countIn(userId, session);
    await this.locks.updateOne({ _id: userId }, { $set: counts }, { session });
    return counts;
  }

  /** Adds to the user's counters; the caller holds the lock (`lockUsage`). */
  private async count(session: ClientSession, userId: string, add: Counts): Promise<void> {
    await this.locks.updateOne({ _id: userId }, { $inc: { ...add } }, { session });
  }

  /** Counts the user's blobs and versions: only for users whose counters are not kept yet. */
  private async countIn(userId: string, session?: ClientSession): Promise<Counts> {
    const [row] = await this.blobs
      .aggregate<Counts>(
        [
          { $match: { userId, deletedAt: null } },
          {
            $lookup: {
              from: 'blob_versions',
              localField: '_id',
              foreignField: 'blobId',
              as: 'versions',
              pipeline: [{ $project: { size: 1 } }],
            },
          },
          {
            $group: {
              _id: null,
              blobs: { $sum: 1 },
              bytes: { $sum: { $add: ['$size', { $sum: '$versions.size' }] } },
              currentBytes: { $sum: '$size' },
            },
          },
        ],
        { session },
      )
      .toArray();
    return { blobs: row?.blobs ?? 0, bytes: row?.bytes ?? 0, currentBytes: row?.currentBytes ?? 0 };
  }

  private async countsNow(userId: string): Promise<Counts> {
    const doc = await this.locks.findOne({ _id: userId });
    return (doc && countsOf(doc)) ?? this.countIn(userId);
  }

  async usage(userId: string): Promise<Usage> {
    const { blobs, bytes } = await this.countsNow(userId);
    return { blobs, bytes };
  }

  /**
   * Inserts a new blob and its event in one transaction, and counts it; returns the stored blob.
   * A derived blob already stored under its key is returned instead (`created` false), counting
   * nothing and not asking `admit`.
   */
  private async insertWithEvent(
    blob: NewBlob,
    event: StudioEvent,
    admit?: Admit,
  ): Promise<{ blob: Blob; created: boolean }> {
    const seq = await this.nextSeq(2);
    const doc = this.newDoc(blob, seq);
    await this.ensureLock(blob.userId);
    return this.transaction(async (session) => {
      const usage = await this.lockUsage(session, blob.userId);
      if (blob.idempotencyKey != null) {
        const stored = await this.blobs.findOne(
          { idempotencyKey: blob.idempotencyKey },
          { session },
        );
        if (stored) return { blob: toBlob(stored), created: false };
      }
      admit?.(usage);
      await this.blobs.insertOne(doc, { session });
      await this.outbox.insertOne(this.outboxDoc(event, seq + 1), { session });
      await this.count(session, blob.userId, {
        blobs: 1,
        bytes: doc.size,
        currentBytes: doc.size,
      });
      return { blob: toBlob(doc), created: true };
    });
  }

  async create(
    blob: NewBlob,
    event: StudioEvent,
    admit?: Admit,
    references?: References,
  ): Promise<Blob> {
    // Books and conversations live in PostgreSQL: checked before the write.
    await references?.();
    // As on PostgreSQL: provenance and idempotency keys belong to derived blobs (createOnce).
    return (
      await this.insertWithEvent({ ...blob, provenance: null, idempotencyKey: null }, event, admit)
    ).blob;
  }

  async createOnce(
    blob: NewBlob & { idempotencyKey: string },
    event: StudioEvent,
    admit?: Admit,
    references?: References,
  ): Promise<{ blob: Blob; created: boolean }> {
    await references?.();
    // The unique index decides, as `on conflict do nothing` does on PostgreSQL: no read first.
    try {
      return await this.insertWithEvent(blob, event, admit);
    } catch (error) {
      if (!isDuplicateKey(error, 'idempotencyKey')) throw error;
      // Stored before (a redelivery or a concurrent worker): that one stands.
      const stored = await this.blobs.findOne({ idempotencyKey: blob.idempotencyKey });
      if (!stored) throw error;
      return { blob: toBlob(stored), created: false };
    }
  }

  async update(
    userId: string,
    id: string,
    change: { schemaId: string; data: unknown; size: number; expectedVersion?: number | null },
    event: StudioEvent,
    admit?: Admit,
  ): Promise<Blob | null> {
    return (await this.updateAll(userId, [{ id, ...change, event }], admit))?.[0] ?? null;
  }

  async updateAll(
    userId: string,
    changes: readonly BlobChange[],
    admit?: Admit,
  ): Promise<Blob[] | null> {
    if (changes.length === 0) return [];
    if (!changes.every((c) => isUuid(c.id))) return null;
    const ids = changes.map((c) => lower(c.id));
    if (new Set(ids).size !== ids.length) return null;
    const outboxSeq = await this.nextSeq(changes.length);
    await this.ensureLock(userId);
    return this.transaction(async (session) => {
      const usage = await this.lockUsage(session, userId);
      const docs = await this.blobs
        .find({ _id: { $in: ids }, userId, deletedAt: null }, { session })
        .toArray();
      const byId = new Map(docs.map((d) => [d._id, d]));
      const currents = ids.map((id) => byId.get(id));
      // All or nothing: one absent or moved-on blob and nothing is written.
      for (const [i, current] of currents.entries()) {
        const expected = changes[i]!.expectedVersion;
        if (!current || (expected != null && current.version !== expected)) return null;
      }
      admit?.(usage);
      const updatedAll: Blob[] = [];
      for (const [i, change] of changes.entries()) {
        const current = currents[i]!;
        const id = current._id;
        await this.versionsCol.insertOne(
          {
            _id: `${id}:${current.version}`,
            blobId: id,
            version: current.version,
            schemaId: current.schemaId,
            json: current.json,
            size: current.size,
            createdAt: current.updatedAt,
          },
          { session },
        );
        const updated = await this.blobs.findOneAndUpdate(
          { _id: id, version: current.version },
          {
            $set: {
              json: change.json ?? JSON.stringify(change.data),
              schemaId: change.schemaId,
              size: change.size,
              version: current.version + 1,
              updatedAt: new Date(),
            },
          },
          { session, returnDocument: 'after' },
        );
        if (!updated) throw new Error(`blob ${id} changed during its update`);
        // The old content stays as a version and keeps counting: only the new bytes are added.
        await this.count(session, userId, {
          blobs: 0,
          bytes: change.size,
          currentBytes: change.size - current.size,
        });
        await this.outbox.insertOne(
          this.outboxDoc(withVersion(change.event, updated.version), outboxSeq + i),
          { session },
        );
        updatedAll.push(toBlob(updated));
      }
      return updatedAll;
    });
  }

  async softDelete(userId: string, id: string, event: StudioEvent): Promise<Blob | null> {
    if (!isUuid(id)) return null;
    id = lower(id);
    const outboxSeq = await this.nextSeq(1);
    await this.ensureLock(userId);
    return this.transaction(async (session) => {
      await this.lockUsage(session, userId);
      const deleted = await this.blobs.findOneAndUpdate(
        { _id: id, userId, deletedAt: null },
        { $set: { deletedAt: new Date() } },
        { session, returnDocument: 'after' },
      );
      if (!deleted) return null;
      // The blob and its versions stop counting. An update adding a version would write the
      // lock document too, so it cannot commit between this sum and this transaction's commit.
      const [versions] = await this.versionsCol
        .aggregate<{ bytes: number }>(
          [{ $match: { blobId: id } }, { $group: { _id: null, bytes: { $sum: '$size' } } }],
          { session },
        )
        .toArray();
      await this.count(session, userId, {
        blobs: -1,
        bytes: -(deleted.size + (versions?.bytes ?? 0)),
        currentBytes: -deleted.size,
      });
      await this.outbox.insertOne(this.outboxDoc(event, outboxSeq), { session });
      return toBlob(deleted);
    });
  }

  async findById(userId: string, id: string): Promise<Blob | null> {
    if (!isUuid(id)) return null;
    id = lower(id);
    const doc = await this.blobs.findOne({ _id: id, userId, deletedAt: null });
    return doc ? toBlob(doc) : null;
  }

  async findWithFamily(
    userId: string,
    id: string,
    include: { parent: boolean; derived: boolean },
    cap?: DataCap,
  ): Promise<BlobFamily | null> {
    if (!isUuid(id)) return null;
    id = lower(id);
    // One round trip: the blob, its parent and its children through $lookup.
    const visible = { userId, deletedAt: null };
    const pipeline: object[] = [{ $match: { _id: id, ...visible } }];
    if (include.parent) {
      pipeline.push({
        $lookup: {
          from: 'blobs',
          localField: 'parentId',
          foreignField: '_id',
          as: 'parentDocs',
          pipeline: [{ $match: visible }],
        },
      });
    }
    if (include.derived) {
      pipeline.push({
        $lookup: {
          from: 'blobs',
          localField: '_id',
          foreignField: 'parentId',
          as: 'derivedDocs',
          pipeline: [
            { $match: visible },
            { $sort: { seq: 1 } },
            ...(cap?.rows === undefined ? [] : [{ $limit: cap.rows + 1 }]),
          ],
        },
      });
    }
    const [row] = await this.blobs
      .aggregate<BlobDoc & { parentDocs?: BlobDoc[]; derivedDocs?: BlobDoc[] }>(pipeline)
      .toArray();
    if (!row) return null;
    const { parentDocs = [], derivedDocs = [], ...self } = row;
    return {
      blob: toBlob(self),
      parent: parentDocs[0] ? toBlob(parentDocs[0]) : null,
      // MongoDB caps the data once read: the row cap bounds what it reads.
      derived: cap ? capRows(derivedDocs.map(toBlob), cap) : derivedDocs.map(toBlob),
    };
  }

  async findByIds(userId: string, ids: readonly string[], cap?: DataCap): Promise<Blob[]> {
    const valid = ids.filter(isUuid).map(lower);
    if (valid.length === 0) return [];
    const docs = await this.blobs
      .find({ _id: { $in: valid }, userId, deletedAt: null })
      .sort({ seq: 1 })
      .toArray();
    return cap ? capRows(docs.map(toBlob), cap) : docs.map(toBlob);
  }

  async findByParents(
    userId: string,
    parentIds: readonly string[],
    cap?: DataCap,
  ): Promise<Blob[]> {
    const valid = parentIds.filter(isUuid).map(lower);
    if (valid.length === 0) return [];
    const docs = await this.blobs
      .find({ parentId: { $in: valid }, userId, deletedAt: null })
      .sort({ seq: 1 })
      .limit(cap?.rows === undefined ? 0 : cap.rows + 1)
      .toArray();
    return cap ? capRows(docs.map(toBlob), cap) : docs.map(toBlob);
  }

  async list(
    userId: string,
    filter: BlobFilter,
    order: BlobOrder,
    first: number,
    afterSeq: number | null,
    cap?: DataCap & { shorten?: boolean },
  ): Promise<BlobPage> {
    const query: Record<string, unknown> = { userId, deletedAt: null };
    for (const key of ['bookId', 'conversationId', 'parentId'] as const) {
      const value = filter[key];
      if (value == null) continue;
      if (!isUuid(value)) return { blobs: [], hasNextPage: false };
      query[key] = lower(value);
    }
    if (filter.schemaId != null) query.schemaId = filter.schemaId;
    if (filter.processorId != null) query.processorId = filter.processorId;
    const newest = order === 'NEWEST_FIRST';
    if (afterSeq !== null) query.seq = newest ? { $lt: afterSeq } : { $gt: afterSeq };
    const docs = await this.blobs
      .find(query)
      .sort({ seq: newest ? -1 : 1 })
      .limit(first + 1)
      .toArray();
    if (cap) return pageOf(capRows(docs.map(toBlob), cap), first, cap);
    return { blobs: docs.slice(0, first).map(toBlob), hasNextPage: docs.length > first };
  }

  async chaptersOf(userId: string, bookId: string, limit?: number, cap?: DataCap): Promise<Blob[]> {
    if (!isUuid(bookId)) return [];
    const docs = await this.blobs
      .find({ userId, bookId: lower(bookId), parentId: null, deletedAt: null })
      .sort({ seq: 1 })
      .toArray();
    // Numbered chapters in order, then the rest; ties in creation order (the sort is stable).
    const chapters = docs
      .map(toBlob)
      .map((blob) => ({ blob, chapter: chapterOf(blob) }))
      .sort((a, b) =>
        a.chapter === null
          ? b.chapter === null
            ? 0
            : 1
          : b.chapter === null
            ? -1
            : a.chapter - b.chapter,
      )
      .map((c) => c.blob)
      .slice(0, limit);
    return cap ? capRows(chapters, cap) : chapters;
  }

  async versions(userId: string, id: string, cap?: DataCap): Promise<BlobVersion[]> {
    const current = await this.findById(userId, id);
    if (!current) return [];
    const docs = await this.versionsCol
      .find({ blobId: current.id })
      .sort({ version: 1 })
      .limit(cap?.rows === undefined ? 0 : cap.rows + 1)
      .toArray();
    let running = 0;
    const versions: BlobVersion[] = docs.map((d) => {
      running += d.size;
      // The JSON of a version past the cap is not parsed.
      const withheld = cap !== undefined && running > cap.bytes;
      return {
        blobId: d.blobId,
        version: d.version,
        schemaId: d.schemaId,
        data: withheld ? undefined : (JSON.parse(d.json) as unknown),
        size: d.size,
        createdAt: d.createdAt,
        ...(withheld ? { withheld: true as const } : {}),
      };
    });
    const last = currentVersion(current);
    versions.push(
      cap && running + current.size > cap.bytes
        ? { ...last, data: undefined, withheld: true }
        : last,
    );
    return versions;
  }

  async versionOf(userId: string, id: string, version: number): Promise<BlobVersion | null> {
    const current = await this.findById(userId, id);
    if (!current) return null;
    if (version === current.version) return currentVersion(current);
    const d = await this.versionsCol.findOne({ _id: `${current.id}:${version}` });
    return d
      ? {
          blobId: d.blobId,
          version: d.version,
          schemaId: d.schemaId,
          data: JSON.parse(d.json) as unknown,
          size: d.size,
          createdAt: d.createdAt,
        }
      : null;
  }

  async stats(userId: string): Promise<{ count: number; totalSize: number }> {
    const { blobs, currentBytes } = await this.countsNow(userId);
    return { count: blobs, totalSize: currentBytes };
  }
}

/** The counters a usage document holds, or null when it has not been counted yet. */
function countsOf(doc: UsageDoc): Counts | null {
  const { blobs, bytes, currentBytes } = doc;
  return blobs === undefined || bytes === undefined || currentBytes === undefined
    ? null
    : { blobs, bytes, currentBytes };
}

/**
 * The MongoDB outbox. A pass claims the oldest pending entries with a claim id and an expiry,
 * publishes them, then marks them sent; a failed publish releases the claim, and a relay that
 * dies mid-pass leaves a claim that expires after `claimMs`, when another relay republishes (the
 * backbone drops the duplicates by event id).
 */
class MongoOutboxSource implements OutboxSource {
  readonly name = 'mongodb';
  private readonly outbox: Collection<OutboxDoc>;

  constructor(
    db: Db,
    private readonly claimMs = 30_000,
  ) {
    this.outbox = db.collection<OutboxDoc>('outbox');
  }

  async pass(limit: number, publish: (entries: OutboxEntry[]) => Promise<void>): Promise<number> {
    const now = new Date();
    const claimable = {
      pending: true,
      $or: [{ claimedUntil: null }, { claimedUntil: { $lt: now } }],
    };
    const candidates = await this.outbox
      .find(claimable, { projection: { _id: 1 } })
      .sort({ seq: 1 })
      .limit(limit)
      .toArray();
    if (candidates.length === 0) return 0;
    const claim = randomUUID();
    await this.outbox.updateMany(
      { _id: { $in: candidates.map((c) => c._id) }, ...claimable },
      { $set: { claim, claimedUntil: new Date(now.getTime() + this.claimMs) } },
    );
    const claimed = await this.outbox.find({ claim, pending: true }).sort({ seq: 1 }).toArray();
    // Only what was handed to `publish` is marked sent: nothing claimed can be skipped.
    const published = { _id: { $in: claimed.map((doc) => doc._id) }, claim };
    try {
      await publish(claimed.map((doc) => ({ id: doc.seq, event: JSON.parse(doc.event) })));
    } catch (error) {
      await this.outbox
        .updateMany(published, { $set: { claim: null, claimedUntil: null } })
        .catch(() => {});
      throw error;
    }
    await this.outbox.updateMany(published, {
      $set: { pending: false, publishedAt: new Date(), claim: null, claimedUntil: null },
    });
    // Candidates, not claims: entries another relay took count, so the caller keeps draining.
    return candidates.length;
  }

  async backlog(): Promise<number> {
    return this.outbox.countDocuments({ pending: true });
  }
}
