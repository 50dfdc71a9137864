import { type Kysely, sql } from 'kysely';

/**
 * A schema name has an owner: the user who registered its first version (null for built-ins).
 * Only the owner or a registry admin may publish further versions or change the name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table schema_names add column owner text;
    update schema_names n set owner = (
      select s.created_by from schemas s where s.name = n.name
      order by s.created_at, s.id limit 1
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table schema_names drop column owner;`.execute(db);
}
