import { type Kysely, sql } from 'kysely';

/**
 * Processor runs, derivation idempotency and provenance on blobs, and files (book exports)
 * stored outside blobs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table blobs add column idempotency_key text unique;
    alter table blobs add column provenance jsonb;
    create table processor_runs (
      id uuid primary key default gen_random_uuid(),
      key text not null unique,
      user_id text not null,
      processor_id text not null references processors(id),
      processor_version text not null,
      event jsonb not null,
      input_blob_id uuid references blobs(id),
      input_version int,
      book_id uuid references books(id),
      output_blob_id uuid references blobs(id),
      status text not null default 'queued'
        check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      attempts int not null default 0,
      error text,
      model text,
      progress jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    create index processor_runs_user on processor_runs (user_id, created_at);
    create index processor_runs_input on processor_runs (input_blob_id);
    create index processor_runs_processor on processor_runs (processor_id, created_at);
    create table files (
      id uuid primary key default gen_random_uuid(),
      user_id text not null,
      blob_id uuid references blobs(id),
      name text not null,
      media_type text not null,
      size int not null,
      content bytea not null,
      created_at timestamptz not null default now()
    );
    create index files_user on files (user_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table files;
    drop table processor_runs;
    alter table blobs drop column provenance;
    alter table blobs drop column idempotency_key;
  `.execute(db);
}
