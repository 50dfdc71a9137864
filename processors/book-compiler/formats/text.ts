/** Text helpers shared by the book renderers: cleaning a manuscript and splitting prose. */
import type { BookManuscript, CompiledChapter } from '../render';

/** Control characters that are not allowed in XML (and mean nothing in prose). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;
const LANGUAGE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

/** A manuscript whose fields are all usable: no empty title, description or language. */
export interface CleanManuscript {
  title: string;
  author: string;
  description: string;
  language: string;
  date: Date;
  chapters: CompiledChapter[];
}

/** One line of metadata: control characters removed, whitespace collapsed. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

export function cleanManuscript(book: BookManuscript): CleanManuscript {
  const title = oneLine(book.title) || 'Untitled';
  const author = oneLine(book.author);
  const language = oneLine(book.language);
  const date = book.date ?? new Date();
  if (Number.isNaN(date.getTime())) throw new Error('The manuscript date is not a valid date');
  return {
    title,
    author,
    description: oneLine(book.description) || (author ? `${title} by ${author}` : title),
    language: LANGUAGE.test(language) ? language : 'en',
    date,
    chapters: book.chapters.map((chapter, i) => ({
      title: oneLine(chapter.title) || `Chapter ${i + 1}`,
      text: chapter.text,
    })),
  };
}

/**
 * The paragraphs of plain prose, each as its lines: paragraphs are separated by blank lines,
 * lines are trimmed, and control characters are dropped.
 */
export function paragraphLines(text: string): string[][] {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .split(/\n[ \t]*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    )
    .filter((lines) => lines.length > 0);
}

/** Paragraphs as single strings: a paragraph's line breaks become spaces. */
export function paragraphs(text: string): string[] {
  return paragraphLines(text).map((lines) => lines.join(' '));
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for XML and HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}
