import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  BlobDocument,
  BlobsDocument,
  CreateBlobDocument,
  DeleteBlobDocument,
  MeDocument,
} from '../client-sdk/index';
import { expectData, expectError, issuesOf, nodes, useHarness } from './support/harness';

const h = useHarness();

/** createBlob with what the SDK's CreateBlob leaves out: the owner, the size and the links. */
const CREATE_FULL = `mutation($input: CreateBlobInput!) {
  createBlob(input: $input) { id userId processorId schemaId data size version parentId createdAt parent { id } derived { id } }
}`;
interface CreatedFull {
  createBlob: {
    id: string;
    userId: string;
    size: number;
    parent: { id: string } | null;
    derived: { id: string }[];
  };
}
const text = (content: string, metadata?: object) => ({
  content,
  ...(metadata ? { metadata } : {}),
});

async function countOf(token: string) {
  const { blobCount, totalSize } = expectData(await h().gql(MeDocument, {}, token)).me;
  return { blobCount, totalSize };
}

describe('createBlob', () => {
  it('stores a valid text-input-v1 blob owned by the caller, produced by user-input', async () => {
    const token = await h().token('alice-create');
    const r = await h().gql<CreatedFull>(
      CREATE_FULL,
      { input: { schemaId: 'text-input-v1', data: text('The ship sailed at dawn.') } },
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.createBlob).toMatchObject({
      userId: 'alice-create',
      processorId: 'user-input',
      schemaId: 'text-input-v1',
      data: { content: 'The ship sailed at dawn.' },
      version: 1,
      parentId: null,
      parent: null,
      derived: [],
    });
    const again = await h().gql(BlobDocument, { id: r.data!.createBlob.id }, token);
    expect(again.data!.blob?.data).toEqual({ content: 'The ship sailed at dawn.' });
  });

  it('refuses data that does not validate, naming the failing paths, and writes nothing', async () => {
    const token = await h().token(h().user());
    const r = await h().gql(
      CreateBlobDocument,
      {
        input: {
          schemaId: 'text-input-v1',
          data: { content: 'short', metadata: { style: 'loud', chapter: 1.5 } },
        },
      },
      token,
    );
    expect(r.data).toBeNull();
    const err = expectError(r, 'VALIDATION_FAILED');
    const paths = issuesOf(err)
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(['/content', '/metadata/chapter', '/metadata/style']);
    expect(await countOf(token)).toEqual({ blobCount: 0, totalSize: 0 });
  });

  it('refuses an unknown schema with NOT_FOUND', async () => {
    const token = await h().token(h().user());
    const r = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: 'no-such-schema-v1', data: text('long enough text') } },
      token,
    );
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'schemaId' });
    expect((await countOf(token)).blobCount).toBe(0);
  });

  it('refuses data over 1 MiB with PAYLOAD_TOO_LARGE before storing it', async () => {
    const token = await h().token(h().user());
    const big = 'x'.repeat(1024 * 1024);
    const r = await h().gql(
      CreateBlobDocument,
      {
        input: {
          schemaId: 'expanded-text-v1',
          data: { original: 'a', expanded: big, expansion_ratio: 2 },
        },
      },
      token,
    );
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 1048576 });
    expect((await countOf(token)).blobCount).toBe(0);
  });

  it('accepts data just under 1 MiB', async () => {
    const token = await h().token(h().user());
    const wrapper = JSON.stringify({ original: 'a', expanded: '', expansion_ratio: 2 }).length;
    const big = 'x'.repeat(1024 * 1024 - wrapper);
    const r = await h().gql<CreatedFull>(
      CREATE_FULL,
      {
        input: {
          schemaId: 'expanded-text-v1',
          data: { original: 'a', expanded: big, expansion_ratio: 2 },
        },
      },
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.createBlob.size).toBe(1024 * 1024);
  });

  it('links a derived blob to its parent, and the parent lists it', async () => {
    const token = await h().token(h().user());
    const parent = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', data: text('The ship sailed.') } },
      token,
    );
    const parentId = parent.data!.createBlob.id;
    const child = await h().gql<CreatedFull>(
      CREATE_FULL,
      {
        input: {
          schemaId: 'expanded-text-v1',
          parentId,
          data: {
            original: 'The ship sailed.',
            expanded: 'The mighty vessel sailed out.',
            expansion_ratio: 1.8,
          },
        },
      },
      token,
    );
    expect(child.errors).toBeUndefined();
    expect(child.data!.createBlob.parent).toEqual({ id: parentId });
    const p = await h().gql(BlobDocument, { id: parentId }, token);
    expect(p.data!.blob?.derived.map(({ id, schemaId }) => ({ id, schemaId }))).toEqual([
      { id: child.data!.createBlob.id, schemaId: 'expanded-text-v1' },
    ]);
  });

  it('refuses a parent that does not exist', async () => {
    const token = await h().token(h().user());
    for (const parentId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const r = await h().gql(
        CreateBlobDocument,
        { input: { schemaId: 'text-input-v1', parentId, data: text('long enough text') } },
        token,
      );
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'parentId' });
    }
    expect((await countOf(token)).blobCount).toBe(0);
  });

  it('refuses input with missing or mistyped fields as a GraphQL input error', async () => {
    const token = await h().token(h().user());
    // Variables the operation does not allow: a string, as no typed client could send them.
    const r = await h().gql(CREATE_FULL, { input: { data: text('long enough text') } }, token);
    expect(r.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.message).toMatch(/schemaId/);
    expect((await countOf(token)).blobCount).toBe(0);
  });
});

describe('updateBlob and deleteBlob', () => {
  it('re-validates, bumps the version and keeps earlier versions readable', async () => {
    const token = await h().token(h().user());
    const created = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', data: text('First draft of it.') } },
      token,
    );
    const id = created.data!.createBlob.id;
    // updateBlob with the versions it answers, which the SDK's UpdateBlob does not select.
    const UPDATE = `mutation($id: ID!, $input: UpdateBlobInput!) { updateBlob(id: $id, input: $input) { version data versions { version data } } }`;
    type Updated = {
      updateBlob: {
        version: number;
        data: unknown;
        versions: { version: number; data: unknown }[];
      };
    };
    const bad = await h().gql(UPDATE, { id, input: { data: { content: 'tiny' } } }, token);
    expect(bad.errors![0]!.extensions.code).toBe('VALIDATION_FAILED');
    const ok = await h().gql<Updated>(
      UPDATE,
      { id, input: { data: text('Second draft of it.') } },
      token,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.updateBlob.version).toBe(2);
    expect(ok.data!.updateBlob.versions).toEqual([
      { version: 1, data: { content: 'First draft of it.' } },
      { version: 2, data: { content: 'Second draft of it.' } },
    ]);
    const stale = await h().gql(
      UPDATE,
      { id, input: { data: text('Third draft of it.'), expectedVersion: 1 } },
      token,
    );
    expect(stale.errors![0]!.extensions.code).toBe('VERSION_CONFLICT');
    const after = await h().gql(BlobDocument, { id }, token);
    expect(after.data!.blob).toMatchObject({
      version: 2,
      data: { content: 'Second draft of it.' },
    });
  });

  it('soft-deletes: the blob disappears, derived blobs stay with a null parent', async () => {
    const token = await h().token(h().user());
    const parent = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', data: text('The ship sailed.') } },
      token,
    );
    const parentId = parent.data!.createBlob.id;
    const child = await h().gql(
      CreateBlobDocument,
      {
        input: {
          schemaId: 'expanded-text-v1',
          parentId,
          data: { original: 'a', expanded: 'bb', expansion_ratio: 2 },
        },
      },
      token,
    );
    const del = await h().gql(DeleteBlobDocument, { id: parentId }, token);
    expect(del.errors).toBeUndefined();
    const gone = await h().gql(BlobDocument, { id: parentId }, token);
    expect(gone.data!.blob).toBeNull();
    const kept = await h().gql(BlobDocument, { id: child.data!.createBlob.id }, token);
    expect(kept.data!.blob).toMatchObject({ parentId, parent: null });
    const again = await h().gql(DeleteBlobDocument, { id: parentId }, token);
    expect(again.errors![0]!.extensions.code).toBe('NOT_FOUND');
    const derive = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', parentId, data: text('long enough text') } },
      token,
    );
    expect(derive.errors![0]!.extensions.code).toBe('NOT_FOUND');
    expect((await countOf(token)).blobCount).toBe(1);
  });
});

describe('blobs connection', () => {
  it('pages forward with cursors and filters by schema and parent', async () => {
    const token = await h().token(h().user());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await h().gql(
        CreateBlobDocument,
        { input: { schemaId: 'text-input-v1', data: text(`Passage number ${i}`) } },
        token,
      );
      ids.push(r.data!.createBlob.id);
    }
    await h().gql(
      CreateBlobDocument,
      {
        input: {
          schemaId: 'expanded-text-v1',
          parentId: ids[0],
          data: { original: 'a', expanded: 'b', expansion_ratio: 1 },
        },
      },
      token,
    );
    const Q = BlobsDocument;
    const p1 = await h().gql(
      Q,
      { first: 2, filter: { schemaId: 'text-input-v1' }, order: 'OLDEST_FIRST' },
      token,
    );
    expect(nodes(p1.data!.blobs).map((b) => b.id)).toEqual(ids.slice(0, 2));
    expect(p1.data!.blobs.pageInfo.hasNextPage).toBe(true);
    const p2 = await h().gql(
      Q,
      {
        first: 10,
        after: p1.data!.blobs.pageInfo.endCursor,
        filter: { schemaId: 'text-input-v1' },
        order: 'OLDEST_FIRST',
      },
      token,
    );
    expect(nodes(p2.data!.blobs).map((b) => b.id)).toEqual(ids.slice(2));
    expect(p2.data!.blobs.pageInfo.hasNextPage).toBe(false);
    const newest = await h().gql(Q, { first: 1 }, token);
    expect(newest.data!.blobs.edges).toHaveLength(1);
    const byParent = await h().gql(Q, { filter: { parentId: ids[0] } }, token);
    expect(byParent.data!.blobs.edges).toHaveLength(1);
    const byProcessor = await h().gql(Q, { filter: { processorId: 'user-input' } }, token);
    expect(byProcessor.data!.blobs.edges).toHaveLength(6);
  });

  it('refuses a forged cursor and an oversized page', async () => {
    const token = await h().token(h().user());
    const forged = await h().gql('{ blobs(after: "bm9wZQ") { edges { cursor } } }', {}, token);
    expect(forged.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const big = await h().gql('{ blobs(first: 101) { edges { cursor } } }', {}, token);
    expect(big.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('after a migration adds a column to blobs', () => {
  it('still writes and reads through the statements each connection has prepared', async () => {
    const token = await h().token(h().user());
    const write = async (content: string) =>
      expectData(
        await h().gql(
          CreateBlobDocument,
          { input: { schemaId: 'text-input-v1', data: text(content) } },
          token,
        ),
      ).createBlob.id;
    // Prepare the write and the family read on the pool's connections (a few times each, so
    // several connections hold them), as a running server would have them.
    const first = await Promise.all([1, 2, 3, 4].map((i) => write(`Before the migration, ${i}.`)));
    for (const id of first) {
      const blob = expectData(await h().gql(BlobDocument, { id }, token)).blob;
      expect(blob?.id).toBe(id);
    }
    const { db } = h().testDb.database;
    await sql`alter table blobs add column reviewer_note text`.execute(db);
    try {
      const after = await Promise.all([1, 2, 3, 4].map((i) => write(`After the migration, ${i}.`)));
      for (const id of [...first, ...after]) {
        const blob = expectData(await h().gql(BlobDocument, { id }, token)).blob;
        expect(blob?.id).toBe(id);
      }
    } finally {
      await sql`alter table blobs drop column reviewer_note`.execute(db);
    }
  });
});
