import { type Kysely, sql } from 'kysely';

/**
 * Bulk retries read failed runs across users in the order they finished: a partial index keeps
 * that read to the failed runs, however many runs succeeded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index processor_runs_failed on processor_runs (finished_at, id) where status = 'failed';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index processor_runs_failed;`.execute(db);
}
