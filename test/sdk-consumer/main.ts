/**
 * A program in a project that installed @reyna-studio/sdk from its tarball, as any other project
 * would: test/sdk-package.test.ts type-checks it (strict) and runs it with node against a real
 * server (`node main.js <url> <token>`). It prints what it saw as one JSON line.
 */
import {
  BlobDerivedDocument,
  type BlobDerivedSubscription,
  BlobsDocument,
  BookDocument,
  CreateBlobDocument,
  CreateBookDocument,
  content,
  createStudioClient,
  dataOf,
  isContent,
  MeDocument,
  StudioError,
} from '@reyna-studio/sdk';
import WebSocket from 'ws';

const [url, token] = process.argv.slice(2) as [string, string];

async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'no error';
  } catch (e) {
    return e instanceof StudioError ? `${e.code}: ${e.message}` : `not a StudioError: ${e}`;
  }
}

// Query-only code runs where no WebSocket exists: the WebSocket client is made on the first
// subscription, and only then does a missing implementation matter.
(globalThis as { WebSocket?: unknown }).WebSocket = undefined;
const http = createStudioClient({ url, token });
const { me } = await http.query(MeDocument);
let noWebSocket = 'no error';
try {
  http.subscribe(BlobDerivedDocument, { parentId: 'none' }, { next() {} });
} catch (e) {
  noWebSocket = e instanceof StudioError ? e.code : `not a StudioError: ${e}`;
}

const studio = createStudioClient({ url, token: () => token, webSocketImpl: WebSocket });
const { createBook: book } = await studio.mutate(CreateBookDocument, {
  input: { title: 'The Lantern Keeper' },
});
const { createBlob: chapter } = await studio.mutate(CreateBlobDocument, {
  input: {
    ...content('text-input-v1', { content: 'The ship sailed at dawn.', metadata: { chapter: 1 } }),
    bookId: book.id,
  },
});
const { book: read } = await studio.query(BookDocument, { id: book.id });
const chapterText: string | undefined = dataOf(read?.chapters[0], 'text-input-v1')?.content;

// A subscription over WebSocket: write derived blobs until one is delivered.
const written: string[] = [];
const delivered = await new Promise<BlobDerivedSubscription['blobDerived']>((resolve, reject) => {
  const giveUp = setTimeout(() => reject(new Error('no delivery in 15 s')), 15_000);
  const writer = setInterval(() => {
    studio
      .mutate(CreateBlobDocument, {
        input: {
          ...content('expanded-text-v1', { original: 'a', expanded: 'bb', expansion_ratio: 2 }),
          parentId: chapter.id,
        },
      })
      .then(({ createBlob }) => written.push(createBlob.id), reject);
  }, 300);
  const stop = studio.subscribe(
    BlobDerivedDocument,
    { parentId: chapter.id },
    {
      next: ({ blobDerived }) => {
        clearTimeout(giveUp);
        clearInterval(writer);
        stop();
        resolve(blobDerived);
      },
      error: reject,
    },
  );
});
const blob = delivered.blob;
const expanded = blob && isContent(blob, 'expanded-text-v1') ? blob.data.expanded : undefined;

const invalid = await codeOf(() =>
  studio.mutate(CreateBlobDocument, {
    input: { schemaId: 'text-input-v1', data: { content: 'short' } },
  }),
);
const wrongPath = await codeOf(() =>
  createStudioClient({ url: url.replace(/\/graphql$/, '/graphq'), token }).query(MeDocument),
);
const unreachable = await codeOf(() =>
  createStudioClient({ url: 'http://127.0.0.1:1/graphql', token }).query(MeDocument),
);
await studio.dispose();

console.log(
  JSON.stringify({
    userId: me.userId,
    noWebSocket,
    chapterText,
    written,
    delivered: { parentId: delivered.parentId, derivedId: delivered.derivedId, expanded },
    invalid,
    wrongPath,
    unreachable,
  }),
);

/** Never called: each line must fail to type-check (tsc fails on an unused @ts-expect-error). */
export function misuse(): void {
  // @ts-expect-error text-input-v1 requires `content`
  content('text-input-v1', { metadata: { chapter: 1 } });
  // @ts-expect-error `style` is one of formal, casual, creative
  content('text-input-v1', { content: 'A passage.', metadata: { style: 'loud' } });
  // @ts-expect-error `first` is an Int
  void studio.query(BlobsDocument, { first: 'ten' });
  // @ts-expect-error not a built-in schema id
  dataOf(blob, 'text-input-v9');
}
