/** A blob: one JSON document, valid against its schema, owned by one user. */
import type { StudioEvent } from '../events/event';

export interface Blob {
  id: string;
  userId: string;
  processorId: string;
  schemaId: string;
  data: unknown;
  /** Bytes of the serialised data. */
  size: number;
  /** 1 on creation, +1 on each update. */
  version: number;
  parentId: string | null;
  bookId: string | null;
  conversationId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Position in creation order; the pagination cursor. */
  seq: number;
  /** How a processor made it (processor and version, input and version, model, prompt hash). */
  provenance: Record<string, unknown> | null;
  /** Set when a read capped by a `DataCap` left the data out (`data` is then undefined). */
  withheld?: true;
}

/** An earlier (or the current) content of a blob. */
export interface BlobVersion {
  blobId: string;
  version: number;
  schemaId: string;
  data: unknown;
  size: number;
  createdAt: Date;
  /** Set when a read capped by a `DataCap` left the data out (`data` is then undefined). */
  withheld?: true;
}

/** A blob's current content as a version: the last entry of its history. */
export const currentVersion = (blob: Blob): BlobVersion => ({
  blobId: blob.id,
  version: blob.version,
  schemaId: blob.schemaId,
  data: blob.data,
  size: blob.size,
  createdAt: blob.updatedAt,
  ...(blob.withheld ? { withheld: true } : {}),
});

/**
 * What one read made for a response may carry (see `DataBudget`). Blob data in the read's order
 * while the sizes add up to at most `bytes`; the rows past that come back `withheld`, without
 * their data, so a read never holds more data than the response may send. With `rows`, a list
 * read returns at most `rows + 1` rows: one more than that tells the caller there are too many.
 */
export interface DataCap {
  bytes: number;
  rows?: number;
}

/**
 * `rows` (in the order read) with data only while their sizes add up to at most `cap.bytes`: what
 * a store that cannot cap in its query does once the rows are read.
 */
export function capRows<T extends { size: number; data: unknown; withheld?: true }>(
  rows: T[],
  cap: DataCap,
): T[] {
  let running = 0;
  for (const row of rows) {
    running += row.size;
    if (running > cap.bytes) {
      row.data = undefined;
      row.withheld = true;
    }
  }
  return rows;
}

/** One blob's new content in an update of several blobs at once (`BlobStore.updateAll`). */
export interface BlobChange {
  id: string;
  schemaId: string;
  data: unknown;
  size: number;
  /** `data` as JSON text when the caller has it (see `serialize`): stored as is, not made again. */
  json?: string;
  /** The version the blob must still be at; null or absent: any. */
  expectedVersion?: number | null;
  /** The blob's `blob.updated` event (its version is set to the new one when stored). */
  event: StudioEvent;
}

export interface NewBlob {
  /** Chosen by the caller, so that the blob and its event can be written in one statement. */
  id: string;
  userId: string;
  processorId: string;
  schemaId: string;
  data: unknown;
  size: number;
  /** `data` as JSON text when the caller has it (see `serialize`): stored as is, not made again. */
  json?: string;
  parentId: string | null;
  bookId: string | null;
  conversationId: string | null;
  provenance?: Record<string, unknown> | null;
  /** Derived blobs: at most one blob is ever stored per key. */
  idempotencyKey?: string | null;
}

export interface BlobFilter {
  schemaId?: string | null;
  processorId?: string | null;
  bookId?: string | null;
  conversationId?: string | null;
  parentId?: string | null;
}

export type BlobOrder = 'NEWEST_FIRST' | 'OLDEST_FIRST';

export interface BlobPage {
  blobs: Blob[];
  hasNextPage: boolean;
}

export interface BlobFamily {
  blob: Blob;
  /** Null when not asked for, absent or deleted. */
  parent: Blob | null;
  /** Oldest first; empty when not asked for. */
  derived: Blob[];
}

/** What one user's blobs occupy: blobs not deleted, and the bytes of their data and versions. */
export interface Usage {
  blobs: number;
  bytes: number;
}

/**
 * Decides whether a write may go ahead, given the user's usage before it. Stores call it while
 * holding the user's write lock, so writes of one user are admitted one at a time and a burst
 * cannot overshoot; throwing aborts the write and nothing is stored.
 */
export type Admit = ((usage: Usage) => void) & {
  /**
   * The most usage this write admits before it is written: a store that checks the quota in the
   * statement that writes (PostgreSQL's `create`) compares with it, and asks the function only
   * to say why when the write does not fit.
   */
  readonly before: Usage;
};

/**
 * A page from the capped read of `first + 1` blobs. With `shorten`, it ends before the first
 * blob whose data was left out (keeping at least one, whose data then fails to be served), and
 * says more follow.
 */
export function pageOf(blobs: Blob[], first: number, cap: { shorten?: boolean }): BlobPage {
  if (cap.shorten) {
    const fits = blobs.findIndex((b) => b.withheld);
    const end = Math.min(first, fits === -1 ? first : Math.max(1, fits));
    return { blobs: blobs.slice(0, end), hasNextPage: blobs.length > end };
  }
  return { blobs: blobs.slice(0, first), hasNextPage: blobs.length > first };
}
