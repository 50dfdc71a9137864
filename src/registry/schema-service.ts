/**
 * The schema registry's rules: meta-validation, size and depth caps, unique ids, semver order per
 * name, compatibility per name, self-validating examples, and validation of documents.
 */
import semver from 'semver';
import {
  assertMayChange,
  isReserved,
  type RegistryActor,
  type Reserved,
  reservedError,
} from '../auth/registry-access';
import {
  AppError,
  type BreakingChange,
  badInput,
  ErrorCode,
  notFound,
  type ValidationIssue,
} from '../errors';
import { type CostMeter, metered } from '../http/cost-meter';
import { capText, depthOf, jsonBytes, MAX_DESCRIPTION_BYTES, MAX_EXAMPLES_BYTES } from '../limits';
import { type Page, pageRequest } from '../paging';
import type { CompatibilityMode } from './compatibility';
import { nearest, suggestionCap } from './nearest';
import type { SchemaInspector } from './schema-inspector';
import { isSchemaKey, SCHEMA_CURSOR, type SchemaRepository } from './schema-repository';
import type { CompatibilityReport, RegisterSchemaInput, SchemaRecord } from './schema-types';
import type { SchemaValidator } from './validator';
import { bumpOf, type ChangeAssessment, minimumVersion } from './version-bump';

/** Caps on a submitted definition: a registry is no place for megabyte schemas. */
const SCHEMA_LIMITS = {
  maxBytes: 256 * 1024,
  maxDepth: 32,
  maxExamples: 20,
} as const;

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,127}$/i;
const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

/** `text-input-v1` -> name `text-input`, version `1.0.0`. */
function defaultsFromId(id: string): { name: string; version: string | undefined } {
  const match = /^(.*)-v(\d+)$/.exec(id);
  return match ? { name: match[1]!, version: `${match[2]}.0.0` } : { name: id, version: undefined };
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
}

interface Prepared {
  record: SchemaRecord;
  mode: CompatibilityMode;
  previous: SchemaRecord | null;
}

/** Who owns a processor, for `ownerProcessorId`; null when there is no such processor. */
export type ProcessorOwnerLookup = (
  id: string,
) => Promise<{ createdBy: string | null; builtin: boolean } | null>;

/** A start-up that finds a row it did not write under a built-in name refuses to adopt it. */
export class BuiltinClashError extends Error {
  override name = 'BuiltinClashError';
}

const describe = (changes: BreakingChange[]) =>
  changes.map((c) => `${c.path} ${c.message}`).join('; ');

function bumpDetails(previous: SchemaRecord, assessment: ChangeAssessment) {
  return {
    requiredBump: assessment.bump,
    minimumVersion: minimumVersion(previous.version, assessment.bump),
    bumpReasons: assessment.reasons,
  };
}

/**
 * Calls `refuse` when `record.version` understates the bump its change over `previous` needs
 * (1.0.0 -> 1.0.1 for a new property): with the bump needed, why, and the smallest version.
 */
function assertVersionCarries(
  record: SchemaRecord,
  previous: SchemaRecord,
  assessment: ChangeAssessment,
  refuse: (message: string, details: ReturnType<typeof bumpDetails>) => never,
): void {
  const details = bumpDetails(previous, assessment);
  if (!semver.lt(record.version, details.minimumVersion)) return;
  refuse(
    `Version ${record.version} of "${record.name}" is a ${bumpOf(previous.version, record.version)} bump over ${previous.version}, ` +
      `but the change needs a ${assessment.bump} bump (${describe(assessment.reasons)}); ` +
      `the smallest acceptable version is ${details.minimumVersion}`,
    details,
  );
}

const NO_RESERVED: Reserved = {
  schemaIds: new Set(),
  schemaNames: new Set(),
  processorIds: new Set(),
};

export class SchemaService {
  /** Schema records by id, kept briefly: creating a blob must not cost a registry query. */
  private readonly cache = new Map<string, { record: SchemaRecord; until: number }>();

  constructor(
    private readonly repo: SchemaRepository,
    private readonly validator: SchemaValidator,
    private readonly processorOwner: ProcessorOwnerLookup,
    private readonly inspector: SchemaInspector,
    private readonly reserved: Reserved = NO_RESERVED,
    private readonly cacheMs = 2000,
  ) {}

  async get(id: string): Promise<SchemaRecord | null> {
    const hit = this.cache.get(id);
    if (hit && hit.until > Date.now()) return hit.record;
    const record = await this.repo.findById(id);
    if (record) this.cache.set(id, { record, until: Date.now() + this.cacheMs });
    return record;
  }

  async require(id: string, field?: string, meter?: CostMeter): Promise<SchemaRecord> {
    const record = await this.get(id);
    if (!record) throw await this.unknown(id, field, meter);
    return record;
  }

  /**
   * NOT_FOUND for a schema id, suggesting the nearest registered id (`suggestion`) when one is a
   * few edits away. Candidates are ids of about the same length, at most 1,000 of them (about 10 ms of work at worst).
   */
  async unknown(id: string, field?: string, meter?: CostMeter): Promise<AppError> {
    const cap = suggestionCap(id);
    const candidates =
      id.length <= 128 ? await this.repo.idsOfLength(id.length - cap, id.length + cap, 1000) : [];
    const suggestion = metered(meter, () => nearest(id, candidates));
    return new AppError(
      ErrorCode.NOT_FOUND,
      `Schema "${id}" was not found.${suggestion ? ` Did you mean "${suggestion}"?` : ' List the registered ones with `schemas` (or GET /schemas).'}`,
      { ...(field ? { field } : {}), ...(suggestion ? { suggestion } : {}) },
    );
  }

  getMany(ids: readonly string[]): Promise<SchemaRecord[]> {
    return this.repo.findByIds(ids);
  }

  /** A page of registered schemas, in name and version order. */
  list(
    filter: { name?: string | null; active?: boolean | null; ownerProcessorId?: string | null },
    first?: number | null,
    after?: string | null,
  ): Promise<Page<SchemaRecord>> {
    return this.repo.list(filter, pageRequest(SCHEMA_CURSOR, first, after, isSchemaKey));
  }

  /** Validates `data` against a registered schema (active or not), charging `meter` for it. */
  async validate(schemaId: string, data: unknown, meter?: CostMeter): Promise<ValidationResult> {
    const schema = await this.require(schemaId, undefined, meter);
    const errors = this.validator.validate(schema, data, meter);
    return { valid: errors.length === 0, errors };
  }

  /**
   * Checks `data` against an active schema and throws VALIDATION_FAILED with the failing paths.
   * Used by every write of a blob; the check is charged to `meter`.
   */
  async assertValid(schemaId: string, data: unknown, meter?: CostMeter): Promise<SchemaRecord> {
    const schema = await this.get(schemaId);
    if (!schema) throw await this.unknown(schemaId, 'schemaId', meter);
    if (!schema.active) {
      throw new AppError(ErrorCode.SCHEMA_INACTIVE, `Schema "${schemaId}" is not active`, {
        field: 'schemaId',
      });
    }
    const issues = this.validator.validate(schema, data, meter);
    if (issues.length > 0) {
      const first = issues[0]!;
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `Data does not match schema "${schemaId}": ${first.path} ${first.message}`,
        { issues },
      );
    }
    return schema;
  }

  /**
   * What `register` would decide about compatibility and the version, without registering: the
   * breaking changes, the semver bump the change needs with its reasons, and the smallest version
   * that carries it. A read: open to every signed-in user, and it says nothing about whether
   * they may publish.
   */
  async checkCompatibility(
    input: RegisterSchemaInput,
    meter?: CostMeter,
  ): Promise<CompatibilityReport> {
    const { mode, previous, record } = await this.prepare(null, input, 'dry-run', meter);
    if (!previous) {
      return {
        compatible: true,
        mode,
        previousId: null,
        breakingChanges: [],
        bump: null,
        bumpReasons: [],
        suggestedVersion: record.version,
        versionAccepted: true,
      };
    }
    const assessment = await this.inspector.assess(
      previous.definition,
      record.definition,
      mode,
      meter,
    );
    const suggestedVersion = minimumVersion(previous.version, assessment.bump);
    return {
      compatible: assessment.breakingChanges.length === 0,
      mode,
      previousId: previous.id,
      breakingChanges: assessment.breakingChanges,
      bump: assessment.bump,
      bumpReasons: assessment.reasons,
      suggestedVersion,
      versionAccepted: !semver.lt(record.version, suggestedVersion),
    };
  }

  /**
   * Registers a schema: a new name (which `actor` then owns) or a new version of a name `actor`
   * owns (admins may publish under any name). Throws a typed error naming the problem; nothing is
   * written then.
   */
  async register(
    actor: RegistryActor,
    input: RegisterSchemaInput,
    meter?: CostMeter,
  ): Promise<SchemaRecord> {
    const { record, mode, previous } = await this.prepare(actor, input, 'user', meter);
    if (previous) {
      const assessment = await this.inspector.assess(
        previous.definition,
        record.definition,
        mode,
        meter,
      );
      const changes = assessment.breakingChanges;
      if (changes.length > 0) {
        throw new AppError(
          ErrorCode.SCHEMA_INCOMPATIBLE,
          `Version ${record.version} of "${record.name}" is not ${mode} compatible with ${previous.version}: ${describe(changes)}`,
          { breakingChanges: changes, ...bumpDetails(previous, assessment) },
        );
      }
      assertVersionCarries(record, previous, assessment, (message, details) => {
        throw new AppError(ErrorCode.SCHEMA_VERSION_TOO_LOW, message, {
          field: 'version',
          ...details,
        });
      });
    }
    // The owner is checked again under a lock on the name: two users racing for a new name
    // cannot both publish under it.
    const outcome = await this.repo.insert(
      record,
      mode,
      (owner) => actor.admin || (owner !== null && owner === actor.userId),
    );
    if (outcome === 'not-owner') {
      assertMayChange(
        actor,
        (await this.repo.nameOwner(record.name))?.owner ?? null,
        `Schema name "${record.name}"`,
      );
    }
    if (outcome !== 'inserted') {
      throw new AppError(
        ErrorCode.SCHEMA_CONFLICT,
        `Schema "${record.id}" or version ${record.version} of "${record.name}" already exists`,
      );
    }
    return (await this.repo.findById(record.id)) ?? record;
  }

  /**
   * Registers a built-in schema at start-up. Idempotent: an existing id is left as it is, so
   * starting twice never duplicates or changes anything.
   */
  async ensureBuiltin(
    definition: Record<string, unknown>,
    extra: Omit<RegisterSchemaInput, 'definition'>,
  ) {
    const id = definition.$id as string;
    const existing = await this.repo.findById(id);
    if (existing) {
      // A row under a built-in id that a user wrote (before the id was reserved) is never adopted.
      if (existing.createdBy !== null) {
        throw new BuiltinClashError(
          `Schema "${id}" is built in, but the row in the database was registered by user "${existing.createdBy}". ` +
            'Rename or remove that schema (and its blobs) before starting this release.',
        );
      }
      return;
    }
    const prepared = await this.prepare(null, { ...extra, definition }, 'builtin');
    const { record, previous } = prepared;
    const name = await this.repo.nameOwner(record.name);
    if (name && name.owner !== null) {
      throw new BuiltinClashError(
        `Schema name "${record.name}" is built in, but it belongs to user "${name.owner}" in the database. ` +
          'Rename or remove those schemas before starting this release.',
      );
    }
    // A new version of a built-in name obeys the registry's rules like any other: the release
    // states the mode it keeps (FORWARD for a stricter version), and a break stops the start.
    const mode = (previous && extra.compatibility) || prepared.mode;
    if (previous) {
      const assessment = this.inspector.assessTrusted(previous.definition, record.definition, mode);
      if (assessment.breakingChanges.length > 0) {
        throw new BuiltinClashError(
          `Built-in schema "${id}" is not ${mode} compatible with ${previous.id}: ${describe(assessment.breakingChanges)}`,
        );
      }
      assertVersionCarries(record, previous, assessment, (message) => {
        throw new BuiltinClashError(`Built-in schema "${id}": ${message}`);
      });
    }
    await this.repo.insert(record, mode);
    if (previous && mode !== prepared.mode) await this.repo.setModeOfName(record.name, mode);
  }

  /** Activates or deactivates a version; its name's owner or an admin may, never on a built-in. */
  async setActive(actor: RegistryActor, id: string, active: boolean): Promise<SchemaRecord> {
    const schema = await this.repo.findById(id);
    if (!schema) throw await this.unknown(id, 'id');
    assertMayChange(actor, await this.ownerOfName(schema.name), `Schema "${id}"`);
    const updated = (await this.repo.setActive(id, active))!;
    this.cache.delete(id);
    return updated;
  }

  /** Sets a name's compatibility mode; its owner or an admin may, never on a built-in. */
  async setCompatibility(
    actor: RegistryActor,
    name: string,
    mode: CompatibilityMode,
  ): Promise<CompatibilityMode> {
    const found = await this.repo.nameOwner(name);
    if (!found) throw notFound('Schema name', name);
    assertMayChange(actor, found.owner, `Schema name "${name}"`);
    await this.repo.setModeOfName(name, mode);
    return mode;
  }

  private async ownerOfName(name: string): Promise<string | null> {
    return (await this.repo.nameOwner(name))?.owner ?? null;
  }

  async modeOf(name: string): Promise<CompatibilityMode> {
    return (await this.repo.modeOfName(name)) ?? 'BACKWARD';
  }

  /**
   * Checks a submission and builds its record. `purpose` says who asks: a user registering (every
   * rule, ownership included), a dry run (no ownership or reservation rules: it writes nothing),
   * or a release registering a built-in.
   */
  private async prepare(
    actor: RegistryActor | null,
    input: RegisterSchemaInput,
    purpose: 'user' | 'dry-run' | 'builtin',
    /** Charged for the checks of a user's definition. */
    meter?: CostMeter,
  ): Promise<Prepared> {
    const builtin = purpose === 'builtin';
    const def = boundedDefinition(input.definition);
    const id = schemaIdOf(def);
    const defaults = defaultsFromId(id);
    const name = checkedName(input.name ?? defaults.name);
    // Cheap refusals first: who may publish is known before the definition is compiled.
    if (purpose === 'user' && actor) await this.assertMayPublish(actor, id, name);
    const examples = boundedExamples(
      input.examples ?? (Array.isArray(def.examples) ? def.examples : []),
    );
    // A description inside the definition is already bounded by the definition's cap.
    capText('description', input.description, MAX_DESCRIPTION_BYTES);
    const description =
      input.description ?? (typeof def.description === 'string' ? def.description : null);
    const draft = this.validator.draftOf(def);
    // Meta-validation, the complexity measure, compiling and the examples: on a worker with a
    // time limit for a user's definition, in-process for the server's own.
    if (builtin) this.inspector.inspectTrusted(def, examples);
    else await this.inspector.inspect(def, examples, meter);
    const version = checkedVersion(input.version ?? defaults.version, id);
    const ownerProcessorId = input.ownerProcessorId ?? null;
    if (ownerProcessorId && !builtin)
      await this.assertMayNameOwner(actor, ownerProcessorId, purpose);
    const previous = await this.previousOf(id, name, version, builtin);
    const mode = previous ? await this.modeOf(name) : (input.compatibility ?? 'BACKWARD');
    return {
      mode,
      previous,
      record: {
        id,
        name,
        version,
        draft,
        definition: def,
        description,
        examples,
        ownerProcessorId,
        active: input.active ?? true,
        createdBy: actor?.userId ?? null,
        createdAt: new Date(),
      },
    };
  }

  /** Reserved ids and names are the release's; a name already taken is its owner's. */
  private async assertMayPublish(actor: RegistryActor, id: string, name: string): Promise<void> {
    if (isReserved(this.reserved.schemaIds, id)) throw reservedError('Schema id', id);
    if (isReserved(this.reserved.schemaNames, name)) throw reservedError('Schema name', name);
    const owner = await this.repo.nameOwner(name);
    if (owner) assertMayChange(actor, owner.owner, `Schema name "${name}"`);
  }

  /**
   * The owning processor must exist. Naming a processor as a schema's owner speaks for that
   * processor: only its owner may (and only an admin for a built-in one).
   */
  private async assertMayNameOwner(
    actor: RegistryActor | null,
    ownerProcessorId: string,
    purpose: 'user' | 'dry-run' | 'builtin',
  ): Promise<void> {
    const processor = await this.processorOwner(ownerProcessorId);
    if (!processor) {
      throw new AppError(ErrorCode.NOT_FOUND, `Processor "${ownerProcessorId}" was not found`, {
        field: 'ownerProcessorId',
      });
    }
    if (purpose === 'user' && actor && !actor.admin) {
      assertMayChange(
        actor,
        processor.builtin ? null : processor.createdBy,
        `Processor "${ownerProcessorId}"`,
      );
    }
  }

  /**
   * The latest version of `name`, which the new one must follow. An id is registered once (a
   * built-in's own row is met again at every start, so it passes).
   */
  private async previousOf(
    id: string,
    name: string,
    version: string,
    builtin: boolean,
  ): Promise<SchemaRecord | null> {
    const existing = await this.repo.findById(id);
    if (existing && !builtin)
      throw new AppError(
        ErrorCode.SCHEMA_CONFLICT,
        `Schema "${id}" already exists (version ${existing.version} of "${existing.name}")`,
      );
    const previous = await this.repo.latestOfName(name);
    if (previous && !semver.gt(version, previous.version)) {
      throw new AppError(
        ErrorCode.SCHEMA_CONFLICT,
        `Version ${version} of "${name}" must be greater than the latest, ${previous.version}`,
        { field: 'version' },
      );
    }
    return previous;
  }
}

/** The definition as an object within the size and depth caps. */
function boundedDefinition(definition: unknown): Record<string, unknown> {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw new AppError(ErrorCode.INVALID_SCHEMA, 'The definition must be a JSON object', {
      issues: [{ path: '/', message: 'must be an object', keyword: 'type' }],
    });
  }
  const bytes = Buffer.byteLength(JSON.stringify(definition));
  if (bytes > SCHEMA_LIMITS.maxBytes) {
    throw new AppError(
      ErrorCode.SCHEMA_TOO_LARGE,
      `The definition is ${bytes} bytes; the limit is ${SCHEMA_LIMITS.maxBytes}`,
      { limit: SCHEMA_LIMITS.maxBytes, actual: bytes },
    );
  }
  if (depthOf(definition, SCHEMA_LIMITS.maxDepth) > SCHEMA_LIMITS.maxDepth) {
    throw new AppError(
      ErrorCode.SCHEMA_TOO_LARGE,
      `The definition nests deeper than ${SCHEMA_LIMITS.maxDepth} levels`,
      { limit: SCHEMA_LIMITS.maxDepth },
    );
  }
  return definition as Record<string, unknown>;
}

function schemaIdOf(def: Record<string, unknown>): string {
  const id = def.$id;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new AppError(
      ErrorCode.INVALID_SCHEMA,
      'The definition needs an "$id" of 1-128 letters, digits, "_" or "-" (it becomes a token of event names), e.g. "chapter-notes-v1"',
      { issues: [{ path: '/$id', message: 'missing or malformed $id', keyword: '$id' }] },
    );
  }
  return id;
}

function checkedName(name: string): string {
  if (!NAME_PATTERN.test(name))
    throw badInput('name', `Schema name "${name}" must be 1-128 letters, digits, ".", "_" or "-"`);
  return name;
}

function boundedExamples(examples: unknown[]): unknown[] {
  if (examples.length > SCHEMA_LIMITS.maxExamples) {
    throw badInput('examples', `At most ${SCHEMA_LIMITS.maxExamples} examples are kept`);
  }
  const examplesBytes = jsonBytes(examples);
  if (examplesBytes > MAX_EXAMPLES_BYTES) {
    throw new AppError(
      ErrorCode.SCHEMA_TOO_LARGE,
      `The examples are ${examplesBytes} bytes together; the limit is ${MAX_EXAMPLES_BYTES}`,
      { field: 'examples', limit: MAX_EXAMPLES_BYTES, actual: examplesBytes },
    );
  }
  return examples;
}

/** A plain semantic version: no pre-release tag, no "v" or spaces that semver would clean away. */
function checkedVersion(version: string | undefined, id: string): string {
  if (!version) throw badInput('version', `Give a version: "${id}" does not end in -v<N>`);
  if (!semver.valid(version) || semver.prerelease(version) || semver.clean(version) !== version) {
    throw badInput(
      'version',
      `Version "${version}" must be a plain semantic version such as 1.2.0`,
    );
  }
  return version;
}
