/** Table shapes as Kysely sees them. Only repositories import this file. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface SchemaNamesTable {
  name: string;
  compatibility: ColumnType<string, string | undefined, string>;
  /** The user who registered the name's first version; null for built-ins. */
  owner: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export interface SchemasTable {
  id: string;
  name: string;
  version: string;
  version_major: number;
  version_minor: number;
  version_patch: number;
  draft: string;
  definition: Json;
  description: string | null;
  examples: Json;
  owner_processor_id: string | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface ProcessorsTable {
  id: string;
  name: string;
  version: string;
  description: string | null;
  input_schema_ids: string[];
  output_schema_ids: string[];
  subscribes: string[];
  emits: string[];
  max_concurrency: number;
  config_schema: ColumnType<unknown, string | null, string | null>;
  active: boolean;
  builtin: boolean;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A registration accepted over broken chain links, and why. */
export interface ProcessorChainOverridesTable {
  id: Generated<string>;
  processor_id: string;
  processor_version: string;
  reason: string;
  /** Null when a release registered a built-in processor at start-up. */
  created_by: string | null;
  /** The broken links, a JSON array of `ChainLink`. */
  links: Json;
  created_at: Timestamp;
}

export interface ProcessorInstancesTable {
  id: Generated<string>;
  user_id: string;
  processor_id: string;
  config: Json;
  enabled: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BooksTable {
  id: Generated<string>;
  user_id: string;
  title: string;
  author: string | null;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConversationsTable {
  id: Generated<string>;
  user_id: string;
  title: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BlobsTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  user_id: string;
  schema_id: string;
  processor_id: string;
  data: Json;
  size: number;
  version: ColumnType<number, number | undefined, number>;
  parent_id: string | null;
  book_id: string | null;
  conversation_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  idempotency_key: ColumnType<string | null, string | null | undefined, string | null>;
  provenance: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface BlobVersionsTable {
  blob_id: string;
  version: number;
  schema_id: string;
  data: Json;
  size: number;
  created_at: Timestamp;
}

/** Counters of one user's blobs, kept by every blob write (see the blob_usage migration). */
export interface BlobUsageTable {
  user_id: string;
  /** Blobs not deleted. */
  blobs: ColumnType<number, number | undefined, number>;
  /** Bytes of those blobs' data, earlier versions included: what the byte quota counts. */
  bytes: ColumnType<number, number | undefined, number>;
  /** Bytes of their current versions only: what me.totalSize reports. */
  current_bytes: ColumnType<number, number | undefined, number>;
}

export interface OutboxTable {
  id: ColumnType<number, never, never>;
  event_id: string;
  user_id: string;
  type: string;
  event: Json;
  created_at: Timestamp;
  published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** A relay's claim on an unpublished row, until then (see the outbox relay). */
  claimed_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ProcessorRunsTable {
  id: Generated<string>;
  key: string;
  user_id: string;
  processor_id: string;
  processor_version: string;
  event: Json;
  input_blob_id: string | null;
  input_version: number | null;
  book_id: string | null;
  output_blob_id: string | null;
  status: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  error: string | null;
  model: string | null;
  progress: ColumnType<unknown, string | null | undefined, string | null>;
  stream_text: ColumnType<string, string | undefined, string>;
  stream_seq: ColumnType<number, number | undefined, number>;
  stream_start: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  finished_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The reprocessing that created the run, if one did. */
  reprocessing_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface FilesTable {
  id: Generated<string>;
  user_id: string;
  blob_id: string | null;
  name: string;
  media_type: string;
  size: number;
  content: Buffer;
  created_at: Timestamp;
}

/** One reprocessing of a processor's outputs (see the reprocessings migration). */
export interface ReprocessingsTable {
  id: Generated<string>;
  processor_id: string;
  /** The processor versions whose outputs the selection held when it was asked for. */
  from_versions: ColumnType<string[], string, string>;
  to_version: string;
  selection: ColumnType<Record<string, unknown>, string, string>;
  status: ColumnType<string, string | undefined, string>;
  total: number;
  skipped: ColumnType<number, number | undefined, number>;
  cursor: string | null;
  scanned: ColumnType<boolean, boolean | undefined, boolean>;
  error: string | null;
  requested_by: string;
  lease_owner: string | null;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface WorkerHeartbeatsTable {
  id: string;
  host: string;
  pid: number;
  /** Processor ids, a JSON array. */
  processors: ColumnType<string[], string, string>;
  /** Runs in flight by processor id, a JSON object. */
  in_flight: ColumnType<Record<string, number>, string, string>;
  interval_ms: number;
  started_at: ColumnType<Date, Date, Date>;
  last_beat: ColumnType<Date, Date, Date>;
}

export interface DB {
  worker_heartbeats: WorkerHeartbeatsTable;
  reprocessings: ReprocessingsTable;
  processor_runs: ProcessorRunsTable;
  files: FilesTable;
  outbox: OutboxTable;
  schema_names: SchemaNamesTable;
  schemas: SchemasTable;
  processors: ProcessorsTable;
  processor_instances: ProcessorInstancesTable;
  processor_chain_overrides: ProcessorChainOverridesTable;
  books: BooksTable;
  conversations: ConversationsTable;
  blobs: BlobsTable;
  blob_versions: BlobVersionsTable;
  blob_usage: BlobUsageTable;
}
