import { type Kysely, sql } from 'kysely';

/**
 * One row per process running processors (`reyna worker`, or `reyna serve` with in-process
 * processors), rewritten every heartbeat interval and deleted on a clean stop. A process that
 * dies leaves its row behind: readers count only rows whose last beat is recent, and every beat
 * deletes rows silent for far longer than that (see src/health/).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table worker_heartbeats (
      id text primary key,
      host text not null,
      pid int not null,
      processors jsonb not null,
      in_flight jsonb not null,
      interval_ms int not null,
      started_at timestamptz not null,
      last_beat timestamptz not null
    );
    create index worker_heartbeats_last_beat on worker_heartbeats (last_beat);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table worker_heartbeats;`.execute(db);
}
