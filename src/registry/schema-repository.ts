/** All SQL for the schema registry. Maps rows to `SchemaRecord`. */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, SchemasTable } from '../db/types';
import { type Page, type PageRequest, toPage } from '../paging';
import type { CompatibilityMode } from './compatibility';
import type { SchemaRecord } from './schema-types';
import type { Draft } from './validator';

const toRecord = (row: Selectable<SchemasTable>): SchemaRecord => ({
  id: row.id,
  name: row.name,
  version: row.version,
  draft: row.draft as Draft,
  definition: row.definition as Record<string, unknown>,
  description: row.description,
  examples: row.examples as unknown[],
  ownerProcessorId: row.owner_processor_id,
  active: row.active,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

/** Ends an insert transaction without writing anything. */
class Refused extends Error {
  constructor(readonly why: 'conflict' | 'not-owner') {
    super(why);
  }
}
export const SCHEMA_CURSOR = 'schema';

/** Where a schema sorts: name, then version. */
export type SchemaKey = [string, number, number, number];

export const isSchemaKey = (key: unknown): key is SchemaKey =>
  Array.isArray(key) &&
  key.length === 4 &&
  typeof key[0] === 'string' &&
  key[0].length <= 128 &&
  key.slice(1).every((n) => Number.isSafeInteger(n) && n >= 0 && n < 2 ** 31);

const schemaKey = (s: SchemaRecord): SchemaKey => {
  const [major, minor, patch] = s.version.split('.').map((n) => Number.parseInt(n, 10));
  return [s.name, major ?? 0, minor ?? 0, patch ?? 0];
};

export class SchemaRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async findById(id: string): Promise<SchemaRecord | null> {
    const row = await this.db
      .selectFrom('schemas')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<SchemaRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('schemas').selectAll().where('id', 'in', ids).execute();
    return rows.map(toRecord);
  }

  /** Up to `limit` ids whose length is from `min` to `max` (candidates for a suggestion). */
  async idsOfLength(min: number, max: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('schemas')
      .select('id')
      .where(sql<boolean>`length(id) between ${min} and ${max}`)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** The ids of every version of the names. */
  async idsOfNames(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.db
      .selectFrom('schemas')
      .select('id')
      .where('name', 'in', names)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** The highest version of a name, by semver order (pre-releases are not supported). */
  async latestOfName(name: string): Promise<SchemaRecord | null> {
    const row = await this.db
      .selectFrom('schemas')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version_major', 'desc')
      .orderBy('version_minor', 'desc')
      .orderBy('version_patch', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Whether a name exists, and who owns it (null for built-ins). */
  async nameOwner(name: string): Promise<{ owner: string | null } | null> {
    const row = await this.db
      .selectFrom('schema_names')
      .select('owner')
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? { owner: row.owner } : null;
  }

  async modeOfName(name: string): Promise<CompatibilityMode | null> {
    const row = await this.db
      .selectFrom('schema_names')
      .select('compatibility')
      .where('name', '=', name)
      .executeTakeFirst();
    return (row?.compatibility as CompatibilityMode | undefined) ?? null;
  }

  async setModeOfName(name: string, mode: CompatibilityMode): Promise<boolean> {
    const result = await this.db
      .updateTable('schema_names')
      .set({ compatibility: mode })
      .where('name', '=', name)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** A page in name and version order, after the schema whose sort key is `page.after`. */
  async list(
    filter: { name?: string | null; active?: boolean | null; ownerProcessorId?: string | null },
    page: PageRequest<SchemaKey>,
  ): Promise<Page<SchemaRecord>> {
    let q = this.db.selectFrom('schemas').selectAll();
    if (filter.name) q = q.where('name', '=', filter.name);
    if (filter.active != null) q = q.where('active', '=', filter.active);
    if (filter.ownerProcessorId) q = q.where('owner_processor_id', '=', filter.ownerProcessorId);
    if (page.after) {
      const [name, major, minor, patch] = page.after;
      q = q.where(
        sql<boolean>`(name, version_major, version_minor, version_patch) > (${name}, ${major}, ${minor}, ${patch})`,
      );
    }
    const rows = await q
      .orderBy('name')
      .orderBy('version_major')
      .orderBy('version_minor')
      .orderBy('version_patch')
      .limit(page.first + 1)
      .execute();
    return toPage(SCHEMA_CURSOR, rows.map(toRecord), page.first, schemaKey);
  }

  /**
   * Inserts a schema (and its name, with `mode` and the record's creator as owner, when the name
   * is new) in one transaction. The name is locked while it is checked, so two users racing for
   * a new name cannot both publish under it. Returns 'conflict' when the id or the name and
   * version already exist, 'not-owner' when the name belongs to someone else and `mayUseName`
   * refuses; nothing is written then.
   */
  async insert(
    record: SchemaRecord,
    mode: CompatibilityMode,
    mayUseName: (owner: string | null) => boolean = () => true,
  ): Promise<'inserted' | 'conflict' | 'not-owner'> {
    const [major, minor, patch] = record.version.split('.').map((n) => Number.parseInt(n, 10));
    try {
      return await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('schema_names')
          .values({ name: record.name, compatibility: mode, owner: record.createdBy })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute();
        const name = await trx
          .selectFrom('schema_names')
          .select('owner')
          .where('name', '=', record.name)
          .forUpdate()
          .executeTakeFirstOrThrow();
        // Throwing rolls back, taking a name row this transaction created with it.
        if (!mayUseName(name.owner)) throw new Refused('not-owner');
        const inserted = await trx
          .insertInto('schemas')
          .values({
            id: record.id,
            name: record.name,
            version: record.version,
            version_major: major ?? 0,
            version_minor: minor ?? 0,
            version_patch: patch ?? 0,
            draft: record.draft,
            definition: JSON.stringify(record.definition),
            description: record.description,
            examples: JSON.stringify(record.examples),
            owner_processor_id: record.ownerProcessorId,
            active: record.active,
            created_by: record.createdBy,
          })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted === undefined) throw new Refused('conflict');
        return 'inserted' as const;
      });
    } catch (error) {
      if (error instanceof Refused) return error.why;
      throw error;
    }
  }

  async setActive(id: string, active: boolean): Promise<SchemaRecord | null> {
    const row = await this.db
      .updateTable('schemas')
      .set({ active })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }
}
