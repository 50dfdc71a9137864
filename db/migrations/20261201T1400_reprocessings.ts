import { type Kysely, sql } from 'kysely';

/**
 * Reprocessings: an admin's request to re-derive a processor's outputs with its current version
 * for a selection of inputs. The runs it creates carry its id (`processor_runs.reprocessing_id`),
 * so its queued, succeeded, failed and cancelled counts are counted from them. `cursor` is the
 * last input it went past (inputs are walked in id order) and `scanned` says it went past the
 * last one, so the API process that resumes it after a restart goes on from there;
 * `lease_until` is how long the process driving it holds it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reprocessings (
      id uuid primary key default gen_random_uuid(),
      processor_id text not null references processors(id),
      from_versions jsonb not null,
      to_version text not null,
      selection jsonb not null,
      status text not null default 'queued'
        check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      total int not null,
      skipped int not null default 0,
      cursor text,
      scanned boolean not null default false,
      error text,
      requested_by text not null,
      lease_owner text,
      lease_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    create index reprocessings_created on reprocessings (created_at, id);
    create index reprocessings_open on reprocessings (status) where status in ('queued', 'running');
    alter table processor_runs add column reprocessing_id uuid references reprocessings(id);
    create index processor_runs_reprocessing on processor_runs (reprocessing_id)
      where reprocessing_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table processor_runs drop column reprocessing_id;
    drop table reprocessings;
  `.execute(db);
}
