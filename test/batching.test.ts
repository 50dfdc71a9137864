import { beforeAll, describe, expect, it } from 'vitest';
import { CreateBlobDocument, type CreateBlobInput, CreateBookDocument } from '../client-sdk/index';
import { type GraphQLResponse, useHarness } from './support/harness';

const h = useHarness();

// The outbox relay polls on its own schedule; these tests count the statements of queries only.
beforeAll(async () => {
  await h().app.relay.stop();
});

const QUERY = `query($first: Int) {
  blobs(first: $first) {
    edges { node { id parent { id schema { id } } derived { id schema { id } } schema { id name } processor { id } book { id } } }
  }
}`;
interface Linked {
  id: string;
  schema: { id: string } | null;
}
interface BlobsAnswer {
  blobs: {
    edges: {
      node: {
        id: string;
        parent: Linked | null;
        derived: Linked[];
        schema: { id: string; name: string } | null;
        processor: { id: string } | null;
        book: { id: string } | null;
      };
    }[];
  };
}

async function seed(token: string, pairs: number, bookId: string) {
  for (let i = 0; i < pairs; i++) {
    const parent = await h().gql(
      CreateBlobDocument,
      {
        input: {
          schemaId: 'text-input-v1',
          bookId,
          data: { content: `Passage number ${i} of the seed` },
        },
      },
      token,
    );
    await h().gql(
      CreateBlobDocument,
      {
        input: {
          schemaId: 'expanded-text-v1',
          parentId: parent.data!.createBlob.id,
          data: { original: 'a', expanded: 'bb', expansion_ratio: 2 },
        },
      },
      token,
    );
  }
}

describe('batching', () => {
  it('answers 50 blobs with parent, derived, schema and processor in a bounded number of SQL statements', async () => {
    const token = await h().token(h().user());
    const book = await h().gql(CreateBookDocument, { input: { title: 'Seeded' } }, token);
    await seed(token, 25, book.data!.createBook.id);

    let result: GraphQLResponse<BlobsAnswer> | undefined;
    const for50 = await h().countQueries(async () => {
      result = await h().gql<BlobsAnswer>(QUERY, { first: 50 }, token);
    });
    expect(result!.errors).toBeUndefined();
    const edges = result!.data!.blobs.edges;
    expect(edges).toHaveLength(50);
    expect(edges.filter((e) => e.node.parent !== null)).toHaveLength(25);
    expect(edges.filter((e) => e.node.derived.length === 1)).toHaveLength(25);

    const for4 = await h().countQueries(() => h().gql(QUERY, { first: 4 }, token));
    // One statement each for the page, parents, derived lists, schemas, processors and books, at
    // most: the count does not grow with the number of blobs.
    expect(for50).toBeLessThanOrEqual(6);
    expect(for50).toBe(for4);
  });

  it('answers blob(id) with its parent and derived blobs in one SQL statement', async () => {
    const token = await h().token(h().user());
    const create = async (input: CreateBlobInput) =>
      (await h().gql(CreateBlobDocument, { input }, token)).data!.createBlob.id;
    const root = await create({
      schemaId: 'text-input-v1',
      data: { content: 'The root passage.' },
    });
    const middle = await create({
      schemaId: 'text-input-v1',
      parentId: root,
      data: { content: 'The middle passage.' },
    });
    const first = await create({
      schemaId: 'text-input-v1',
      parentId: middle,
      data: { content: 'First derived one.' },
    });
    const second = await create({
      schemaId: 'text-input-v1',
      parentId: middle,
      data: { content: 'Second derived one.' },
    });
    const query = `query($id: ID!) { blob(id: $id) { id data parent { id data } derived { id data parent { id } } } }`;
    interface Tree {
      blob: {
        id: string;
        data: unknown;
        parent: { id: string; data: unknown } | null;
        derived: { id: string; data: unknown; parent: { id: string } | null }[];
      } | null;
    }
    let result: GraphQLResponse<Tree> | undefined;
    const statements = await h().countQueries(async () => {
      result = await h().gql<Tree>(query, { id: middle }, token);
    });
    expect(result!.data!.blob).toEqual({
      id: middle,
      data: { content: 'The middle passage.' },
      parent: { id: root, data: { content: 'The root passage.' } },
      derived: [
        { id: first, data: { content: 'First derived one.' }, parent: { id: middle } },
        { id: second, data: { content: 'Second derived one.' }, parent: { id: middle } },
      ],
    });
    expect(statements).toBe(1);

    await h().gql('mutation($id: ID!) { deleteBlob(id: $id) { id } }', { id: root }, token);
    await h().gql('mutation($id: ID!) { deleteBlob(id: $id) { id } }', { id: second }, token);
    const after = await h().gql<Tree>(query, { id: middle }, token);
    expect(after.data!.blob?.parent).toBeNull();
    expect(after.data!.blob?.derived.map((d) => d.id)).toEqual([first]);
    const other = await h().gql<Tree>(query, { id: middle }, await h().token(h().user()));
    expect(other.data!.blob).toBeNull();
  });

  it('answers me { blobCount totalSize } with one aggregate statement', async () => {
    const token = await h().token(h().user());
    await h().gql(
      'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Counted once." } }) { id } }',
      {},
      token,
    );
    type Counts = { me: { blobCount: number; totalSize: number } };
    let result: GraphQLResponse<Counts> | undefined;
    const statements = await h().countQueries(async () => {
      result = await h().gql<Counts>('{ me { blobCount totalSize } }', {}, token);
    });
    expect(result!.data!.me).toEqual({
      blobCount: 1,
      totalSize: Buffer.byteLength('{"content":"Counted once."}'),
    });
    expect(statements).toBe(1);
  });
});
