/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
  /** The `SafeInt` scalar type represents non-fractional signed whole numeric values that are considered safe as defined by the ECMAScript specification. */
  SafeInt: { input: number; output: number; }
};

/** Where `ProcessorHealth.backlog` was counted. */
export type BacklogSource =
  /** The in-process backbone of the API process answering: its queue (waiting, retrying and running) only. */
  | 'IN_PROCESS_QUEUE'
  /** The processor's durable JetStream consumers: undelivered plus delivered and unacknowledged, across every worker. */
  | 'NATS_CONSUMER';

/** A JSON document valid against its schema, owned by one user, produced by a processor. */
export type Blob = {
  __typename?: 'Blob';
  book?: Maybe<Book>;
  conversation?: Maybe<Conversation>;
  createdAt: Scalars['DateTime']['output'];
  /** The JSON document. One response carries at most REYNA_RESPONSE_DATA_BYTES of it (16 MiB by default) across every `data` field: past that, RESPONSE_TOO_LARGE with `limit`. */
  data: Scalars['JSON']['output'];
  /** Blobs derived from this one, oldest first: the current ones, unless `includeSuperseded` (then also those made from earlier versions of this blob, with `supersededBy` set). RESPONSE_TOO_LARGE past 10000 derived blobs (superseded ones included) under the blobs of one level of the query: page them with `blobs(filter: { parentId })`. */
  derived: Array<Blob>;
  id: Scalars['ID']['output'];
  /** The blob this one was derived from; null when there is none or it was deleted. */
  parent?: Maybe<Blob>;
  parentId?: Maybe<Scalars['ID']['output']>;
  processor: Processor;
  processorId: Scalars['ID']['output'];
  /** How a processor made it: processor id and version, input blob and version, schema ids, and for LLM steps the model and a hash of the prompt. Null for your own blobs. */
  provenance?: Maybe<Scalars['JSON']['output']>;
  /** Processor runs that took this blob as input, oldest first (the first 100). */
  runs: Array<ProcessorRun>;
  schema: Schema;
  schemaId: Scalars['ID']['output'];
  /** Bytes of the serialised data. */
  size: Scalars['Int']['output'];
  /** The blob that replaces this one: the same processor derived it again from a newer version of the same parent. Null while this one is current. */
  supersededBy?: Maybe<Blob>;
  updatedAt: Scalars['DateTime']['output'];
  userId: Scalars['ID']['output'];
  /** 1 when created, +1 on each update. */
  version: Scalars['Int']['output'];
  /** One version of this blob, the current one included; null when it has none such. */
  versionAt?: Maybe<BlobVersion>;
  /** Every version, oldest first; the last is the current content. RESPONSE_TOO_LARGE past 10000 versions. */
  versions: Array<BlobVersion>;
};


/** A JSON document valid against its schema, owned by one user, produced by a processor. */
export type BlobDerivedArgs = {
  includeSuperseded?: InputMaybe<Scalars['Boolean']['input']>;
};


/** A JSON document valid against its schema, owned by one user, produced by a processor. */
export type BlobVersionAtArgs = {
  version: Scalars['Int']['input'];
};

/** A blob was derived from the watched parent or inside the watched book. */
export type BlobDerived = {
  __typename?: 'BlobDerived';
  blob?: Maybe<Blob>;
  /** Pass as `after` to resume after this delivery. */
  cursor: Scalars['String']['output'];
  derivedId?: Maybe<Scalars['ID']['output']>;
  parentId?: Maybe<Scalars['ID']['output']>;
  processorId?: Maybe<Scalars['ID']['output']>;
  /** True when events were missed: refetch what you show, then continue from its cursor. */
  reset: Scalars['Boolean']['output'];
};

/** A blob of yours was created, updated or deleted (or RESET: refetch). */
export type BlobEvent = {
  __typename?: 'BlobEvent';
  /** The blob as it is now; null once deleted. */
  blob?: Maybe<Blob>;
  blobId?: Maybe<Scalars['ID']['output']>;
  bookId?: Maybe<Scalars['ID']['output']>;
  /** Pass as `after` to resume after this event. */
  cursor: Scalars['String']['output'];
  eventId?: Maybe<Scalars['ID']['output']>;
  kind: BlobEventKind;
  parentId?: Maybe<Scalars['ID']['output']>;
  processorId?: Maybe<Scalars['ID']['output']>;
  /** True when events were missed (the same delivery as `kind: RESET`): refetch what you show, then continue from its cursor. */
  reset: Scalars['Boolean']['output'];
  schemaId?: Maybe<Scalars['ID']['output']>;
  time?: Maybe<Scalars['DateTime']['output']>;
  /** e.g. blob.created.text-input-v1 */
  type?: Maybe<Scalars['String']['output']>;
};

/** All given fields must match. */
export type BlobEventFilter = {
  bookId?: InputMaybe<Scalars['ID']['input']>;
  kinds?: InputMaybe<Array<BlobEventKind>>;
  parentId?: InputMaybe<Scalars['ID']['input']>;
  processorId?: InputMaybe<Scalars['ID']['input']>;
  schemaId?: InputMaybe<Scalars['ID']['input']>;
};

export type BlobEventKind =
  | 'CREATED'
  | 'DELETED'
  /** Events were missed: refetch what you show, then continue. */
  | 'RESET'
  | 'UPDATED';

/** All given fields must match. */
export type BlobFilter = {
  bookId?: InputMaybe<Scalars['ID']['input']>;
  conversationId?: InputMaybe<Scalars['ID']['input']>;
  parentId?: InputMaybe<Scalars['ID']['input']>;
  processorId?: InputMaybe<Scalars['ID']['input']>;
  schemaId?: InputMaybe<Scalars['ID']['input']>;
};

export type BlobOrder =
  | 'NEWEST_FIRST'
  | 'OLDEST_FIRST';

/** What you may keep and what you use: blobs not deleted, and bytes of their data with earlier versions. */
export type BlobQuota = {
  __typename?: 'BlobQuota';
  blobs: Scalars['Int']['output'];
  bytes: Scalars['SafeInt']['output'];
  usedBlobs: Scalars['Int']['output'];
  usedBytes: Scalars['SafeInt']['output'];
};

/** The content a blob had at one version. */
export type BlobVersion = {
  __typename?: 'BlobVersion';
  createdAt: Scalars['DateTime']['output'];
  /** The JSON document. One response carries at most REYNA_RESPONSE_DATA_BYTES of it (16 MiB by default) across every `data` field: past that, RESPONSE_TOO_LARGE with `limit`. */
  data: Scalars['JSON']['output'];
  schemaId: Scalars['ID']['output'];
  size: Scalars['Int']['output'];
  version: Scalars['Int']['output'];
};

/** A book: the user's chapters and what processors derived from them. */
export type Book = {
  __typename?: 'Book';
  author?: Maybe<Scalars['String']['output']>;
  /** Top-level blobs of the book, ordered by `data.metadata.chapter`, then creation: the first 1000. Page through all of a book with `blobs(filter: { bookId })`. */
  chapters: Array<Blob>;
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  title: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type BookConnection = {
  __typename?: 'BookConnection';
  edges: Array<BookEdge>;
  pageInfo: PageInfo;
};

export type BookEdge = {
  __typename?: 'BookEdge';
  cursor: Scalars['String']['output'];
  node: Book;
};

export type BookFormat =
  | 'DOCX'
  | 'EPUB'
  | 'HTML'
  | 'MARKDOWN'
  | 'PDF';

export type BookInput = {
  author?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  title: Scalars['String']['input'];
};

/** A difference between two versions that breaks the compatibility mode. */
export type BreakingChange = {
  __typename?: 'BreakingChange';
  /** e.g. REQUIRED_ADDED, TYPE_NARROWED, ENUM_VALUE_REMOVED. */
  kind: Scalars['String']['output'];
  message: Scalars['String']['output'];
  /** JSON Pointer into the new definition. */
  path: Scalars['String']['output'];
};

export type BulkSkip = {
  __typename?: 'BulkSkip';
  /** The dead letter (or, for retryFailedRuns, the run). */
  id: Scalars['ID']['output'];
  message: Scalars['String']['output'];
  reason: BulkSkipReason;
  runId?: Maybe<Scalars['ID']['output']>;
};

export type BulkSkipCount = {
  __typename?: 'BulkSkipCount';
  count: Scalars['Int']['output'];
  reason: BulkSkipReason;
};

export type BulkSkipReason =
  /** The dead letter went (replayed, discarded or replaced) meanwhile. */
  | 'GONE'
  /** The dead letter names no run that exists. */
  | 'RUN_NOT_FOUND'
  /** The run is no longer FAILED or CANCELLED (retried, running, or succeeded). */
  | 'RUN_NOT_RETRYABLE';

/** Accepts a registration that breaks processor chain links; the reason is recorded with the broken links (see `Processor.chainOverrides`). */
export type ChainOverrideInput = {
  /** Why the links may break: not empty, at most 16 KiB. */
  reason: Scalars['String']['input'];
};

/** How a new version of a schema name must relate to the previous version. */
export type CompatibilityMode =
  /** Data valid under the previous version stays valid (default). */
  | 'BACKWARD'
  /** Data valid under the new version is valid under the previous one. */
  | 'FORWARD'
  /** Both BACKWARD and FORWARD. */
  | 'FULL'
  /** No check. */
  | 'NONE';

export type CompatibilityReport = {
  __typename?: 'CompatibilityReport';
  breakingChanges: Array<BreakingChange>;
  /** The bump the change needs over `previousId`; null for a new name. */
  bump?: Maybe<SemverBump>;
  /** Why that bump: the breaking changes, the other changes, or the annotations. */
  bumpReasons: Array<SchemaChange>;
  compatible: Scalars['Boolean']['output'];
  mode: CompatibilityMode;
  /** The version checked against. */
  previousId?: Maybe<Scalars['ID']['output']>;
  /** The smallest version that carries the bump (the submitted one for a new name). */
  suggestedVersion: Scalars['String']['output'];
  /** Whether the submitted version carries the bump; registerSchema refuses it with SCHEMA_VERSION_TOO_LOW otherwise. */
  versionAccepted: Scalars['Boolean']['output'];
};

/** A conversation: blobs exchanged in order. */
export type Conversation = {
  __typename?: 'Conversation';
  /** The first 100 blobs, oldest first; page with `blobs(filter: { conversationId })`. */
  blobs: Array<Blob>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  title: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type ConversationConnection = {
  __typename?: 'ConversationConnection';
  edges: Array<ConversationEdge>;
  pageInfo: PageInfo;
};

export type ConversationEdge = {
  __typename?: 'ConversationEdge';
  cursor: Scalars['String']['output'];
  node: Conversation;
};

export type CreateBlobInput = {
  bookId?: InputMaybe<Scalars['ID']['input']>;
  conversationId?: InputMaybe<Scalars['ID']['input']>;
  /** At most 1 MiB once serialised. */
  data: Scalars['JSON']['input'];
  /** A name you give this create (1 to 128 characters, a UUID for instance): sent again, it answers the blob the first request stored, as it is now, and stores nothing. Retry with it a create whose answer you did not get. The data is not compared (the answer has the data stored: update it if you edited since); BAD_USER_INPUT when the key was used with another schema, parent, book or conversation, or its blob was deleted. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** A blob of yours this one derives from. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  schemaId: Scalars['ID']['input'];
};

/** An event a processor gave up on: its run failed for good (one dead letter per run; a run that fails again replaces its letter). Replay puts the run back on the processor's queue; discard removes the letter and leaves the run FAILED. */
export type DeadLetter = {
  __typename?: 'DeadLetter';
  /** When it was dead-lettered. */
  at: Scalars['DateTime']['output'];
  /** Attempts the run made (null for letters written before this was recorded). */
  attempts?: Maybe<Scalars['Int']['output']>;
  /** The event as delivered. */
  event: Scalars['JSON']['output'];
  eventId: Scalars['ID']['output'];
  eventType: Scalars['String']['output'];
  /** `<processor>/<run id>`: what replayDeadLetters and discardDeadLetters take. */
  id: Scalars['ID']['output'];
  processor?: Maybe<Processor>;
  processorId: Scalars['ID']['output'];
  /** Why the run failed: its last error. */
  reason: Scalars['String']['output'];
  /** The run, whoever's it is (its input, output and book resolve for your own runs only). */
  run?: Maybe<ProcessorRun>;
  runId?: Maybe<Scalars['ID']['output']>;
  /** The user the run belongs to. */
  userId: Scalars['ID']['output'];
};

export type DeadLetterConnection = {
  __typename?: 'DeadLetterConnection';
  edges: Array<DeadLetterEdge>;
  pageInfo: PageInfo;
};

/** What discardDeadLetters did: dead letters matched, discarded and skipped. */
export type DeadLetterDiscardResult = {
  __typename?: 'DeadLetterDiscardResult';
  /** Acted on (in a dry run: would be). */
  discarded: Scalars['Int']['output'];
  /** True: nothing was changed. */
  dryRun: Scalars['Boolean']['output'];
  /** The filter may match more than this call took (it acts on 1000 and reads 10000 dead letters at most): call it again to go on. */
  hasMore: Scalars['Boolean']['output'];
  /** What the call matched: at most 1000 (a dry run of retryFailedRuns counts every match). */
  matched: Scalars['Int']['output'];
  skipped: Scalars['Int']['output'];
  /** The first 100 skipped, with why. */
  skippedItems: Array<BulkSkip>;
  skippedReasons: Array<BulkSkipCount>;
};

export type DeadLetterEdge = {
  __typename?: 'DeadLetterEdge';
  cursor: Scalars['String']['output'];
  node: DeadLetter;
};

/** Every criterion given must hold. `from` and `to` bound when the letter was written, both included. */
export type DeadLetterFilter = {
  /** Text its reason contains, case-insensitively (at most 200 characters). */
  error?: InputMaybe<Scalars['String']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  processorId?: InputMaybe<Scalars['ID']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** What replayDeadLetters did: dead letters matched, replayed (their runs queued again, the letters removed) and skipped. */
export type DeadLetterReplayResult = {
  __typename?: 'DeadLetterReplayResult';
  /** True: nothing was changed. */
  dryRun: Scalars['Boolean']['output'];
  /** The filter may match more than this call took (it acts on 1000 and reads 10000 dead letters at most): call it again to go on. */
  hasMore: Scalars['Boolean']['output'];
  /** What the call matched: at most 1000 (a dry run of retryFailedRuns counts every match). */
  matched: Scalars['Int']['output'];
  /** Acted on (in a dry run: would be). */
  replayed: Scalars['Int']['output'];
  skipped: Scalars['Int']['output'];
  /** The first 100 skipped, with why. */
  skippedItems: Array<BulkSkip>;
  skippedReasons: Array<BulkSkipCount>;
};

/** Every criterion given must hold. `from` and `to` bound when the run failed, both included. */
export type FailedRunFilter = {
  /** Text its error contains, case-insensitively (at most 200 characters). */
  error?: InputMaybe<Scalars['String']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  processorId?: InputMaybe<Scalars['ID']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** What retryFailedRuns did: failed runs matched, queued again and skipped. */
export type FailedRunRetryResult = {
  __typename?: 'FailedRunRetryResult';
  /** True: nothing was changed. */
  dryRun: Scalars['Boolean']['output'];
  /** The filter may match more than this call took (it retries 1000 runs at most): call it again to go on. */
  hasMore: Scalars['Boolean']['output'];
  /** What the call matched: at most 1000 (a dry run of retryFailedRuns counts every match). */
  matched: Scalars['Int']['output'];
  /** Acted on (in a dry run: would be). */
  retried: Scalars['Int']['output'];
  skipped: Scalars['Int']['output'];
  /** The first 100 skipped, with why. */
  skippedItems: Array<BulkSkip>;
  skippedReasons: Array<BulkSkipCount>;
};

/** Everything a signed-in user can change. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Stops a reprocessing: nothing more is enqueued and its queued runs are cancelled; running ones finish. Needs the registry-admin role. */
  cancelReprocessing: Reprocessing;
  /** Cancels a QUEUED or RUNNING run; a running step stops at its next checkpoint. */
  cancelRun: ProcessorRun;
  /** Compiles the book (each chapter's newest expansion, or the originals) into the formats asked for; the run's output is a compiled-book-v1 blob whose files download from /files/:id. The typed form of `requestRun(processorId: "book-compiler")`. */
  compileBook: ProcessorRun;
  /** Creates or replaces your instance of a processor; config is validated against its configSchema. */
  configureProcessor: ProcessorInstance;
  /** Validates data against an active schema and stores it as a blob of yours. */
  createBlob: Blob;
  createBook: Book;
  createConversation: Conversation;
  /** Soft delete: the blob disappears from every read; blobs derived from it stay, with `parent` null. */
  deleteBlob: Blob;
  deleteProcessorInstance: Scalars['Boolean']['output'];
  /** Removes the dead letters named (or matching the filter); their runs stay FAILED. Needs the registry-admin role. */
  discardDeadLetters: DeadLetterDiscardResult;
  /** Registers a processor, or updates one you own (version may not go down). Needs the registry-author role (registry-admin to update any). A registration that breaks a link of its chain (see checkProcessorChain) is refused with PROCESSOR_CHAIN_INCOMPATIBLE unless `allowIncompatibleChain` says why. */
  registerProcessor: Processor;
  registerSchema: Schema;
  /** Puts the book's chapters in this order: `chapterIds` lists each of its chapters exactly once (at most 1000). Each chapter that moves gets a new version with `data.metadata.chapter` set to its place; all or nothing. Chapters keep their text, so nothing is expanded again. BAD_USER_INPUT for a list that is not the book's chapters, NOT_FOUND for a book that is not yours, VERSION_CONFLICT when a chapter changed meanwhile, PAYLOAD_TOO_LARGE (with `limit`) when the chapters hold more data than one response may carry (REYNA_RESPONSE_DATA_BYTES, 16 MiB by default): a reorder rewrites them. */
  reorderChapters: Book;
  /** Puts the runs of the dead letters named (or matching the filter) back on their processors' queues and removes the letters. A run keeps its key, so a replay never stores a second blob; a run no longer FAILED or CANCELLED is skipped and its letter stays. Needs the registry-admin role. */
  replayDeadLetters: DeadLetterReplayResult;
  /** Re-derives a processor's outputs for the inputs selected with its current version, in batches; with `dryRun`, only counts. Needs the registry-admin role. */
  reprocess: ReprocessResult;
  /** Asks an on-request processor (see `Processor.onRequest`) for a run on one of your books or blobs, with `details` its schema accepts. NOT_FOUND for a processor, book or blob that is not there (or not yours); BAD_USER_INPUT for a processor that does not run on request or a target it does not take; VALIDATION_FAILED with `issues` for details it refuses. Nothing is written unless the request is accepted. */
  requestRun: ProcessorRun;
  /** Queues again the FAILED runs of every user that the filter matches (by processor, error text, and when they failed), 1000 at most a call, oldest failure first; their dead letters are removed. A dry run counts every match. Needs the registry-admin role. */
  retryFailedRuns: FailedRunRetryResult;
  /** Runs a FAILED or CANCELLED run again from its first step. */
  retryRun: ProcessorRun;
  /** Needs the registry-author role and ownership of the schema's name, or registry-admin. Built-ins cannot be changed. */
  setSchemaActive: Schema;
  setSchemaCompatibility: CompatibilityMode;
  /** Re-validates and replaces the data; earlier versions stay readable in `versions`. */
  updateBlob: Blob;
  updateBook: Book;
  updateProcessorInstance: ProcessorInstance;
};


/** Everything a signed-in user can change. */
export type MutationCancelReprocessingArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can change. */
export type MutationCancelRunArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can change. */
export type MutationCompileBookArgs = {
  bookId: Scalars['ID']['input'];
  formats: Array<BookFormat>;
  useOriginals?: InputMaybe<Scalars['Boolean']['input']>;
};


/** Everything a signed-in user can change. */
export type MutationConfigureProcessorArgs = {
  config: Scalars['JSON']['input'];
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  processorId: Scalars['ID']['input'];
};


/** Everything a signed-in user can change. */
export type MutationCreateBlobArgs = {
  input: CreateBlobInput;
};


/** Everything a signed-in user can change. */
export type MutationCreateBookArgs = {
  input: BookInput;
};


/** Everything a signed-in user can change. */
export type MutationCreateConversationArgs = {
  title: Scalars['String']['input'];
};


/** Everything a signed-in user can change. */
export type MutationDeleteBlobArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can change. */
export type MutationDeleteProcessorInstanceArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can change. */
export type MutationDiscardDeadLettersArgs = {
  all?: InputMaybe<Scalars['Boolean']['input']>;
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  filter?: InputMaybe<DeadLetterFilter>;
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
};


/** Everything a signed-in user can change. */
export type MutationRegisterProcessorArgs = {
  allowIncompatibleChain?: InputMaybe<ChainOverrideInput>;
  input: RegisterProcessorInput;
};


/** Everything a signed-in user can change. */
export type MutationRegisterSchemaArgs = {
  input: RegisterSchemaInput;
};


/** Everything a signed-in user can change. */
export type MutationReorderChaptersArgs = {
  bookId: Scalars['ID']['input'];
  chapterIds: Array<Scalars['ID']['input']>;
};


/** Everything a signed-in user can change. */
export type MutationReplayDeadLettersArgs = {
  all?: InputMaybe<Scalars['Boolean']['input']>;
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  filter?: InputMaybe<DeadLetterFilter>;
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
};


/** Everything a signed-in user can change. */
export type MutationReprocessArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  input: ReprocessInput;
};


/** Everything a signed-in user can change. */
export type MutationRequestRunArgs = {
  blobId?: InputMaybe<Scalars['ID']['input']>;
  bookId?: InputMaybe<Scalars['ID']['input']>;
  details?: InputMaybe<Scalars['JSON']['input']>;
  processorId: Scalars['ID']['input'];
};


/** Everything a signed-in user can change. */
export type MutationRetryFailedRunsArgs = {
  all?: InputMaybe<Scalars['Boolean']['input']>;
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  filter?: InputMaybe<FailedRunFilter>;
};


/** Everything a signed-in user can change. */
export type MutationRetryRunArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can change. */
export type MutationSetSchemaActiveArgs = {
  active: Scalars['Boolean']['input'];
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can change. */
export type MutationSetSchemaCompatibilityArgs = {
  mode: CompatibilityMode;
  name: Scalars['String']['input'];
};


/** Everything a signed-in user can change. */
export type MutationUpdateBlobArgs = {
  id: Scalars['ID']['input'];
  input: UpdateBlobInput;
};


/** Everything a signed-in user can change. */
export type MutationUpdateBookArgs = {
  id: Scalars['ID']['input'];
  input: BookInput;
};


/** Everything a signed-in user can change. */
export type MutationUpdateProcessorInstanceArgs = {
  config?: InputMaybe<Scalars['JSON']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  id: Scalars['ID']['input'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** A step that reacts to events and derives blobs, or `user-input` for the user. */
export type Processor = {
  __typename?: 'Processor';
  active: Scalars['Boolean']['output'];
  builtin: Scalars['Boolean']['output'];
  /** Registrations of this processor accepted over broken chain links, newest first, at most 100 a page. Its owner's and registry-admin's only: FORBIDDEN otherwise. */
  chainOverrides: ProcessorChainOverrideConnection;
  configSchema?: Maybe<Scalars['JSON']['output']>;
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** Events it produces. */
  emits: Array<Scalars['String']['output']>;
  /** Live workers, backlog, runs in flight, dead letters, last error, success rate and p95 over the last hour. Needs the registry-admin role: null with a FORBIDDEN error otherwise. */
  health?: Maybe<ProcessorHealth>;
  id: Scalars['ID']['output'];
  inputSchemaIds: Array<Scalars['ID']['output']>;
  inputSchemas: Array<Schema>;
  /** The caller's own instance of this processor, if configured. */
  instance?: Maybe<ProcessorInstance>;
  maxConcurrency: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  /** How to ask it for a run, when it runs on request (null when it only reacts). */
  onRequest?: Maybe<ProcessorRequest>;
  outputSchemaIds: Array<Scalars['ID']['output']>;
  outputSchemas: Array<Schema>;
  /** Your runs of this processor, newest first, at most 100 a page. */
  runs: ProcessorRunConnection;
  /** Events it reacts to. */
  subscribes: Array<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['String']['output'];
};


/** A step that reacts to events and derives blobs, or `user-input` for the user. */
export type ProcessorChainOverridesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A step that reacts to events and derives blobs, or `user-input` for the user. */
export type ProcessorRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<RunStatus>;
};

/** A producer writes a schema and a consumer reads a version of the same name. Compatible when every document valid under what the producer writes is valid under what the consumer reads. */
export type ProcessorChainLink = {
  __typename?: 'ProcessorChainLink';
  /** Why not, with JSON Pointers into the consumer's schema. */
  breakingChanges: Array<BreakingChange>;
  compatible: Scalars['Boolean']['output'];
  /** The processor that reads. */
  consumerId: Scalars['ID']['output'];
  /** The version it reads the documents under: the same id when it declares it, else the newest of its versions that accepts them (or its newest, when none does). */
  consumerSchemaId: Scalars['ID']['output'];
  consumerSchemaVersion: Scalars['String']['output'];
  /** The processor that writes. */
  producerId: Scalars['ID']['output'];
  producerSchemaId: Scalars['ID']['output'];
  producerSchemaVersion: Scalars['String']['output'];
  /** The name both schemas share. */
  schemaName: Scalars['String']['output'];
};

/** A registration accepted over broken chain links, as it was recorded. */
export type ProcessorChainOverride = {
  __typename?: 'ProcessorChainOverride';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** The links it broke, as the check found them. */
  links: Array<ProcessorChainLink>;
  /** The user who registered it; null for a release registering a built-in. */
  overriddenBy?: Maybe<Scalars['String']['output']>;
  /** The version of the processor registered. */
  processorVersion: Scalars['String']['output'];
  reason: Scalars['String']['output'];
};

export type ProcessorChainOverrideConnection = {
  __typename?: 'ProcessorChainOverrideConnection';
  edges: Array<ProcessorChainOverrideEdge>;
  pageInfo: PageInfo;
};

export type ProcessorChainOverrideEdge = {
  __typename?: 'ProcessorChainOverrideEdge';
  cursor: Scalars['String']['output'];
  node: ProcessorChainOverride;
};

/** What registering a processor would find along its chain. */
export type ProcessorChainReport = {
  __typename?: 'ProcessorChainReport';
  /** False when any link is broken. */
  compatible: Scalars['Boolean']['output'];
  /** Every link to the active processors that write what it reads (it is the consumer) and read what it writes (it is the producer). */
  links: Array<ProcessorChainLink>;
};

/** A processor's workers, queue and recent runs, as an operator watches them. */
export type ProcessorHealth = {
  __typename?: 'ProcessorHealth';
  /** Events it has not finished yet. */
  backlog: Scalars['Int']['output'];
  backlogSource: BacklogSource;
  /** Dead-lettered runs (one each). */
  deadLetters: Scalars['Int']['output'];
  /** Runs failed in the window. */
  failed: Scalars['Int']['output'];
  /** The error of its most recently failed run. */
  lastError?: Maybe<RunError>;
  /** Workers running it whose last heartbeat is within two of their intervals. */
  liveWorkers: Array<Worker>;
  /** 95th percentile run duration (first start to finish) in the window. */
  p95DurationMs?: Maybe<Scalars['Int']['output']>;
  /** Deliveries its live workers are handling now. */
  runsInFlight: Scalars['Int']['output'];
  /** Runs succeeded in the window. */
  succeeded: Scalars['Int']['output'];
  /** succeeded / (succeeded + failed) in the window; null without finished runs. */
  successRate?: Maybe<Scalars['Float']['output']>;
  /** How far back the run figures look (runs finished since then). */
  windowSeconds: Scalars['Int']['output'];
};

/** One user's configuration of a processor. */
export type ProcessorInstance = {
  __typename?: 'ProcessorInstance';
  config: Scalars['JSON']['output'];
  createdAt: Scalars['DateTime']['output'];
  enabled: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  processor: Processor;
  updatedAt: Scalars['DateTime']['output'];
};

export type ProcessorInstanceConnection = {
  __typename?: 'ProcessorInstanceConnection';
  edges: Array<ProcessorInstanceEdge>;
  pageInfo: PageInfo;
};

export type ProcessorInstanceEdge = {
  __typename?: 'ProcessorInstanceEdge';
  cursor: Scalars['String']['output'];
  node: ProcessorInstance;
};

/** How to ask an on-request processor for a run (`requestRun`). */
export type ProcessorRequest = {
  __typename?: 'ProcessorRequest';
  /** The JSON Schema `details` must match. */
  detailsSchema: Scalars['JSON']['output'];
  /** The event a request writes. */
  event: Scalars['String']['output'];
  /** For BLOB: the schemas of the blobs it takes. */
  inputSchemaIds: Array<Scalars['ID']['output']>;
  /** BOOK: pass `bookId`; BLOB: pass `blobId`; NONE: pass neither. */
  target: RunTarget;
};

/** One processor working on one input for you: its status, attempts, error and output. */
export type ProcessorRun = {
  __typename?: 'ProcessorRun';
  attempts: Scalars['Int']['output'];
  book?: Maybe<Book>;
  createdAt: Scalars['DateTime']['output'];
  error?: Maybe<Scalars['String']['output']>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  input?: Maybe<Blob>;
  inputBlobId?: Maybe<Scalars['ID']['output']>;
  inputVersion?: Maybe<Scalars['Int']['output']>;
  /** The LLM model, for LLM steps. */
  model?: Maybe<Scalars['String']['output']>;
  output?: Maybe<Blob>;
  outputBlobId?: Maybe<Scalars['ID']['output']>;
  processor: Processor;
  processorId: Scalars['ID']['output'];
  processorVersion: Scalars['String']['output'];
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: RunStatus;
  /** Pass as `after` to `runUpdated(runId)` to receive what follows `textSoFar`. */
  streamCursor: Scalars['String']['output'];
  /** The text the run's current (or last) attempt has streamed, readable while it runs (written every 250 ms at most; its first REYNA_RUN_TEXT_LIMIT characters, 524288 by default). */
  textSoFar: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type ProcessorRunConnection = {
  __typename?: 'ProcessorRunConnection';
  edges: Array<ProcessorRunEdge>;
  pageInfo: PageInfo;
};

export type ProcessorRunEdge = {
  __typename?: 'ProcessorRunEdge';
  cursor: Scalars['String']['output'];
  node: ProcessorRun;
};

/** Everything a signed-in user can read. */
export type Query = {
  __typename?: 'Query';
  blob?: Maybe<Blob>;
  /** Your blobs, newest first unless `order` says otherwise. Forward pagination only. A page that selects `data` ends early, with `hasNextPage` true, where its data would pass what one response carries (REYNA_RESPONSE_DATA_BYTES, 16 MiB by default). */
  blobs: QueryBlobsConnection;
  book?: Maybe<Book>;
  /** Your books, oldest first, at most 100 a page. */
  books: BookConnection;
  /** Dry run of registerProcessor: every link of its chain, compatible or with its breaking changes. Writes nothing. */
  checkProcessorChain: ProcessorChainReport;
  /** Dry run of registerSchema: what would break, the semver bump the change needs and the smallest version that carries it, without registering. */
  checkSchemaCompatibility: CompatibilityReport;
  conversation?: Maybe<Conversation>;
  /** Your conversations, oldest first, at most 100 a page. */
  conversations: ConversationConnection;
  /** Dead letters matching the filter, oldest first, at most 100 a page. Needs the registry-admin role. A call reads at most 2000 dead letters: when few of them match, a page may be short or empty with hasNextPage true; go on from endCursor. */
  deadLetters: DeadLetterConnection;
  /** A cursor at the end of the event log now. Take it before a write and pass it as `after` to `blobEvents` or `blobDerived`: everything from the write on is delivered, however late you subscribe. */
  eventCursor: Scalars['String']['output'];
  me: UserState;
  processor?: Maybe<Processor>;
  processorInstance?: Maybe<ProcessorInstance>;
  /** Your processor instances in processor id order, at most 100 a page. */
  processorInstances: ProcessorInstanceConnection;
  /** Registered processors in id order, at most 100 a page. */
  processors: QueryProcessorsConnection;
  /** A reprocessing by id. Needs the registry-admin role. */
  reprocessing?: Maybe<Reprocessing>;
  /** Every reprocessing, newest first, at most 100 a page. Needs the registry-admin role. */
  reprocessings: ReprocessingConnection;
  run?: Maybe<ProcessorRun>;
  /** Your runs, newest first, at most 100 a page. */
  runs: ProcessorRunConnection;
  schema?: Maybe<Schema>;
  /** Registered schemas in name and version order, at most 100 a page. */
  schemas: QuerySchemasConnection;
  /** Validates data against a registered schema without storing anything. */
  validate: ValidationResult;
  /** Processes running processors whose last heartbeat is within two of their intervals. Needs the registry-admin role. */
  workers: Array<Worker>;
};


/** Everything a signed-in user can read. */
export type QueryBlobArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryBlobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<BlobFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  order?: InputMaybe<BlobOrder>;
};


/** Everything a signed-in user can read. */
export type QueryBookArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryBooksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything a signed-in user can read. */
export type QueryCheckProcessorChainArgs = {
  input: RegisterProcessorInput;
};


/** Everything a signed-in user can read. */
export type QueryCheckSchemaCompatibilityArgs = {
  input: RegisterSchemaInput;
};


/** Everything a signed-in user can read. */
export type QueryConversationArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryConversationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything a signed-in user can read. */
export type QueryDeadLettersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<DeadLetterFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything a signed-in user can read. */
export type QueryProcessorArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryProcessorInstanceArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryProcessorInstancesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything a signed-in user can read. */
export type QueryProcessorsArgs = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything a signed-in user can read. */
export type QueryReprocessingArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryReprocessingsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything a signed-in user can read. */
export type QueryRunArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  bookId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  processorId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<RunStatus>;
};


/** Everything a signed-in user can read. */
export type QuerySchemaArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QuerySchemasArgs = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  ownerProcessorId?: InputMaybe<Scalars['ID']['input']>;
};


/** Everything a signed-in user can read. */
export type QueryValidateArgs = {
  data: Scalars['JSON']['input'];
  schemaId: Scalars['ID']['input'];
};

export type QueryBlobsConnection = {
  __typename?: 'QueryBlobsConnection';
  edges: Array<QueryBlobsConnectionEdge>;
  pageInfo: PageInfo;
};

export type QueryBlobsConnectionEdge = {
  __typename?: 'QueryBlobsConnectionEdge';
  cursor: Scalars['String']['output'];
  node: Blob;
};

export type QueryProcessorsConnection = {
  __typename?: 'QueryProcessorsConnection';
  edges: Array<QueryProcessorsConnectionEdge>;
  pageInfo: PageInfo;
};

export type QueryProcessorsConnectionEdge = {
  __typename?: 'QueryProcessorsConnectionEdge';
  cursor: Scalars['String']['output'];
  node: Processor;
};

export type QuerySchemasConnection = {
  __typename?: 'QuerySchemasConnection';
  edges: Array<QuerySchemasConnectionEdge>;
  pageInfo: PageInfo;
};

export type QuerySchemasConnectionEdge = {
  __typename?: 'QuerySchemasConnectionEdge';
  cursor: Scalars['String']['output'];
  node: Schema;
};

export type RegisterProcessorInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** JSON Schema of a user's instance config. */
  configSchema?: InputMaybe<Scalars['JSON']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  emits?: InputMaybe<Array<Scalars['String']['input']>>;
  id: Scalars['ID']['input'];
  inputSchemaIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  maxConcurrency?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
  outputSchemaIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** e.g. blob.created.text-input-v1 */
  subscribes?: InputMaybe<Array<Scalars['String']['input']>>;
  version: Scalars['String']['input'];
};

export type RegisterSchemaInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** Mode for a new name (BACKWARD by default). */
  compatibility?: InputMaybe<CompatibilityMode>;
  /** The JSON Schema; its `$id` becomes the id. */
  definition: Scalars['JSON']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  /** Each must validate against the schema itself. */
  examples?: InputMaybe<Array<Scalars['JSON']['input']>>;
  /** Defaults to the `$id` without its `-vN` suffix. */
  name?: InputMaybe<Scalars['String']['input']>;
  ownerProcessorId?: InputMaybe<Scalars['ID']['input']>;
  /** Semantic version; defaults to N.0.0 for an `$id` ending in -vN. It must carry the bump the change needs over the latest version (see checkSchemaCompatibility). */
  version?: InputMaybe<Scalars['String']['input']>;
};

/** Which inputs of a processor to re-derive. Every field given narrows the selection; with none, `all: true` is required. */
export type ReprocessInput = {
  /** Every input the processor has worked on, when no other field narrows it. */
  all?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only this input blob. */
  blobId?: InputMaybe<Scalars['ID']['input']>;
  /** Only the inputs in this book (its owner is the user). */
  bookId?: InputMaybe<Scalars['ID']['input']>;
  /** A processor that consumes blob.created events. */
  processorId: Scalars['ID']['input'];
  /** Only inputs of this schema (one the processor takes). */
  schemaId?: InputMaybe<Scalars['ID']['input']>;
  /** Only inputs created at or after this instant (not in the future). */
  since?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only this user's inputs. */
  userId?: InputMaybe<Scalars['String']['input']>;
};

export type ReprocessResult = {
  __typename?: 'ReprocessResult';
  plan: ReprocessingPlan;
  /** The reprocessing started; null for a dry run. */
  reprocessing?: Maybe<Reprocessing>;
};

/** A processor's outputs re-derived with its current version for chosen inputs, as a run-like object. Run counts are counted from the runs it created. */
export type Reprocessing = {
  __typename?: 'Reprocessing';
  cancelled: Scalars['Int']['output'];
  createdAt: Scalars['DateTime']['output'];
  error?: Maybe<Scalars['String']['output']>;
  failed: Scalars['Int']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Versions of the processor that made the outputs it replaces. */
  fromVersions: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  processor: Processor;
  processorId: Scalars['ID']['output'];
  /** Its runs waiting for a worker. */
  queued: Scalars['Int']['output'];
  /** The admin who asked for it. */
  requestedBy: Scalars['String']['output'];
  running: Scalars['Int']['output'];
  selection: ReprocessingSelection;
  /** Inputs passed over: a run of toVersion for their current version exists, or their current output comes from toVersion. */
  skipped: Scalars['Int']['output'];
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: RunStatus;
  succeeded: Scalars['Int']['output'];
  /** The version its runs derive with. */
  toVersion: Scalars['String']['output'];
  /** Inputs the selection held when it was asked for. */
  total: Scalars['Int']['output'];
};

export type ReprocessingConnection = {
  __typename?: 'ReprocessingConnection';
  edges: Array<ReprocessingEdge>;
  pageInfo: PageInfo;
};

export type ReprocessingEdge = {
  __typename?: 'ReprocessingEdge';
  cursor: Scalars['String']['output'];
  node: Reprocessing;
};

/** What a reprocessing of a selection does, counted without writing anything. */
export type ReprocessingPlan = {
  __typename?: 'ReprocessingPlan';
  fromVersions: Array<Scalars['String']['output']>;
  /** Inputs that match the selection. */
  matched: Scalars['Int']['output'];
  processorId: Scalars['ID']['output'];
  /** Of those, inputs whose output for their current version already comes from toVersion (or is being made). */
  skipped: Scalars['Int']['output'];
  /** Of those, inputs that would be re-derived. */
  toDerive: Scalars['Int']['output'];
  toVersion: Scalars['String']['output'];
};

/** The inputs a reprocessing was asked for (`userId` is the owner a book or blob resolved to). */
export type ReprocessingSelection = {
  __typename?: 'ReprocessingSelection';
  all: Scalars['Boolean']['output'];
  blobId?: Maybe<Scalars['ID']['output']>;
  bookId?: Maybe<Scalars['ID']['output']>;
  schemaId?: Maybe<Scalars['ID']['output']>;
  since?: Maybe<Scalars['DateTime']['output']>;
  userId?: Maybe<Scalars['String']['output']>;
};

/** Why a run failed. */
export type RunError = {
  __typename?: 'RunError';
  at: Scalars['DateTime']['output'];
  message: Scalars['String']['output'];
  runId: Scalars['ID']['output'];
};

export type RunStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

/** What a run of an on-request processor works on. */
export type RunTarget =
  | 'BLOB'
  | 'BOOK'
  | 'NONE';

/** A run changed status, or reported progress (`textDelta` carries LLM text as it streams). The first delivery for a run already under way carries its text so far. */
export type RunUpdate = {
  __typename?: 'RunUpdate';
  attempts: Scalars['Int']['output'];
  /** Pass as `after` (with this `runId`) to continue after this delivery. */
  cursor: Scalars['String']['output'];
  error?: Maybe<Scalars['String']['output']>;
  fraction?: Maybe<Scalars['Float']['output']>;
  inputBlobId?: Maybe<Scalars['ID']['output']>;
  message?: Maybe<Scalars['String']['output']>;
  outputBlobId?: Maybe<Scalars['ID']['output']>;
  processorId: Scalars['ID']['output'];
  /** True when `textSoFar` does not continue the text delivered before (a new attempt started over, or updates were lost): show `textSoFar` (here equal to `textDelta`) instead of appending. */
  reset: Scalars['Boolean']['output'];
  /** The run as stored now (one query per update: ask for it on status changes only). */
  run?: Maybe<ProcessorRun>;
  runId: Scalars['ID']['output'];
  /** Grows with each of the run's updates: +1 from one live delivery to the next; a delivery that brings you up to date may cover several. */
  sequence: Scalars['Int']['output'];
  status: RunStatus;
  /** The text this delivery adds to the previous delivery's `textSoFar` (all of it on a run's first delivery). */
  textDelta?: Maybe<Scalars['String']['output']>;
  /** The whole text the attempt has streamed up to this delivery (its first REYNA_RUN_TEXT_LIMIT characters, 524288 by default). Sent in full with every delivery: for long texts, append `textDelta` instead. */
  textSoFar: Scalars['String']['output'];
};

/** A registered JSON Schema. Its id is its `$id`. */
export type Schema = {
  __typename?: 'Schema';
  /** Inactive schemas validate but accept no new blobs. */
  active: Scalars['Boolean']['output'];
  /** The compatibility mode of this schema name. */
  compatibility: CompatibilityMode;
  createdAt: Scalars['DateTime']['output'];
  definition: Scalars['JSON']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** `draft-07` or `2020-12`. */
  draft: Scalars['String']['output'];
  examples: Array<Scalars['JSON']['output']>;
  id: Scalars['ID']['output'];
  /** The name versions are grouped under, e.g. `text-input`. */
  name: Scalars['String']['output'];
  ownerProcessor?: Maybe<Processor>;
  /** Semantic version within the name. */
  version: Scalars['String']['output'];
};

/** A difference between two versions of a schema, breaking or not. */
export type SchemaChange = {
  __typename?: 'SchemaChange';
  /** e.g. REQUIRED_ADDED, PROPERTY_ADDED, ENUM_VALUE_ADDED, ANNOTATION_CHANGED. */
  kind: Scalars['String']['output'];
  message: Scalars['String']['output'];
  /** JSON Pointer into the new definition. */
  path: Scalars['String']['output'];
};

/** The part of a semantic version a new schema version must raise over the latest of its name. */
export type SemverBump =
  /** A breaking change under the name's mode (under NONE: a change that refuses stored data). */
  | 'MAJOR'
  /** A change that breaks nothing: a new optional property, a wider enum. */
  | 'MINOR'
  /** Annotations only: title, description, examples, $comment, default. */
  | 'PATCH';

/** What happens to your blobs, as it happens. */
export type Subscription = {
  __typename?: 'Subscription';
  /** Each blob derived from `parentId`, or derived inside `bookId` (give one or both). */
  blobDerived: BlobDerived;
  /** Your blobs as they are created, updated and deleted. */
  blobEvents: BlobEvent;
  /** Your runs as they progress: status changes, and the text of LLM steps as it streams. A run already under way (the one named, or those queued or running that match) first gets one delivery with its status and text so far; `after` continues after a cursor instead. */
  runUpdated: RunUpdate;
};


/** What happens to your blobs, as it happens. */
export type SubscriptionBlobDerivedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  bookId?: InputMaybe<Scalars['ID']['input']>;
  parentId?: InputMaybe<Scalars['ID']['input']>;
};


/** What happens to your blobs, as it happens. */
export type SubscriptionBlobEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<BlobEventFilter>;
};


/** What happens to your blobs, as it happens. */
export type SubscriptionRunUpdatedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  inputBlobId?: InputMaybe<Scalars['ID']['input']>;
  processorId?: InputMaybe<Scalars['ID']['input']>;
  runId?: InputMaybe<Scalars['ID']['input']>;
};

export type UpdateBlobInput = {
  data: Scalars['JSON']['input'];
  /** Refuse with VERSION_CONFLICT unless the blob is at this version. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Move the blob to another schema; defaults to its current one. */
  schemaId?: InputMaybe<Scalars['ID']['input']>;
};

/** The caller's state: what they own and how much. */
export type UserState = {
  __typename?: 'UserState';
  /** Blobs not deleted. */
  blobCount: Scalars['Int']['output'];
  /** Your books, oldest first, at most 100 a page. */
  books: BookConnection;
  /** Your conversations, oldest first, at most 100 a page. */
  conversations: ConversationConnection;
  /** Your processor instances in processor id order, at most 100 a page. */
  processorInstances: ProcessorInstanceConnection;
  /** Writes past the quota fail with QUOTA_EXCEEDED. */
  quota: BlobQuota;
  /** Bytes of data across those blobs (their current versions). */
  totalSize: Scalars['SafeInt']['output'];
  userId: Scalars['ID']['output'];
};


/** The caller's state: what they own and how much. */
export type UserStateBooksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The caller's state: what they own and how much. */
export type UserStateConversationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The caller's state: what they own and how much. */
export type UserStateProcessorInstancesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** One place where a JSON document breaks its schema. */
export type ValidationIssue = {
  __typename?: 'ValidationIssue';
  /** The JSON Schema keyword that failed. */
  keyword: Scalars['String']['output'];
  message: Scalars['String']['output'];
  /** JSON Pointer to the failing value, `/` for the root. */
  path: Scalars['String']['output'];
};

export type ValidationResult = {
  __typename?: 'ValidationResult';
  errors: Array<ValidationIssue>;
  valid: Scalars['Boolean']['output'];
};

/** A process running processors (`reyna worker`, or `reyna serve` with in-process processors), as its last heartbeat described it. */
export type Worker = {
  __typename?: 'Worker';
  /** Its heartbeat interval: it counts as live for two of these after its last beat. */
  heartbeatMs: Scalars['Int']['output'];
  host: Scalars['String']['output'];
  /** host:pid:random, new for every start. */
  id: Scalars['ID']['output'];
  lastBeatAt: Scalars['DateTime']['output'];
  pid: Scalars['Int']['output'];
  /** Processor ids it consumes for. */
  processors: Array<Scalars['String']['output']>;
  /** Deliveries it is handling now, all processors together. */
  runsInFlight: Scalars['Int']['output'];
  startedAt: Scalars['DateTime']['output'];
};

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename?: 'UserState', userId: string, blobCount: number, totalSize: number, quota: { __typename?: 'BlobQuota', blobs: number, bytes: number, usedBlobs: number, usedBytes: number } } };

export type BlobQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type BlobQuery = { __typename?: 'Query', blob?: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string, parent?: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string } | null, derived: Array<{ __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string }> } | null };

export type BlobsQueryVariables = Exact<{
  filter?: InputMaybe<BlobFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  order?: InputMaybe<BlobOrder>;
}>;


export type BlobsQuery = { __typename?: 'Query', blobs: { __typename?: 'QueryBlobsConnection', edges: Array<{ __typename?: 'QueryBlobsConnectionEdge', cursor: string, node: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type CreateBlobMutationVariables = Exact<{
  input: CreateBlobInput;
}>;


export type CreateBlobMutation = { __typename?: 'Mutation', createBlob: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string } };

export type UpdateBlobMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  input: UpdateBlobInput;
}>;


export type UpdateBlobMutation = { __typename?: 'Mutation', updateBlob: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string } };

export type DeleteBlobMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteBlobMutation = { __typename?: 'Mutation', deleteBlob: { __typename?: 'Blob', id: string } };

export type ValidateDataQueryVariables = Exact<{
  schemaId: Scalars['ID']['input'];
  data: Scalars['JSON']['input'];
}>;


export type ValidateDataQuery = { __typename?: 'Query', validate: { __typename?: 'ValidationResult', valid: boolean, errors: Array<{ __typename?: 'ValidationIssue', keyword: string, message: string, path: string }> } };

export type BooksQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type BooksQuery = { __typename?: 'Query', books: { __typename?: 'BookConnection', edges: Array<{ __typename?: 'BookEdge', cursor: string, node: { __typename?: 'Book', id: string, title: string, author?: string | null, description?: string | null, createdAt: string, updatedAt: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type BookQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type BookQuery = { __typename?: 'Query', book?: { __typename?: 'Book', id: string, title: string, author?: string | null, description?: string | null, createdAt: string, updatedAt: string, chapters: Array<{ __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string, derived: Array<{ __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string }> }> } | null };

export type CreateBookMutationVariables = Exact<{
  input: BookInput;
}>;


export type CreateBookMutation = { __typename?: 'Mutation', createBook: { __typename?: 'Book', id: string, title: string, author?: string | null, description?: string | null } };

export type UpdateBookMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  input: BookInput;
}>;


export type UpdateBookMutation = { __typename?: 'Mutation', updateBook: { __typename?: 'Book', id: string, title: string, author?: string | null, description?: string | null, updatedAt: string } };

export type CompileBookMutationVariables = Exact<{
  bookId: Scalars['ID']['input'];
  formats: Array<BookFormat> | BookFormat;
  useOriginals?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type CompileBookMutation = { __typename?: 'Mutation', compileBook: { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null } };

export type PassageQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type PassageQuery = { __typename?: 'Query', blob?: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string, derived: Array<{ __typename?: 'Blob', provenance?: unknown | null, id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string }> } | null };

export type ReorderChaptersMutationVariables = Exact<{
  bookId: Scalars['ID']['input'];
  chapterIds: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type ReorderChaptersMutation = { __typename?: 'Mutation', reorderChapters: { __typename?: 'Book', id: string, chapters: Array<{ __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string }> } };

export type PassageVersionsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type PassageVersionsQuery = { __typename?: 'Query', blob?: { __typename?: 'Blob', id: string, version: number, versions: Array<{ __typename?: 'BlobVersion', version: number, schemaId: string, data: unknown, size: number, createdAt: string }> } | null };

export type PassageHistoryQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type PassageHistoryQuery = { __typename?: 'Query', blob?: { __typename?: 'Blob', id: string, derived: Array<{ __typename?: 'Blob', provenance?: unknown | null, id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string, supersededBy?: { __typename?: 'Blob', id: string } | null }> } | null };

export type ConversationsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConversationsQuery = { __typename?: 'Query', conversations: { __typename?: 'ConversationConnection', edges: Array<{ __typename?: 'ConversationEdge', cursor: string, node: { __typename?: 'Conversation', id: string, title: string, createdAt: string, updatedAt: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ConversationQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConversationQuery = { __typename?: 'Query', conversation?: { __typename?: 'Conversation', id: string, title: string, createdAt: string, updatedAt: string, blobs: Array<{ __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string }> } | null };

export type CreateConversationMutationVariables = Exact<{
  title: Scalars['String']['input'];
}>;


export type CreateConversationMutation = { __typename?: 'Mutation', createConversation: { __typename?: 'Conversation', id: string, title: string, createdAt: string } };

export type DeadLettersQueryVariables = Exact<{
  filter?: InputMaybe<DeadLetterFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type DeadLettersQuery = { __typename?: 'Query', deadLetters: { __typename?: 'DeadLetterConnection', edges: Array<{ __typename?: 'DeadLetterEdge', node: { __typename?: 'DeadLetter', id: string, processorId: string, runId?: string | null, userId: string, eventType: string, reason: string, attempts?: number | null, at: string, run?: { __typename?: 'ProcessorRun', id: string, status: RunStatus } | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ReplayDeadLettersMutationVariables = Exact<{
  ids?: InputMaybe<Array<Scalars['ID']['input']> | Scalars['ID']['input']>;
  filter?: InputMaybe<DeadLetterFilter>;
  all?: InputMaybe<Scalars['Boolean']['input']>;
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type ReplayDeadLettersMutation = { __typename?: 'Mutation', replayDeadLetters: { __typename?: 'DeadLetterReplayResult', dryRun: boolean, matched: number, replayed: number, hasMore: boolean, skipped: number, skippedReasons: Array<{ __typename?: 'BulkSkipCount', reason: BulkSkipReason, count: number }>, skippedItems: Array<{ __typename?: 'BulkSkip', id: string, runId?: string | null, reason: BulkSkipReason, message: string }> } };

export type DiscardDeadLettersMutationVariables = Exact<{
  ids?: InputMaybe<Array<Scalars['ID']['input']> | Scalars['ID']['input']>;
  filter?: InputMaybe<DeadLetterFilter>;
  all?: InputMaybe<Scalars['Boolean']['input']>;
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type DiscardDeadLettersMutation = { __typename?: 'Mutation', discardDeadLetters: { __typename?: 'DeadLetterDiscardResult', dryRun: boolean, matched: number, discarded: number, hasMore: boolean, skipped: number, skippedReasons: Array<{ __typename?: 'BulkSkipCount', reason: BulkSkipReason, count: number }>, skippedItems: Array<{ __typename?: 'BulkSkip', id: string, runId?: string | null, reason: BulkSkipReason, message: string }> } };

export type RetryFailedRunsMutationVariables = Exact<{
  filter?: InputMaybe<FailedRunFilter>;
  all?: InputMaybe<Scalars['Boolean']['input']>;
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type RetryFailedRunsMutation = { __typename?: 'Mutation', retryFailedRuns: { __typename?: 'FailedRunRetryResult', dryRun: boolean, matched: number, retried: number, hasMore: boolean, skipped: number, skippedReasons: Array<{ __typename?: 'BulkSkipCount', reason: BulkSkipReason, count: number }>, skippedItems: Array<{ __typename?: 'BulkSkip', id: string, runId?: string | null, reason: BulkSkipReason, message: string }> } };

export type BlobFieldsFragment = { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string };

export type RunFieldsFragment = { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null };

export type ProcessorInstanceFieldsFragment = { __typename?: 'ProcessorInstance', id: string, enabled: boolean, config: unknown, createdAt: string, updatedAt: string };

export type ProcessorFieldsFragment = { __typename?: 'Processor', id: string, name: string, description?: string | null, version: string, builtin: boolean, active: boolean, inputSchemaIds: Array<string>, outputSchemaIds: Array<string>, configSchema?: unknown | null, instance?: { __typename?: 'ProcessorInstance', id: string, enabled: boolean, config: unknown, createdAt: string, updatedAt: string } | null };

export type PitchesQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  bookId?: InputMaybe<Scalars['ID']['input']>;
}>;


export type PitchesQuery = { __typename?: 'Query', blobs: { __typename?: 'QueryBlobsConnection', edges: Array<{ __typename?: 'QueryBlobsConnectionEdge', cursor: string, node: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string, derived: Array<{ __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string }> } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type CreatePitchMutationVariables = Exact<{
  sections: Scalars['JSON']['input'];
  bookId?: InputMaybe<Scalars['ID']['input']>;
}>;


export type CreatePitchMutation = { __typename?: 'Mutation', createBlob: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string } };

export type PitchDetailQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type PitchDetailQuery = { __typename?: 'Query', blob?: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string, derived: Array<{ __typename?: 'Blob', provenance?: unknown | null, id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string }> } | null };

export type ProcessorsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  active?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type ProcessorsQuery = { __typename?: 'Query', processors: { __typename?: 'QueryProcessorsConnection', edges: Array<{ __typename?: 'QueryProcessorsConnectionEdge', cursor: string, node: { __typename?: 'Processor', id: string, name: string, description?: string | null, version: string, builtin: boolean, active: boolean, inputSchemaIds: Array<string>, outputSchemaIds: Array<string>, configSchema?: unknown | null, instance?: { __typename?: 'ProcessorInstance', id: string, enabled: boolean, config: unknown, createdAt: string, updatedAt: string } | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ProcessorQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ProcessorQuery = { __typename?: 'Query', processor?: { __typename?: 'Processor', id: string, name: string, description?: string | null, version: string, builtin: boolean, active: boolean, inputSchemaIds: Array<string>, outputSchemaIds: Array<string>, configSchema?: unknown | null, instance?: { __typename?: 'ProcessorInstance', id: string, enabled: boolean, config: unknown, createdAt: string, updatedAt: string } | null } | null };

export type ProcessorInstancesQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ProcessorInstancesQuery = { __typename?: 'Query', processorInstances: { __typename?: 'ProcessorInstanceConnection', edges: Array<{ __typename?: 'ProcessorInstanceEdge', cursor: string, node: { __typename?: 'ProcessorInstance', id: string, enabled: boolean, config: unknown, createdAt: string, updatedAt: string, processor: { __typename?: 'Processor', id: string, name: string } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ConfigureProcessorMutationVariables = Exact<{
  processorId: Scalars['ID']['input'];
  config: Scalars['JSON']['input'];
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type ConfigureProcessorMutation = { __typename?: 'Mutation', configureProcessor: { __typename?: 'ProcessorInstance', id: string, enabled: boolean, config: unknown, createdAt: string, updatedAt: string } };

export type UpdateProcessorInstanceMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  config?: InputMaybe<Scalars['JSON']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type UpdateProcessorInstanceMutation = { __typename?: 'Mutation', updateProcessorInstance: { __typename?: 'ProcessorInstance', id: string, enabled: boolean, config: unknown, createdAt: string, updatedAt: string } };

export type DeleteProcessorInstanceMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteProcessorInstanceMutation = { __typename?: 'Mutation', deleteProcessorInstance: boolean };

export type ProcessorHealthQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ProcessorHealthQuery = { __typename?: 'Query', processor?: { __typename?: 'Processor', id: string, name: string, health?: { __typename?: 'ProcessorHealth', backlog: number, backlogSource: BacklogSource, runsInFlight: number, deadLetters: number, windowSeconds: number, succeeded: number, failed: number, successRate?: number | null, p95DurationMs?: number | null, liveWorkers: Array<{ __typename?: 'Worker', id: string, host: string, pid: number, processors: Array<string>, runsInFlight: number, heartbeatMs: number, startedAt: string, lastBeatAt: string }>, lastError?: { __typename?: 'RunError', runId: string, message: string, at: string } | null } | null } | null };

export type WorkersQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkersQuery = { __typename?: 'Query', workers: Array<{ __typename?: 'Worker', id: string, host: string, pid: number, processors: Array<string>, runsInFlight: number, heartbeatMs: number, startedAt: string, lastBeatAt: string }> };

export type CheckProcessorChainQueryVariables = Exact<{
  input: RegisterProcessorInput;
}>;


export type CheckProcessorChainQuery = { __typename?: 'Query', checkProcessorChain: { __typename?: 'ProcessorChainReport', compatible: boolean, links: Array<{ __typename?: 'ProcessorChainLink', schemaName: string, producerId: string, producerSchemaId: string, producerSchemaVersion: string, consumerId: string, consumerSchemaId: string, consumerSchemaVersion: string, compatible: boolean, breakingChanges: Array<{ __typename?: 'BreakingChange', path: string, kind: string, message: string }> }> } };

export type ProcessorChainOverridesQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ProcessorChainOverridesQuery = { __typename?: 'Query', processor?: { __typename?: 'Processor', id: string, chainOverrides: { __typename?: 'ProcessorChainOverrideConnection', edges: Array<{ __typename?: 'ProcessorChainOverrideEdge', cursor: string, node: { __typename?: 'ProcessorChainOverride', id: string, processorVersion: string, reason: string, overriddenBy?: string | null, createdAt: string, links: Array<{ __typename?: 'ProcessorChainLink', schemaName: string, producerId: string, producerSchemaId: string, producerSchemaVersion: string, consumerId: string, consumerSchemaId: string, consumerSchemaVersion: string, compatible: boolean, breakingChanges: Array<{ __typename?: 'BreakingChange', path: string, kind: string, message: string }> }> } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } | null };

export type ProcessorChainLinkFieldsFragment = { __typename?: 'ProcessorChainLink', schemaName: string, producerId: string, producerSchemaId: string, producerSchemaVersion: string, consumerId: string, consumerSchemaId: string, consumerSchemaVersion: string, compatible: boolean, breakingChanges: Array<{ __typename?: 'BreakingChange', path: string, kind: string, message: string }> };

export type RunQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RunQuery = { __typename?: 'Query', run?: { __typename?: 'ProcessorRun', textSoFar: string, streamCursor: string, id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, output?: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string } | null } | null };

export type RunsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<RunStatus>;
  processorId?: InputMaybe<Scalars['ID']['input']>;
  bookId?: InputMaybe<Scalars['ID']['input']>;
}>;


export type RunsQuery = { __typename?: 'Query', runs: { __typename?: 'ProcessorRunConnection', edges: Array<{ __typename?: 'ProcessorRunEdge', cursor: string, node: { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type RetryRunMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RetryRunMutation = { __typename?: 'Mutation', retryRun: { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null } };

export type CancelRunMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CancelRunMutation = { __typename?: 'Mutation', cancelRun: { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null } };

export type RunListQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<RunStatus>;
}>;


export type RunListQuery = { __typename?: 'Query', runs: { __typename?: 'ProcessorRunConnection', edges: Array<{ __typename?: 'ProcessorRunEdge', node: { __typename?: 'ProcessorRun', inputVersion?: number | null, id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, book?: { __typename?: 'Book', id: string, title: string } | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type RequestRunMutationVariables = Exact<{
  processorId: Scalars['ID']['input'];
  bookId?: InputMaybe<Scalars['ID']['input']>;
  blobId?: InputMaybe<Scalars['ID']['input']>;
  details?: InputMaybe<Scalars['JSON']['input']>;
}>;


export type RequestRunMutation = { __typename?: 'Mutation', requestRun: { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null } };

export type SchemasQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  active?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type SchemasQuery = { __typename?: 'Query', schemas: { __typename?: 'QuerySchemasConnection', edges: Array<{ __typename?: 'QuerySchemasConnectionEdge', cursor: string, node: { __typename?: 'Schema', id: string, name: string, version: string, description?: string | null, active: boolean } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type SchemaQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type SchemaQuery = { __typename?: 'Query', schema?: { __typename?: 'Schema', id: string, name: string, version: string, description?: string | null, draft: string, active: boolean, definition: unknown, examples: Array<unknown> } | null };

export type CheckSchemaCompatibilityQueryVariables = Exact<{
  input: RegisterSchemaInput;
}>;


export type CheckSchemaCompatibilityQuery = { __typename?: 'Query', checkSchemaCompatibility: { __typename?: 'CompatibilityReport', compatible: boolean, mode: CompatibilityMode, previousId?: string | null, bump?: SemverBump | null, suggestedVersion: string, versionAccepted: boolean, breakingChanges: Array<{ __typename?: 'BreakingChange', path: string, kind: string, message: string }>, bumpReasons: Array<{ __typename?: 'SchemaChange', path: string, kind: string, message: string }> } };

export type EventCursorQueryVariables = Exact<{ [key: string]: never; }>;


export type EventCursorQuery = { __typename?: 'Query', eventCursor: string };

export type BlobEventsSubscriptionVariables = Exact<{
  filter?: InputMaybe<BlobEventFilter>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type BlobEventsSubscription = { __typename?: 'Subscription', blobEvents: { __typename?: 'BlobEvent', cursor: string, reset: boolean, kind: BlobEventKind, type?: string | null, blobId?: string | null, parentId?: string | null, schemaId?: string | null, processorId?: string | null, bookId?: string | null, time?: string | null, blob?: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string } | null } };

export type BlobDerivedSubscriptionVariables = Exact<{
  parentId?: InputMaybe<Scalars['ID']['input']>;
  bookId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type BlobDerivedSubscription = { __typename?: 'Subscription', blobDerived: { __typename?: 'BlobDerived', cursor: string, reset: boolean, parentId?: string | null, derivedId?: string | null, processorId?: string | null, blob?: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string } | null } };

export type RunUpdatedSubscriptionVariables = Exact<{
  runId?: InputMaybe<Scalars['ID']['input']>;
  processorId?: InputMaybe<Scalars['ID']['input']>;
  inputBlobId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type RunUpdatedSubscription = { __typename?: 'Subscription', runUpdated: { __typename?: 'RunUpdate', runId: string, sequence: number, cursor: string, reset: boolean, processorId: string, status: RunStatus, attempts: number, error?: string | null, fraction?: number | null, message?: string | null, textDelta?: string | null, inputBlobId?: string | null, outputBlobId?: string | null } };

export const BlobFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BlobFieldsFragment, unknown>;
export const RunFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<RunFieldsFragment, unknown>;
export const ProcessorInstanceFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorInstanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorInstance"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<ProcessorInstanceFieldsFragment, unknown>;
export const ProcessorFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Processor"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"builtin"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"inputSchemaIds"}},{"kind":"Field","name":{"kind":"Name","value":"outputSchemaIds"}},{"kind":"Field","name":{"kind":"Name","value":"configSchema"}},{"kind":"Field","name":{"kind":"Name","value":"instance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorInstanceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorInstanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorInstance"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<ProcessorFieldsFragment, unknown>;
export const ProcessorChainLinkFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorChainLinkFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorChainLink"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"schemaName"}},{"kind":"Field","name":{"kind":"Name","value":"producerId"}},{"kind":"Field","name":{"kind":"Name","value":"producerSchemaId"}},{"kind":"Field","name":{"kind":"Name","value":"producerSchemaVersion"}},{"kind":"Field","name":{"kind":"Name","value":"consumerId"}},{"kind":"Field","name":{"kind":"Name","value":"consumerSchemaId"}},{"kind":"Field","name":{"kind":"Name","value":"consumerSchemaVersion"}},{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"breakingChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<ProcessorChainLinkFieldsFragment, unknown>;
export const MeDocument = {"__meta__":{"hash":"7be385cc866398c9b6d303fb203c3c80c0b74e6d119e1be21c25611a0be8b02f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"blobCount"}},{"kind":"Field","name":{"kind":"Name","value":"totalSize"}},{"kind":"Field","name":{"kind":"Name","value":"quota"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blobs"}},{"kind":"Field","name":{"kind":"Name","value":"bytes"}},{"kind":"Field","name":{"kind":"Name","value":"usedBlobs"}},{"kind":"Field","name":{"kind":"Name","value":"usedBytes"}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const BlobDocument = {"__meta__":{"hash":"77f67d18808a7079a69b9aa3250146560d6155e6df8f491218613fe5c197eb58"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Blob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"derived"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BlobQuery, BlobQueryVariables>;
export const BlobsDocument = {"__meta__":{"hash":"187d7583b369f89915a6dd4211d9ad7df8d4457c86d46ad64432cc77dcc3e89b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Blobs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BlobFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"order"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BlobOrder"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"order"},"value":{"kind":"Variable","name":{"kind":"Name","value":"order"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BlobsQuery, BlobsQueryVariables>;
export const CreateBlobDocument = {"__meta__":{"hash":"fabbfb4c34f16507590be814fb84901d8fd9f89286621aa12829a5e6437234e5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateBlob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateBlobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createBlob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<CreateBlobMutation, CreateBlobMutationVariables>;
export const UpdateBlobDocument = {"__meta__":{"hash":"9ea2052bdc783aef41ce36ff3039988126bccb87f9ecab59c2712abd4a653ae4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateBlob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateBlobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateBlob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<UpdateBlobMutation, UpdateBlobMutationVariables>;
export const DeleteBlobDocument = {"__meta__":{"hash":"995a5c2c0742d9e4a62c4e8709195cec934b84be00155102283d689401a21769"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteBlob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteBlob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DeleteBlobMutation, DeleteBlobMutationVariables>;
export const ValidateDataDocument = {"__meta__":{"hash":"238520317b41fc54d7ccee7fb6e778af4389aaa1abd65b9fa3d1d837556abf30"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ValidateData"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"schemaId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"data"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"schemaId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"schemaId"}}},{"kind":"Argument","name":{"kind":"Name","value":"data"},"value":{"kind":"Variable","name":{"kind":"Name","value":"data"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"valid"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyword"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}}]}}]} as unknown as DocumentNode<ValidateDataQuery, ValidateDataQueryVariables>;
export const BooksDocument = {"__meta__":{"hash":"ad58295fead2b23a9b4385209a251a2d1a6eaa81dab8989d0e101976dce6fe88"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Books"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"books"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"author"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<BooksQuery, BooksQueryVariables>;
export const BookDocument = {"__meta__":{"hash":"9fd5113148d2f16c8366d27cd8317bbbbebfc0491b1d1ff3b770daea4c5c761b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Book"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"book"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"author"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"chapters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}},{"kind":"Field","name":{"kind":"Name","value":"derived"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BookQuery, BookQueryVariables>;
export const CreateBookDocument = {"__meta__":{"hash":"66997860d82c83a720fb0e5e617850e0967d94f4d8fdb8ea76cdec4b17f35c18"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateBook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"author"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]}}]} as unknown as DocumentNode<CreateBookMutation, CreateBookMutationVariables>;
export const UpdateBookDocument = {"__meta__":{"hash":"8836b47f1589f86d79bffe300891f227dc2e8a062323c405e30ec2b79b4ab18c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateBook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"author"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<UpdateBookMutation, UpdateBookMutationVariables>;
export const CompileBookDocument = {"__meta__":{"hash":"9afe6713d680837c09c3cbbe7aae3ad35c56ace6a1f4ea25a60770aab9a8ea1a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CompileBook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"formats"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BookFormat"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"useOriginals"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"compileBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"bookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}}},{"kind":"Argument","name":{"kind":"Name","value":"formats"},"value":{"kind":"Variable","name":{"kind":"Name","value":"formats"}}},{"kind":"Argument","name":{"kind":"Name","value":"useOriginals"},"value":{"kind":"Variable","name":{"kind":"Name","value":"useOriginals"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<CompileBookMutation, CompileBookMutationVariables>;
export const PassageDocument = {"__meta__":{"hash":"0ecb71fdcfe95743187ac7220e9dba8fb80d16283c46bad4bb6930810d3dbbf6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Passage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}},{"kind":"Field","name":{"kind":"Name","value":"derived"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}},{"kind":"Field","name":{"kind":"Name","value":"provenance"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PassageQuery, PassageQueryVariables>;
export const ReorderChaptersDocument = {"__meta__":{"hash":"3964c04d9a8e5176bd1cfb5700c40cc9a802e17769be6c298af31e4822eb226d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReorderChapters"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"chapterIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reorderChapters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"bookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}}},{"kind":"Argument","name":{"kind":"Name","value":"chapterIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"chapterIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"chapters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<ReorderChaptersMutation, ReorderChaptersMutationVariables>;
export const PassageVersionsDocument = {"__meta__":{"hash":"d909a89f73e19d6db0a518cd00b699ceabf41eddd380645a8a87b7bf3282ccfd"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PassageVersions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]} as unknown as DocumentNode<PassageVersionsQuery, PassageVersionsQueryVariables>;
export const PassageHistoryDocument = {"__meta__":{"hash":"e0fc42584a4fdd5427971fa75427c179a394667ad846505801cf4e3c30f33eb0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PassageHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"derived"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includeSuperseded"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}},{"kind":"Field","name":{"kind":"Name","value":"provenance"}},{"kind":"Field","name":{"kind":"Name","value":"supersededBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PassageHistoryQuery, PassageHistoryQueryVariables>;
export const ConversationsDocument = {"__meta__":{"hash":"df562d4fbba7e2c83a82ee94e1b2f125c60066afa991ca17efe80e15ced7c9c3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Conversations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ConversationsQuery, ConversationsQueryVariables>;
export const ConversationDocument = {"__meta__":{"hash":"c496e04466f920c6ffef8bbeec7b8d636d60100915a786fccb0b5cf7e9fe7af9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Conversation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"blobs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<ConversationQuery, ConversationQueryVariables>;
export const CreateConversationDocument = {"__meta__":{"hash":"538f666f41c4e95b979e953e30932478ada38f06f74dad0702d76e4202f8c6c5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateConversation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"title"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createConversation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"title"},"value":{"kind":"Variable","name":{"kind":"Name","value":"title"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]} as unknown as DocumentNode<CreateConversationMutation, CreateConversationMutationVariables>;
export const DeadLettersDocument = {"__meta__":{"hash":"1419ba54f8e4c34fbe520599258234869df9fa963dcab9d12269fab17bd43111"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DeadLetters"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeadLetterFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deadLetters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<DeadLettersQuery, DeadLettersQueryVariables>;
export const ReplayDeadLettersDocument = {"__meta__":{"hash":"4c3521701f506a30660d18a138bc5a7801660165a75c043d913cf0c5cd5f309a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReplayDeadLetters"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeadLetterFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"all"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dryRun"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"replayDeadLetters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"all"},"value":{"kind":"Variable","name":{"kind":"Name","value":"all"}}},{"kind":"Argument","name":{"kind":"Name","value":"dryRun"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dryRun"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dryRun"}},{"kind":"Field","name":{"kind":"Name","value":"matched"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}},{"kind":"Field","name":{"kind":"Name","value":"hasMore"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}},{"kind":"Field","name":{"kind":"Name","value":"skippedReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skippedItems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ReplayDeadLettersMutation, ReplayDeadLettersMutationVariables>;
export const DiscardDeadLettersDocument = {"__meta__":{"hash":"f555d5f55dbe047d5e386d974b3ff1a84850a0e907d1e7a3470a759446e9f16f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DiscardDeadLetters"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeadLetterFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"all"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dryRun"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"discardDeadLetters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"all"},"value":{"kind":"Variable","name":{"kind":"Name","value":"all"}}},{"kind":"Argument","name":{"kind":"Name","value":"dryRun"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dryRun"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dryRun"}},{"kind":"Field","name":{"kind":"Name","value":"matched"}},{"kind":"Field","name":{"kind":"Name","value":"discarded"}},{"kind":"Field","name":{"kind":"Name","value":"hasMore"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}},{"kind":"Field","name":{"kind":"Name","value":"skippedReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skippedItems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<DiscardDeadLettersMutation, DiscardDeadLettersMutationVariables>;
export const RetryFailedRunsDocument = {"__meta__":{"hash":"49fbdf42af249f1b3bf7a190cb140cac2a4cd31be5c25544457860d64ca10f2e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RetryFailedRuns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"FailedRunFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"all"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dryRun"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryFailedRuns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"all"},"value":{"kind":"Variable","name":{"kind":"Name","value":"all"}}},{"kind":"Argument","name":{"kind":"Name","value":"dryRun"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dryRun"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dryRun"}},{"kind":"Field","name":{"kind":"Name","value":"matched"}},{"kind":"Field","name":{"kind":"Name","value":"retried"}},{"kind":"Field","name":{"kind":"Name","value":"hasMore"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}},{"kind":"Field","name":{"kind":"Name","value":"skippedReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skippedItems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RetryFailedRunsMutation, RetryFailedRunsMutationVariables>;
export const PitchesDocument = {"__meta__":{"hash":"7d1d089505349a0a94bbc8927a8608cdaa42591bac11d1b9c41c5c2fe2d2b579"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Pitches"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"schemaId"},"value":{"kind":"StringValue","value":"pitch-sections-v1","block":false}},{"kind":"ObjectField","name":{"kind":"Name","value":"bookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}},{"kind":"Field","name":{"kind":"Name","value":"derived"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PitchesQuery, PitchesQueryVariables>;
export const CreatePitchDocument = {"__meta__":{"hash":"945247f99cb6efcb2377c6c89a3d1a225a70c7b637a656e98749a662cf4fe030"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreatePitch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sections"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createBlob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"schemaId"},"value":{"kind":"StringValue","value":"pitch-sections-v1","block":false}},{"kind":"ObjectField","name":{"kind":"Name","value":"data"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sections"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"bookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<CreatePitchMutation, CreatePitchMutationVariables>;
export const PitchDetailDocument = {"__meta__":{"hash":"c67e74834bdb0316bb7e72a141d002ff157e6a7a06346ed3aea8fad8de86bcff"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PitchDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}},{"kind":"Field","name":{"kind":"Name","value":"derived"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}},{"kind":"Field","name":{"kind":"Name","value":"provenance"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PitchDetailQuery, PitchDetailQueryVariables>;
export const ProcessorsDocument = {"__meta__":{"hash":"d1315258053b9e629d4d768f16b64ada4ecfa3ea65ae9e49bfe4fdfb9c0bc952"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Processors"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"active"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"processors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"active"},"value":{"kind":"Variable","name":{"kind":"Name","value":"active"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorInstanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorInstance"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Processor"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"builtin"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"inputSchemaIds"}},{"kind":"Field","name":{"kind":"Name","value":"outputSchemaIds"}},{"kind":"Field","name":{"kind":"Name","value":"configSchema"}},{"kind":"Field","name":{"kind":"Name","value":"instance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorInstanceFields"}}]}}]}}]} as unknown as DocumentNode<ProcessorsQuery, ProcessorsQueryVariables>;
export const ProcessorDocument = {"__meta__":{"hash":"80f78952868e58b0ec7470ad7518bd1cfed34cf1a8740a97d7fc12a3f13176dd"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Processor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"processor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorInstanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorInstance"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Processor"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"builtin"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"inputSchemaIds"}},{"kind":"Field","name":{"kind":"Name","value":"outputSchemaIds"}},{"kind":"Field","name":{"kind":"Name","value":"configSchema"}},{"kind":"Field","name":{"kind":"Name","value":"instance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorInstanceFields"}}]}}]}}]} as unknown as DocumentNode<ProcessorQuery, ProcessorQueryVariables>;
export const ProcessorInstancesDocument = {"__meta__":{"hash":"30ae29171e9f4949f860eb735d61ad2c68ee379efc83e004d95ebbc53bb4639e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProcessorInstances"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"processorInstances"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorInstanceFields"}},{"kind":"Field","name":{"kind":"Name","value":"processor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorInstanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorInstance"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<ProcessorInstancesQuery, ProcessorInstancesQueryVariables>;
export const ConfigureProcessorDocument = {"__meta__":{"hash":"bf270d1a353e7731351c1d8a758e865f25aef28d5b6ce5aeb85194224966d57e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConfigureProcessor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"config"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"enabled"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"configureProcessor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"processorId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}}},{"kind":"Argument","name":{"kind":"Name","value":"config"},"value":{"kind":"Variable","name":{"kind":"Name","value":"config"}}},{"kind":"Argument","name":{"kind":"Name","value":"enabled"},"value":{"kind":"Variable","name":{"kind":"Name","value":"enabled"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorInstanceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorInstanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorInstance"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<ConfigureProcessorMutation, ConfigureProcessorMutationVariables>;
export const UpdateProcessorInstanceDocument = {"__meta__":{"hash":"3c6b349eb1ac4ffa366c49f3577db510c9e3dcfc5d5928fa6100bfc4b28cdffc"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateProcessorInstance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"config"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"enabled"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateProcessorInstance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"config"},"value":{"kind":"Variable","name":{"kind":"Name","value":"config"}}},{"kind":"Argument","name":{"kind":"Name","value":"enabled"},"value":{"kind":"Variable","name":{"kind":"Name","value":"enabled"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorInstanceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorInstanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorInstance"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<UpdateProcessorInstanceMutation, UpdateProcessorInstanceMutationVariables>;
export const DeleteProcessorInstanceDocument = {"__meta__":{"hash":"8598fceb0892cff9d27aa23441c7df3762bc3cb3e05724625d2b6b4cf22ed4c1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteProcessorInstance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteProcessorInstance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DeleteProcessorInstanceMutation, DeleteProcessorInstanceMutationVariables>;
export const ProcessorHealthDocument = {"__meta__":{"hash":"92d3430f66bb1f53b3cd698021bb6034696ba22d7048dda3f0848a49482d1b1a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProcessorHealth"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"processor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"liveWorkers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"pid"}},{"kind":"Field","name":{"kind":"Name","value":"processors"}},{"kind":"Field","name":{"kind":"Name","value":"runsInFlight"}},{"kind":"Field","name":{"kind":"Name","value":"heartbeatMs"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastBeatAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"backlog"}},{"kind":"Field","name":{"kind":"Name","value":"backlogSource"}},{"kind":"Field","name":{"kind":"Name","value":"runsInFlight"}},{"kind":"Field","name":{"kind":"Name","value":"deadLetters"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"p95DurationMs"}}]}}]}}]}}]} as unknown as DocumentNode<ProcessorHealthQuery, ProcessorHealthQueryVariables>;
export const WorkersDocument = {"__meta__":{"hash":"2bb986b5e33a3486fe4bb112f21b6db819a14a9cfd1dd8de30dc3ec23db0a0ba"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Workers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"pid"}},{"kind":"Field","name":{"kind":"Name","value":"processors"}},{"kind":"Field","name":{"kind":"Name","value":"runsInFlight"}},{"kind":"Field","name":{"kind":"Name","value":"heartbeatMs"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastBeatAt"}}]}}]}}]} as unknown as DocumentNode<WorkersQuery, WorkersQueryVariables>;
export const CheckProcessorChainDocument = {"__meta__":{"hash":"8fa2095d346719a16296bcd31a867ba39df91753ff00ff55234cb3224a452fb7"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CheckProcessorChain"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterProcessorInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkProcessorChain"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"links"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorChainLinkFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorChainLinkFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorChainLink"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"schemaName"}},{"kind":"Field","name":{"kind":"Name","value":"producerId"}},{"kind":"Field","name":{"kind":"Name","value":"producerSchemaId"}},{"kind":"Field","name":{"kind":"Name","value":"producerSchemaVersion"}},{"kind":"Field","name":{"kind":"Name","value":"consumerId"}},{"kind":"Field","name":{"kind":"Name","value":"consumerSchemaId"}},{"kind":"Field","name":{"kind":"Name","value":"consumerSchemaVersion"}},{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"breakingChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<CheckProcessorChainQuery, CheckProcessorChainQueryVariables>;
export const ProcessorChainOverridesDocument = {"__meta__":{"hash":"34015e2c343a4ab378b2180a8037f882e9a0323108797bbf40371c58fcd6cc43"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProcessorChainOverrides"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"processor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"chainOverrides"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorVersion"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"overriddenBy"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"links"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProcessorChainLinkFields"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProcessorChainLinkFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorChainLink"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"schemaName"}},{"kind":"Field","name":{"kind":"Name","value":"producerId"}},{"kind":"Field","name":{"kind":"Name","value":"producerSchemaId"}},{"kind":"Field","name":{"kind":"Name","value":"producerSchemaVersion"}},{"kind":"Field","name":{"kind":"Name","value":"consumerId"}},{"kind":"Field","name":{"kind":"Name","value":"consumerSchemaId"}},{"kind":"Field","name":{"kind":"Name","value":"consumerSchemaVersion"}},{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"breakingChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<ProcessorChainOverridesQuery, ProcessorChainOverridesQueryVariables>;
export const RunDocument = {"__meta__":{"hash":"d835d1e2cda2554a41b0ebc63e05534be4e84b9bec8fe54935cfef53673055d3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Run"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"run"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}},{"kind":"Field","name":{"kind":"Name","value":"textSoFar"}},{"kind":"Field","name":{"kind":"Name","value":"streamCursor"}},{"kind":"Field","name":{"kind":"Name","value":"output"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<RunQuery, RunQueryVariables>;
export const RunsDocument = {"__meta__":{"hash":"e8f3db70347827c1e3fd07e2644ce6ad4b128b198bcf0e4c364ddfafa10daf5c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Runs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RunStatus"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"processorId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}}},{"kind":"Argument","name":{"kind":"Name","value":"bookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<RunsQuery, RunsQueryVariables>;
export const RetryRunDocument = {"__meta__":{"hash":"75b044a24d2276c99fff139c07cf932e7ab917929aa983a442190d4503838249"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RetryRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<RetryRunMutation, RetryRunMutationVariables>;
export const CancelRunDocument = {"__meta__":{"hash":"ad61049e0d8c5a3a4161239ff317c8ddca49e68f7038e858f7da5a7c00cbd4e2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<CancelRunMutation, CancelRunMutationVariables>;
export const RunListDocument = {"__meta__":{"hash":"8cad3be6af4f6f4603bff828edf97e5dedeb19c33e64cdae5b572cb1761759a1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RunList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RunStatus"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}},{"kind":"Field","name":{"kind":"Name","value":"inputVersion"}},{"kind":"Field","name":{"kind":"Name","value":"book"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<RunListQuery, RunListQueryVariables>;
export const RequestRunDocument = {"__meta__":{"hash":"627dcfc934bddbdccbb1273f4362313a2e7f4dff42832cf81c13d0c1e688644a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"blobId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"details"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"processorId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}}},{"kind":"Argument","name":{"kind":"Name","value":"bookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}}},{"kind":"Argument","name":{"kind":"Name","value":"blobId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"blobId"}}},{"kind":"Argument","name":{"kind":"Name","value":"details"},"value":{"kind":"Variable","name":{"kind":"Name","value":"details"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<RequestRunMutation, RequestRunMutationVariables>;
export const SchemasDocument = {"__meta__":{"hash":"2d9ba18e633896eef8297d131f81c4d896ae36bce94b81dad2cc87ed5c6e0bc5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Schemas"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"active"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"schemas"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"active"},"value":{"kind":"Variable","name":{"kind":"Name","value":"active"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"active"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<SchemasQuery, SchemasQueryVariables>;
export const SchemaDocument = {"__meta__":{"hash":"ac63860bc0a595f0bacca08d274784bce75791c3c00b0112531e9a3fd1253c83"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Schema"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"schema"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"draft"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"definition"}},{"kind":"Field","name":{"kind":"Name","value":"examples"}}]}}]}}]} as unknown as DocumentNode<SchemaQuery, SchemaQueryVariables>;
export const CheckSchemaCompatibilityDocument = {"__meta__":{"hash":"e45d635f7246c1631e96f458ff6901a8fbe005d97ec04375cfcc9944c027d826"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CheckSchemaCompatibility"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterSchemaInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkSchemaCompatibility"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"previousId"}},{"kind":"Field","name":{"kind":"Name","value":"breakingChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"bump"}},{"kind":"Field","name":{"kind":"Name","value":"bumpReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"suggestedVersion"}},{"kind":"Field","name":{"kind":"Name","value":"versionAccepted"}}]}}]}}]} as unknown as DocumentNode<CheckSchemaCompatibilityQuery, CheckSchemaCompatibilityQueryVariables>;
export const EventCursorDocument = {"__meta__":{"hash":"f0ca365305d74a838d44ad64fbf710a90a58e231473e9a5870abcaac0ff39e3b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EventCursor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventCursor"}}]}}]} as unknown as DocumentNode<EventCursorQuery, EventCursorQueryVariables>;
export const BlobEventsDocument = {"__meta__":{"hash":"4a62f1ed33405f2661637781c85b87ec393055a9f53b4c77979fd69e94eeca99"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"BlobEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BlobEventFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blobEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"reset"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"blobId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"bookId"}},{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"blob"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BlobEventsSubscription, BlobEventsSubscriptionVariables>;
export const BlobDerivedDocument = {"__meta__":{"hash":"c4405eff55c67f52761b18289e884b52d9fe69789c331f517b7ff02eb8c3a082"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"BlobDerived"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"parentId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blobDerived"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"parentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"parentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"bookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"reset"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"derivedId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"blob"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BlobDerivedSubscription, BlobDerivedSubscriptionVariables>;
export const RunUpdatedDocument = {"__meta__":{"hash":"1d9a3a2b2fc22389e54ea17bc4d3d9ee53901a852bfe22bb1c4995c6e0437a55"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RunUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"runId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"inputBlobId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"runId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"runId"}}},{"kind":"Argument","name":{"kind":"Name","value":"processorId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}}},{"kind":"Argument","name":{"kind":"Name","value":"inputBlobId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"inputBlobId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"reset"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"textDelta"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}}]}}]}}]} as unknown as DocumentNode<RunUpdatedSubscription, RunUpdatedSubscriptionVariables>;