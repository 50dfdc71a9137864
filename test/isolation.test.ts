/**
 * No query, mutation or REST route shows one user anything of another's. Alice builds a world of
 * blobs, a book, a conversation and a processor instance; Bob tries every way to read or touch it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BlobDocument,
  BlobsDocument,
  ConfigureProcessorDocument,
  CreateBlobDocument,
  type CreateBlobInput,
  CreateBookDocument,
  CreateConversationDocument,
  DeleteBlobDocument,
  DeleteProcessorInstanceDocument,
  MeDocument,
  ProcessorDocument,
  ProcessorsDocument,
  UpdateBlobDocument,
  UpdateBookDocument,
  UpdateProcessorInstanceDocument,
} from '../client-sdk/index';
import { expectData, nodes, type SignedIn, uniqueId, useHarness } from './support/harness';

const h = useHarness();

const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
const SECRET = `alice-secret-${Date.now()}`;

/** Everything Alice can see of her own data, in queries small enough for the cost limit. */
const ALICE_VIEW = [
  `{ me {
    userId blobCount totalSize
    books { edges { node { id title author description chapters { id data version } } } }
    conversations { edges { node { id title blobs { id data version } } } }
    processorInstances { edges { node { id config enabled processor { id } } } }
  } }`,
  `{ blobs(first: 10, order: OLDEST_FIRST) {
    edges { node { id schemaId data size version parentId book { id } conversation { id } derived { id } } }
  } }`,
  `{ blobs(first: 10, order: OLDEST_FIRST) { edges { node { id versions { version data } } } } }`,
  'query($processorId: ID!) { processor(id: $processorId) { instance { id config enabled } } }',
];

interface Connection<T> {
  edges: { node: T }[];
}
interface VersionedBlob {
  id: string;
  schemaId: string;
  data: unknown;
  size: number;
  version: number;
  parentId: string | null;
  book: { id: string } | null;
  conversation: { id: string } | null;
  derived: { id: string }[];
}
interface AliceViewAnswers {
  me: {
    me: {
      userId: string;
      blobCount: number;
      totalSize: number;
      books: Connection<{ id: string; title: string; chapters: { id: string }[] }>;
      conversations: Connection<{ id: string; title: string; blobs: { id: string }[] }>;
      processorInstances: Connection<{ id: string; config: unknown; enabled: boolean }>;
    };
  };
  blobs: { blobs: Connection<VersionedBlob> };
  versions: { blobs: Connection<{ id: string; versions: { version: number; data: unknown }[] }> };
  processor: { processor: { instance: { id: string; config: unknown; enabled: boolean } | null } };
}
type AliceView = AliceViewAnswers['me'] &
  AliceViewAnswers['processor'] & {
    blobs: (VersionedBlob & { versions: { version: number; data: unknown }[] | undefined })[];
  };

interface AliceWorld {
  userId: string;
  token: string;
  processorId: string;
  instanceId: string;
  bookId: string;
  conversationId: string;
  parentId: string;
  childId: string;
  chapterId: string;
  messageId: string;
  blobIds: string[];
  view: AliceView | undefined;
}

let alice: AliceWorld;
let bob: SignedIn;

/** One of Alice's view queries, as Alice. */
const asAlice = async <T>(query: string) =>
  expectData(await h().gql<T>(query, { processorId: alice.processorId }, alice.token));

async function aliceView(): Promise<AliceView> {
  const [me, blobs, versions, processor] = await Promise.all([
    asAlice<AliceViewAnswers['me']>(ALICE_VIEW[0]!),
    asAlice<AliceViewAnswers['blobs']>(ALICE_VIEW[1]!),
    asAlice<AliceViewAnswers['versions']>(ALICE_VIEW[2]!),
    asAlice<AliceViewAnswers['processor']>(ALICE_VIEW[3]!),
  ]);
  const versionsOf = new Map(nodes(versions.blobs).map((node) => [node.id, node.versions]));
  return {
    ...me,
    blobs: nodes(blobs.blobs).map((node) => ({ ...node, versions: versionsOf.get(node.id) })),
    ...processor,
  };
}

async function expectAliceUnchanged() {
  expect(await aliceView()).toEqual(aliceBefore());
}

/** Error message with the id taken out, so answers about different ids can be compared. */
const messageWithout = (message: string, id: string) => message.split(id).join('<id>');

beforeAll(async () => {
  const { userId, token } = await h().signIn('alice', { roles: ['registry-author'] });
  const processorId = uniqueId('alice-proc');
  const registered = await h().gql(
    `mutation($input: RegisterProcessorInput!) { registerProcessor(input: $input) { id } }`,
    {
      input: {
        id: processorId,
        name: 'Alice expander',
        version: '1.0.0',
        inputSchemaIds: ['text-input-v1'],
        outputSchemaIds: ['expanded-text-v1'],
        configSchema: {
          type: 'object',
          required: ['model'],
          properties: { model: { type: 'string' }, note: { type: 'string' } },
          additionalProperties: false,
        },
      },
    },
    token,
  );
  expectData(registered);
  const instance = expectData(
    await h().gql(
      ConfigureProcessorDocument,
      { processorId, config: { model: 'large', note: SECRET } },
      token,
    ),
  );
  const book = expectData(
    await h().gql(
      CreateBookDocument,
      { input: { title: `Alice's book ${SECRET}`, author: 'Alice' } },
      token,
    ),
  );
  const conversation = expectData(
    await h().gql(CreateConversationDocument, { title: `Alice's chat ${SECRET}` }, token),
  );
  const bookId = book.createBook.id;
  const conversationId = conversation.createConversation.id;
  const create = async (input: CreateBlobInput) =>
    expectData(await h().gql(CreateBlobDocument, { input }, token)).createBlob.id;
  const parentId = await create({
    schemaId: 'text-input-v1',
    bookId,
    data: { content: `Chapter one ${SECRET}`, metadata: { chapter: 1 } },
  });
  const chapterId = await create({
    schemaId: 'text-input-v1',
    bookId,
    data: { content: `Chapter two ${SECRET}`, metadata: { chapter: 2 } },
  });
  const childId = await create({
    schemaId: 'expanded-text-v1',
    parentId,
    bookId,
    data: {
      original: 'Chapter one',
      expanded: `Chapter one, expanded ${SECRET}`,
      expansion_ratio: 2,
    },
  });
  const messageId = await create({
    schemaId: 'text-input-v1',
    conversationId,
    data: { content: `Hello from Alice ${SECRET}` },
  });
  alice = {
    userId,
    token,
    processorId,
    instanceId: instance.configureProcessor.id,
    bookId,
    conversationId,
    parentId,
    childId,
    chapterId,
    messageId,
    blobIds: [parentId, chapterId, childId, messageId],
    view: undefined,
  };
  alice.view = await aliceView();
  bob = await h().signIn('bob');
});

/** Alice's view as it was before Bob tried anything. */
const aliceBefore = (): AliceView => {
  if (!alice.view) throw new Error("Alice's view was not read");
  return alice.view;
};

describe("Alice's world, as Alice sees it", () => {
  it('holds her four blobs at version 1, her book with two chapters, her conversation and her instance', () => {
    const v = aliceBefore();
    expect(v.me.userId).toBe(alice.userId);
    expect(v.me.blobCount).toBe(4);
    expect(v.me.totalSize).toBeGreaterThan(0);
    expect(v.blobs.map((b) => b.id)).toEqual(alice.blobIds);
    expect(v.blobs.every((b) => b.version === 1)).toBe(true);
    expect(nodes(v.me.books)).toHaveLength(1);
    expect(nodes(v.me.books)[0]!.chapters.map((c) => c.id)).toEqual([
      alice.parentId,
      alice.chapterId,
    ]);
    expect(nodes(v.me.conversations)).toEqual([
      {
        id: alice.conversationId,
        title: `Alice's chat ${SECRET}`,
        blobs: [expect.objectContaining({ id: alice.messageId })],
      },
    ]);
    expect(nodes(v.me.processorInstances)).toEqual([
      {
        id: alice.instanceId,
        config: { model: 'large', note: SECRET },
        enabled: true,
        processor: { id: alice.processorId },
      },
    ]);
    expect(v.processor.instance).toEqual({
      id: alice.instanceId,
      config: { model: 'large', note: SECRET },
      enabled: true,
    });
  });
});

describe('Bob reading Alice’s data', () => {
  it('blob(id) of each of her blobs is null', async () => {
    for (const id of alice.blobIds) {
      const mine = expectData(await h().gql(BlobDocument, { id }, alice.token));
      expect(mine.blob?.id).toBe(id);
      const theirs = expectData(
        await h().gql<{ blob: unknown }>(
          'query($id: ID!) { blob(id: $id) { id data parent { id } derived { id } versions { data } } }',
          { id },
          bob.token,
        ),
      );
      expect(theirs.blob).toBeNull();
    }
  });

  it('the blobs connection is empty for Bob, also filtered by her book, parent, conversation, processor and schema', async () => {
    const filters = [
      undefined,
      { bookId: alice.bookId },
      { parentId: alice.parentId },
      { conversationId: alice.conversationId },
      { processorId: 'user-input' },
      { schemaId: 'text-input-v1' },
      { schemaId: 'expanded-text-v1', bookId: alice.bookId },
    ];
    for (const filter of filters) {
      const hers = expectData(await h().gql(BlobsDocument, { first: 100, filter }, alice.token));
      expect(hers.blobs.edges.length).toBeGreaterThan(0);
      const his = expectData(await h().gql(BlobsDocument, { first: 100, filter }, bob.token));
      expect(his.blobs.edges).toEqual([]);
    }
  });

  it('book(id), conversation(id) and processorInstance(id) of hers are null', async () => {
    const Q = `query($book: ID!, $conv: ID!, $inst: ID!) {
      book(id: $book) { id title chapters { id } }
      conversation(id: $conv) { id title blobs { id } }
      processorInstance(id: $inst) { id config }
    }`;
    const vars = { book: alice.bookId, conv: alice.conversationId, inst: alice.instanceId };
    type Answer = Record<'book' | 'conversation' | 'processorInstance', { id: string } | null>;
    const hers = expectData(await h().gql<Answer>(Q, vars, alice.token));
    expect(hers.book?.id).toBe(alice.bookId);
    expect(hers.conversation?.id).toBe(alice.conversationId);
    expect(hers.processorInstance?.id).toBe(alice.instanceId);
    expect(expectData(await h().gql<Answer>(Q, vars, bob.token))).toEqual({
      book: null,
      conversation: null,
      processorInstance: null,
    });
  });

  it('books, conversations, processorInstances and me show Bob none of hers and zero counts', async () => {
    const Q = `{
      books { edges { node { id } } } conversations { edges { node { id } } }
      processorInstances { edges { node { id } } }
      me {
        userId books { edges { node { id } } } conversations { edges { node { id } } }
        processorInstances { edges { node { id } } } blobCount totalSize
      }
    }`;
    expect(expectData(await h().gql<unknown>(Q, {}, bob.token))).toEqual({
      books: { edges: [] },
      conversations: { edges: [] },
      processorInstances: { edges: [] },
      me: {
        userId: bob.userId,
        books: { edges: [] },
        conversations: { edges: [] },
        processorInstances: { edges: [] },
        blobCount: 0,
        totalSize: 0,
      },
    });
  });

  it('Processor.instance is null for Bob on the processor Alice configured', async () => {
    const one = expectData(await h().gql(ProcessorDocument, { id: alice.processorId }, bob.token));
    expect(one.processor).toMatchObject({ id: alice.processorId, instance: null });
    const all = expectData(await h().gql(ProcessorsDocument, {}, bob.token));
    expect(nodes(all.processors).find((p) => p.id === alice.processorId)?.instance).toBeNull();
    expect(nodes(all.processors).every((p) => p.instance === null)).toBe(true);
  });

  it('nothing Bob can read about processors and schemas carries her user id or her config', async () => {
    const r = await h().gql(
      `query($id: ID!) {
        processor(id: $id) { id name version description configSchema inputSchemas { id } outputSchemas { id } instance { config } }
        processors { edges { node { id name description configSchema instance { config } } } }
        schemas { edges { node { id ownerProcessor { id instance { config } } } } }
      }`,
      { id: alice.processorId },
      bob.token,
    );
    expect(r.errors).toBeUndefined();
    const text = JSON.stringify(r.data);
    expect(text).toContain(alice.processorId);
    expect(text).not.toContain(alice.userId);
    expect(text).not.toContain(SECRET);
  });

  it('no REST route shows Bob anything of hers', async () => {
    const paths = [
      '/schemas',
      '/schemas/text-input-v1',
      '/schemas/expanded-text-v1',
      `/processors/${alice.processorId}/schemas`,
      '/processors/user-input/schemas',
      `/schemas/text-input-v1/validate?data=${encodeURIComponent(JSON.stringify({ content: 'long enough text' }))}`,
      `/blobs/${alice.parentId}`,
      `/books/${alice.bookId}`,
      `/conversations/${alice.conversationId}`,
      `/processor-instances/${alice.instanceId}`,
    ];
    for (const path of paths) {
      const r = await h().rest('GET', path, { token: bob.token });
      expect(r.status, path).not.toBe(500);
      const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      expect(text, path).not.toContain(alice.userId);
      expect(text, path).not.toContain(SECRET);
      for (const id of [...alice.blobIds, alice.bookId, alice.conversationId, alice.instanceId]) {
        expect(text, path).not.toContain(id);
      }
    }
  });

  it('reads without a token are refused with UNAUTHENTICATED', async () => {
    const r = await h().gql(BlobDocument, { id: alice.parentId }, null);
    expect(r.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(r.data?.blob ?? null).toBeNull();
  });
});

describe('Bob writing to Alice’s data', () => {
  it('createBlob with her blob as parent is NOT_FOUND on parentId, exactly as for a blob that does not exist', async () => {
    const data = { content: 'Bob tries to derive.' };
    const r = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', parentId: alice.parentId, data } },
      bob.token,
    );
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'parentId' });
    const missing = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', parentId: MISSING_UUID, data } },
      bob.token,
    );
    expect(messageWithout(r.errors![0]!.message, alice.parentId)).toBe(
      messageWithout(missing.errors![0]!.message, MISSING_UUID),
    );
    expect(expectData(await h().gql(MeDocument, {}, bob.token)).me.blobCount).toBe(0);
    await expectAliceUnchanged();
  });

  it('createBlob in her book or her conversation is NOT_FOUND', async () => {
    const data = { content: 'Bob tries to join in.' };
    const inBook = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', bookId: alice.bookId, data } },
      bob.token,
    );
    expect(inBook.data).toBeNull();
    expect(inBook.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'bookId' });
    const inConv = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', conversationId: alice.conversationId, data } },
      bob.token,
    );
    expect(inConv.data).toBeNull();
    expect(inConv.errors![0]!.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'conversationId',
    });
    expect(expectData(await h().gql(MeDocument, {}, bob.token)).me.blobCount).toBe(0);
    await expectAliceUnchanged();
  });

  it('updateBlob and deleteBlob of her blob are NOT_FOUND, also when Bob names its current or another version', async () => {
    for (const expectedVersion of [undefined, 1, 2]) {
      const input = {
        data: { content: 'Bob overwrote this.' },
        ...(expectedVersion ? { expectedVersion } : {}),
      };
      const r = await h().gql(UpdateBlobDocument, { id: alice.parentId, input }, bob.token);
      expect(r.data).toBeNull();
      expect(r.errors![0]!.extensions.code).toBe('NOT_FOUND');
    }
    const moved = await h().gql(
      UpdateBlobDocument,
      {
        id: alice.childId,
        input: { schemaId: 'text-input-v1', data: { content: 'Bob moved this one.' } },
      },
      bob.token,
    );
    expect(moved.errors![0]!.extensions.code).toBe('NOT_FOUND');
    for (const id of alice.blobIds) {
      const del = await h().gql(DeleteBlobDocument, { id }, bob.token);
      expect(del.data).toBeNull();
      expect(del.errors![0]!.extensions.code).toBe('NOT_FOUND');
      const missing = await h().gql(DeleteBlobDocument, { id: MISSING_UUID }, bob.token);
      expect(messageWithout(del.errors![0]!.message, id)).toBe(
        messageWithout(missing.errors![0]!.message, MISSING_UUID),
      );
    }
    await expectAliceUnchanged();
  });

  it('updateProcessorInstance and deleteProcessorInstance of her instance are NOT_FOUND', async () => {
    const update = await h().gql(
      UpdateProcessorInstanceDocument,
      { id: alice.instanceId, config: { model: 'small' }, enabled: false },
      bob.token,
    );
    expect(update.data).toBeNull();
    expect(update.errors![0]!.extensions.code).toBe('NOT_FOUND');
    const disable = await h().gql(
      UpdateProcessorInstanceDocument,
      { id: alice.instanceId, enabled: false },
      bob.token,
    );
    expect(disable.errors![0]!.extensions.code).toBe('NOT_FOUND');
    const del = await h().gql(DeleteProcessorInstanceDocument, { id: alice.instanceId }, bob.token);
    expect(del.data).toBeNull();
    expect(del.errors![0]!.extensions.code).toBe('NOT_FOUND');
    await expectAliceUnchanged();
  });

  it('updateBook of her book is NOT_FOUND', async () => {
    const r = await h().gql(
      UpdateBookDocument,
      { id: alice.bookId, input: { title: 'Bob renamed it' } },
      bob.token,
    );
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe('NOT_FOUND');
    await expectAliceUnchanged();
  });

  it('configuring the processor Alice configured gives another user an instance of their own, leaving hers alone', async () => {
    const { token: carol } = await h().signIn('carol');
    const r = expectData(
      await h().gql(
        ConfigureProcessorDocument,
        { processorId: alice.processorId, config: { model: 'small' } },
        carol,
      ),
    );
    expect(r.configureProcessor.id).not.toBe(alice.instanceId);
    expect(r.configureProcessor.config).toEqual({ model: 'small' });
    const hers = expectData(await h().gql(ProcessorDocument, { id: alice.processorId }, carol));
    expect(hers.processor?.instance).toEqual(r.configureProcessor);
    await expectAliceUnchanged();
  });
});

describe('after everything Bob tried', () => {
  it('Alice still has all her data at version 1, with the same counts', async () => {
    const v = await aliceView();
    expect(v).toEqual(aliceBefore());
    expect(v.me.blobCount).toBe(4);
    expect(nodes(v.me.books)[0]!.title).toBe(`Alice's book ${SECRET}`);
    for (const blob of v.blobs) {
      expect(blob.version).toBe(1);
      expect(blob.versions).toHaveLength(1);
      expect(JSON.stringify(blob.data)).toContain(SECRET);
    }
    const child = v.blobs.find((b) => b.id === alice.childId);
    expect(child?.parentId).toBe(alice.parentId);
    const parent = v.blobs.find((b) => b.id === alice.parentId);
    expect(parent?.derived).toEqual([{ id: alice.childId }]);
  });
});
