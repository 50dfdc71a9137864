/**
 * The MongoDB blob store. With MONGODB_URL (a replica set: transactions need one) it runs the
 * blob store contract against a database of its own, then a whole server storing blobs there.
 * Without MONGODB_URL those tests are reported as skipped. What needs no MongoDB server runs
 * always: the configuration checks and the refusal of an unreachable server.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { MongoClient } from 'mongodb';
import { ConnectionString } from 'mongodb-connection-string-url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBlobDocument } from '../client-sdk/index';
import { openMongoStores } from '../src/blobs/mongo-blob-store';
import { ConfigError, loadConfig } from '../src/config';
import { blobStoreContract } from './support/blob-store-contract';
import { type Harness, startHarness, stopHarness } from './support/harness';
import { startStandaloneMongo } from './support/mongo-standalone';
import { eventually } from './support/realtime';

const MONGODB_URL = process.env.MONGODB_URL?.trim() || undefined;
const SKIP = MONGODB_URL ? undefined : 'set MONGODB_URL to a MongoDB replica set to run them';

/** MONGODB_URL with a database of this run's own. */
function testDatabaseUrl(): { url: string; name: string } {
  const name = `reyna_test_${randomBytes(5).toString('hex')}`;
  const cs = new ConnectionString(MONGODB_URL!);
  cs.pathname = `/${name}`;
  return { url: cs.toString(), name };
}

async function dropDatabase(url: string, name: string): Promise<void> {
  const client = new MongoClient(url);
  try {
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

blobStoreContract(
  'MongoDB',
  async () => {
    const { url, name } = testDatabaseUrl();
    const mongo = await openMongoStores(url);
    // Books and conversations live in PostgreSQL; the MongoDB store takes their ids as given.
    return {
      store: mongo.blobs,
      outbox: mongo.outbox,
      book: async () => crypto.randomUUID(),
      conversation: async () => crypto.randomUUID(),
      async recount(userId) {
        // The aggregate the counters replaced, kept as the reference they must equal.
        const [row] = await mongo.client
          .db(name)
          .collection('blobs')
          .aggregate<{ blobs: number; bytes: number; currentBytes: number }>([
            { $match: { userId, deletedAt: null } },
            {
              $lookup: {
                from: 'blob_versions',
                localField: '_id',
                foreignField: 'blobId',
                as: 'versions',
              },
            },
            {
              $group: {
                _id: null,
                blobs: { $sum: 1 },
                bytes: { $sum: { $add: ['$size', { $sum: '$versions.size' }] } },
                currentBytes: { $sum: '$size' },
              },
            },
          ])
          .toArray();
        return {
          blobs: row?.blobs ?? 0,
          bytes: row?.bytes ?? 0,
          currentBytes: row?.currentBytes ?? 0,
        };
      },
      async close() {
        await mongo.close();
        await dropDatabase(url, name);
      },
    };
  },
  { skip: SKIP },
);

describe.skipIf(SKIP !== undefined)(
  `the server with MONGODB_URL${SKIP ? ` (skipped: ${SKIP})` : ''}`,
  () => {
    let h: Harness | undefined;
    let db: { url: string; name: string };
    let client: MongoClient;
    beforeAll(async () => {
      db = testDatabaseUrl();
      h = await startHarness({ MONGODB_URL: db.url });
      client = await new MongoClient(db.url).connect();
    }, 60_000);
    afterAll(async () => {
      await stopHarness(h);
      await client?.close();
      if (db) await dropDatabase(db.url, db.name);
    });

    it('stores blobs in MongoDB, none in PostgreSQL, and publishes their events', async () => {
      const token = await h!.token(h!.user('mongo'));
      const created = await h!.gql(
        CreateBlobDocument,
        { input: { schemaId: 'text-input-v1', data: { content: 'In Mongo.' } } },
        token,
      );
      const id = created.data!.createBlob.id;
      const doc = await client
        .db(db.name)
        .collection('blobs')
        .findOne({ _id: id as never });
      expect(doc).toMatchObject({ version: 1, schemaId: 'text-input-v1' });
      const pg = await h!.app.database.db
        .selectFrom('blobs')
        .select('id')
        .where('id', '=', id)
        .execute();
      expect(pg).toEqual([]);
      const read = await h!.gql(`{ blob(id: "${id}") { data } me { blobCount } }`, {}, token);
      expect(read.data).toEqual({ blob: { data: { content: 'In Mongo.' } }, me: { blobCount: 1 } });
      await eventually(async () => (await h!.app.relay.backlog()) === 0);
      const entry = await client.db(db.name).collection('outbox').findOne({});
      expect(entry).toMatchObject({ pending: false, type: 'blob.created.text-input-v1' });
      const ready = await h!.rest<{ checks: Record<string, string> }>('GET', '/readyz');
      expect(ready.body.checks.mongodb).toBe('ok');
    });

    it('creates its indexes idempotently: a second start changes nothing', async () => {
      const before = await client.db(db.name).collection('blobs').indexes();
      const again = await openMongoStores(db.url);
      await again.close();
      const after = await client.db(db.name).collection('blobs').indexes();
      expect(after).toEqual(before);
      expect(after.map((i) => i.name)).toEqual(
        expect.arrayContaining(['user_seq', 'parent_seq', 'seq', 'idempotency_key']),
      );
    });
  },
);

describe('MongoDB configuration', () => {
  it('accepts MongoDB connection strings, several hosts included, and refuses others', () => {
    const multi = 'mongodb://a:27017,b:27018/reyna?replicaSet=rs0';
    expect(loadConfig({ MONGODB_URL: multi }).mongodbUrl).toBe(multi);
    expect(loadConfig({ MONGODB_URL: 'mongodb+srv://c.example.com/' }).mongodbUrl).toBeTruthy();
    for (const bad of ['http://localhost:27017', 'mongodb://', 'not a url']) {
      expect(() => loadConfig({ MONGODB_URL: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ MONGODB_URL: bad }), bad).toThrow(/MONGODB_URL/);
    }
  });

  it('refuses a standalone server: blob writes need transactions, so a replica set', async () => {
    const standalone = await startStandaloneMongo();
    try {
      const error = await openMongoStores(standalone.url, { connectTimeoutMs: 2000 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/^MONGODB_URL: the server is a standalone/);
    } finally {
      await standalone.close();
    }
  });

  it('refuses to start on a MongoDB it cannot reach, naming MONGODB_URL', async () => {
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const error = await openMongoStores(`mongodb://127.0.0.1:${port}/reyna?replicaSet=rs0`, {
      connectTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^MONGODB_URL: cannot use MongoDB/);
  });
});
