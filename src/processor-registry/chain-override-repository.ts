/** All SQL for chain overrides: registrations accepted over broken processor chain links. */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, ProcessorChainOverridesTable } from '../db/types';
import type { ChainLink } from '../errors';
import { type Page, type PageRequest, toPage } from '../paging';
import type { ChainOverride } from './processor-types';

export const CHAIN_OVERRIDE_CURSOR = 'chain-override';

const toOverride = (row: Selectable<ProcessorChainOverridesTable>): ChainOverride => ({
  id: row.id,
  processorId: row.processor_id,
  processorVersion: row.processor_version,
  reason: row.reason,
  createdBy: row.created_by,
  links: row.links as ChainLink[],
  createdAt: row.created_at,
});

export class ChainOverrideRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(o: Omit<ChainOverride, 'id' | 'createdAt'>): Promise<ChainOverride> {
    const row = await this.db
      .insertInto('processor_chain_overrides')
      .values({
        processor_id: o.processorId,
        processor_version: o.processorVersion,
        reason: o.reason,
        created_by: o.createdBy,
        links: JSON.stringify(o.links),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toOverride(row);
  }

  /**
   * A page of a processor's overrides, newest first, after the override `page.after`. The cursor
   * holds only the id: timestamps have microseconds that a JavaScript Date drops.
   */
  async listOf(processorId: string, page: PageRequest<string>): Promise<Page<ChainOverride>> {
    let q = this.db
      .selectFrom('processor_chain_overrides')
      .selectAll()
      .where('processor_id', '=', processorId);
    if (page.after !== null) {
      q = q.where(
        sql<boolean>`(created_at, id) < (select created_at, id from processor_chain_overrides where id = ${page.after} and processor_id = ${processorId})`,
      );
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.first + 1)
      .execute();
    return toPage(CHAIN_OVERRIDE_CURSOR, rows.map(toOverride), page.first, (o) => o.id);
  }
}
