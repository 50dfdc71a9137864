import { type Kysely, sql } from 'kysely';

/**
 * The relay claims outbox rows (until `claimed_until`) in a short transaction of its own and
 * publishes after it commits, so an outage of the event backbone holds no transaction or
 * connection open. A claim that outlives its relay (a crash mid-publish) simply expires.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox add column claimed_until timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox drop column claimed_until`.execute(db);
}
