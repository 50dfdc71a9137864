/**
 * The SDK's operations for a writing front end, against a real server running the book compiler:
 * books with chapters, conversations, processors and their configuration, pitches, schemas, and
 * downloading a compiled book's file with the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BookDocument,
  CompileBookDocument,
  ConfigureProcessorDocument,
  ConversationDocument,
  ConversationsDocument,
  CreateBlobDocument,
  CreateBookDocument,
  CreateConversationDocument,
  CreatePitchDocument,
  content,
  createStudioClient,
  DeleteProcessorInstanceDocument,
  dataOf,
  fileNameOf,
  PitchesDocument,
  ProcessorDocument,
  ProcessorInstancesDocument,
  ProcessorsDocument,
  RunDocument,
  SchemaDocument,
  type StudioClient,
  StudioError,
  type TextExpansionConfig,
  UpdateBookDocument,
  UpdateProcessorInstanceDocument,
} from '../client-sdk/index';
import { useHarness } from './support/harness';
import { eventually } from './support/realtime';

const h = useHarness({ REYNA_PROCESSORS: 'book-compiler' });
let url = '';
let sdk: StudioClient;

beforeAll(async () => {
  url = `${await h().app.listen()}/graphql`;
  sdk = createStudioClient({ url, token: await h().token(h().user('writer')) });
});
afterAll(() => sdk.dispose());

async function failure(call: Promise<unknown>): Promise<StudioError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StudioError);
  return error as StudioError;
}

describe('books', () => {
  it('reads a book with its chapters in order and what was derived from each', async () => {
    const { createBook: book } = await sdk.mutate(CreateBookDocument, {
      input: { title: 'Draft', author: 'A. Writer' },
    });
    const chapter = (n: number, text: string) =>
      sdk.mutate(CreateBlobDocument, {
        input: {
          ...content('text-input-v1', { content: text, metadata: { chapter: n } }),
          bookId: book.id,
        },
      });
    const two = (await chapter(2, 'The second chapter begins.')).createBlob;
    const one = (await chapter(1, 'The first chapter begins.')).createBlob;
    const { createBlob: expansion } = await sdk.mutate(CreateBlobDocument, {
      input: {
        ...content('expanded-text-v1', {
          original: 'The first chapter begins.',
          expanded: 'The first chapter begins, slowly.',
          expansion_ratio: 1.3,
        }),
        parentId: one.id,
      },
    });
    await sdk.mutate(UpdateBookDocument, { id: book.id, input: { title: 'The Lantern Keeper' } });
    const { book: read } = await sdk.query(BookDocument, { id: book.id });
    expect(read?.title).toBe('The Lantern Keeper');
    expect(read?.chapters.map((c) => c.id)).toEqual([one.id, two.id]);
    expect(read?.chapters.map((c) => dataOf(c, 'text-input-v1')?.metadata?.chapter)).toEqual([
      1, 2,
    ]);
    expect(read?.chapters[0]?.derived.map((d) => dataOf(d, 'expanded-text-v1')?.expanded)).toEqual([
      'The first chapter begins, slowly.',
    ]);
    expect(read?.chapters[0]?.derived[0]?.id).toBe(expansion.id);
  });

  it('compiles a book and downloads the file with the token: bytes, file name and type', async () => {
    const { createBook: book } = await sdk.mutate(CreateBookDocument, {
      input: { title: 'Downloads', author: 'A. Writer' },
    });
    await sdk.mutate(CreateBlobDocument, {
      input: {
        ...content('text-input-v1', { content: 'A chapter worth downloading.' }),
        bookId: book.id,
      },
    });
    const { compileBook } = await sdk.mutate(CompileBookDocument, {
      bookId: book.id,
      formats: ['MARKDOWN'],
      useOriginals: true,
    });
    let output: { schemaId: string; data: unknown } | null | undefined;
    await eventually(async () => {
      const { run } = await sdk.query(RunDocument, { id: compileBook.id });
      output = run?.output;
      return run?.status === 'SUCCEEDED';
    }, 20_000);
    const compiled = dataOf(output, 'compiled-book-v1');
    const markdown = compiled?.formats.find((f) => f.format === 'markdown');
    expect(markdown).toBeDefined();
    const file = await sdk.download(markdown!.url);
    expect(file.fileName).toMatch(/\.md$/);
    expect(file.contentType).toMatch(/markdown/);
    expect(file.bytes.byteLength).toBe(markdown!.size);
    expect(new TextDecoder().decode(file.bytes)).toContain('A chapter worth downloading.');

    // Another user's file is NOT_FOUND, exactly as a missing one; a server that is not there
    // is a NETWORK_ERROR naming the URL.
    const other = createStudioClient({ url, token: await h().token(h().user('other')) });
    expect((await failure(other.download(markdown!.url))).code).toBe('NOT_FOUND');
    expect((await failure(sdk.download('/files/00000000-0000-0000-0000-000000000000'))).code).toBe(
      'NOT_FOUND',
    );
    const away = createStudioClient({ url: 'http://127.0.0.1:1/graphql', token: 't' });
    const network = await failure(away.download('/files/x'));
    expect(network.code).toBe('NETWORK_ERROR');
    expect(network.message).toContain('http://127.0.0.1:1/files/x');
  }, 30_000);

  it('reads the file name from Content-Disposition, filename* first', () => {
    expect(fileNameOf('attachment; filename="book.epub"')).toBe('book.epub');
    expect(
      fileNameOf('attachment; filename="a.pdf"; filename*=UTF-8\'\'na%C3%AFve%20book.pdf'),
    ).toBe('naïve book.pdf');
    expect(fileNameOf('attachment; filename=plain.md')).toBe('plain.md');
    expect(fileNameOf('inline')).toBeUndefined();
    expect(fileNameOf(null)).toBeUndefined();
  });
});

describe('conversations', () => {
  it('creates a conversation, lists it and reads its blobs', async () => {
    const { createConversation: conversation } = await sdk.mutate(CreateConversationDocument, {
      title: 'Ideas',
    });
    const { createBlob: blob } = await sdk.mutate(CreateBlobDocument, {
      input: {
        ...content('text-input-v1', { content: 'An idea for chapter three.' }),
        conversationId: conversation.id,
      },
    });
    const { conversations } = await sdk.query(ConversationsDocument, { first: 100 });
    expect(conversations.edges.map((e) => e.node.id)).toContain(conversation.id);
    const { conversation: read } = await sdk.query(ConversationDocument, { id: conversation.id });
    expect(read?.blobs.map((b) => b.id)).toEqual([blob.id]);
  });
});

describe('processors', () => {
  it('lists processors with their config schema, configures one, updates and deletes the instance', async () => {
    const { processors } = await sdk.query(ProcessorsDocument, { first: 100 });
    const ids = processors.edges.map((e) => e.node.id);
    expect(ids).toEqual(
      expect.arrayContaining(['text-expansion', 'book-compiler', 'pitch-builder']),
    );
    const expansion = processors.edges.find((e) => e.node.id === 'text-expansion')!.node;
    expect(expansion.configSchema).toMatchObject({ type: 'object' });
    expect(expansion.instance).toBeNull();

    const config: TextExpansionConfig = { default_style: 'formal', target_ratio_min: 2 };
    const { configureProcessor: instance } = await sdk.mutate(ConfigureProcessorDocument, {
      processorId: 'text-expansion',
      config,
    });
    expect(instance).toMatchObject({ enabled: true, config });
    const { processor } = await sdk.query(ProcessorDocument, { id: 'text-expansion' });
    expect(processor?.instance?.id).toBe(instance.id);

    const bad = await failure(
      sdk.mutate(ConfigureProcessorDocument, {
        processorId: 'text-expansion',
        config: { default_style: 'loud' },
      }),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');

    const { updateProcessorInstance } = await sdk.mutate(UpdateProcessorInstanceDocument, {
      id: instance.id,
      enabled: false,
    });
    expect(updateProcessorInstance.enabled).toBe(false);
    const { processorInstances } = await sdk.query(ProcessorInstancesDocument);
    expect(processorInstances.edges.map((e) => [e.node.processor.id, e.node.enabled])).toEqual([
      ['text-expansion', false],
    ]);
    const { deleteProcessorInstance } = await sdk.mutate(DeleteProcessorInstanceDocument, {
      id: instance.id,
    });
    expect(deleteProcessorInstance).toBe(true);
  });
});

describe('pitches and schemas', () => {
  it('stores pitch sections and lists them as pitches', async () => {
    const sections = content('pitch-sections-v1', {
      title: 'The Lantern Keeper',
      logline: 'A keeper finds her lamp summons ships from other centuries.',
    }).data;
    const { createBlob: pitch } = await sdk.mutate(CreatePitchDocument, { sections });
    expect(pitch.schemaId).toBe('pitch-sections-v1');
    const { blobs } = await sdk.query(PitchesDocument, { first: 10 });
    const found = blobs.edges.map((e) => e.node).find((b) => b.id === pitch.id);
    expect(dataOf(found, 'pitch-sections-v1')?.title).toBe('The Lantern Keeper');
    expect(
      (await failure(sdk.mutate(CreatePitchDocument, { sections: { title: 'No logline' } }))).code,
    ).toBe('VALIDATION_FAILED');
  });

  it('reads a schema definition', async () => {
    const { schema } = await sdk.query(SchemaDocument, { id: 'text-input-v1' });
    expect(schema).toMatchObject({ id: 'text-input-v1', definition: { required: ['content'] } });
  });
});
