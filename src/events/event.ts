/**
 * The event contract: names and the one envelope every event travels in. Which names exist, and
 * what each carries, is the catalog's (catalog.ts).
 *
 * Names are `<entity>.<action>.<subject>`: `blob.created.text-input-v1`,
 * `blob.updated.expanded-text-v1`, `blob.deleted.text-input-v1`, `book.compile.requested`,
 * `processor.completed.text-expansion`. The third token is a schema id, a processor id or a word;
 * none of them holds a dot.
 */
import { randomUUID } from 'node:crypto';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export interface StudioEvent {
  /** Unique id; also the deduplication id when published. */
  id: string;
  /** `<entity>.<action>.<subject>` */
  type: string;
  userId: string;
  blobId: string | null;
  parentId: string | null;
  processorId: string | null;
  schemaId: string | null;
  bookId: string | null;
  /** ISO 8601. */
  time: string;
  /** Action-specific details (e.g. the formats of a compile request). */
  details?: Record<string, unknown>;
}

const TOKEN = '[A-Za-z0-9_-]+';
const nullableString = { type: ['string', 'null'] };

/** The envelope's JSON Schema: events from outside (NATS) are checked against it once. */
export const EVENT_SCHEMA = {
  type: 'object',
  required: [
    'id',
    'type',
    'userId',
    'blobId',
    'parentId',
    'processorId',
    'schemaId',
    'bookId',
    'time',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string', pattern: `^${TOKEN}\\.${TOKEN}\\.${TOKEN}$` },
    userId: { type: 'string', minLength: 1, maxLength: 128 },
    blobId: nullableString,
    parentId: nullableString,
    processorId: nullableString,
    schemaId: nullableString,
    bookId: nullableString,
    time: { type: 'string', format: 'date-time' },
    details: { type: 'object' },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const check = ajv.compile<StudioEvent>(EVENT_SCHEMA);

/** Compiles a JSON Schema of event data (a kind's `details`) with the envelope's Ajv. */
export function compileEventSchema(schema: Record<string, unknown>): ValidateFunction {
  return ajv.compile(schema);
}

/** Parses and checks an envelope received from outside; throws naming what is wrong. */
export function parseEvent(raw: unknown): StudioEvent {
  if (!check(raw)) {
    const first = check.errors?.[0];
    throw new Error(
      `invalid event envelope: ${first?.instancePath || '/'} ${first?.message ?? ''}`,
    );
  }
  return raw;
}

export type BlobAction = 'created' | 'updated' | 'deleted';

export function blobEvent(
  action: BlobAction,
  blob: {
    id: string;
    userId: string;
    parentId: string | null;
    processorId: string;
    schemaId: string;
    bookId: string | null;
  },
  time = new Date(),
): StudioEvent {
  return {
    id: randomUUID(),
    type: `blob.${action}.${blob.schemaId}`,
    userId: blob.userId,
    blobId: blob.id,
    parentId: blob.parentId,
    processorId: blob.processorId,
    schemaId: blob.schemaId,
    bookId: blob.bookId,
    time: time.toISOString(),
  };
}

/**
 * The event with the blob version the write produced in `details.version`: stores stamp update
 * events inside the transaction that picks the version, so two racing updates never share one.
 */
export function withVersion(event: StudioEvent, version: number): StudioEvent {
  return { ...event, details: { ...event.details, version } };
}

/**
 * The blob version an event is about: `details.version` when stamped, 1 for a creation (a new
 * blob is version 1), else null (an event from before versions were stamped).
 */
export function eventVersion(event: StudioEvent): number | null {
  const stamped = event.details?.version;
  if (typeof stamped === 'number' && Number.isInteger(stamped) && stamped >= 1) return stamped;
  return splitType(event.type)[1] === 'created' ? 1 : null;
}

/** `blob.created.text-input-v1` -> ['blob', 'created', 'text-input-v1'] */
export function splitType(type: string): [string, string, string] {
  const [entity = '', action = '', ...rest] = type.split('.');
  return [entity, action, rest.join('.')];
}
