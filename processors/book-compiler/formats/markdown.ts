/** Markdown: `# Title`, the author, then `## Chapter` headings and paragraphs. */
import type { BookManuscript } from '../render';
import { cleanManuscript, paragraphLines } from './text';

/** Escapes every character of a heading or the author line that Markdown could read as markup. */
export function escapeInline(text: string): string {
  return text.replace(/[\\`*_[\]<>#&!|~]/g, '\\$&');
}

/**
 * Escapes one line of prose so that it stays a line of a paragraph: no headings, quotes, lists,
 * thematic breaks, setext underlines, fences, tables, link definitions, raw HTML or entities.
 * Inline emphasis is left alone.
 */
export function escapeProseLine(line: string): string {
  let out = line
    .replace(/[<|]/g, '\\$&')
    .replace(/&(?=#?\w+;)/g, '\\&')
    .replace(/\\$/, '\\\\');
  if (
    /^(?:[#>]|[-+*](?:\s|$)|([-*_])(?:\s*\1){2,}\s*$|=+\s*$|-+\s*$|`{3}|~{3}|\[[^\]]*\]:)/.test(out)
  ) {
    out = `\\${out}`;
  } else {
    out = out.replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
  }
  return out;
}

export function renderMarkdown(book: BookManuscript): string {
  const { title, author, chapters } = cleanManuscript(book);
  const blocks = [`# ${escapeInline(title)}`];
  if (author) blocks.push(`*${escapeInline(author)}*`);
  for (const chapter of chapters) {
    blocks.push(`## ${escapeInline(chapter.title)}`);
    for (const lines of paragraphLines(chapter.text)) {
      blocks.push(lines.map(escapeProseLine).join('\n'));
    }
  }
  return `${blocks.join('\n\n')}\n`;
}
