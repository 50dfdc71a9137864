import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlobDocument, MeDocument } from '../../client-sdk/index';
import { PgBlobStore } from '../../src/blobs/pg-blob-store';
import { blobEvent } from '../../src/events/event';
import { expectData, type GraphQLResponse, useHarness } from '../support/harness';

// Room for 5 blobs and 4 KiB per user: small enough to fill in a test.
const h = useHarness({ REYNA_QUOTA_BLOBS: '5', REYNA_QUOTA_BYTES: '4096' });

/** createBlob with the size, which the SDK's CreateBlob leaves out. */
const CREATE = 'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id size } }';
interface Created {
  createBlob: { id: string; size: number };
}
const UPDATE =
  'mutation($id: ID!, $data: JSON!) { updateBlob(id: $id, input: { data: $data }) { id version } }';

const text = (content: string) => ({ content });

async function newUser() {
  const userId = h().user('quota');
  return { userId, token: await h().token(userId) };
}

/** Sends a mutation over a real socket, as a client would. */
async function post<T>(
  base: string,
  token: string,
  query: string,
  variables: object,
): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as Omit<GraphQLResponse<T>, 'status'>) };
}

async function me(token: string) {
  return expectData(await h().gql(MeDocument, {}, token)).me;
}

describe('blob quotas', () => {
  it('a burst of 20 parallel createBlob with room for 5 stores exactly 5; the rest are QUOTA_EXCEEDED', async () => {
    const base = await h().app.listen();
    const { token } = await newUser();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post<Created>(base, token, CREATE, {
          input: { schemaId: 'text-input-v1', data: text(`Burst passage number ${i}.`) },
        }),
      ),
    );
    const stored = results.filter((r) => r.data?.createBlob);
    const refused = results.filter((r) => r.errors);
    expect(stored).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r.errors![0]!.extensions).toMatchObject({
        code: 'QUOTA_EXCEEDED',
        quota: 'blobs',
        limit: 5,
        used: 5,
      });
    }
    const state = await me(token);
    expect(state.blobCount).toBe(5);
    expect(state.quota).toMatchObject({ blobs: 5, bytes: 4096, usedBlobs: 5 });
  });

  it('another user keeps writing while the first is at the quota', async () => {
    const full = await newUser();
    for (let i = 0; i < 5; i++) {
      const r = await h().gql<Created>(
        CREATE,
        { input: { schemaId: 'text-input-v1', data: text(`Filling passage ${i}.`) } },
        full.token,
      );
      expect(r.errors).toBeUndefined();
    }
    const other = await newUser();
    const [refused, accepted] = await Promise.all([
      h().gql<Created>(
        CREATE,
        { input: { schemaId: 'text-input-v1', data: text('One too many.') } },
        full.token,
      ),
      h().gql<Created>(
        CREATE,
        { input: { schemaId: 'text-input-v1', data: text('A neighbour writes.') } },
        other.token,
      ),
    ]);
    expect(refused.errors![0]!.extensions.code).toBe('QUOTA_EXCEEDED');
    expect(refused.data).toBeNull();
    expect(accepted.errors).toBeUndefined();
    expect((await me(full.token)).blobCount).toBe(5);
    expect((await me(other.token)).blobCount).toBe(1);
  });

  it('refuses a blob that would pass the byte quota, and an update whose new version would, storing nothing', async () => {
    const { token } = await newUser();
    const big = text('b'.repeat(2500));
    const first = await h().gql<Created>(
      CREATE,
      { input: { schemaId: 'text-input-v1', data: big } },
      token,
    );
    expect(first.errors).toBeUndefined();
    const before = await me(token);

    const second = await h().gql<Created>(
      CREATE,
      { input: { schemaId: 'text-input-v1', data: big } },
      token,
    );
    expect(second.errors![0]!.extensions).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      quota: 'bytes',
      limit: 4096,
      used: before.totalSize,
    });

    // The current content stays as a version: 2 x 2.5 KB would not fit in 4 KiB.
    const id = first.data!.createBlob.id;
    const update = await h().gql(UPDATE, { id, data: text('c'.repeat(2500)) }, token);
    expect(update.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'bytes' });
    const blob = await h().gql(BlobDocument, { id }, token);
    expect(blob.data!.blob?.version).toBe(1);
    expect(await me(token)).toEqual(before);

    // A small update fits, and its version counts toward the bytes used.
    const small = await h().gql(UPDATE, { id, data: text('A short replacement.') }, token);
    expect(small.errors).toBeUndefined();
    const after = await me(token);
    expect(after.quota.usedBytes).toBeGreaterThan(before.quota.usedBytes);
  });

  it('deleting a blob makes room again', async () => {
    const { token } = await newUser();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await h().gql<Created>(
        CREATE,
        { input: { schemaId: 'text-input-v1', data: text(`Passage to delete ${i}.`) } },
        token,
      );
      ids.push(r.data!.createBlob.id);
    }
    const input = { schemaId: 'text-input-v1', data: text('After the delete.') };
    expect((await h().gql(CREATE, { input }, token)).errors![0]!.extensions.code).toBe(
      'QUOTA_EXCEEDED',
    );
    await h().gql('mutation($id: ID!) { deleteBlob(id: $id) { id } }', { id: ids[0] }, token);
    expect((await h().gql(CREATE, { input }, token)).errors).toBeUndefined();
  });

  it('refuses a processor-derived blob past the quota, and returns a redelivered one already stored', async () => {
    const { userId, token } = await newUser();
    const blobs = h().app.services.blobs;
    const parent = await h().gql<Created>(
      CREATE,
      { input: { schemaId: 'text-input-v1', data: text('A parent passage.') } },
      token,
    );
    const parentId = parent.data!.createBlob.id;
    const derived = {
      schemaId: 'expanded-text-v1',
      data: { original: 'A parent passage.', expanded: 'A longer passage.', expansion_ratio: 1.5 },
      parentId,
    };
    const once = await blobs.derive(userId, 'text-expansion', `quota-test:${userId}:0`, derived);
    expect(once.created).toBe(true);
    for (let i = 0; i < 3; i++) {
      await h().gql<Created>(
        CREATE,
        { input: { schemaId: 'text-input-v1', data: text(`Filler passage ${i}.`) } },
        token,
      );
    }
    // Full now (5 blobs): the same key comes back without asking for room ...
    const again = await blobs.derive(userId, 'text-expansion', `quota-test:${userId}:0`, derived);
    expect(again).toMatchObject({ created: false, blob: { id: once.blob.id } });
    // ... and a new derivation is refused with nothing stored.
    await expect(
      blobs.derive(userId, 'text-expansion', `quota-test:${userId}:1`, derived),
    ).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'blobs', used: 5 } });
    expect((await me(token)).blobCount).toBe(5);
  });
});

describe('me.totalSize', () => {
  it('reports totals past 2^31 bytes exactly (SafeInt, bigint sums)', async () => {
    const { userId, token } = await newUser();
    const r = await h().gql<Created>(
      CREATE,
      { input: { schemaId: 'text-input-v1', data: text('The real, small blob.') } },
      token,
    );
    const real = r.data!.createBlob.size;
    // Writing 3 GiB is slow: blobs that claim 1.5 GiB each, stored through the store (so they
    // are counted as any write is), stand in for them.
    const claimed = 1.5 * 1024 ** 3;
    const store = new PgBlobStore(h().testDb.database);
    for (let i = 0; i < 2; i++) {
      const blob = {
        id: randomUUID(),
        userId,
        processorId: 'user-input',
        schemaId: 'text-input-v1',
        data: text('stand-in for a large blob'),
        size: claimed,
        parentId: null,
        bookId: null,
        conversationId: null,
      };
      await store.create(blob, blobEvent('created', blob));
    }
    const state = await me(token);
    expect(state.totalSize).toBe(real + 2 * claimed);
    expect(state.totalSize).toBeGreaterThan(2 ** 31);
    expect(state.quota.usedBytes).toBe(real + 2 * claimed);
    expect(state.blobCount).toBe(3);
  });
});
