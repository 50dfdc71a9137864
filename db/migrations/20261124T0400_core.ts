import { type Kysely, sql } from 'kysely';

/**
 * The core tables: schema registry, processors and their per-user instances, books,
 * conversations, blobs and blob version history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table schema_names (
      name text primary key,
      compatibility text not null default 'BACKWARD'
        check (compatibility in ('BACKWARD', 'FORWARD', 'FULL', 'NONE')),
      created_at timestamptz not null default now()
    );
    create table schemas (
      id text primary key,
      name text not null references schema_names(name),
      version text not null,
      version_major int not null,
      version_minor int not null,
      version_patch int not null,
      draft text not null check (draft in ('draft-07', '2020-12')),
      -- json, not jsonb: a registry gives back the document exactly as it was submitted.
      definition json not null,
      description text,
      examples json not null default '[]',
      owner_processor_id text,
      active boolean not null default true,
      created_by text,
      created_at timestamptz not null default now(),
      unique (name, version)
    );
    create table processors (
      id text primary key,
      name text not null,
      version text not null,
      description text,
      input_schema_ids text[] not null default '{}',
      output_schema_ids text[] not null default '{}',
      subscribes text[] not null default '{}',
      emits text[] not null default '{}',
      max_concurrency int not null default 1 check (max_concurrency between 1 and 1000),
      config_schema jsonb,
      active boolean not null default true,
      builtin boolean not null default false,
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create table processor_instances (
      id uuid primary key default gen_random_uuid(),
      user_id text not null,
      processor_id text not null references processors(id),
      config jsonb not null default '{}',
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (user_id, processor_id)
    );
    create table books (
      id uuid primary key default gen_random_uuid(),
      user_id text not null,
      title text not null,
      author text,
      description text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index books_user on books (user_id, created_at);
    create table conversations (
      id uuid primary key default gen_random_uuid(),
      user_id text not null,
      title text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index conversations_user on conversations (user_id, created_at);
    create table blobs (
      id uuid primary key default gen_random_uuid(),
      seq bigserial not null unique,
      user_id text not null,
      schema_id text not null references schemas(id),
      processor_id text not null references processors(id),
      data jsonb not null,
      size int not null,
      version int not null default 1,
      parent_id uuid references blobs(id),
      book_id uuid references books(id),
      conversation_id uuid references conversations(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create index blobs_user_seq on blobs (user_id, seq) where deleted_at is null;
    create index blobs_parent on blobs (parent_id, seq) where deleted_at is null;
    create index blobs_book on blobs (book_id, seq) where deleted_at is null;
    create index blobs_conversation on blobs (conversation_id, seq) where deleted_at is null;
    create table blob_versions (
      blob_id uuid not null references blobs(id),
      version int not null,
      schema_id text not null references schemas(id),
      data jsonb not null,
      size int not null,
      created_at timestamptz not null default now(),
      primary key (blob_id, version)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table blob_versions;
    drop table blobs;
    drop table conversations;
    drop table books;
    drop table processor_instances;
    drop table processors;
    drop table schemas;
    drop table schema_names;
  `.execute(db);
}
