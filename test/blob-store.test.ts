/** The blob store contract on the PostgreSQL store: real PostgreSQL, and PGlite. */
import { type Kysely, sql } from 'kysely';
import { migrateToLatest } from '../db/migrate';
import { PgBlobStore } from '../src/blobs/pg-blob-store';
import { PgOutboxSource } from '../src/events/outbox-relay';
import { createServices, registerBuiltins } from '../src/services';
import { blobStoreContract } from './support/blob-store-contract';
import { openTestDatabase } from './support/database';

blobStoreContract('PostgreSQL', async () => {
  const testDb = await openTestDatabase();
  await migrateToLatest(testDb.database.db as unknown as Kysely<unknown>);
  const services = createServices(testDb.database);
  await registerBuiltins(services);
  return {
    store: new PgBlobStore(testDb.database.db),
    outbox: new PgOutboxSource(testDb.database.db),
    book: async (userId) => (await services.books.create(userId, { title: 'A book' })).id,
    conversation: async (userId) =>
      (await services.conversations.create(userId, { title: 'A talk' })).id,
    async recount(userId) {
      // The sum the counters replaced (what the quota check ran on every write), kept as the
      // reference they must equal.
      const { rows } = await sql<{ blobs: number; bytes: number; current: number }>`
        select count(*) as blobs,
               coalesce(sum(b.size), 0) + coalesce((
                 select sum(v.size) from blob_versions v join blobs vb on vb.id = v.blob_id
                 where vb.user_id = ${userId} and vb.deleted_at is null
               ), 0) as bytes,
               coalesce(sum(b.size), 0) as current
        from blobs b where b.user_id = ${userId} and b.deleted_at is null`.execute(
        testDb.database.db,
      );
      const row = rows[0]!;
      return {
        blobs: Number(row.blobs),
        bytes: Number(row.bytes),
        currentBytes: Number(row.current),
      };
    },
    close: () => testDb.drop(),
  };
});
