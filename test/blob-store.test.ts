/** The blob store contract on the PostgreSQL store: real PostgreSQL, and PGlite. */
import type { Kysely } from 'kysely';
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
    close: () => testDb.drop(),
  };
});
