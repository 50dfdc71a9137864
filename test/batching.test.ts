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

  it('serves blob(id) reads made at once by several users with one statement, each from its own rows', async () => {
    const alice = h().user();
    const bob = h().user();
    const blobs = h().app.services.blobs;
    const make = (userId: string, content: string, parentId?: string) =>
      blobs.create(userId, { schemaId: 'text-input-v1', parentId, data: { content } });
    const aliceRoot = await make(alice, 'The root of Alice.');
    const aliceMiddle = await make(alice, 'Alice middle.', aliceRoot.id);
    const aliceLeaf = await make(alice, 'The leaf of Alice.', aliceMiddle.id);
    const aliceGone = await make(alice, 'Alice deleted.', aliceMiddle.id);
    await blobs.delete(alice, aliceGone.id);
    const bobRoot = await make(bob, 'The root of Bob.');
    const bobMiddle = await make(bob, 'The middle of Bob.', bobRoot.id);

    const both = { parent: true, derived: true };
    const summary = (family: Awaited<ReturnType<typeof blobs.family>>) =>
      family && {
        id: family.blob.id,
        parent: family.parent?.id ?? null,
        derived: family.derived.map((d) => d.id),
      };
    let answers: ReturnType<typeof summary>[] = [];
    const statements = await h().countQueries(async () => {
      answers = (
        await Promise.all([
          blobs.family(alice, aliceMiddle.id, both),
          blobs.family(bob, aliceMiddle.id, both),
          blobs.family(bob, bobMiddle.id, { parent: true, derived: false }),
          blobs.family(alice, bobMiddle.id, both),
          blobs.family(alice, '00000000-0000-4000-8000-000000000000', both),
          blobs.family(alice, aliceGone.id, both),
          blobs.family(alice, aliceMiddle.id, { parent: false, derived: true }),
          blobs.family(bob, aliceLeaf.id, both),
        ])
      ).map(summary);
    });
    expect(answers).toEqual([
      { id: aliceMiddle.id, parent: aliceRoot.id, derived: [aliceLeaf.id] },
      null,
      { id: bobMiddle.id, parent: bobRoot.id, derived: [] },
      null,
      null,
      null,
      { id: aliceMiddle.id, parent: null, derived: [aliceLeaf.id] },
      null,
    ]);
    expect(statements).toBe(1);

    // A family with more derived blobs than a batch reads for one key comes back whole.
    const crowded = await make(bob, 'A crowded parent.');
    const children: string[] = [];
    for (let i = 0; i < 103; i++)
      children.push((await make(bob, `Child number ${i}.`, crowded.id)).id);
    const [whole, beside] = await Promise.all([
      blobs.family(bob, crowded.id, both),
      blobs.family(alice, aliceMiddle.id, both),
    ]);
    expect(whole!.derived.map((d) => d.id)).toEqual(children);
    expect(summary(beside)).toEqual({
      id: aliceMiddle.id,
      parent: aliceRoot.id,
      derived: [aliceLeaf.id],
    });

    // A family with a large blob is read on its own, whole: one more statement.
    const bulky = await make(alice, 'B'.repeat(17 * 1024));
    const bulkyChild = await make(alice, 'The child of a bulky parent.', bulky.id);
    let withBulky: Awaited<ReturnType<typeof blobs.family>>[] = [];
    const bulkyStatements = await h().countQueries(async () => {
      withBulky = await Promise.all([
        blobs.family(alice, bulkyChild.id, both),
        blobs.family(alice, aliceMiddle.id, both),
      ]);
    });
    expect(withBulky[0]!.parent!.data).toEqual({ content: 'B'.repeat(17 * 1024) });
    expect(summary(withBulky[1]!)).toEqual({
      id: aliceMiddle.id,
      parent: aliceRoot.id,
      derived: [aliceLeaf.id],
    });
    expect(bulkyStatements).toBe(2);

    // The same over GraphQL, the two users' requests sent together.
    const query = 'query($id: ID!) { blob(id: $id) { id parent { id } derived { id } } }';
    type Answer = {
      blob: { id: string; parent: { id: string } | null; derived: { id: string }[] } | null;
    };
    const [aliceToken, bobToken] = await Promise.all([h().token(alice), h().token(bob)]);
    const [mine, theirs, bobs] = await Promise.all([
      h().gql<Answer>(query, { id: aliceMiddle.id }, aliceToken),
      h().gql<Answer>(query, { id: aliceMiddle.id }, bobToken),
      h().gql<Answer>(query, { id: bobMiddle.id }, bobToken),
    ]);
    expect(mine.data!.blob).toEqual({
      id: aliceMiddle.id,
      parent: { id: aliceRoot.id },
      derived: [{ id: aliceLeaf.id }],
    });
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data!.blob).toBeNull();
    expect(bobs.data!.blob).toEqual({ id: bobMiddle.id, parent: { id: bobRoot.id }, derived: [] });
  });

  it('stores creates made at once in statements of bounded size, a large blob in one of its own', async () => {
    const blobs = h().app.services.blobs;
    const sized = (bytes: number, i: number) => ({
      schemaId: 'text-input-v1',
      data: { content: `${i} ${'w'.repeat(bytes)}` },
    });
    // The schema's validator is loaded and compiled by the first write that uses it.
    await blobs.create(h().user(), sized(100, 0));
    const users = Array.from({ length: 20 }, () => h().user());
    let created: { userId: string; data: unknown }[] = [];
    const statements = await h().countQueries(async () => {
      created = await Promise.all(users.map((u, i) => blobs.create(u, sized(15 * 1024, i))));
    });
    // 20 of 15 KiB: two statements of at most 256 KiB each.
    expect(statements).toBe(2);
    expect(created.map((b) => [b.userId, b.data])).toEqual(
      users.map((u, i) => [u, sized(15 * 1024, i).data]),
    );
    const withLarge = await h().countQueries(() =>
      Promise.all([
        blobs.create(users[0]!, sized(17 * 1024, 0)),
        blobs.create(users[1]!, sized(100, 1)),
        blobs.create(users[2]!, sized(100, 2)),
      ]),
    );
    expect(withLarge).toBe(2);
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

  it('reads the usage row once for every alias of me, quota included', async () => {
    const token = await h().token(h().user());
    await h().gql(
      'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Counted once." } }) { id } }',
      {},
      token,
    );
    const aliases = Array.from(
      { length: 15 },
      (_, i) => `a${i}: me { blobCount totalSize quota { usedBlobs blobs } }`,
    );
    type Answer = Record<
      string,
      { blobCount: number; totalSize: number; quota: { usedBlobs: number; blobs: number } }
    >;
    let result: GraphQLResponse<Answer> | undefined;
    const statements = await h().countQueries(async () => {
      result = await h().gql<Answer>(`{ ${aliases.join(' ')} }`, {}, token);
    });
    const answers = Object.values(result!.data!);
    expect(answers).toHaveLength(15);
    for (const a of answers) {
      expect(a.blobCount).toBe(1);
      expect(a.quota.usedBlobs).toBe(1);
      expect(a.quota.blobs).toBeGreaterThan(1);
    }
    // One aggregate for the counts, one read of the usage row for the quota.
    expect(statements).toBeLessThanOrEqual(2);
  });
});
