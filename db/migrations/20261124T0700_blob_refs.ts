import { type Kysely, sql } from 'kysely';

/**
 * Blobs may live in MongoDB (MONGODB_URL) while runs and files stay in PostgreSQL, so the blob ids
 * those tables hold can no longer be foreign keys. They are written only with ids read from the
 * blob store, and blobs are never removed (deletion is soft), so nothing can dangle.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table processor_runs drop constraint if exists processor_runs_input_blob_id_fkey;
    alter table processor_runs drop constraint if exists processor_runs_output_blob_id_fkey;
    alter table files drop constraint if exists files_blob_id_fkey;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table processor_runs add constraint processor_runs_input_blob_id_fkey
      foreign key (input_blob_id) references blobs(id);
    alter table processor_runs add constraint processor_runs_output_blob_id_fkey
      foreign key (output_blob_id) references blobs(id);
    alter table files add constraint files_blob_id_fkey foreign key (blob_id) references blobs(id);
  `.execute(db);
}
