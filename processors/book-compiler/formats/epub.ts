/** EPUB 3 through epub-gen-memory, with nothing fetched and a reproducible zip. */
import { createHash } from 'node:crypto';
import { type Chapter, EPub, type Options, optionsDefaults } from 'epub-gen-memory';
import type { BookManuscript } from '../render';
import { cleanManuscript, escapeXml, paragraphs } from './text';

const STYLE = `body { font-family: serif; line-height: 1.5; }
h1 { text-align: center; margin: 1em 0 1.5em; }
p { margin: 0 0 0.8em; text-align: justify; }`;

/**
 * epub-gen-memory's own content.opf, dated by the book instead of by the clock: its template
 * reads `new Date()` for dcterms:modified and the copyright year.
 */
function contentOpf(): string {
  const template = optionsDefaults(3).contentOPF;
  if (!template?.includes('(new Date())')) {
    throw new Error('epub-gen-memory changed its content.opf template: check formats/epub.ts');
  }
  return template.replaceAll('(new Date())', '(new Date(date))');
}

/**
 * A name-based UUID (version 5 layout) from the title and author, so a recompiled book keeps its
 * identifier and reading systems see a new edition of the same book.
 */
function bookUuid(parts: string[]): string {
  const hex = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Replaces character references above U+009F (never markup) with the characters. */
function literalCharacters(xhtml: string): string {
  return xhtml.replace(/&#(x[0-9a-f]+|[0-9]+);/gi, (ref, code: string) => {
    const point =
      code[0] === 'x' || code[0] === 'X' ? Number.parseInt(code.slice(1), 16) : Number(code);
    const literal = point > 0x9f && point <= 0x10ffff && !(point >= 0xd800 && point <= 0xdfff);
    return literal ? String.fromCodePoint(point) : ref;
  });
}

/** An EPub that never downloads anything, with a given identifier and file dates. */
class OfflineEPub extends EPub {
  constructor(
    options: Options,
    content: Chapter[],
    id: string,
    private readonly fileDate: Date,
  ) {
    super(options, content);
    this.uuid = id;
  }

  protected override async downloadAllFonts(): Promise<void> {
    if (this.options.fonts.length) throw new Error('The EPUB renderer must not download fonts');
  }

  protected override async downloadAllImages(): Promise<void> {
    if (this.images.length) throw new Error('The EPUB renderer must not download images');
  }

  protected override async makeCover(): Promise<void> {
    if (this.cover) throw new Error('The EPUB renderer must not download a cover');
  }

  override async genEpub(): Promise<Buffer> {
    await this.render();
    // epub-gen-memory writes every non-ASCII character of a chapter as a character reference
    // (&#x41F;): valid, but write the characters themselves, as UTF-8.
    for (const chapter of this.content) {
      const file = this.zip.file(`OEBPS/${chapter.filename}`);
      if (file)
        this.zip.file(`OEBPS/${chapter.filename}`, literalCharacters(await file.async('string')));
    }
    for (const file of Object.values(this.zip.files)) file.date = this.fileDate;
    return this.generateAsync({
      type: 'nodebuffer',
      mimeType: 'application/epub+zip',
      compression: 'DEFLATE',
      compressionOptions: { level: 9 },
    });
  }
}

export function renderEpub(book: BookManuscript): Promise<Buffer> {
  const { title, author, description, language, date, chapters } = cleanManuscript(book);
  const content: Chapter[] = chapters.map((chapter, i) => ({
    title: chapter.title,
    filename: `chapter-${i + 1}`,
    content: paragraphs(chapter.text)
      .map((p) => `<p>${escapeXml(p)}</p>`)
      .join('\n'),
  }));
  const options: Options = {
    title,
    author: author || 'Anonymous',
    publisher: author || 'Anonymous',
    description,
    lang: language,
    date: date.toISOString(),
    css: STYLE,
    contentOPF: contentOpf(),
    numberChaptersInTOC: false,
    prependChapterTitles: true,
    fonts: [],
    verbose: false,
  };
  const id = bookUuid(['reyna-book', title, author]);
  return new OfflineEPub(options, content, id, date).genEpub();
}
