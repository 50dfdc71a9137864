import { type Kysely, sql } from 'kysely';

/** The transactional outbox: an event row commits with the write it describes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table outbox (
      id bigserial primary key,
      event_id uuid not null unique,
      user_id text not null,
      type text not null,
      event jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    );
    create index outbox_unpublished on outbox (id) where published_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table outbox`.execute(db);
}
