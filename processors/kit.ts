/**
 * The contract between the processor runtime and a processor. A processor is a folder under
 * processors/ with a `definition` and a `handle` function; it imports this file and nothing of
 * the server. The runtime registers it (and its schemas) at start-up, feeds it validated input,
 * retries it, records its runs and makes its derived blobs exactly-once.
 */

/**
 * Chapters `ProcessorKit.chapters` reads of a book at most. It returns one more when the book has
 * more, so a processor can refuse a book longer than it reads instead of leaving chapters out.
 */
export const KIT_MAX_CHAPTERS = 1000;

/** A JSON Schema the processor needs registered (its `$id` is the schema id). */
export type JsonSchemaDefinition = Record<string, unknown> & { $id: string };

export interface ProcessorDefinition {
  /** Stable id: `text-expansion`. */
  id: string;
  name: string;
  /** Semantic version. A new version reprocesses inputs (the idempotency key includes it). */
  version: string;
  description: string;
  /** Schemas the processor reads, writes, and registers at start-up. */
  inputSchemaIds: string[];
  outputSchemaIds: string[];
  schemas?: { definition: JsonSchemaDefinition; description: string }[];
  /**
   * Event types it handles, exactly: `blob.created.text-input-v1`. An on-request processor's
   * request event (`onRequest.event`) is added by itself and need not be listed.
   */
  subscribes: string[];
  /**
   * Runs when a user asks (`requestRun`, `POST /processors/:id/runs`), not only on events: the
   * request's event becomes a kind of the event catalog, and a request is checked (the target is
   * the user's, the details fit the schema) before a run is queued.
   */
  onRequest?: OnRequest;
  /**
   * Derive again when an input blob is updated: each `blob.created.<schema>` it subscribes to
   * brings `blob.updated.<schema>` with it. A run is then for one input version: a newer
   * version cancels the runs still queued or running for older ones (a burst of edits gives one
   * run, for the last), and the blobs derived from older versions become superseded (see
   * `Blob.supersededBy`). Default false: the processor derives once per input, when created.
   */
  followsUpdates?: boolean;
  /**
   * With `followsUpdates`: the part of an input's data the output depends on (compared as JSON).
   * An update whose key equals the key of the version the current output was made from (or
   * that a queued or running run works on) starts no run: nothing is cancelled, superseded or
   * derived again, and the current output stays current (its provenance keeps the version it
   * was made from). A run whose input moved on to a version with the same key is not superseded.
   * Without it, every update derives again. Text expansion: the content and the style (a new
   * chapter number or title changes nothing it writes).
   */
  inputKey?(data: unknown): unknown;
  emits: string[];
  /** Runs in flight per worker process. */
  maxConcurrency: number;
  /** Runs in flight per user per worker process. Default 2. */
  maxPerUser?: number;
  /**
   * Attempts before the run is marked failed and its event dead-lettered, once the runtime's
   * retry window has passed too (a run keeps retrying until both are spent). Default 5.
   */
  maxAttempts?: number;
  /** JSON Schema of a user's instance config (validated when the user configures it). */
  configSchema?: Record<string, unknown>;
  /**
   * Rules beyond `configSchema` (the operator's allowlist, one field against another), checked
   * after the schema whenever a user configures an instance: any issue refuses the config and
   * nothing is written. A handler should check again at run time (the operator may have changed).
   */
  checkConfig?(config: Record<string, unknown>): ConfigIssue[];
}

/** How a processor is asked for a run. */
export interface OnRequest {
  /** The request event, `<entity>.<action>.requested`: `book.compile.requested`. */
  event: string;
  /**
   * What a run works on: one of the user's books (`bookId`, the event's `bookId`), one of their
   * blobs of the processor's input schemas (`blobId`, the handler's input), or nothing.
   */
  target: 'book' | 'blob' | 'none';
  /** JSON Schema (draft-07, an object) of what the user may ask: the event's `details`. */
  details: Record<string, unknown>;
}

/** What is wrong with an instance config: a JSON Pointer to the field and why. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export interface BlobView {
  id: string;
  userId: string;
  schemaId: string;
  processorId: string;
  data: unknown;
  version: number;
  parentId: string | null;
  bookId: string | null;
  createdAt: Date;
}

export interface BookView {
  id: string;
  title: string;
  author: string | null;
  description: string | null;
}

/** What a derived blob records about how it was made. */
export interface Provenance {
  /** For LLM steps. */
  model?: string;
  promptHash?: string;
  /** Anything else worth keeping (e.g. "assembled without an LLM"). */
  notes?: string;
  [key: string]: unknown;
}

export interface DeriveOptions {
  schemaId: string;
  data: unknown;
  /** Defaults to the input blob. */
  parentId?: string | null;
  bookId?: string | null;
  provenance?: Provenance;
  /**
   * This blob is the run's output and the last thing the handler does: the run is recorded
   * SUCCEEDED by the write that stores it (one write instead of two, where blobs live in
   * PostgreSQL or PGlite). The handler returns once it resolves; the kit derives nothing after it.
   */
  last?: boolean;
}

export interface StoredFile {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  /** Path of the download route, relative to the API's base URL. */
  url: string;
}

export interface ProcessorKit {
  /** The user the run belongs to. */
  readonly userId: string;
  /** The event that started the run. */
  readonly event: {
    id: string;
    type: string;
    blobId: string | null;
    bookId: string | null;
    details?: Record<string, unknown>;
  };
  /** Which attempt this is (1 on the first); waits for an unavailable dependency are not counted. */
  readonly attempt: number;
  /** The user's own blobs only. */
  readBlob(id: string): Promise<BlobView | null>;
  readBook(id: string): Promise<BookView | null>;
  /**
   * The book's top-level blobs in chapter order: the first `KIT_MAX_CHAPTERS`, and one more when
   * the book has more.
   */
  chapters(bookId: string): Promise<BlobView[]>;
  /**
   * Blobs derived from `parentId`, oldest first: the current ones (not superseded by a blob
   * derived from a newer version of the parent), or all with `includeSuperseded`. Only the data
   * of the blobs returned is read.
   */
  derivedOf(parentId: string, options?: { includeSuperseded?: boolean }): Promise<BlobView[]>;
  /**
   * Stores a derived blob after validating it against its schema. Exactly once per run: asked
   * again (a redelivery, a retry) it returns the blob already stored.
   */
  derive(options: DeriveOptions): Promise<BlobView>;
  /** Stores a file outside blobs (exports); the user downloads it with their token. */
  storeFile(name: string, mediaType: string, content: Buffer): Promise<StoredFile>;
  /** Streams progress to the user's `runUpdated` subscription (e.g. text as it is written). */
  progress(update: { textDelta?: string; message?: string; fraction?: number }): void;
  /** The user's instance config for this processor (validated), or {} when not configured. */
  config(): Promise<Record<string, unknown>>;
  /** Records the model used, shown on the run. */
  setModel(model: string): void;
  /** True once the user cancelled the run: stop and return. */
  cancelled(): boolean;
  readonly log: {
    info(msg: string, fields?: Record<string, unknown>): void;
    warn(msg: string, fields?: Record<string, unknown>): void;
  };
}

/** Thrown by a handler for failures that no retry can fix (bad configuration, invalid input). */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/**
 * Thrown when a dependency is known to be unavailable and was not called (an open circuit
 * breaker): not an attempt. The runtime puts the run back in the queue for `retryAfterMs` without
 * counting it, so an outage longer than the retry budget costs the run time, never attempts.
 */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

export interface Processor {
  definition: ProcessorDefinition;
  /** Does all its work before resolving; safe to run twice; throws to retry. */
  handle(kit: ProcessorKit, input: BlobView | null): Promise<void>;
}
