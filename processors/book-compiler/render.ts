/**
 * The book compiler's document renderers: pure functions from a manuscript to the bytes of a
 * Markdown, HTML, EPUB 3, DOCX or PDF file. Nothing here reads the network.
 *
 * Each format's module (with its library: markdown-it, epub-gen-memory, docx, pdfkit) is loaded
 * the first time a book is rendered in it, not when the server starts: together they took about
 * a second of every start, and of every test file's, in processes that may never compile a book.
 */
import { renderMarkdown } from './formats/markdown';

/** A chapter's title and its plain prose, paragraphs separated by blank lines. */
export interface CompiledChapter {
  title: string;
  text: string;
}

export interface BookManuscript {
  title: string;
  author: string;
  /** Falls back to `${title} by ${author}` when empty. */
  description: string;
  /** A BCP 47 tag such as `en` or `ru`; falls back to `en` when empty or malformed. */
  language: string;
  chapters: CompiledChapter[];
  /**
   * When the book was made (EPUB dc:date and dcterms:modified, PDF creation date). Defaults to
   * now; with a fixed date the Markdown, HTML, EPUB and PDF are byte-for-byte reproducible.
   */
  date?: Date;
}

export type BookFormat = 'markdown' | 'html' | 'epub' | 'docx' | 'pdf';

export const BOOK_FORMATS: BookFormat[] = ['markdown', 'html', 'epub', 'docx', 'pdf'];

export const MEDIA_TYPES: Record<BookFormat, string> = {
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  epub: 'application/epub+zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

export const EXTENSIONS: Record<BookFormat, string> = {
  markdown: 'md',
  html: 'html',
  epub: 'epub',
  docx: 'docx',
  pdf: 'pdf',
};

/** Renders a book in one format; an unknown format is an Error (a rejected promise). */
export async function renderBook(book: BookManuscript, format: BookFormat): Promise<Buffer> {
  switch (format) {
    case 'markdown':
      return Buffer.from(renderMarkdown(book), 'utf8');
    case 'html':
      return Buffer.from((await import('./formats/html')).renderHtml(book), 'utf8');
    case 'epub':
      return (await import('./formats/epub')).renderEpub(book);
    case 'docx':
      return (await import('./formats/docx')).renderDocx(book);
    case 'pdf':
      return (await import('./formats/pdf')).renderPdf(book);
    default:
      throw new Error(
        `Unknown book format: ${JSON.stringify(format)} (expected one of ${BOOK_FORMATS.join(', ')})`,
      );
  }
}
