/**
 * The blob store port. PostgreSQL implements it (pg-blob-store.ts); a MongoDB adapter implements
 * the same interface and passes the same contract tests. Every write stores its event in the
 * outbox in the same transaction (a relay publishes it later). Every method is scoped to one user: a
 * blob of another user is indistinguishable from a blob that does not exist. Deleted blobs are
 * invisible to every read.
 *
 * Every write that changes what a user keeps also updates that user's usage counters in the same
 * transaction, under the user's write lock, so `usage` and `stats` read counters instead of
 * summing the user's blobs, and they always equal such a sum.
 */
import type { RawBuilder } from 'kysely';
import type { StudioEvent } from '../events/event';
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

/** Checks that a new blob's parent, book and conversation are its user's; throws if not. */
export type References = () => Promise<void>;

/** A condition in SQL that a write requires in its own statement (see `createOnceIf`). */
export type Guard = RawBuilder<boolean>;

/**
 * More writes for the statement that stores a blob (see `createOnceIf`): common table
 * expressions that run only when the blob is inserted and may read it (`inserted`, with the
 * blob's columns). The last of them is named `also_done`: the write it stands for happened when
 * it returns a row. `events` are what those writes queued in the outbox, published after the
 * blob's own when they happened.
 */
export interface AlsoWrite {
  ctes: RawBuilder<unknown>;
  events: readonly StudioEvent[];
}

export interface BlobStore {
  /**
   * Stores a new blob (version 1) and its event, atomically: both or neither. With `admit`, the
   * user's usage is read and admitted under the user's write lock first (see `Admit`). With
   * `references`, nothing is stored unless the blob's parent, book and conversation are the
   * user's: a store that can check them in its write calls `references` only when one is not
   * (it throws, saying which), others call it first.
   */
  create(blob: NewBlob, event: StudioEvent, admit?: Admit, references?: References): Promise<Blob>;
  /**
   * Stores a derived blob under `blob.idempotencyKey` with its event, exactly once: when a blob
   * with that key exists, it is returned and nothing is written (`admit` is not asked then).
   * `references` as for `create`.
   */
  createOnce(
    blob: NewBlob & { idempotencyKey: string },
    event: StudioEvent,
    admit?: Admit,
    references?: References,
  ): Promise<{ blob: Blob; created: boolean }>;
  /**
   * As `createOnce`, with `guard` also required by the statement that stores the blob: null when
   * it was false, and nothing was written. Only stores whose blobs live in PostgreSQL have it
   * (the guard is SQL about the database's other tables).
   */
  createOnceIf?(
    guard: Guard,
    blob: NewBlob & { idempotencyKey: string },
    event: StudioEvent,
    admit?: Admit,
    references?: References,
    /** Made in the same statement when it inserts the blob (not when the key was stored). */
    also?: AlsoWrite,
  ): Promise<{ blob: Blob; created: boolean; alsoDone?: boolean } | null>;
  /**
   * Replaces a blob's data, keeping the previous content as a readable version. Returns null
   * when the blob is absent, deleted, another user's, or (with `expectedVersion`) has moved on.
   * `admit` is asked, under the user's write lock, before anything is written.
   */
  update(
    userId: string,
    id: string,
    change: Pick<BlobChange, 'schemaId' | 'data' | 'size' | 'json' | 'expectedVersion'>,
    event: StudioEvent,
    admit?: Admit,
  ): Promise<Blob | null>;
  /**
   * Updates several blobs of one user in one transaction, each with its event: all or nothing.
   * Returns null (nothing written) when any is absent, deleted, another user's, listed twice, or
   * no longer at its `expectedVersion`. `admit` is asked once, before anything is written.
   */
  updateAll(userId: string, changes: readonly BlobChange[], admit?: Admit): Promise<Blob[] | null>;
  /** Marks a blob deleted (with its event); null when there was no visible blob to delete. */
  softDelete(userId: string, id: string, event: StudioEvent): Promise<Blob | null>;
  findById(userId: string, id: string): Promise<Blob | null>;
  /**
   * A blob with, when asked, its parent and its derived blobs, in one round trip: what a client
   * showing one blob and its lineage asks for.
   */
  findWithFamily(
    userId: string,
    id: string,
    include: { parent: boolean; derived: boolean },
    cap?: DataCap,
  ): Promise<BlobFamily | null>;
  /**
   * Reads given a `DataCap` (those made for a response) return data only within it: the rows
   * past it are `withheld`. `cap.rows` applies to `findByParents` and `versions`.
   */
  findByIds(userId: string, ids: readonly string[], cap?: DataCap): Promise<Blob[]>;
  /** Visible blobs whose parent is one of `parentIds`, in creation order. */
  findByParents(userId: string, parentIds: readonly string[], cap?: DataCap): Promise<Blob[]>;
  /**
   * A page in `order`, after the blob at position `afterSeq` when given. With a cap and
   * `shorten`, the page ends before the first blob whose data does not fit (it keeps at least
   * one), and `hasNextPage` is true.
   */
  list(
    userId: string,
    filter: BlobFilter,
    order: BlobOrder,
    first: number,
    afterSeq: number | null,
    cap?: DataCap & { shorten?: boolean },
  ): Promise<BlobPage>;
  /** Top-level blobs of a book, ordered by `data.metadata.chapter`, then creation; the first `limit`. */
  chaptersOf(userId: string, bookId: string, limit?: number, cap?: DataCap): Promise<Blob[]>;
  /** Every version, oldest first, the current one last. */
  versions(userId: string, id: string, cap?: DataCap): Promise<BlobVersion[]>;
  /** One version (the current one included); null when the blob or that version is not there. */
  versionOf(userId: string, id: string, version: number): Promise<BlobVersion | null>;
  /** Visible blobs and the bytes of their current versions. */
  stats(userId: string): Promise<{ count: number; totalSize: number }>;
  /** The user's usage as quotas count it (earlier versions included). */
  usage(userId: string): Promise<Usage>;
}
