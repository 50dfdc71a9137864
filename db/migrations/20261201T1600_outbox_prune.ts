import { type Kysely, sql } from 'kysely';

/**
 * Published outbox rows are pruned once they are older than the relay's retention (a day), so
 * the outbox no longer grows with every write for ever. Rows are written in time order, so a
 * BRIN index on `created_at` (a few pages, next to nothing to keep up on insert) lets the prune
 * find the old ones without reading the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index outbox_created_brin on outbox using brin (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index outbox_created_brin`.execute(db);
}
