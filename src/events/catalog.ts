/**
 * The event catalog: every kind of event the studio writes, in one place. For each kind: its
 * name, what its envelope carries and the JSON Schema of its `details`, who emits it and who may
 * consume it. The outbox checks every event against it before writing it, the runtime checks
 * what each processor consumes, the registry checks the names processors declare, and the
 * README's Events table is checked against it (test/events-readme.test.ts).
 *
 * The studio's own kinds are fixed here; on-request processors add one kind each, the request
 * they declare in `onRequest` (`book.compile.requested`), so a new one needs no edit here.
 */
import type { ValidateFunction } from 'ajv';
import type { ProcessorDefinition } from '../../processors/kit';
import type { ValidationIssue } from '../errors';
import { nearest } from '../registry/nearest';
import { toIssues } from '../registry/validator';
import { compileEventSchema, type StudioEvent } from './event';

/** The envelope fields a kind may leave null. */
export type EnvelopeField = 'blobId' | 'parentId' | 'processorId' | 'schemaId' | 'bookId';
const ENVELOPE_FIELDS: readonly EnvelopeField[] = [
  'blobId',
  'parentId',
  'processorId',
  'schemaId',
  'bookId',
];

/** Who may consume a kind's events from a durable work queue. */
export type Consumers =
  /** Any processor. */
  | { kind: 'any' }
  /** Only the processor the event's name names (`processor.retry.<processorId>`). */
  | { kind: 'named' }
  /** Only the processor that declared the request. */
  | { kind: 'requester'; processorId: string };

export interface EventKind {
  /** The name, with the varying part in angle brackets: `blob.created.<schemaId>`. */
  name: string;
  entity: string;
  action: string;
  /**
   * What the name's third token is: the envelope's schema or processor id (the event names its
   * own), or a fixed word.
   */
  subject: { field: 'schemaId' | 'processorId' } | { word: string };
  description: string;
  /** Envelope fields every event of the kind sets. */
  sets: readonly EnvelopeField[];
  /** Envelope fields it sets when they apply; the rest are always null. */
  may: readonly EnvelopeField[];
  /** JSON Schema of `details` (an event without details is checked as `{}`). */
  details: Record<string, unknown>;
  emittedBy: string;
  consumers: Consumers;
  /** Who reads the kind besides processors. */
  readBy?: string;
}

/** How an on-request processor is asked: its request kind and what a run works on. */
export interface RequestKind {
  processorId: string;
  target: 'book' | 'blob' | 'none';
  /** The schemas of the blobs it takes (a run on a blob). */
  inputSchemaIds: readonly string[];
  kind: EventKind;
}

/** Why a name is refused, with the nearest known name when one is close. */
export interface Refusal {
  message: string;
  suggestion?: string;
}

/** An event that does not fit the catalog: a bug in the code that built it, never user input. */
export class UncatalogedEventError extends Error {
  override name = 'UncatalogedEventError';
}

const TOKEN = /^[A-Za-z0-9_-]+$/;
const NO_DETAILS = { type: 'object', additionalProperties: false, properties: {} };
const RUN_DETAILS = {
  type: 'object',
  required: ['runId'],
  additionalProperties: false,
  properties: { runId: { type: 'string', format: 'uuid' } },
};

function blobKind(
  action: 'created' | 'updated' | 'deleted',
  description: string,
  details: Record<string, unknown>,
): EventKind {
  return {
    name: `blob.${action}.<schemaId>`,
    entity: 'blob',
    action,
    subject: { field: 'schemaId' },
    description,
    sets: ['blobId', 'processorId', 'schemaId'],
    may: ['parentId', 'bookId'],
    details,
    emittedBy:
      action === 'created'
        ? 'the blob service: `createBlob`, a processor deriving a blob'
        : `the blob service: \`${action === 'updated' ? 'updateBlob`, `reorderChapters' : 'deleteBlob'}\``,
    consumers: { kind: 'any' },
    readBy: action === 'created' ? '`blobEvents`, `blobDerived`' : '`blobEvents`',
  };
}

/** The kinds the studio itself emits, whichever processors run. */
export const STUDIO_KINDS: readonly EventKind[] = [
  blobKind('created', 'A blob was stored (version 1).', NO_DETAILS),
  blobKind('updated', 'A blob has a new version (`details.version`).', {
    type: 'object',
    required: ['version'],
    additionalProperties: false,
    properties: { version: { type: 'integer', minimum: 1 } },
  }),
  blobKind('deleted', 'A blob was deleted.', NO_DETAILS),
  {
    name: 'processor.completed.<processorId>',
    entity: 'processor',
    action: 'completed',
    subject: { field: 'processorId' },
    description: 'A run succeeded (`details.runId`); `blobId` is its input, if it had one.',
    sets: ['processorId'],
    may: ['blobId', 'bookId'],
    details: RUN_DETAILS,
    emittedBy: 'the processor runtime, when a run succeeds',
    consumers: { kind: 'any' },
  },
  {
    name: 'processor.retry.<processorId>',
    entity: 'processor',
    action: 'retry',
    subject: { field: 'processorId' },
    description: 'A FAILED or CANCELLED run is back in its queue (`details.runId`).',
    sets: ['processorId'],
    may: ['blobId', 'bookId'],
    details: RUN_DETAILS,
    emittedBy: 'the run service: `retryRun`, dead-letter replays, bulk retries',
    consumers: { kind: 'named' },
  },
];

/** The kind a processor's `onRequest` declares (checked: a bad declaration stops the release). */
function requestKind(d: ProcessorDefinition): EventKind | null {
  const request = d.onRequest;
  if (!request) return null;
  const fail = (why: string): never => {
    throw new Error(`Processor "${d.id}" declares onRequest "${request.event}": ${why}`);
  };
  const [entity = '', action = '', word = '', ...more] = request.event.split('.');
  const wellNamed = more.length === 0 && word === 'requested';
  if (!wellNamed || ![entity, action].every((t) => TOKEN.test(t)))
    fail('a request is named <entity>.<action>.requested');
  if (request.details.type !== 'object') fail('its details schema must be of type "object"');
  if (request.target === 'blob' && d.inputSchemaIds.length === 0)
    fail('a processor run on a blob needs inputSchemaIds (the blobs it accepts)');
  return {
    name: request.event,
    entity,
    action,
    subject: { word },
    description: `Asks \`${d.id}\` for a run${request.target === 'none' ? '' : ` on a ${request.target}`}.`,
    sets: request.target === 'book' ? ['bookId'] : request.target === 'blob' ? ['blobId'] : [],
    may: request.target === 'blob' ? ['bookId'] : [],
    details: request.details,
    emittedBy: `the run service, asked to run \`${d.id}\` (\`requestRun\`, \`POST /processors/${d.id}/runs\`)`,
    consumers: { kind: 'requester', processorId: d.id },
  };
}

/** The kind's name for one event: the placeholder filled in with `subject`. */
const nameWith = (kind: EventKind, subject: string) =>
  'word' in kind.subject ? kind.name : `${kind.entity}.${kind.action}.${subject}`;

/** `blob.created.text-input-v1` -> its three tokens, or null for another shape. */
function tokensOf(type: string): [string, string, string] | null {
  const tokens = type.split('.');
  return tokens.length === 3 && tokens.every((t) => TOKEN.test(t))
    ? (tokens as [string, string, string])
    : null;
}

export class EventCatalog {
  readonly kinds: readonly EventKind[];
  /** By `<entity>.<action>`: a name's first two tokens decide its kind. */
  private readonly byPrefix = new Map<string, EventKind>();
  private readonly checks = new Map<EventKind, ValidateFunction>();
  private readonly requests = new Map<string, RequestKind>();

  /** The studio's kinds and the request kind of each on-request processor among `processors`. */
  constructor(processors: readonly ProcessorDefinition[] = []) {
    const kinds = [...STUDIO_KINDS];
    for (const d of processors) {
      const kind = requestKind(d);
      if (!kind) continue;
      if (kinds.some((k) => same(k, kind)))
        throw new Error(`Processor "${d.id}" declares onRequest "${kind.name}", a kind taken`);
      kinds.push(kind);
      this.requests.set(d.id, {
        processorId: d.id,
        target: d.onRequest!.target,
        inputSchemaIds: d.inputSchemaIds,
        kind,
      });
    }
    for (const kind of kinds) {
      this.byPrefix.set(`${kind.entity}.${kind.action}`, kind);
      try {
        this.checks.set(kind, compileEventSchema(kind.details));
      } catch (error) {
        throw new Error(`The details schema of "${kind.name}" does not compile: ${error}`);
      }
    }
    this.kinds = kinds;
  }

  /** The kind of an event name such as `blob.created.text-input-v1`, or null. */
  kindOf(type: string): EventKind | null {
    const tokens = tokensOf(type);
    if (!tokens) return null;
    const kind = this.byPrefix.get(`${tokens[0]}.${tokens[1]}`);
    if (!kind || ('word' in kind.subject && kind.subject.word !== tokens[2])) return null;
    return kind;
  }

  /** How an on-request processor is asked, or null for a processor that is not. */
  requestOf(processorId: string): RequestKind | null {
    return this.requests.get(processorId) ?? null;
  }

  /** What is wrong with `details` for the kind: empty when they fit its schema. */
  detailsIssues(kind: EventKind, details: unknown): ValidationIssue[] {
    const validate = this.checks.get(kind)!;
    return validate(details ?? {}) ? [] : toIssues(validate.errors);
  }

  /**
   * Throws UncatalogedEventError unless the event is of a known kind, names itself as the kind
   * says (the schema or processor id of its name is the envelope's), sets the envelope fields
   * the kind sets and no others, and carries details its schema accepts.
   */
  check(event: StudioEvent): void {
    const misfit = (why: string) => new UncatalogedEventError(`Event "${event.type}" ${why}`);
    const kind = this.kindOf(event.type);
    if (!kind) {
      const suggestion = this.suggest(event.type);
      throw misfit(`is not in the event catalog${suggestion ? ` (nearest: "${suggestion}")` : ''}`);
    }
    const subject = tokensOf(event.type)![2];
    if ('field' in kind.subject && event[kind.subject.field] !== subject)
      throw misfit(
        `must carry ${kind.subject.field} "${subject}", not ${event[kind.subject.field]}`,
      );
    for (const field of ENVELOPE_FIELDS) {
      const value = event[field];
      if (kind.sets.includes(field) && !value) throw misfit(`must set ${field}`);
      if (!kind.sets.includes(field) && !kind.may.includes(field) && value !== null)
        throw misfit(`must leave ${field} null (${kind.name})`);
    }
    const issues = this.detailsIssues(kind, event.details);
    if (issues.length > 0) {
      const listed = issues.map((i) => `${i.path} ${i.message}`).join('; ');
      throw misfit(`has details that do not fit ${kind.name}: ${listed}`);
    }
  }

  /**
   * Why processor `processorId` may not consume events named `pattern` (a name, or one with `*`
   * for a token and a final `>`), or null when it may: a pattern must match a kind, and some kind
   * it matches must be open to that processor.
   */
  consumeRefusal(processorId: string, pattern: string): Refusal | null {
    const matched = this.matching(pattern);
    if (matched.length === 0) return this.unknown(pattern);
    const subject = pattern.split('.')[2] ?? '*';
    if (matched.some((kind) => mayConsume(kind, processorId, subject))) return null;
    return {
      message: `"${pattern}" is not for processor "${processorId}" to consume: ${matched
        .map((k) => `${k.name} is consumed by ${consumersText(k)}`)
        .join('; ')}`,
    };
  }

  /** Why `pattern` names no kind of the catalog (with the nearest name), or null. */
  unknownRefusal(pattern: string): Refusal | null {
    return this.matching(pattern).length === 0 ? this.unknown(pattern) : null;
  }

  private unknown(pattern: string): Refusal {
    const suggestion = this.suggest(pattern) ?? undefined;
    return {
      message: `"${pattern}" is not an event kind of the catalog${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      suggestion,
    };
  }

  /** The kinds a pattern matches: `blob.created.*`, `processor.>`, or a plain name. */
  private matching(pattern: string): EventKind[] {
    const tokens = pattern.split('.');
    const rest = tokens.at(-1) === '>';
    if (rest) tokens.pop();
    if (tokens.length > 3 || (!rest && tokens.length !== 3)) return [];
    return this.kinds.filter((kind) => {
      const parts = [kind.entity, kind.action, 'word' in kind.subject ? kind.subject.word : null];
      return tokens.every(
        (token, i) =>
          token === '*' || parts[i] === token || (parts[i] === null && TOKEN.test(token)),
      );
    });
  }

  /** The nearest event name to a mistyped one, filled in with its own third token. */
  private suggest(typed: string): string | null {
    const subject = typed.split('.').slice(2).join('.') || 'x';
    return nearest(
      typed,
      this.kinds.map((k) => nameWith(k, subject)),
    );
  }
}

const same = (a: EventKind, b: EventKind) => a.entity === b.entity && a.action === b.action;

function mayConsume(kind: EventKind, processorId: string, subject: string): boolean {
  const c = kind.consumers;
  if (c.kind === 'any') return true;
  if (c.kind === 'named') return subject === processorId;
  return c.processorId === processorId;
}

/** Who may consume a kind, in words (the README's column). */
export function consumersText(kind: EventKind): string {
  const c = kind.consumers;
  if (c.kind === 'any') return 'any processor';
  if (c.kind === 'named') return 'only the processor it names';
  return `only \`${c.processorId}\``;
}

/** The studio's catalog without on-request processors: what blob stores check against. */
export const BASE_CATALOG = new EventCatalog();
