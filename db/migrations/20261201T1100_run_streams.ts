import { type Kysely, sql } from 'kysely';

/**
 * What a run has streamed so far, kept for late subscribers and queries on any API instance:
 * the text of its current attempt (capped; see src/runtime/run-stream.ts), the sequence of the
 * last update written, and the sequence its current attempt's text began at. The worker writes
 * them at a bounded rate while it streams and exactly at every status change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table processor_runs
      add column stream_text text not null default '',
      add column stream_seq integer not null default 0,
      add column stream_start integer not null default 0;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table processor_runs
      drop column stream_text,
      drop column stream_seq,
      drop column stream_start;
  `.execute(db);
}
