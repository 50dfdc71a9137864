/** Processors as data: registration rules, and per-user instances with validated config. */
import semver from 'semver';
import {
  assertMayChange,
  isReserved,
  REGISTRY_ADMIN,
  type RegistryActor,
  type RegistryViewer,
  type Reserved,
  reservedError,
} from '../auth/registry-access';
import { AppError, badInput, ErrorCode, notFound } from '../errors';
import { BASE_CATALOG, type EventCatalog, type Refusal } from '../events/catalog';
import type { CostMeter } from '../http/cost-meter';
import { isUuid } from '../ids';
import {
  capJson,
  capSchema,
  capText,
  MAX_CONFIG_BYTES,
  MAX_DESCRIPTION_BYTES,
  MAX_JSON_DEPTH,
} from '../limits';
import { isString, isUuidKey, pageRequest } from '../paging';
import type { SchemaInspector } from '../registry/schema-inspector';
import { BuiltinClashError } from '../registry/schema-service';
import type { SchemaValidator } from '../registry/validator';
import { CHAIN_OVERRIDE_CURSOR, type ChainOverrideRepository } from './chain-override-repository';
import { type ChainChecker, chainError, overrideOf, overrideReason } from './processor-chain';
import {
  INSTANCE_CURSOR,
  PROCESSOR_CURSOR,
  type ProcessorRepository,
} from './processor-repository';
import type {
  ChainOverride,
  ChainOverrideRequest,
  ChainReport,
  ProcessorInstance,
  ProcessorRecord,
  RegisterProcessorInput,
} from './processor-types';

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/**
 * `blob.created.text-input-v1`, `book.compile.requested`, `blob.created.*`, `processor.>`: dot
 * separated tokens, `*` for one token, a final `>` for the rest. Schema ids with dots cannot
 * appear in an event name; subscribe with `*` instead.
 */
const EVENT_PATTERN = /^[a-z0-9_-]+(\.([a-z0-9_-]+|\*))*(\.>)?$/i;
const MAX_LIST = 32;

/** Rules a config schema cannot state (an operator's allowlist, min <= max): the issues found. */
export type ConfigRule = (config: Record<string, unknown>) => { path: string; message: string }[];

/**
 * The row a release's built-in should have: its own when new, the stored one (the same object,
 * meaning "nothing to write") when the code has not changed it.
 */
function builtinRow(record: ProcessorRecord, existing: ProcessorRecord | null): ProcessorRecord {
  if (!existing) return record;
  // Never silently adopt a row someone else wrote under a built-in id.
  if (!existing.builtin) {
    throw new BuiltinClashError(
      `Processor "${record.id}" is built in, but the row in the database was registered by user "${existing.createdBy}". Remove or rename it before starting this release.`,
    );
  }
  // A release may teach a built-in processor new schemas and events (text-input-v2): the row
  // follows the code, keeping what users and admins set (active). The config schema is left
  // out: jsonb reorders its keys, so it would never compare equal.
  const shipped = {
    name: record.name,
    version: record.version,
    description: record.description,
    inputSchemaIds: record.inputSchemaIds,
    outputSchemaIds: record.outputSchemaIds,
    subscribes: record.subscribes,
    emits: record.emits,
    maxConcurrency: record.maxConcurrency,
  };
  const stale = Object.entries(shipped).some(
    ([key, value]) =>
      JSON.stringify(value) !== JSON.stringify(existing[key as keyof typeof shipped]),
  );
  return stale ? { ...existing, ...shipped } : existing;
}

/** The row a user's registration writes: theirs when new, or an update they may make. */
function userRow(
  actor: RegistryActor,
  record: ProcessorRecord,
  existing: ProcessorRecord | null,
): ProcessorRecord {
  if (!existing) return record;
  if (existing.builtin || (!actor.admin && existing.createdBy !== actor.userId)) {
    throw new AppError(
      ErrorCode.PROCESSOR_CONFLICT,
      `Processor "${record.id}" already exists and belongs to someone else`,
      { field: 'id' },
    );
  }
  assertMayChange(actor, existing.createdBy, `Processor "${record.id}"`);
  if (semver.lt(record.version, existing.version)) {
    throw badInput(
      'version',
      `Version ${record.version} is lower than the registered ${existing.version}`,
    );
  }
  // An admin's update leaves the processor with its owner.
  return { ...record, createdBy: existing.createdBy };
}

export class ProcessorService {
  private readonly configRules = new Map<string, ConfigRule>();

  constructor(
    private readonly repo: ProcessorRepository,
    private readonly overrides: ChainOverrideRepository,
    private readonly chain: ChainChecker,
    private readonly validator: SchemaValidator,
    /** The ids among `ids` that name no schema, each with the nearest registered id if any. */
    private readonly schemasExist: (
      ids: string[],
    ) => Promise<{ id: string; suggestion?: string }[]>,
    private readonly inspector: SchemaInspector,
    private readonly reserved: Pick<Reserved, 'processorIds'> = { processorIds: new Set() },
    /** The event kinds `subscribes` and `emits` may name. */
    private readonly catalog: EventCatalog = BASE_CATALOG,
  ) {}

  get(id: string): Promise<ProcessorRecord | null> {
    return this.repo.findById(id);
  }

  async require(id: string): Promise<ProcessorRecord> {
    const p = await this.repo.findById(id);
    if (!p) throw notFound('Processor', id);
    return p;
  }

  getMany(ids: readonly string[]) {
    return this.repo.findByIds(ids);
  }

  /** A page of processors in id order. */
  list(filter: { active?: boolean | null }, first?: number | null, after?: string | null) {
    return this.repo.list(filter, pageRequest(PROCESSOR_CURSOR, first, after, isString));
  }

  /**
   * Registers a processor, or updates one `actor` owns (admins: any user's; its version may not go
   * down). Built-in and reserved ids are for releases only. `actor` null with `builtin` is a
   * release registering its own processor at start-up.
   *
   * Its chain is checked (see processor-chain.ts): a broken link refuses the registration with
   * PROCESSOR_CHAIN_INCOMPATIBLE unless `override` gives a reason, which is then stored with the
   * broken links. A release is never refused for a chain (users cannot stop a start-up): what it
   * breaks is recorded as an override of its own.
   */
  async register(
    actor: RegistryActor | null,
    input: RegisterProcessorInput,
    builtin = false,
    override: ChainOverrideRequest | null = null,
    /** Charged for the checks of a user's config schema and chain. */
    meter?: CostMeter,
  ): Promise<ProcessorRecord> {
    if (!builtin && !actor) throw new Error('a user registration needs an actor');
    if (actor && !builtin && isReserved(this.reserved.processorIds, input.id)) {
      throw reservedError('Processor id', input.id);
    }
    const reason = override ? overrideReason(override) : null;
    const record = await this.prepare(actor?.userId ?? null, input, builtin, meter);
    const existing = await this.repo.findById(record.id);
    const next = builtin ? builtinRow(record, existing) : userRow(actor!, record, existing);
    if (next === existing) return existing;
    const broken = (await this.chain.check(next, meter)).links.filter((l) => !l.compatible);
    if (broken.length > 0 && !builtin && reason === null) throw chainError(next, broken);
    const by = builtin ? null : actor!.userId;
    return this.save(
      next,
      existing !== null,
      broken.length ? overrideOf(next, broken, by, reason) : null,
    );
  }

  /**
   * What registering `input` would find along its chain: every link to the active processors
   * that write what it reads and read what it writes, each compatible or with its breaking
   * changes. The input is checked as `register` checks it; nothing is written.
   */
  async checkChain(input: RegisterProcessorInput, meter?: CostMeter): Promise<ChainReport> {
    return this.chain.check(await this.prepare(null, input, false, meter), meter);
  }

  /**
   * A page of a processor's chain overrides, newest first: for its owner and registry-admins
   * (they name who overrode); FORBIDDEN naming the role for anyone else.
   */
  chainOverrides(
    viewer: RegistryViewer,
    processor: ProcessorRecord,
    first?: number | null,
    after?: string | null,
  ) {
    if (!viewer.admin && (processor.createdBy === null || processor.createdBy !== viewer.userId)) {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        `The chain overrides of "${processor.id}" are for its owner and the role "${REGISTRY_ADMIN}"`,
        { requiredRole: REGISTRY_ADMIN },
      );
    }
    return this.overrides.listOf(
      processor.id,
      pageRequest(CHAIN_OVERRIDE_CURSOR, first, after, isUuidKey),
    );
  }

  /** Inserts or updates the row, with its chain override when there is one, in one transaction. */
  private save(
    record: ProcessorRecord,
    exists: boolean,
    override: Omit<ChainOverride, 'id' | 'createdAt'> | null,
  ): Promise<ProcessorRecord> {
    return this.repo.transaction(async (processors, overrides) => {
      let saved: ProcessorRecord | null;
      if (exists) saved = await processors.update(record);
      else saved = (await processors.insert(record)) ? await processors.findById(record.id) : null;
      if (!saved) {
        throw new AppError(
          ErrorCode.PROCESSOR_CONFLICT,
          `Processor "${record.id}" already exists`,
          {
            field: 'id',
          },
        );
      }
      if (override) await overrides.insert(override);
      return saved;
    });
  }

  private async prepare(
    userId: string | null,
    input: RegisterProcessorInput,
    builtin: boolean,
    meter?: CostMeter,
  ): Promise<ProcessorRecord> {
    if (!ID_PATTERN.test(input.id))
      throw badInput(
        'id',
        `Processor id "${input.id}" must be 1-64 lower-case letters, digits, "_" or "-"`,
      );
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200)
      throw badInput('name', 'Name must be 1-200 characters');
    capText('description', input.description, MAX_DESCRIPTION_BYTES);
    if (!semver.valid(input.version) || semver.clean(input.version) !== input.version) {
      throw badInput(
        'version',
        `Version "${input.version}" must be a semantic version such as 1.0.0`,
      );
    }
    const lists = {
      inputSchemaIds: input.inputSchemaIds ?? [],
      outputSchemaIds: input.outputSchemaIds ?? [],
      subscribes: input.subscribes ?? [],
      emits: input.emits ?? [],
    };
    for (const [field, list] of Object.entries(lists)) {
      if (list.length > MAX_LIST) throw badInput(field, `At most ${MAX_LIST} entries`);
      if (list.some((entry) => entry.length > 200))
        throw badInput(field, 'Each entry must be at most 200 characters');
    }
    for (const [field, list] of [
      ['subscribes', lists.subscribes],
      ['emits', lists.emits],
    ] as const) {
      const bad = list.find((e) => !EVENT_PATTERN.test(e) || e.length > 200);
      if (bad !== undefined)
        throw badInput(field, `"${bad}" is not an event name such as blob.created.text-input-v1`);
    }
    this.checkEvents(input.id, lists.subscribes, lists.emits);
    if (!builtin) {
      for (const field of ['inputSchemaIds', 'outputSchemaIds'] as const) {
        const missing = await this.schemasExist(lists[field]);
        if (missing.length > 0) {
          const named = missing.map(({ id, suggestion }) =>
            suggestion ? `${id} (did you mean "${suggestion}"?)` : id,
          );
          const suggestion = missing.find((m) => m.suggestion)?.suggestion;
          throw new AppError(
            ErrorCode.NOT_FOUND,
            `Unknown schema${missing.length > 1 ? 's' : ''}: ${named.join(', ')}`,
            { field, ...(suggestion ? { suggestion } : {}) },
          );
        }
      }
    }
    const maxConcurrency = input.maxConcurrency ?? 1;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 1000) {
      throw badInput('maxConcurrency', 'maxConcurrency must be an integer from 1 to 1000');
    }
    let configSchema: Record<string, unknown> | null = null;
    if (input.configSchema !== undefined && input.configSchema !== null) {
      const def = input.configSchema;
      if (typeof def !== 'object' || Array.isArray(def)) {
        throw new AppError(ErrorCode.INVALID_SCHEMA, 'configSchema must be a JSON Schema object', {
          field: 'configSchema',
        });
      }
      capSchema('configSchema', def, MAX_CONFIG_BYTES, MAX_JSON_DEPTH);
      configSchema = def as Record<string, unknown>;
      // A user's config schema is checked on a worker, like any schema a user registers.
      if (builtin) this.inspector.inspectTrusted(configSchema, []);
      else await this.inspector.inspect(configSchema, [], meter);
    }
    const now = new Date();
    return {
      id: input.id,
      name,
      version: input.version,
      description: input.description ?? null,
      ...lists,
      maxConcurrency,
      configSchema,
      active: input.active ?? true,
      builtin,
      createdBy: userId,
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * Refuses event names the catalog does not know (BAD_USER_INPUT naming the nearest known one),
   * and subscriptions to kinds the processor may not consume (another processor's requests or
   * retries).
   */
  private checkEvents(processorId: string, subscribes: string[], emits: string[]): void {
    const refusals: [string, Refusal | null][] = [
      ...subscribes.map((type): [string, Refusal | null] => [
        'subscribes',
        this.catalog.consumeRefusal(processorId, type),
      ]),
      ...emits.map((type): [string, Refusal | null] => [
        'emits',
        this.catalog.unknownRefusal(type),
      ]),
    ];
    for (const [field, refusal] of refusals) {
      if (!refusal) continue;
      throw new AppError(ErrorCode.BAD_USER_INPUT, refusal.message, {
        field,
        ...(refusal.suggestion ? { suggestion: refusal.suggestion } : {}),
      });
    }
  }

  /** Adds the rules a processor's configs must follow besides its config schema. */
  useConfigRule(processorId: string, rule: ConfigRule): void {
    this.configRules.set(processorId, rule);
  }

  /** Validates a config against the processor's config schema; VALIDATION_FAILED with paths. */
  private checkConfig(processor: ProcessorRecord, config: unknown): void {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'config must be a JSON object', {
        issues: [{ path: '/', message: 'must be object', keyword: 'type' }],
      });
    }
    capJson('config', config, MAX_CONFIG_BYTES, MAX_JSON_DEPTH);
    if (!processor.configSchema) {
      if (Object.keys(config).length > 0) {
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          `Processor "${processor.id}" takes no config`,
          {
            issues: [{ path: '/', message: 'must be an empty object', keyword: 'maxProperties' }],
          },
        );
      }
      return;
    }
    // Compiled once per processor version: the schema was measured when it was registered.
    const validate = this.validator.validatorFor({
      id: `processor:${processor.id}`,
      version: `${processor.version}@${processor.updatedAt.getTime()}`,
      draft: this.validator.draftOf(processor.configSchema),
      definition: processor.configSchema,
    });
    if (!validate(config)) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `config does not match the config schema of "${processor.id}"`,
        {
          issues: this.validator.issuesOf(validate),
        },
      );
    }
    const issues = this.configRules.get(processor.id)?.(config as Record<string, unknown>) ?? [];
    if (issues.length > 0) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, issues.map((i) => i.message).join('; '), {
        issues: issues.map((i) => ({ ...i, keyword: 'processor' })),
      });
    }
  }

  /** Creates or replaces the user's instance of a processor. */
  async configure(
    userId: string,
    processorId: string,
    config: unknown,
    enabled = true,
  ): Promise<ProcessorInstance> {
    const processor = await this.repo.findById(processorId);
    if (!processor)
      throw new AppError(ErrorCode.NOT_FOUND, `Processor "${processorId}" was not found`, {
        field: 'processorId',
      });
    this.checkConfig(processor, config);
    return this.repo.upsertInstance(userId, processorId, config, enabled);
  }

  async instance(userId: string, id: string): Promise<ProcessorInstance | null> {
    return isUuid(id) ? this.repo.findInstance(userId, id) : null;
  }

  instanceOf(userId: string, processorId: string) {
    return this.repo.findInstanceOf(userId, processorId);
  }

  /** A page of the user's processor instances, in processor id order. */
  instances(userId: string, first?: number | null, after?: string | null) {
    return this.repo.listInstances(userId, pageRequest(INSTANCE_CURSOR, first, after, isString));
  }

  async updateInstance(
    userId: string,
    id: string,
    patch: { config?: unknown; enabled?: boolean | null },
  ) {
    const current = await this.instance(userId, id);
    if (!current) throw notFound('Processor instance', id);
    const processor = await this.require(current.processorId);
    const config =
      patch.config === undefined || patch.config === null ? current.config : patch.config;
    this.checkConfig(processor, config);
    return this.repo.upsertInstance(
      userId,
      current.processorId,
      config,
      patch.enabled ?? current.enabled,
    );
  }

  async deleteInstance(userId: string, id: string): Promise<boolean> {
    if (!isUuid(id) || !(await this.repo.deleteInstance(userId, id)))
      throw notFound('Processor instance', id);
    return true;
  }
}
