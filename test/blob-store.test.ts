/** The blob store contract on the PostgreSQL store: real PostgreSQL, and PGlite. */
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createMigrator, migrateToLatest } from '../db/migrate';
import { PgBlobStore } from '../src/blobs/pg-blob-store';
import type { DB } from '../src/db/types';
import { PgOutboxSource } from '../src/events/outbox-relay';
import { createServices, registerBuiltins } from '../src/services';
import { blobStoreContract, type Recount } from './support/blob-store-contract';
import { openTestDatabase, type TestDatabase } from './support/database';

/**
 * The sum the usage counters replaced (what the quota check ran on every write), kept as the
 * reference they must equal.
 */
async function recount(db: Kysely<DB>, userId: string): Promise<Recount> {
  const { rows } = await sql<{ blobs: number; bytes: number; current: number }>`
    select count(*) as blobs,
           coalesce(sum(b.size), 0) + coalesce((
             select sum(v.size) from blob_versions v join blobs vb on vb.id = v.blob_id
             where vb.user_id = ${userId} and vb.deleted_at is null
           ), 0) as bytes,
           coalesce(sum(b.size), 0) as current
    from blobs b where b.user_id = ${userId} and b.deleted_at is null`.execute(db);
  const row = rows[0]!;
  return { blobs: Number(row.blobs), bytes: Number(row.bytes), currentBytes: Number(row.current) };
}

blobStoreContract('PostgreSQL', async () => {
  const testDb = await openTestDatabase();
  await migrateToLatest(testDb.database.db as unknown as Kysely<unknown>);
  const services = createServices(testDb.database);
  await registerBuiltins(services);
  return {
    store: new PgBlobStore(testDb.database),
    outbox: new PgOutboxSource(testDb.database),
    book: async (userId) => (await services.books.create(userId, { title: 'A book' })).id,
    conversation: async (userId) =>
      (await services.conversations.create(userId, { title: 'A talk' })).id,
    recount: (userId) => recount(testDb.database.db, userId),
    close: () => testDb.drop(),
  };
});

describe('the blob_usage migration', () => {
  let testDb: TestDatabase | undefined;
  afterAll(async () => {
    await testDb?.drop();
  });

  it('counts the blobs stored before it exactly as the sum it replaces did', async () => {
    testDb = await openTestDatabase();
    const db = testDb.database.db;
    const migrator = createMigrator(db as unknown as Kysely<unknown>);
    const before = await migrator.migrateTo('20261201T0800_schema_name_owners');
    expect(before.error).toBeUndefined();
    await registerBuiltins(createServices(testDb.database));

    const alice = `alice-${randomUUID()}`;
    const bob = `bob-${randomUUID()}`;
    const carol = `carol-${randomUUID()}`;
    /** A blob written as the previous release wrote it, with `versions` earlier versions. */
    const stored = async (userId: string, content: string, versions: number, deleted = false) => {
      const id = randomUUID();
      const data = JSON.stringify({ content });
      await sql`insert into blobs (id, user_id, processor_id, schema_id, data, size, version, deleted_at)
        values (${id}, ${userId}, 'user-input', 'text-input-v1', ${data}, ${Buffer.byteLength(data)},
                ${versions + 1}, ${deleted ? new Date() : null})`.execute(db);
      for (let v = 1; v <= versions; v++) {
        const old = JSON.stringify({ content: `${content} as version ${v}`.repeat(v) });
        await sql`insert into blob_versions (blob_id, version, schema_id, data, size)
          values (${id}, ${v}, 'text-input-v1', ${old}, ${Buffer.byteLength(old)})`.execute(db);
      }
    };
    await stored(alice, 'one', 0);
    await stored(alice, 'two, rewritten twice', 2);
    await stored(alice, 'three, deleted with its versions', 3, true);
    await stored(bob, 'bob keeps one', 1);
    await stored(carol, 'carol deleted everything', 1, true);
    const expected = {
      alice: await recount(db, alice),
      bob: await recount(db, bob),
      carol: await recount(db, carol),
    };
    expect(expected.alice.blobs).toBe(2);
    expect(expected.alice.bytes).toBeGreaterThan(expected.alice.currentBytes);

    await migrateToLatest(db as unknown as Kysely<unknown>);
    const store = new PgBlobStore(testDb.database);
    for (const [userId, fresh] of [
      [alice, expected.alice],
      [bob, expected.bob],
      [carol, expected.carol],
    ] as const) {
      expect(await store.usage(userId)).toEqual({ blobs: fresh.blobs, bytes: fresh.bytes });
      expect(await store.stats(userId)).toEqual({
        count: fresh.blobs,
        totalSize: fresh.currentBytes,
      });
    }
  });
});
