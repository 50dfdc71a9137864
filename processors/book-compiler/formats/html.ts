/** HTML: a complete HTML5 document rendered from the book's Markdown. */
import MarkdownIt from 'markdown-it';
import type { BookManuscript } from '../render';
import { renderMarkdown } from './markdown';
import { cleanManuscript, escapeXml } from './text';

// html: false, so the text can never carry tags of its own; no links are made from bare URLs.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

const STYLE = `body { margin: 0 auto; max-width: 40em; padding: 2em 1em; font: 1.1em/1.6 Georgia, 'DejaVu Serif', serif; color: #222; }
h1 { font-size: 2.2em; text-align: center; margin-bottom: 0.2em; }
h1 + p { text-align: center; font-size: 1.2em; margin-bottom: 3em; }
h2 { margin-top: 3em; page-break-before: always; }
p { margin: 0 0 1em; text-align: justify; hyphens: auto; }`;

export function renderHtml(book: BookManuscript): string {
  const { title, author, description, language } = cleanManuscript(book);
  const meta = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    author ? `<meta name="author" content="${escapeXml(author)}">` : '',
    `<meta name="description" content="${escapeXml(description)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
  ].filter(Boolean);
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeXml(language)}">`,
    '<head>',
    ...meta,
    '</head>',
    '<body>',
    '<main>',
    markdown.render(renderMarkdown(book)).trimEnd(),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
