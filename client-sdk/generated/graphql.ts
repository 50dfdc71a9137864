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

/** A JSON document valid against its schema, owned by one user, produced by a processor. */
export type Blob = {
  __typename?: 'Blob';
  book?: Maybe<Book>;
  conversation?: Maybe<Conversation>;
  createdAt: Scalars['DateTime']['output'];
  data: Scalars['JSON']['output'];
  /** Blobs derived from this one, oldest first. */
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
  schema: JsonSchema;
  schemaId: Scalars['ID']['output'];
  /** Bytes of the serialised data. */
  size: Scalars['Int']['output'];
  updatedAt: Scalars['DateTime']['output'];
  userId: Scalars['ID']['output'];
  /** 1 when created, +1 on each update. */
  version: Scalars['Int']['output'];
  /** Every version, oldest first; the last is the current content. */
  versions: Array<BlobVersion>;
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
  compatible: Scalars['Boolean']['output'];
  mode: CompatibilityMode;
  /** The version checked against. */
  previousId?: Maybe<Scalars['ID']['output']>;
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
  /** A blob of yours this one derives from. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  schemaId: Scalars['ID']['input'];
};

/** A registered JSON Schema. Its id is its `$id`. */
export type JsonSchema = {
  __typename?: 'JsonSchema';
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

/** Everything a signed-in user can change. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Cancels a QUEUED or RUNNING run; a running step stops at its next checkpoint. */
  cancelRun: ProcessorRun;
  /** Compiles the book (each chapter's newest expansion, or the originals) into the formats asked for; the run's output is a compiled-book-v1 blob whose files download from /files/:id. */
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
  /** Registers a processor, or updates one you own (version may not go down). Needs the registry-author role (registry-admin to update any). */
  registerProcessor: Processor;
  registerSchema: JsonSchema;
  /** Runs a FAILED or CANCELLED run again from its first step. */
  retryRun: ProcessorRun;
  /** Needs the registry-author role and ownership of the schema's name, or registry-admin. Built-ins cannot be changed. */
  setSchemaActive: JsonSchema;
  setSchemaCompatibility: CompatibilityMode;
  /** Re-validates and replaces the data; earlier versions stay readable in `versions`. */
  updateBlob: Blob;
  updateBook: Book;
  updateProcessorInstance: ProcessorInstance;
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
export type MutationRegisterProcessorArgs = {
  input: RegisterProcessorInput;
};


/** Everything a signed-in user can change. */
export type MutationRegisterSchemaArgs = {
  input: RegisterSchemaInput;
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
  configSchema?: Maybe<Scalars['JSON']['output']>;
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** Events it produces. */
  emits: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  inputSchemaIds: Array<Scalars['ID']['output']>;
  inputSchemas: Array<JsonSchema>;
  /** The caller's own instance of this processor, if configured. */
  instance?: Maybe<ProcessorInstance>;
  maxConcurrency: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  outputSchemaIds: Array<Scalars['ID']['output']>;
  outputSchemas: Array<JsonSchema>;
  /** Your runs of this processor, newest first, at most 100 a page. */
  runs: ProcessorRunConnection;
  /** Events it reacts to. */
  subscribes: Array<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['String']['output'];
};


/** A step that reacts to events and derives blobs, or `user-input` for the user. */
export type ProcessorRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<RunStatus>;
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
  /** Your blobs, newest first unless `order` says otherwise. Forward pagination only. */
  blobs: QueryBlobsConnection;
  book?: Maybe<Book>;
  /** Your books, oldest first, at most 100 a page. */
  books: BookConnection;
  /** Dry run of registerSchema: what would break, without registering. */
  checkSchemaCompatibility: CompatibilityReport;
  conversation?: Maybe<Conversation>;
  /** Your conversations, oldest first, at most 100 a page. */
  conversations: ConversationConnection;
  /** A cursor at the end of the event log now. Take it before a write and pass it as `after` to `blobEvents` or `blobDerived`: everything from the write on is delivered, however late you subscribe. */
  eventCursor: Scalars['String']['output'];
  me: UserState;
  processor?: Maybe<Processor>;
  processorInstance?: Maybe<ProcessorInstance>;
  /** Your processor instances in processor id order, at most 100 a page. */
  processorInstances: ProcessorInstanceConnection;
  /** Registered processors in id order, at most 100 a page. */
  processors: QueryProcessorsConnection;
  run?: Maybe<ProcessorRun>;
  /** Your runs, newest first, at most 100 a page. */
  runs: ProcessorRunConnection;
  schema?: Maybe<JsonSchema>;
  /** Registered schemas in name and version order, at most 100 a page. */
  schemas: QuerySchemasConnection;
  /** Validates data against a registered schema without storing anything. */
  validate: ValidationResult;
};


/** Everything a signed-in user can read. */
export type QueryBlobArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryBlobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<BlobFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  order?: InputMaybe<BlobOrder>;
};


/** Everything a signed-in user can read. */
export type QueryBookArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryBooksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
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
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
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
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything a signed-in user can read. */
export type QueryProcessorsArgs = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything a signed-in user can read. */
export type QueryRunArgs = {
  id: Scalars['ID']['input'];
};


/** Everything a signed-in user can read. */
export type QueryRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  bookId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
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
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
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
  node: JsonSchema;
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
  /** Semantic version; defaults to N.0.0 for an `$id` ending in -vN. */
  version?: InputMaybe<Scalars['String']['input']>;
};

export type RunStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

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
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** The caller's state: what they own and how much. */
export type UserStateConversationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** The caller's state: what they own and how much. */
export type UserStateProcessorInstancesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
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

export type CreateBookMutationVariables = Exact<{
  input: BookInput;
}>;


export type CreateBookMutation = { __typename?: 'Mutation', createBook: { __typename?: 'Book', id: string, title: string, author?: string | null, description?: string | null } };

export type CompileBookMutationVariables = Exact<{
  bookId: Scalars['ID']['input'];
  formats: Array<BookFormat> | BookFormat;
  useOriginals?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type CompileBookMutation = { __typename?: 'Mutation', compileBook: { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null } };

export type BlobFieldsFragment = { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string };

export type RunFieldsFragment = { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null };

export type RunQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RunQuery = { __typename?: 'Query', run?: { __typename?: 'ProcessorRun', textSoFar: string, streamCursor: string, id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, output?: { __typename?: 'Blob', id: string, schemaId: string, processorId: string, parentId?: string | null, version: number, data: unknown, createdAt: string } | null } | null };

export type RetryRunMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RetryRunMutation = { __typename?: 'Mutation', retryRun: { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null } };

export type CancelRunMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CancelRunMutation = { __typename?: 'Mutation', cancelRun: { __typename?: 'ProcessorRun', id: string, processorId: string, status: RunStatus, attempts: number, error?: string | null, inputBlobId?: string | null, outputBlobId?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null } };

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
export const MeDocument = {"__meta__":{"hash":"7be385cc866398c9b6d303fb203c3c80c0b74e6d119e1be21c25611a0be8b02f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"blobCount"}},{"kind":"Field","name":{"kind":"Name","value":"totalSize"}},{"kind":"Field","name":{"kind":"Name","value":"quota"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blobs"}},{"kind":"Field","name":{"kind":"Name","value":"bytes"}},{"kind":"Field","name":{"kind":"Name","value":"usedBlobs"}},{"kind":"Field","name":{"kind":"Name","value":"usedBytes"}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const BlobDocument = {"__meta__":{"hash":"77f67d18808a7079a69b9aa3250146560d6155e6df8f491218613fe5c197eb58"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Blob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"derived"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BlobQuery, BlobQueryVariables>;
export const BlobsDocument = {"__meta__":{"hash":"accc99d06fa4f3d0a057f339de060b163c4f76b7dba5ca63ba3a53f05f6806ee"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Blobs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BlobFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BlobsQuery, BlobsQueryVariables>;
export const CreateBlobDocument = {"__meta__":{"hash":"fabbfb4c34f16507590be814fb84901d8fd9f89286621aa12829a5e6437234e5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateBlob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateBlobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createBlob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<CreateBlobMutation, CreateBlobMutationVariables>;
export const UpdateBlobDocument = {"__meta__":{"hash":"9ea2052bdc783aef41ce36ff3039988126bccb87f9ecab59c2712abd4a653ae4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateBlob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateBlobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateBlob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<UpdateBlobMutation, UpdateBlobMutationVariables>;
export const DeleteBlobDocument = {"__meta__":{"hash":"995a5c2c0742d9e4a62c4e8709195cec934b84be00155102283d689401a21769"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteBlob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteBlob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DeleteBlobMutation, DeleteBlobMutationVariables>;
export const ValidateDataDocument = {"__meta__":{"hash":"238520317b41fc54d7ccee7fb6e778af4389aaa1abd65b9fa3d1d837556abf30"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ValidateData"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"schemaId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"data"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"schemaId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"schemaId"}}},{"kind":"Argument","name":{"kind":"Name","value":"data"},"value":{"kind":"Variable","name":{"kind":"Name","value":"data"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"valid"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyword"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}}]}}]} as unknown as DocumentNode<ValidateDataQuery, ValidateDataQueryVariables>;
export const BooksDocument = {"__meta__":{"hash":"ad58295fead2b23a9b4385209a251a2d1a6eaa81dab8989d0e101976dce6fe88"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Books"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"books"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"author"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<BooksQuery, BooksQueryVariables>;
export const CreateBookDocument = {"__meta__":{"hash":"66997860d82c83a720fb0e5e617850e0967d94f4d8fdb8ea76cdec4b17f35c18"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateBook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"author"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]}}]} as unknown as DocumentNode<CreateBookMutation, CreateBookMutationVariables>;
export const CompileBookDocument = {"__meta__":{"hash":"9afe6713d680837c09c3cbbe7aae3ad35c56ace6a1f4ea25a60770aab9a8ea1a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CompileBook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"formats"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BookFormat"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"useOriginals"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"compileBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"bookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}}},{"kind":"Argument","name":{"kind":"Name","value":"formats"},"value":{"kind":"Variable","name":{"kind":"Name","value":"formats"}}},{"kind":"Argument","name":{"kind":"Name","value":"useOriginals"},"value":{"kind":"Variable","name":{"kind":"Name","value":"useOriginals"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<CompileBookMutation, CompileBookMutationVariables>;
export const RunDocument = {"__meta__":{"hash":"d835d1e2cda2554a41b0ebc63e05534be4e84b9bec8fe54935cfef53673055d3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Run"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"run"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}},{"kind":"Field","name":{"kind":"Name","value":"textSoFar"}},{"kind":"Field","name":{"kind":"Name","value":"streamCursor"}},{"kind":"Field","name":{"kind":"Name","value":"output"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<RunQuery, RunQueryVariables>;
export const RetryRunDocument = {"__meta__":{"hash":"75b044a24d2276c99fff139c07cf932e7ab917929aa983a442190d4503838249"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RetryRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<RetryRunMutation, RetryRunMutationVariables>;
export const CancelRunDocument = {"__meta__":{"hash":"ad61049e0d8c5a3a4161239ff317c8ddca49e68f7038e858f7da5a7c00cbd4e2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProcessorRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]} as unknown as DocumentNode<CancelRunMutation, CancelRunMutationVariables>;
export const EventCursorDocument = {"__meta__":{"hash":"f0ca365305d74a838d44ad64fbf710a90a58e231473e9a5870abcaac0ff39e3b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EventCursor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventCursor"}}]}}]} as unknown as DocumentNode<EventCursorQuery, EventCursorQueryVariables>;
export const BlobEventsDocument = {"__meta__":{"hash":"4a62f1ed33405f2661637781c85b87ec393055a9f53b4c77979fd69e94eeca99"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"BlobEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BlobEventFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blobEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"reset"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"blobId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"bookId"}},{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"blob"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BlobEventsSubscription, BlobEventsSubscriptionVariables>;
export const BlobDerivedDocument = {"__meta__":{"hash":"c4405eff55c67f52761b18289e884b52d9fe69789c331f517b7ff02eb8c3a082"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"BlobDerived"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"parentId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blobDerived"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"parentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"parentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"bookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bookId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"reset"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"derivedId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"blob"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BlobFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BlobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Blob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schemaId"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BlobDerivedSubscription, BlobDerivedSubscriptionVariables>;
export const RunUpdatedDocument = {"__meta__":{"hash":"1d9a3a2b2fc22389e54ea17bc4d3d9ee53901a852bfe22bb1c4995c6e0437a55"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RunUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"runId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"inputBlobId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"runId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"runId"}}},{"kind":"Argument","name":{"kind":"Name","value":"processorId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"processorId"}}},{"kind":"Argument","name":{"kind":"Name","value":"inputBlobId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"inputBlobId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"reset"}},{"kind":"Field","name":{"kind":"Name","value":"processorId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"textDelta"}},{"kind":"Field","name":{"kind":"Name","value":"inputBlobId"}},{"kind":"Field","name":{"kind":"Name","value":"outputBlobId"}}]}}]}}]} as unknown as DocumentNode<RunUpdatedSubscription, RunUpdatedSubscriptionVariables>;