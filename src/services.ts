/** Builds the services from an open database. The one place that wires repositories to rules. */

import type { ProcessorDefinition } from '../processors/kit';
import type { Reserved } from './auth/registry-access';
import { BlobService, EMBEDDED_STORE_BYTES_PER_MS } from './blobs/blob-service';
import type { BlobStore } from './blobs/blob-store';
import { PgBlobStore } from './blobs/pg-blob-store';
import { BookRepository } from './books/book-repository';
import { BookService } from './books/book-service';
import { ConversationRepository } from './conversations/conversation-repository';
import { ConversationService } from './conversations/conversation-service';
import type { Database } from './db/database';
import { BASE_CATALOG, type EventCatalog } from './events/catalog';
import type { StudioEvent } from './events/event';
import { ChainOverrideRepository } from './processor-registry/chain-override-repository';
import { ChainChecker } from './processor-registry/processor-chain';
import { ProcessorRepository } from './processor-registry/processor-repository';
import { ProcessorService } from './processor-registry/processor-service';
import { BUILTIN_SCHEMAS, TEXT_INPUT_IDS } from './registry/builtin-schemas';
import { SchemaInspector } from './registry/schema-inspector';
import { SchemaRepository } from './registry/schema-repository';
import { SchemaService } from './registry/schema-service';
import { SchemaValidator } from './registry/validator';

export interface Services {
  validator: SchemaValidator;
  /** Checks user-submitted definitions on worker threads; `close()` it on shutdown. */
  inspector: SchemaInspector;
  schemas: SchemaService;
  processors: ProcessorService;
  blobs: BlobService;
  books: BookService;
  conversations: ConversationService;
}

/** The ids and names a release ships: its schemas, and its processors with their schemas. */
export function reservedOf(
  schemas: readonly { definition: Record<string, unknown> }[],
  processors: readonly ProcessorDefinition[],
): Reserved {
  const definitions = [
    ...schemas.map((s) => s.definition),
    ...processors.flatMap((p) => (p.schemas ?? []).map((s) => s.definition)),
  ];
  const ids = definitions.map((d) => String(d.$id).toLowerCase());
  return {
    schemaIds: new Set(ids),
    // A schema's name defaults to its id without the -vN suffix.
    schemaNames: new Set(ids.map((id) => id.replace(/-v\d+$/, ''))),
    processorIds: new Set([USER_INPUT, ...processors.map((p) => p.id)]),
  };
}

const USER_INPUT = 'user-input';

export interface ServiceOptions {
  /** The event kinds processors may name; the studio's own when absent. */
  catalog?: EventCatalog;
  /** Names and ids only a release may register (built-ins and the reserved namespace). */
  reserved?: Reserved;
  store?: BlobStore;
  /**
   * Called after each committed blob write (wakes the outbox relay), with the events the write
   * queued in the PostgreSQL outbox when it names them (the relay then publishes them at once).
   */
  onWrite?: (events?: readonly StudioEvent[]) => void;
  /** Per-user blob quotas; the defaults of `DEFAULT_QUOTA` when absent. */
  quota?: { blobs: number; bytes: number };
  /** Blob data one GraphQL response may carry; `DEFAULT_RESPONSE_DATA_BYTES` when absent. */
  responseDataBytes?: number;
}

export function createServices(database: Database, options: ServiceOptions = {}): Services {
  const store = options.store ?? new PgBlobStore(database);
  const validator = new SchemaValidator();
  const inspector = new SchemaInspector(validator);
  const processorRepo = new ProcessorRepository(database.db);
  const schemaRepo = new SchemaRepository(database.db);
  const reserved = options.reserved ?? reservedOf(BUILTIN_SCHEMAS, []);
  const schemas = new SchemaService(
    schemaRepo,
    validator,
    (id) => processorRepo.findById(id),
    inspector,
    reserved,
  );
  const chain = new ChainChecker({
    schemas: (ids) => schemaRepo.findByIds(ids),
    idsOfNames: (names) => schemaRepo.idsOfNames(names),
    producersOf: (ids, exceptId) => processorRepo.activeWithAny('output_schema_ids', ids, exceptId),
    consumersOf: (ids, exceptId) => processorRepo.activeWithAny('input_schema_ids', ids, exceptId),
    // Documents valid under what the producer writes must stay valid under what the consumer
    // reads: the registry's BACKWARD diff from one to the other, on the inspector's workers.
    compare: (written, read, meter) =>
      inspector.compatibility(written.definition, read.definition, 'BACKWARD', meter),
  });
  const processors = new ProcessorService(
    processorRepo,
    new ChainOverrideRepository(database.db),
    chain,
    validator,
    async (ids) => {
      const found = new Set((await schemaRepo.findByIds(ids)).map((s) => s.id));
      const missing = ids.filter((id) => !found.has(id));
      // A suggestion for the first few only: each costs a query.
      return Promise.all(
        missing.map(async (id, i) => ({
          id,
          suggestion: i < 3 ? (await schemas.unknown(id)).details.suggestion : undefined,
        })),
      );
    },
    inspector,
    reserved,
    options.catalog ?? BASE_CATALOG,
  );
  const books = new BookService(new BookRepository(database.db));
  const conversations = new ConversationService(new ConversationRepository(database.db));
  const blobs = new BlobService(
    store,
    schemas,
    books,
    conversations,
    // Another store keeps its events in an outbox of its own: only the relay's pass reads it.
    options.store && options.onWrite ? () => options.onWrite?.() : options.onWrite,
    options.quota,
    options.responseDataBytes,
    // PGlite works in this process, one statement at a time for every user: storing is charged.
    database.kind === 'pglite' && !options.store ? EMBEDDED_STORE_BYTES_PER_MS : undefined,
  );
  return { validator, inspector, schemas, processors, blobs, books, conversations };
}

/** Registers the built-in processor and schemas. Idempotent: safe on every start. */
export async function registerBuiltins(services: Services): Promise<void> {
  await services.processors.register(
    null,
    {
      id: USER_INPUT,
      name: 'User input',
      version: '1.0.0',
      description: "The user's own writing: every blob a user creates directly.",
      outputSchemaIds: [...TEXT_INPUT_IDS],
      emits: ['blob.created.*', 'blob.updated.*', 'blob.deleted.*'],
      maxConcurrency: 1,
    },
    true,
  );
  for (const schema of BUILTIN_SCHEMAS) {
    await services.schemas.ensureBuiltin(schema.definition, {
      ownerProcessorId: schema.ownerProcessorId,
      description: schema.description,
      compatibility: schema.compatibility ?? null,
    });
  }
}
