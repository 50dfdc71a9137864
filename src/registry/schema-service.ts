/**
 * The schema registry's rules: meta-validation, size and depth caps, unique ids, semver order per
 * name, compatibility per name, self-validating examples, and validation of documents.
 */
import semver from 'semver';
import { AppError, badInput, ErrorCode, notFound, type ValidationIssue } from '../errors';
import type { CompatibilityMode } from './compatibility';
import type { SchemaInspector } from './schema-inspector';
import type { SchemaRepository } from './schema-repository';
import type { CompatibilityReport, RegisterSchemaInput, SchemaRecord } from './schema-types';
import type { SchemaValidator } from './validator';

/** Caps on a submitted definition: a registry is no place for megabyte schemas. */
export const SCHEMA_LIMITS = {
  maxBytes: 256 * 1024,
  maxDepth: 32,
  maxExamples: 20,
} as const;

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,127}$/i;
const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || typeof value !== 'object' || value === null) return depth;
  let max = depth;
  for (const child of Object.values(value)) {
    max = Math.max(max, depthOf(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

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

export class SchemaService {
  /** Schema records by id, kept briefly: creating a blob must not cost a registry query. */
  private readonly cache = new Map<string, { record: SchemaRecord; until: number }>();

  constructor(
    private readonly repo: SchemaRepository,
    private readonly validator: SchemaValidator,
    private readonly processorExists: (id: string) => Promise<boolean>,
    private readonly inspector: SchemaInspector,
    private readonly cacheMs = 2000,
  ) {}

  async get(id: string): Promise<SchemaRecord | null> {
    const hit = this.cache.get(id);
    if (hit && hit.until > Date.now()) return hit.record;
    const record = await this.repo.findById(id);
    if (record) this.cache.set(id, { record, until: Date.now() + this.cacheMs });
    return record;
  }

  async require(id: string): Promise<SchemaRecord> {
    const record = await this.get(id);
    if (!record) throw notFound('Schema', id);
    return record;
  }

  getMany(ids: readonly string[]): Promise<SchemaRecord[]> {
    return this.repo.findByIds(ids);
  }

  list(filter: {
    name?: string | null;
    active?: boolean | null;
    ownerProcessorId?: string | null;
  }) {
    return this.repo.list(filter);
  }

  /** Validates `data` against a registered schema (active or not). */
  async validate(schemaId: string, data: unknown): Promise<ValidationResult> {
    const schema = await this.require(schemaId);
    const errors = this.validator.validate(schema, data);
    return { valid: errors.length === 0, errors };
  }

  /**
   * Checks `data` against an active schema and throws VALIDATION_FAILED with the failing paths.
   * Used by every write of a blob.
   */
  async assertValid(schemaId: string, data: unknown): Promise<SchemaRecord> {
    const schema = await this.get(schemaId);
    if (!schema)
      throw new AppError(ErrorCode.NOT_FOUND, `Schema "${schemaId}" was not found`, {
        field: 'schemaId',
      });
    if (!schema.active) {
      throw new AppError(ErrorCode.SCHEMA_INACTIVE, `Schema "${schemaId}" is not active`, {
        field: 'schemaId',
      });
    }
    const issues = this.validator.validate(schema, data);
    if (issues.length > 0) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `Data does not match schema "${schemaId}"`, {
        issues,
      });
    }
    return schema;
  }

  /** What `register` would decide about compatibility, without registering. */
  async checkCompatibility(input: RegisterSchemaInput): Promise<CompatibilityReport> {
    const { mode, previous, record } = await this.prepare('(dry run)', input);
    const changes = previous
      ? await this.inspector.compatibility(previous.definition, record.definition, mode)
      : [];
    return {
      compatible: changes.length === 0,
      mode,
      previousId: previous?.id ?? null,
      breakingChanges: changes,
    };
  }

  /** Registers a schema. Throws a typed error naming the problem; nothing is written then. */
  async register(userId: string, input: RegisterSchemaInput): Promise<SchemaRecord> {
    const { record, mode, previous } = await this.prepare(userId, input);
    if (previous) {
      const changes = await this.inspector.compatibility(
        previous.definition,
        record.definition,
        mode,
      );
      if (changes.length > 0) {
        throw new AppError(
          ErrorCode.SCHEMA_INCOMPATIBLE,
          `Version ${record.version} of "${record.name}" is not ${mode} compatible with ${previous.version}: ${changes.map((c) => `${c.path} ${c.message}`).join('; ')}`,
          { breakingChanges: changes },
        );
      }
    }
    if (!(await this.repo.insert(record, mode))) {
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
    if (await this.repo.findById(id)) return;
    const { record, mode } = await this.prepare(null, { ...extra, definition }, true);
    await this.repo.insert(record, mode);
  }

  async setActive(userId: string, id: string, active: boolean): Promise<SchemaRecord> {
    const schema = await this.repo.findById(id);
    if (!schema) throw notFound('Schema', id);
    if (schema.createdBy !== userId) {
      throw new AppError(ErrorCode.FORBIDDEN, `Only the user who registered "${id}" may change it`);
    }
    const updated = (await this.repo.setActive(id, active))!;
    this.cache.delete(id);
    return updated;
  }

  async setCompatibility(
    userId: string,
    name: string,
    mode: CompatibilityMode,
  ): Promise<CompatibilityMode> {
    const latest = await this.repo.latestOfName(name);
    if (!latest) throw notFound('Schema name', name);
    if (latest.createdBy !== userId) {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        `Only the user who registered "${name}" may change it`,
      );
    }
    await this.repo.setModeOfName(name, mode);
    return mode;
  }

  async modeOf(name: string): Promise<CompatibilityMode> {
    return (await this.repo.modeOfName(name)) ?? 'BACKWARD';
  }

  private async prepare(
    userId: string | null,
    input: RegisterSchemaInput,
    builtin = false,
  ): Promise<Prepared> {
    const definition = input.definition;
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
        {
          limit: SCHEMA_LIMITS.maxBytes,
          actual: bytes,
        },
      );
    }
    if (depthOf(definition, SCHEMA_LIMITS.maxDepth) > SCHEMA_LIMITS.maxDepth) {
      throw new AppError(
        ErrorCode.SCHEMA_TOO_LARGE,
        `The definition nests deeper than ${SCHEMA_LIMITS.maxDepth} levels`,
        {
          limit: SCHEMA_LIMITS.maxDepth,
        },
      );
    }
    const def = definition as Record<string, unknown>;
    const id = def.$id;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw new AppError(
        ErrorCode.INVALID_SCHEMA,
        'The definition needs an "$id" of 1-128 letters, digits, "_" or "-" (it becomes a token of event names), e.g. "chapter-notes-v1"',
        { issues: [{ path: '/$id', message: 'missing or malformed $id', keyword: '$id' }] },
      );
    }
    const draft = this.validator.draftOf(def);
    const examples = input.examples ?? (Array.isArray(def.examples) ? def.examples : []);
    if (examples.length > SCHEMA_LIMITS.maxExamples) {
      throw badInput('examples', `At most ${SCHEMA_LIMITS.maxExamples} examples are kept`);
    }
    // Meta-validation, the complexity measure, compiling and the examples: on a worker with a
    // time limit for a user's definition, in-process for the server's own.
    if (builtin) this.inspector.inspectTrusted(def, examples);
    else await this.inspector.inspect(def, examples);

    const defaults = defaultsFromId(id);
    const name = input.name ?? defaults.name;
    if (!NAME_PATTERN.test(name))
      throw badInput(
        'name',
        `Schema name "${name}" must be 1-128 letters, digits, ".", "_" or "-"`,
      );
    const version = input.version ?? defaults.version;
    if (!version) throw badInput('version', `Give a version: "${id}" does not end in -v<N>`);
    if (!semver.valid(version) || semver.prerelease(version) || semver.clean(version) !== version) {
      throw badInput(
        'version',
        `Version "${version}" must be a plain semantic version such as 1.2.0`,
      );
    }

    const ownerProcessorId = input.ownerProcessorId ?? null;
    if (ownerProcessorId && !builtin && !(await this.processorExists(ownerProcessorId))) {
      throw new AppError(ErrorCode.NOT_FOUND, `Processor "${ownerProcessorId}" was not found`, {
        field: 'ownerProcessorId',
      });
    }

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
        description:
          input.description ?? (typeof def.description === 'string' ? def.description : null),
        examples,
        ownerProcessorId,
        active: input.active ?? true,
        createdBy: userId,
        createdAt: new Date(),
      },
    };
  }
}
