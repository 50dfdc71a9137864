/**
 * The rules of blobs: size cap, validation against an active schema, lineage and membership
 * owned by the same user, version history, soft delete.
 *
 * Deleting a blob hides it from every read (blob, blobs, derived lists, chapters, counts). The
 * blobs derived from it stay; their `parent` reads as null from then on. Nothing new can be
 * derived from, added to or updated on a deleted blob.
 */
import { randomUUID } from 'node:crypto';
import type { BookService } from '../books/book-service';
import type { ConversationService } from '../conversations/conversation-service';
import { AppError, badInput, ErrorCode, notFound } from '../errors';
import { blobEvent, type StudioEvent, withVersion } from '../events/event';
import { type CostMeter, chargeMs } from '../http/cost-meter';
import type { SchemaService } from '../registry/schema-service';
import type { AlsoWrite, BlobStore, Guard, References } from './blob-store';
import type {
  Admit,
  Blob,
  BlobChange,
  BlobFilter,
  BlobOrder,
  BlobPage,
  DataCap,
  NewBlob,
  Usage,
} from './blob-types';
import { DEFAULT_RESPONSE_DATA_BYTES } from './data-budget';

/** The largest serialised blob data accepted: 1 MiB. */
const MAX_BLOB_BYTES = 1024 * 1024;
export const MAX_PAGE = 100;
/** Chapters one book read returns, and one reorder takes. */
export const MAX_CHAPTERS = 1000;
const USER_INPUT_PROCESSOR = 'user-input';
/** Per-user quotas when none are configured (REYNA_QUOTA_BLOBS, REYNA_QUOTA_BYTES). */
export const DEFAULT_QUOTA: Usage = { blobs: 100_000, bytes: 1024 ** 3 };

export interface CreateBlobInput {
  schemaId: string;
  data: unknown;
  parentId?: string | null;
  bookId?: string | null;
  conversationId?: string | null;
  /** The client's name for this create: sent again, it answers the blob stored the first time. */
  idempotencyKey?: string | null;
}

/** How long a client's idempotency key may be, in characters. */
export const MAX_IDEMPOTENCY_KEY = 128;

/**
 * A client's key as stored: its user's, apart from every other user's and from the keys of
 * processors' outputs (which start with the processor's id, and no id holds a slash).
 */
const clientKey = (userId: string, key: string) => `client/${userId.length}/${userId}/${key}`;

/**
 * Bytes of blob data the embedded database stores per millisecond of its thread, about: writing
 * 1 MB took PGlite's thread 16 ms when the data compressed well and 67 ms when it did not (random
 * text), on top of the main thread's parse, checks and hand-over. Its one session is every user's:
 * a user's large writes are charged this, so that they slow that user down before they hold up
 * everyone else's statements (`npm run bench:abuse`, 256 KiB writes).
 */
export const EMBEDDED_STORE_BYTES_PER_MS = 16 * 1024;

export function serialize(data: unknown): { size: number; json: string } {
  if (data === undefined) throw badInput('data', 'data is required');
  const json = JSON.stringify(data);
  const size = Buffer.byteLength(json);
  if (size > MAX_BLOB_BYTES) {
    throw new AppError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `Blob data is ${size} bytes; the limit is ${MAX_BLOB_BYTES} (1 MiB)`,
      {
        field: 'data',
        limit: MAX_BLOB_BYTES,
        actual: size,
      },
    );
  }
  return { size, json };
}

export class BlobService {
  constructor(
    private readonly store: BlobStore,
    private readonly schemas: SchemaService,
    private readonly books: BookService,
    private readonly conversations: ConversationService,
    /**
     * Called after each committed write with the events it queued (create and derive name them:
     * the relay publishes those at once, the others wake a pass).
     */
    private readonly onWrite: (events?: readonly StudioEvent[]) => void = () => {},
    /** What one user may keep: blobs not deleted, and bytes of data with earlier versions. */
    private readonly quota: Usage = DEFAULT_QUOTA,
    /** Blob data one GraphQL response may carry (REYNA_RESPONSE_DATA_BYTES; see `DataBudget`). */
    readonly responseDataBytes = DEFAULT_RESPONSE_DATA_BYTES,
    /**
     * Bytes of blob data stored per millisecond charged to the writer's event-loop budget, where
     * the database works in this process (PGlite: see EMBEDDED_STORE_BYTES_PER_MS); none else.
     */
    private readonly storedBytesPerMs?: number,
  ) {}

  /** `serialize`, and the writing of that much data charged to `meter`. */
  private serialized(data: unknown, meter: CostMeter | undefined): { size: number; json: string } {
    const out = serialize(data);
    if (this.storedBytesPerMs) chargeMs(meter, out.size / this.storedBytesPerMs);
    return out;
  }

  /** Admits a write that adds `blobs` blobs and `bytes` bytes, or throws QUOTA_EXCEEDED. */
  private admit(blobs: number, bytes: number): Admit {
    const check = (used: Usage) => {
      if (used.blobs + blobs > this.quota.blobs) {
        throw new AppError(
          ErrorCode.QUOTA_EXCEEDED,
          `You have ${used.blobs} blobs; the quota is ${this.quota.blobs}. Delete some first.`,
          { quota: 'blobs', limit: this.quota.blobs, used: used.blobs },
        );
      }
      if (used.bytes + bytes > this.quota.bytes) {
        throw new AppError(
          ErrorCode.QUOTA_EXCEEDED,
          `Your blobs take ${used.bytes} bytes (earlier versions included); ${bytes} more would pass the quota of ${this.quota.bytes}`,
          { quota: 'bytes', limit: this.quota.bytes, used: used.bytes, actual: bytes },
        );
      }
    };
    return Object.assign(check, {
      before: { blobs: this.quota.blobs - blobs, bytes: this.quota.bytes - bytes },
    });
  }

  /**
   * Checks a new blob (size and schema) and returns it ready to store, with the check of its
   * references that the store makes (see `BlobStore.create`). Throws a typed error; nothing is
   * written then.
   */
  private async prepare(
    userId: string,
    processorId: string,
    input: CreateBlobInput,
    meter: CostMeter | undefined,
  ): Promise<{ blob: NewBlob; references: References }> {
    const { size, json } = this.serialized(input.data, meter);
    await this.schemas.assertValid(input.schemaId, input.data, meter);
    const blob: NewBlob = {
      id: randomUUID(),
      userId,
      processorId,
      schemaId: input.schemaId,
      data: input.data,
      size,
      json,
      parentId: input.parentId ?? null,
      bookId: input.bookId ?? null,
      conversationId: input.conversationId ?? null,
    };
    return { blob, references: () => this.references(blob) };
  }

  /** Throws NOT_FOUND naming the first of a new blob's parent, book and conversation not the user's. */
  private async references(blob: NewBlob): Promise<void> {
    const { userId, parentId, bookId, conversationId } = blob;
    const [parent, book, conversation] = await Promise.all([
      parentId ? this.store.findById(userId, parentId) : null,
      bookId ? this.books.get(userId, bookId) : null,
      conversationId ? this.conversations.get(userId, conversationId) : null,
    ]);
    for (const [field, id, found, what] of [
      ['parentId', parentId, parent, 'Parent blob'],
      ['bookId', bookId, book, 'Book'],
      ['conversationId', conversationId, conversation, 'Conversation'],
    ] as const) {
      if (id && !found)
        throw new AppError(ErrorCode.NOT_FOUND, `${what} "${id}" was not found`, { field });
    }
  }

  /**
   * Creates a blob for `userId`, produced by `processorId` (`user-input` for the user's own). The
   * checks and storing of its data are charged to `meter` (the request's; see cost-meter.ts).
   */
  async create(
    userId: string,
    input: CreateBlobInput,
    processorId = USER_INPUT_PROCESSOR,
    meter?: CostMeter,
  ): Promise<Blob> {
    if (input.idempotencyKey != null) return this.createOnce(userId, input, processorId, meter);
    const { blob, references } = await this.prepare(userId, processorId, input, meter);
    const event = blobEvent('created', blob);
    const created = await this.store.create(blob, event, this.admit(1, blob.size), references);
    this.onWrite([event]);
    return created;
  }

  /**
   * `create` under the client's idempotency key: the first request with the key stores the blob
   * and its event; one sent again (its answer was lost) answers that blob, as it is now, and
   * stores and publishes nothing. Its data is not compared: the answer carries the data stored,
   * so a client that edited its text before retrying updates the blob next. The same key for
   * another blob (another schema, parent, book or conversation) is BAD_USER_INPUT, and so is a
   * key whose blob has been deleted.
   */
  private async createOnce(
    userId: string,
    input: CreateBlobInput,
    processorId: string,
    meter: CostMeter | undefined,
  ) {
    const key = input.idempotencyKey!;
    if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY || /[\p{Cc}]/u.test(key))
      throw badInput(
        'idempotencyKey',
        `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY} characters, none of them control characters`,
      );
    const { blob, references } = await this.prepare(userId, processorId, input, meter);
    const keyed = { ...blob, idempotencyKey: clientKey(userId, key) };
    const event = blobEvent('created', keyed);
    const stored = await this.store.createOnce(keyed, event, this.admit(1, blob.size), references);
    if (stored.created) {
      this.onWrite([event]);
      return stored.blob;
    }
    const current = await this.store.findById(userId, stored.blob.id);
    if (!current)
      throw badInput(
        'idempotencyKey',
        `The blob created with idempotencyKey "${key}" has been deleted; send a new key to create another`,
      );
    const first = stored.blob;
    const same =
      first.schemaId === blob.schemaId &&
      first.parentId === blob.parentId &&
      first.bookId === blob.bookId &&
      first.conversationId === blob.conversationId;
    if (!same)
      throw badInput(
        'idempotencyKey',
        `idempotencyKey "${key}" was sent before with another blob (blob "${first.id}"); send a new key for a new blob`,
      );
    return current;
  }

  /**
   * Stores a blob a processor derived, validated like any other, exactly once per
   * `idempotencyKey`. The parent, book and conversation must be the user's.
   */
  async derive(
    userId: string,
    processorId: string,
    idempotencyKey: string,
    input: CreateBlobInput & { provenance?: Record<string, unknown> | null },
  ): Promise<{ blob: Blob; created: boolean }> {
    return (await this.deriveIf(null, userId, processorId, idempotencyKey, input))!;
  }

  /**
   * As `derive`, stored only if `guard` holds in the statement that stores it (null: it did
   * not, and nothing was written). A guard needs a store whose blobs live in PostgreSQL.
   */
  async deriveIf(
    guard: Guard | null,
    userId: string,
    processorId: string,
    idempotencyKey: string,
    input: CreateBlobInput & { provenance?: Record<string, unknown> | null },
    /** Writes made by the statement that stores the blob, when it does (needs a guard). */
    also?: AlsoWrite,
  ): Promise<{ blob: Blob; created: boolean; alsoDone?: boolean } | null> {
    // A processor's output is checked like any blob; it is not charged to a request.
    const prepared = await this.prepare(userId, processorId, input, undefined);
    const blob = {
      ...prepared.blob,
      provenance: input.provenance ?? null,
      idempotencyKey,
    };
    const event = blobEvent('created', blob);
    const admit = this.admit(1, blob.size);
    let result: { blob: Blob; created: boolean; alsoDone?: boolean } | null;
    if (guard) {
      if (!this.store.createOnceIf) throw new Error('This blob store cannot check a guard');
      result = await this.store.createOnceIf(guard, blob, event, admit, prepared.references, also);
    } else {
      result = await this.store.createOnce(blob, event, admit, prepared.references);
    }
    if (result?.created) this.onWrite(result.alsoDone && also ? [event, ...also.events] : [event]);
    return result;
  }

  /** Replaces the data (optionally moving to another schema); the old content stays as a version. */
  async update(
    userId: string,
    id: string,
    input: { data: unknown; schemaId?: string | null; expectedVersion?: number | null },
    meter?: CostMeter,
  ): Promise<Blob> {
    const { size, json } = this.serialized(input.data, meter);
    const current = await this.store.findById(userId, id);
    if (!current) throw notFound('Blob', id);
    const schemaId = input.schemaId ?? current.schemaId;
    await this.schemas.assertValid(schemaId, input.data, meter);
    const event = blobEvent('updated', { ...current, schemaId });
    const updated = await this.store.update(
      userId,
      id,
      { schemaId, data: input.data, size, json, expectedVersion: input.expectedVersion },
      event,
      // The current content stays as a version, so an update adds its whole size.
      this.admit(0, size),
    );
    if (updated) {
      // The store stamps the event with the version the update made, as here.
      this.onWrite([withVersion(event, updated.version)]);
      return updated;
    }
    if (input.expectedVersion != null && (await this.store.findById(userId, id))) {
      throw new AppError(
        ErrorCode.VERSION_CONFLICT,
        `Blob "${id}" is no longer at version ${input.expectedVersion}`,
        {
          field: 'expectedVersion',
        },
      );
    }
    throw notFound('Blob', id);
  }

  /**
   * Puts a book's chapters in the order given: `chapterIds` must list each of the book's chapters
   * exactly once. Each chapter whose place changes gets a new version with its
   * `data.metadata.chapter` set to its place (1, 2, ...), all in one transaction: all or nothing.
   * Chapters keep their text, so processors whose input key ignores the number (text expansion)
   * derive nothing again. A chapter written meanwhile fails the whole reorder with VERSION_CONFLICT.
   */
  async reorderChapters(
    userId: string,
    bookId: string,
    chapterIds: readonly string[],
    meter?: CostMeter,
  ): Promise<void> {
    if (!(await this.books.get(userId, bookId)))
      throw new AppError(ErrorCode.NOT_FOUND, `Book "${bookId}" was not found`, {
        field: 'bookId',
      });
    if (chapterIds.length > MAX_CHAPTERS)
      throw badInput('chapterIds', `A book is reordered with at most ${MAX_CHAPTERS} chapters`);
    const given = chapterIds.map((id) => id.toLowerCase());
    const twice = given.find((id, i) => given.indexOf(id) !== i);
    if (twice)
      throw badInput('chapterIds', `Chapter "${twice}" is listed twice; list each chapter once`);
    // Moved chapters are rewritten whole (each gets a new version): the chapters are read within
    // what one response may carry, and the database leaves out the data past it.
    const cap = { bytes: this.responseDataBytes };
    const chapters = await this.store.chaptersOf(userId, bookId, MAX_CHAPTERS + 1, cap);
    const byId = new Map(chapters.map((c) => [c.id.toLowerCase(), c]));
    const unknown = chapterIds.find((id) => !byId.has(id.toLowerCase()));
    if (unknown) throw badInput('chapterIds', `"${unknown}" is not a chapter of book "${bookId}"`);
    if (given.length !== chapters.length) {
      const missing = chapters.filter((c) => !given.includes(c.id.toLowerCase())).length;
      throw badInput(
        'chapterIds',
        `List all ${chapters.length} chapters of the book in their new order; ${missing} missing`,
      );
    }
    if (chapters.some((c) => c.withheld))
      throw new AppError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `The chapters of book "${bookId}" hold more than ${cap.bytes} bytes of data, the most a reorder rewrites (REYNA_RESPONSE_DATA_BYTES); nothing was changed`,
        { field: 'chapterIds', limit: cap.bytes },
      );
    const changes: BlobChange[] = [];
    for (const [index, id] of given.entries()) {
      const chapter = byId.get(id)!;
      const data = (chapter.data ?? {}) as { metadata?: Record<string, unknown> };
      if (data.metadata?.chapter === index + 1) continue;
      const next = { ...data, metadata: { ...(data.metadata ?? {}), chapter: index + 1 } };
      await this.schemas.assertValid(chapter.schemaId, next, meter);
      changes.push({
        id: chapter.id,
        schemaId: chapter.schemaId,
        data: next,
        ...this.serialized(next, meter),
        expectedVersion: chapter.version,
        event: blobEvent('updated', chapter),
      });
    }
    const bytes = changes.reduce((sum, c) => sum + c.size, 0);
    const updated = await this.store.updateAll(userId, changes, this.admit(0, bytes));
    if (!updated) {
      throw new AppError(
        ErrorCode.VERSION_CONFLICT,
        'A chapter of this book changed while it was being reordered; nothing was changed, try again',
        { field: 'chapterIds' },
      );
    }
    if (updated.length > 0)
      this.onWrite(updated.map((blob, i) => withVersion(changes[i]!.event, blob.version)));
  }

  async delete(userId: string, id: string): Promise<Blob> {
    const current = await this.store.findById(userId, id);
    const event = current && blobEvent('deleted', current);
    const deleted = event && (await this.store.softDelete(userId, id, event));
    if (!deleted) throw notFound('Blob', id);
    this.onWrite([event]);
    return deleted;
  }

  get(userId: string, id: string) {
    return this.store.findById(userId, id);
  }

  // Reads given a `DataCap` return data only within it (see `DataBudget`); the others read all.

  family(
    userId: string,
    id: string,
    include: { parent: boolean; derived: boolean },
    cap?: DataCap,
  ) {
    return this.store.findWithFamily(userId, id, include, cap);
  }

  getMany(userId: string, ids: readonly string[], cap?: DataCap) {
    return this.store.findByIds(userId, ids, cap);
  }

  derivedOf(userId: string, parentIds: readonly string[], cap?: DataCap) {
    return this.store.findByParents(userId, parentIds, cap);
  }

  chaptersOf(userId: string, bookId: string, limit?: number, cap?: DataCap) {
    return this.store.chaptersOf(userId, bookId, limit, cap);
  }

  versions(userId: string, id: string, cap?: DataCap) {
    return this.store.versions(userId, id, cap);
  }

  versionOf(userId: string, id: string, version: number) {
    return this.store.versionOf(userId, id, version);
  }

  stats(userId: string) {
    return this.store.stats(userId);
  }

  /** The user's usage as the quota counts it, and the quota. */
  async quotaOf(userId: string): Promise<{ used: Usage; limit: Usage }> {
    return { used: await this.store.usage(userId), limit: this.quota };
  }

  /** A page of the user's blobs. `after` is an opaque cursor from a previous page. */
  list(
    userId: string,
    filter: BlobFilter,
    order: BlobOrder,
    first: number | null | undefined,
    after: string | null | undefined,
    cap?: DataCap & { shorten?: boolean },
  ): Promise<BlobPage> {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE)
      throw badInput('first', `first must be from 0 to ${MAX_PAGE}`);
    return this.store.list(userId, filter, order, size, after ? decodeCursor(after) : null, cap);
  }
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`blob:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^blob:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badInput('after', 'after is not a cursor returned by this API');
  return Number(match[1]);
}
