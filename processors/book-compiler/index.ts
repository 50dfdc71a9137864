/**
 * book-compiler: on request (`book.compile.requested`), gathers the book's chapters in order (each
 * chapter's current expansion, unless the request asks for the originals) and writes Markdown,
 * HTML, EPUB 3, DOCX and PDF files, described by a compiled-book-v1 blob.
 */
import {
  type BlobView,
  KIT_MAX_CHAPTERS,
  PermanentError,
  type Processor,
  type ProcessorKit,
} from '../kit';
import { words } from '../lib/text-metrics';
import { CHAPTER_SCHEMA_IDS, chapterContent, chapterTitle } from './chapter';
import {
  BOOK_FORMATS,
  type BookFormat,
  type CompiledChapter,
  EXTENSIONS,
  MEDIA_TYPES,
} from './render';
import { openRenderer, RenderTimeoutError } from './render-thread';
import { COMPILED_BOOK_V1 } from './schema';

const slug = (title: string) =>
  title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .toLowerCase()
    .slice(0, 60) || 'book';

async function chapterText(kit: ProcessorKit, chapter: BlobView, useOriginals: boolean) {
  const original = chapterContent(chapter.data);
  if (useOriginals) return { text: original, source: 'original' as const };
  // The current expansion: the one made from the chapter's newest version (derivedOf leaves out
  // expansions of earlier versions), the newest of them should there be several.
  const expansions = (await kit.derivedOf(chapter.id)).filter(
    (b) => b.schemaId === 'expanded-text-v1',
  );
  const newest = expansions.at(-1);
  const expanded = (newest?.data as { expanded?: string } | undefined)?.expanded;
  return expanded
    ? { text: expanded, source: 'expanded' as const }
    : { text: original, source: 'original' as const };
}

export function bookCompiler(options: { renderTimeLimitMs?: number } = {}): Processor {
  return {
    definition: {
      id: 'book-compiler',
      name: 'Book compiler',
      version: '1.0.0',
      description: 'Compiles a book into Markdown, HTML, EPUB 3, DOCX and PDF.',
      inputSchemaIds: [],
      outputSchemaIds: ['compiled-book-v1'],
      schemas: [
        {
          definition: COMPILED_BOOK_V1,
          description: 'A compiled book: chapters, word count and the exported files.',
        },
      ],
      subscribes: [],
      // Runs when a user asks for it (`compileBook`, or `requestRun` with these details).
      onRequest: {
        event: 'book.compile.requested',
        target: 'book',
        details: {
          type: 'object',
          additionalProperties: false,
          properties: {
            formats: {
              type: 'array',
              items: { type: 'string', enum: BOOK_FORMATS },
              minItems: 1,
              uniqueItems: true,
            },
            useOriginals: { type: 'boolean' },
          },
        },
      },
      emits: ['blob.created.compiled-book-v1', 'processor.completed.book-compiler'],
      maxConcurrency: 2,
      maxPerUser: 1,
      maxAttempts: 3,
    },
    async handle(kit) {
      const bookId = kit.event.bookId;
      const book = bookId ? await kit.readBook(bookId) : null;
      if (!bookId || !book) throw new PermanentError('The book to compile no longer exists');
      const requested = (kit.event.details?.formats as BookFormat[] | undefined) ?? BOOK_FORMATS;
      const formats = BOOK_FORMATS.filter((f) => requested.includes(f));
      const useOriginals = kit.event.details?.useOriginals === true;
      const read = await kit.chapters(bookId);
      if (read.length > KIT_MAX_CHAPTERS)
        throw new PermanentError(
          `The book has more than ${KIT_MAX_CHAPTERS} top-level blobs; a book compiles with at most ${KIT_MAX_CHAPTERS} chapters`,
        );
      const chapters = read.filter((c) => CHAPTER_SCHEMA_IDS.includes(c.schemaId));
      if (chapters.length === 0)
        throw new PermanentError(
          'The book has no chapters (text-input-v1 or text-input-v2 blobs in the book)',
        );
      const compiled: (CompiledChapter & { source: 'original' | 'expanded'; blobId: string })[] =
        [];
      for (const [i, chapter] of chapters.entries()) {
        const { text, source } = await chapterText(kit, chapter, useOriginals);
        const title = chapterTitle(chapter.data, i + 1);
        compiled.push({ title, text, source, blobId: chapter.id });
        kit.progress({
          message: `gathered ${title}`,
          fraction: (i + 1) / (chapters.length + formats.length),
        });
      }
      const author = book.author ?? 'Anonymous';
      const manuscript = {
        title: book.title,
        author,
        description: book.description ?? `${book.title} by ${author}`,
        language: 'en',
        chapters: compiled.map(({ title, text }) => ({ title, text })),
      };
      const files = [];
      // Rendered in a thread of its own: a large book's EPUB or PDF holds no other user's request.
      const renderer = await openRenderer(manuscript, { timeLimitMs: options.renderTimeLimitMs });
      // A cancelled run stops its render midway rather than finish a book nobody will read.
      const watch = setInterval(() => {
        if (kit.cancelled()) void renderer.close();
      }, 250);
      try {
        for (const [i, format] of formats.entries()) {
          const content = await renderer.render(format).catch((error: unknown) => {
            // It would take as long again: no retry.
            throw error instanceof RenderTimeoutError ? new PermanentError(error.message) : error;
          });
          const file = await kit.storeFile(
            `${slug(book.title)}.${EXTENSIONS[format]}`,
            MEDIA_TYPES[format],
            content,
          );
          files.push({
            format,
            file_id: file.id,
            url: file.url,
            size: file.size,
            media_type: file.mediaType,
          });
          kit.progress({
            message: `wrote ${format}`,
            fraction: (chapters.length + i + 1) / (chapters.length + formats.length),
          });
        }
      } finally {
        clearInterval(watch);
        await renderer.close();
      }
      const chapterSummaries = compiled.map((c) => ({
        title: c.title,
        word_count: words(c.text).length,
        source: c.source,
        blob_id: c.blobId,
      }));
      await kit.derive({
        schemaId: 'compiled-book-v1',
        parentId: null,
        bookId,
        data: {
          title: book.title,
          author,
          book_id: bookId,
          chapters: chapterSummaries,
          word_count: chapterSummaries.reduce((n, c) => n + c.word_count, 0),
          formats: files,
        },
        provenance: { useOriginals, formats },
        last: true,
      });
    },
  };
}
