import { describe, expect, it } from 'vitest';
import {
  BlobsDocument,
  BookDocument,
  type BookInput,
  BooksDocument,
  ConversationDocument,
  ConversationsDocument,
  CreateBlobDocument,
  type CreateBlobInput,
  CreateBookDocument,
  CreateConversationDocument,
  DeleteBlobDocument,
  MeDocument,
  UpdateBookDocument,
} from '../client-sdk/index';
import { expectData, expectError, nodes, useHarness } from './support/harness';

const h = useHarness();

const CREATE_BOOK = CreateBookDocument;
const UPDATE_BOOK = UpdateBookDocument;
const BOOK = BookDocument;
const CREATE_CONVERSATION = CreateConversationDocument;
const CONVERSATIONS = ConversationsDocument;
/** createBlob with the size and the book and conversation it is in, which CreateBlob leaves out. */
const CREATE_BLOB = `mutation($input: CreateBlobInput!) {
  createBlob(input: $input) { id size data book { id title } conversation { id title } }
}`;
interface CreatedBlob {
  id: string;
  size: number;
  data: unknown;
  book: { id: string; title: string } | null;
  conversation: { id: string; title: string } | null;
}

const newUser = () => h().signIn();

async function createBook(token: string, input: BookInput) {
  return expectData(await h().gql(CREATE_BOOK, { input }, token)).createBook;
}

async function books(token: string) {
  return nodes(expectData(await h().gql(BooksDocument, {}, token)).books);
}

async function chapterIds(token: string, id: string) {
  return expectData(await h().gql(BOOK, { id }, token)).book?.chapters.map((b) => b.id);
}

async function createBlob(token: string, input: CreateBlobInput) {
  const r = await h().gql<{ createBlob: CreatedBlob }>(CREATE_BLOB, { input }, token);
  return expectData(r).createBlob;
}

async function countOf(token: string) {
  const { blobCount, totalSize } = expectData(await h().gql(MeDocument, {}, token)).me;
  return { blobCount, totalSize };
}

const passage = (content: string, chapter?: number) => ({
  content,
  ...(chapter === undefined ? {} : { metadata: { chapter } }),
});

describe('books', () => {
  it('createBook stores a book, readable by id and in books, with no chapters yet', async () => {
    const { token } = await newUser();
    const r = await h().gql(
      CREATE_BOOK,
      { input: { title: '  The Long Voyage  ', author: 'A. Writer', description: 'Sea stories' } },
      token,
    );
    const stored = expectData(r).createBook;
    expect(stored).toMatchObject({
      title: 'The Long Voyage',
      author: 'A. Writer',
      description: 'Sea stories',
    });
    const byId = await h().gql(BOOK, { id: stored.id }, token);
    expect(byId.data!.book).toMatchObject({ ...stored, chapters: [] });
    expect(await books(token)).toMatchObject([stored]);
  });

  it('createBook leaves author and description null when not given', async () => {
    const { token } = await newUser();
    const book = await createBook(token, { title: 'Untitled draft' });
    expect(book).toMatchObject({ title: 'Untitled draft', author: null, description: null });
  });

  it('books lists the caller’s books in creation order', async () => {
    const { token } = await newUser();
    const first = await createBook(token, { title: 'First' });
    const second = await createBook(token, { title: 'Second' });
    const third = await createBook(token, { title: 'Third' });
    expect((await books(token)).map((b) => b.id)).toEqual([first.id, second.id, third.id]);
  });

  it('updateBook replaces title, author and description', async () => {
    const { token } = await newUser();
    const book = await createBook(token, {
      title: 'Working title',
      author: 'Me',
      description: 'Draft',
    });
    const input = { title: 'Final title', author: 'A. Writer', description: 'The finished book' };
    const r = await h().gql(UPDATE_BOOK, { id: book.id, input }, token);
    expect(expectData(r).updateBook).toMatchObject({ id: book.id, ...input });
    const byId = await h().gql(BOOK, { id: book.id }, token);
    expect(byId.data!.book).toMatchObject({ id: book.id, ...input });
    expect(await books(token)).toMatchObject([{ id: book.id, ...input }]);
  });

  it('updateBook of a book that does not exist is NOT_FOUND', async () => {
    const { token } = await newUser();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const r = await h().gql(UPDATE_BOOK, { id, input: { title: 'Anything' } }, token);
      expect(r.data).toBeNull();
      expectError(r, 'NOT_FOUND');
    }
    expect(await books(token)).toEqual([]);
  });

  it('book of an id that does not exist is null', async () => {
    const { token } = await newUser();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const r = await h().gql(BOOK, { id }, token);
      expect(r.errors).toBeUndefined();
      expect(r.data!.book).toBeNull();
    }
  });

  it('accepts a title of exactly 500 characters', async () => {
    const { token } = await newUser();
    const book = await createBook(token, { title: 't'.repeat(500) });
    expect(book.title).toHaveLength(500);
  });

  it.each([
    ['an empty title', ''],
    ['a title of only spaces', '   '],
    ['a 501-character title', 't'.repeat(501)],
  ])(
    'createBook refuses %s with BAD_USER_INPUT on title and writes nothing',
    async (_what, title) => {
      const { token } = await newUser();
      const existing = await createBook(token, { title: 'Existing' });
      const before = await books(token);
      const r = await h().gql(CREATE_BOOK, { input: { title } }, token);
      expect(r.data).toBeNull();
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
      expect(await books(token)).toEqual(before);
      expect(before.map((b) => b.id)).toEqual([existing.id]);
    },
  );

  it('createBook refuses an author over 200 characters with BAD_USER_INPUT on author', async () => {
    const { token } = await newUser();
    const r = await h().gql(
      CREATE_BOOK,
      { input: { title: 'Fine', author: 'a'.repeat(201) } },
      token,
    );
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'author' });
    expect(await books(token)).toEqual([]);
  });

  it.each([
    ['an empty title', ''],
    ['a 501-character title', 't'.repeat(501)],
  ])(
    'updateBook refuses %s with BAD_USER_INPUT on title and leaves the book unchanged',
    async (_what, title) => {
      const { token } = await newUser();
      const book = await createBook(token, { title: 'Keep me', author: 'Me' });
      const r = await h().gql(UPDATE_BOOK, { id: book.id, input: { title } }, token);
      expect(r.data).toBeNull();
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
      const byId = await h().gql(BOOK, { id: book.id }, token);
      expect(byId.data!.book).toMatchObject({
        id: book.id,
        title: 'Keep me',
        author: 'Me',
        description: null,
      });
    },
  );
});

describe('Book.chapters', () => {
  it('orders top-level blobs by metadata.chapter numerically, then those without a chapter, leaving out derived blobs', async () => {
    const { token } = await newUser();
    const book = await createBook(token, { title: 'The Long Voyage' });
    const other = await createBook(token, { title: 'Another book' });
    const c3 = await createBlob(token, {
      schemaId: 'text-input-v1',
      bookId: book.id,
      data: passage('Chapter three text.', 3),
    });
    const loose = await createBlob(token, {
      schemaId: 'text-input-v1',
      bookId: book.id,
      data: passage('An unnumbered interlude.'),
    });
    const c10 = await createBlob(token, {
      schemaId: 'text-input-v1',
      bookId: book.id,
      data: passage('Chapter ten text.', 10),
    });
    const c1 = await createBlob(token, {
      schemaId: 'text-input-v1',
      bookId: book.id,
      data: passage('Chapter one text.', 1),
    });
    const c2 = await createBlob(token, {
      schemaId: 'text-input-v1',
      bookId: book.id,
      data: passage('Chapter two text.', 2),
    });
    const derived = await createBlob(token, {
      schemaId: 'expanded-text-v1',
      bookId: book.id,
      parentId: c1.id,
      data: {
        original: 'Chapter one text.',
        expanded: 'Chapter one, at much greater length.',
        expansion_ratio: 2,
      },
    });
    await createBlob(token, {
      schemaId: 'text-input-v1',
      bookId: other.id,
      data: passage('Other book chapter.', 1),
    });
    await createBlob(token, { schemaId: 'text-input-v1', data: passage('Not in any book.', 1) });

    const chapters = await chapterIds(token, book.id);
    expect(chapters).toEqual([c1.id, c2.id, c3.id, c10.id, loose.id]);
    expect(chapters).not.toContain(derived.id);

    const inBook = await h().gql(BlobsDocument, { filter: { bookId: book.id } }, token);
    expect(inBook.data!.blobs.edges).toHaveLength(6);
  });

  it('a deleted chapter leaves the chapters', async () => {
    const { token } = await newUser();
    const book = await createBook(token, { title: 'Shrinking book' });
    const c1 = await createBlob(token, {
      schemaId: 'text-input-v1',
      bookId: book.id,
      data: passage('Chapter one text.', 1),
    });
    const c2 = await createBlob(token, {
      schemaId: 'text-input-v1',
      bookId: book.id,
      data: passage('Chapter two text.', 2),
    });
    const del = await h().gql(DeleteBlobDocument, { id: c1.id }, token);
    expect(del.errors).toBeUndefined();
    expect(await chapterIds(token, book.id)).toEqual([c2.id]);
  });

  it('Blob.book resolves to the book the blob was created in, and is null outside a book', async () => {
    const { token } = await newUser();
    const book = await createBook(token, { title: 'The Long Voyage' });
    const inBook = await createBlob(token, {
      schemaId: 'text-input-v1',
      bookId: book.id,
      data: passage('Chapter one text.', 1),
    });
    expect(inBook.book).toEqual({ id: book.id, title: 'The Long Voyage' });
    const read = await h().gql<{ blob: Pick<CreatedBlob, 'book'> }>(
      'query($id: ID!) { blob(id: $id) { book { id title } } }',
      { id: inBook.id },
      token,
    );
    expect(read.data!.blob.book).toEqual({ id: book.id, title: 'The Long Voyage' });
    const outside = await createBlob(token, {
      schemaId: 'text-input-v1',
      data: passage('Not in any book.'),
    });
    expect(outside.book).toBeNull();
  });

  it('createBlob in a book that does not exist is NOT_FOUND on bookId and writes nothing', async () => {
    const { token } = await newUser();
    for (const bookId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const r = await h().gql(
        CreateBlobDocument,
        { input: { schemaId: 'text-input-v1', bookId, data: passage('Chapter one text.') } },
        token,
      );
      expect(r.data).toBeNull();
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'bookId' });
    }
    expect((await countOf(token)).blobCount).toBe(0);
  });
});

describe('conversations', () => {
  it('createConversation stores a conversation, readable by id and in conversations', async () => {
    const { token } = await newUser();
    const first = await h().gql(CREATE_CONVERSATION, { title: '  Brainstorm  ' }, token);
    expect(first.errors).toBeUndefined();
    expect(first.data!.createConversation.title).toBe('Brainstorm');
    const second = await h().gql(CREATE_CONVERSATION, { title: 'Edits' }, token);
    const a = first.data!.createConversation;
    const b = second.data!.createConversation;
    const byId = await h().gql(ConversationDocument, { id: a.id }, token);
    expect(byId.data!.conversation).toMatchObject({ ...a, blobs: [] });
    const list = await h().gql(CONVERSATIONS, {}, token);
    expect(nodes(list.data!.conversations)).toMatchObject([a, b]);
  });

  it('Conversation.blobs lists its blobs in creation order and Blob.conversation resolves', async () => {
    const { token } = await newUser();
    const conv = (await h().gql(CREATE_CONVERSATION, { title: 'Dialogue' }, token)).data!
      .createConversation;
    const otherConv = (await h().gql(CREATE_CONVERSATION, { title: 'Elsewhere' }, token)).data!
      .createConversation;
    const ids: string[] = [];
    for (const content of [
      'Hello there, friend.',
      'General greetings back.',
      'A third message here.',
    ]) {
      const blob = await createBlob(token, {
        schemaId: 'text-input-v1',
        conversationId: conv.id,
        data: passage(content),
      });
      expect(blob.conversation).toEqual({ id: conv.id, title: 'Dialogue' });
      ids.push(blob.id);
      await createBlob(token, {
        schemaId: 'text-input-v1',
        conversationId: otherConv.id,
        data: passage(`Other: ${content}`),
      });
    }
    await createBlob(token, {
      schemaId: 'text-input-v1',
      data: passage('Outside any conversation.'),
    });
    type Answer = { conversation: { blobs: { id: string; conversation: { id: string } }[] } };
    const r = await h().gql<Answer>(
      'query($id: ID!) { conversation(id: $id) { blobs { id conversation { id } } } }',
      { id: conv.id },
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.conversation.blobs).toEqual(
      ids.map((id) => ({ id, conversation: { id: conv.id } })),
    );
  });

  it.each([
    ['an empty title', ''],
    ['a title of only spaces', '  '],
    ['a 501-character title', 'c'.repeat(501)],
  ])(
    'createConversation refuses %s with BAD_USER_INPUT on title and writes nothing',
    async (_what, title) => {
      const { token } = await newUser();
      const r = await h().gql(CREATE_CONVERSATION, { title }, token);
      expect(r.data).toBeNull();
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
      const list = await h().gql(CONVERSATIONS, {}, token);
      expect(nodes(list.data!.conversations)).toEqual([]);
    },
  );

  it('conversation of an id that does not exist is null', async () => {
    const { token } = await newUser();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const r = await h().gql(ConversationDocument, { id }, token);
      expect(expectData(r).conversation).toBeNull();
    }
  });
});

describe('me', () => {
  const ME =
    '{ me { userId books { edges { node { id } } } conversations { edges { node { id } } } blobCount totalSize } }';

  it('is empty for a new user', async () => {
    const { userId, token } = await newUser();
    const r = await h().gql<{ me: unknown }>(ME, {}, token);
    expect(r.data!.me).toEqual({
      userId,
      books: { edges: [] },
      conversations: { edges: [] },
      blobCount: 0,
      totalSize: 0,
    });
  });

  it('returns the caller’s books, conversations, blob count and total size; deleting a blob lowers both', async () => {
    const { userId, token } = await newUser();
    const book = await createBook(token, { title: 'Mine' });
    const conv = (await h().gql(CREATE_CONVERSATION, { title: 'Chat' }, token)).data!
      .createConversation;
    const blobs = [
      await createBlob(token, {
        schemaId: 'text-input-v1',
        bookId: book.id,
        data: passage('Café au lait, déjà vu — naïve.', 1),
      }),
      await createBlob(token, {
        schemaId: 'text-input-v1',
        conversationId: conv.id,
        data: passage('A plain conversation message.'),
      }),
      await createBlob(token, { schemaId: 'text-input-v1', data: passage('x'.repeat(2000)) }),
    ];
    for (const blob of blobs) expect(blob.size).toBe(Buffer.byteLength(JSON.stringify(blob.data)));
    const total = blobs.reduce((sum, b) => sum + b.size, 0);

    const r = await h().gql<{ me: unknown }>(ME, {}, token);
    expect(r.data!.me).toEqual({
      userId,
      books: { edges: [{ node: { id: book.id } }] },
      conversations: { edges: [{ node: { id: conv.id } }] },
      blobCount: 3,
      totalSize: total,
    });

    type Sizes = { blobs: { edges: { node: { size: number } }[] } };
    const listed = await h().gql<Sizes>('{ blobs { edges { node { size } } } }', {}, token);
    expect(nodes(listed.data!.blobs).reduce((sum, node) => sum + node.size, 0)).toBe(total);

    const del = await h().gql(DeleteBlobDocument, { id: blobs[2]!.id }, token);
    expect(del.errors).toBeUndefined();
    expect(await countOf(token)).toEqual({ blobCount: 2, totalSize: total - blobs[2]!.size });
  });

  it('counts the current size after an update, not the sum of versions', async () => {
    const { token } = await newUser();
    const blob = await createBlob(token, {
      schemaId: 'text-input-v1',
      data: passage('A short first draft.'),
    });
    const data = passage('A considerably longer second draft of the same passage.');
    const r = await h().gql<{ updateBlob: { size: number } }>(
      'mutation($id: ID!, $data: JSON!) { updateBlob(id: $id, input: { data: $data }) { size } }',
      { id: blob.id, data },
      token,
    );
    const size = expectData(r).updateBlob.size;
    expect(size).toBe(Buffer.byteLength(JSON.stringify(data)));
    expect(await countOf(token)).toEqual({ blobCount: 1, totalSize: size });
  });

  it('refuses without a token with UNAUTHENTICATED', async () => {
    const r = await h().gql(MeDocument, {}, null);
    expectError(r, 'UNAUTHENTICATED');
  });
});
