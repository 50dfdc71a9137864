import { type Kysely, sql } from 'kysely';

/**
 * One row of counters per user, kept by every blob write in its own transaction, so that the
 * quota check reads one row instead of summing the user's blobs and versions (a cost that grew
 * with the user's data, paid inside the user's write lock). `blobs` and `bytes` are what quotas
 * count (blobs not deleted; their bytes with earlier versions); `current_bytes` is what
 * `me.totalSize` reports (current versions only).
 *
 * The backfill counts existing data exactly as the sum it replaces did. Writers of the previous
 * release do not keep the counters: stop them before this runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table blob_usage (
      user_id text primary key,
      blobs bigint not null default 0,
      bytes bigint not null default 0,
      current_bytes bigint not null default 0
    );
    insert into blob_usage (user_id, blobs, bytes, current_bytes)
    select b.user_id, count(*), sum(b.size) + coalesce(sum(v.size), 0), sum(b.size)
    from blobs b
    left join (select blob_id, sum(size) as size from blob_versions group by blob_id) v
      on v.blob_id = b.id
    where b.deleted_at is null
    group by b.user_id;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table blob_usage;`.execute(db);
}
