/** All SQL for processors and per-user processor instances. */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, ProcessorInstancesTable, ProcessorsTable } from '../db/types';
import { type Page, type PageRequest, toPage } from '../paging';
import { ChainOverrideRepository } from './chain-override-repository';
import type { ProcessorInstance, ProcessorRecord } from './processor-types';

export const PROCESSOR_CURSOR = 'processor';
export const INSTANCE_CURSOR = 'processor-instance';

const toProcessor = (row: Selectable<ProcessorsTable>): ProcessorRecord => ({
  id: row.id,
  name: row.name,
  version: row.version,
  description: row.description,
  inputSchemaIds: row.input_schema_ids,
  outputSchemaIds: row.output_schema_ids,
  subscribes: row.subscribes,
  emits: row.emits,
  maxConcurrency: row.max_concurrency,
  configSchema: (row.config_schema as Record<string, unknown> | null) ?? null,
  active: row.active,
  builtin: row.builtin,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toInstance = (row: Selectable<ProcessorInstancesTable>): ProcessorInstance => ({
  id: row.id,
  userId: row.user_id,
  processorId: row.processor_id,
  config: row.config as Record<string, unknown>,
  enabled: row.enabled,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const columns = (p: ProcessorRecord) => ({
  name: p.name,
  version: p.version,
  description: p.description,
  input_schema_ids: p.inputSchemaIds,
  output_schema_ids: p.outputSchemaIds,
  subscribes: p.subscribes,
  emits: p.emits,
  max_concurrency: p.maxConcurrency,
  config_schema: p.configSchema ? JSON.stringify(p.configSchema) : null,
  active: p.active,
});

export class ProcessorRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async findById(id: string): Promise<ProcessorRecord | null> {
    const row = await this.db
      .selectFrom('processors')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toProcessor(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<ProcessorRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('processors')
      .selectAll()
      .where('id', 'in', ids)
      .execute();
    return rows.map(toProcessor);
  }

  /** Active processors other than `exceptId` whose `column` names any of `ids`, in id order. */
  async activeWithAny(
    column: 'input_schema_ids' | 'output_schema_ids',
    ids: readonly string[],
    exceptId: string,
  ): Promise<ProcessorRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('processors')
      .selectAll()
      .where('active', '=', true)
      .where('id', '!=', exceptId)
      .where(sql<boolean>`${sql.ref(column)} && ${[...ids]}::text[]`)
      .orderBy('id')
      .execute();
    return rows.map(toProcessor);
  }

  /**
   * Runs `fn` with repositories bound to one transaction: a registration and the chain override
   * that allowed it commit together, or neither does.
   */
  transaction<T>(
    fn: (processors: ProcessorRepository, overrides: ChainOverrideRepository) => Promise<T>,
  ): Promise<T> {
    return this.db
      .transaction()
      .execute((trx) => fn(new ProcessorRepository(trx), new ChainOverrideRepository(trx)));
  }

  /** A page in id order, after the processor `page.after`. */
  async list(
    filter: { active?: boolean | null },
    page: PageRequest<string>,
  ): Promise<Page<ProcessorRecord>> {
    let q = this.db.selectFrom('processors').selectAll();
    if (filter.active != null) q = q.where('active', '=', filter.active);
    if (page.after !== null) q = q.where('id', '>', page.after);
    const rows = await q
      .orderBy('id')
      .limit(page.first + 1)
      .execute();
    return toPage(PROCESSOR_CURSOR, rows.map(toProcessor), page.first, (p) => p.id);
  }

  /** Inserts a new processor; returns false when the id is taken. */
  async insert(p: ProcessorRecord): Promise<boolean> {
    const row = await this.db
      .insertInto('processors')
      .values({ id: p.id, builtin: p.builtin, created_by: p.createdBy, ...columns(p) })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async update(p: ProcessorRecord): Promise<ProcessorRecord> {
    const row = await this.db
      .updateTable('processors')
      .set({ ...columns(p), updated_at: new Date() })
      .where('id', '=', p.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toProcessor(row);
  }

  async findInstance(userId: string, id: string): Promise<ProcessorInstance | null> {
    const row = await this.db
      .selectFrom('processor_instances')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? toInstance(row) : null;
  }

  async findInstanceOf(userId: string, processorId: string): Promise<ProcessorInstance | null> {
    const row = await this.db
      .selectFrom('processor_instances')
      .selectAll()
      .where('user_id', '=', userId)
      .where('processor_id', '=', processorId)
      .executeTakeFirst();
    return row ? toInstance(row) : null;
  }

  /** A page of the user's instances in processor id order (one instance per processor). */
  async listInstances(userId: string, page: PageRequest<string>): Promise<Page<ProcessorInstance>> {
    let q = this.db.selectFrom('processor_instances').selectAll().where('user_id', '=', userId);
    if (page.after !== null) q = q.where('processor_id', '>', page.after);
    const rows = await q
      .orderBy('processor_id')
      .limit(page.first + 1)
      .execute();
    return toPage(INSTANCE_CURSOR, rows.map(toInstance), page.first, (i) => i.processorId);
  }

  async upsertInstance(userId: string, processorId: string, config: unknown, enabled: boolean) {
    const row = await this.db
      .insertInto('processor_instances')
      .values({
        user_id: userId,
        processor_id: processorId,
        config: JSON.stringify(config),
        enabled,
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'processor_id']).doUpdateSet({
          config: JSON.stringify(config),
          enabled,
          updated_at: new Date(),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toInstance(row);
  }

  async deleteInstance(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('processor_instances')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
