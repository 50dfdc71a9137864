import { type Kysely, sql } from 'kysely';

/**
 * A registration that broke a processor chain on purpose: who accepted it (null for a release
 * registering a built-in at start-up), when, why, and the broken links as the check listed them.
 * Rows are only ever added: the history of overrides is what an operator audits.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table processor_chain_overrides (
      id uuid primary key default gen_random_uuid(),
      processor_id text not null references processors(id) on delete cascade,
      processor_version text not null,
      reason text not null,
      created_by text,
      links jsonb not null,
      created_at timestamptz not null default now()
    );
    create index processor_chain_overrides_processor
      on processor_chain_overrides (processor_id, created_at desc, id desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table processor_chain_overrides;`.execute(db);
}
