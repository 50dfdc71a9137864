/**
 * The book compiler's renderers, checked the way a reader would: the headings in order, the
 * user's text shown and never run, the EPUB through epubcheck, the DOCX's XML, the PDF's fonts and
 * extracted text. Needs the Debian packages epubcheck (with Java) and poppler-utils
 * (pdftotext, pdfinfo); without them the tests fail and say what to install.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BOOK_FORMATS,
  type BookFormat,
  type BookManuscript,
  EXTENSIONS,
  MEDIA_TYPES,
  renderBook,
} from '../processors/book-compiler/render';
import { entry, unzip } from './support/zip';

const EPUBCHECK = '/usr/share/java/epubcheck.jar';
const SCRIPT_LINE = '<script>alert(1)</script> & "quotes"';

const BOOK: BookManuscript = {
  title: 'Tales of Many Tongues',
  author: 'Ana Writer',
  description: '',
  language: 'ru',
  date: new Date('2024-05-01T12:00:00Z'),
  chapters: [
    {
      title: 'Мир и война',
      text: `Мир и война — первый абзац.\nЕго вторая строка.\n\n# not a heading\n\n${SCRIPT_LINE}`,
    },
    { title: 'Ἀρχὴ', text: 'Ἐν ἀρχῇ ἦν ὁ λόγος.\n\n- not a list\n1. not a numbered list' },
    { title: 'Crème brûlée', text: 'Crème brûlée, façade, naïve.\n\nThe end.' },
  ],
};
const TITLES = BOOK.chapters.map((c) => c.title);

/** A book in the scripts DejaVu Sans lacks, each chapter one paragraph. */
const WORLD: BookManuscript = {
  title: '世界の物語 세계 이야기',
  author: '山田 花子',
  description: '',
  language: 'ja',
  date: new Date('2024-05-01T12:00:00Z'),
  chapters: [
    { title: '第一章 开始', text: '我们的故事从这里开始。繁體中文也一樣：我們的故事。' },
    { title: '第二章 はじまり', text: 'ひらがなとカタカナと漢字で書かれた日本語の文章です。' },
    { title: '제3장 시작', text: '우리의 이야기는 여기서 시작됩니다. 한국어 문장입니다.' },
    { title: 'अध्याय चार และ บทที่ห้า', text: 'यह हमारी कहानी है। นี่คือเรื่องราวของเรา' },
  ],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reyna-book-formats-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function render(format: BookFormat, book = BOOK): Promise<Buffer> {
  return renderBook(book, format);
}

async function tempFile(name: string, content: Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

/** Runs a program; a non-zero exit is returned, not thrown. */
function run(
  cmd: string,
  args: string[],
): Promise<{ code: number; output: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 << 20, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({
        code: typeof error?.code === 'number' ? error.code : 0,
        output: `${stdout}${stderr}`,
        stdout,
      });
    });
  });
}

/** Fails, saying which Debian package to install, when a command is not on the PATH. */
function requireTool(command: string, debianPackage: string): void {
  if (spawnSync('which', [command]).status !== 0) {
    throw new Error(
      `${command} is missing: install the Debian package ${debianPackage} (apt-get install -y ${debianPackage})`,
    );
  }
}

/** Asserts the strings occur in the text, each after the one before. */
function expectInOrder(text: string, parts: string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    expect(at, `"${part}" after position ${from}`).toBeGreaterThanOrEqual(0);
    from = at + part.length;
  }
}

describe('book formats', () => {
  it('lists every format with its media type and extension', () => {
    expect(BOOK_FORMATS).toEqual(['markdown', 'html', 'epub', 'docx', 'pdf']);
    for (const format of BOOK_FORMATS) {
      expect(MEDIA_TYPES[format]).toMatch(/^[a-z]+\/[a-z0-9.+-]+/);
      expect(EXTENSIONS[format]).toMatch(/^[a-z]+$/);
    }
    expect(MEDIA_TYPES.epub).toBe('application/epub+zip');
    expect(EXTENSIONS.markdown).toBe('md');
  });

  it('refuses an unknown format with an Error', async () => {
    await expect(renderBook(BOOK, 'rtf' as BookFormat)).rejects.toThrow(Error);
    await expect(renderBook(BOOK, 'rtf' as BookFormat)).rejects.toThrow(
      /Unknown book format: "rtf"/,
    );
  });

  it('writes Markdown: the title, the author, the chapter headings in order, the text kept as text', async () => {
    const md = (await render('markdown')).toString('utf8');
    expect(md.startsWith('# Tales of Many Tongues\n')).toBe(true);
    expect(md).toContain('Ana Writer');
    expectInOrder(md, ['# Tales of Many Tongues', ...TITLES.map((t) => `\n## ${t}\n`)]);
    // A line of the text that starts with # stays a line of text, and no tag of the text is live.
    expect(md).not.toMatch(/^#+ not a heading/m);
    expect(md).toContain('\\# not a heading');
    expect(md).toContain('\\<script>alert(1)\\</script> & "quotes"');
    expect(md).not.toMatch(/(^|[^\\])<script/);
    expect(md).toContain('\\- not a list');
    expect(md).toContain('1\\. not a numbered list');
  });

  it('writes a complete HTML5 document from the Markdown, with no live tag from the text', async () => {
    const html = (await render('html')).toString('utf8');
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="ru">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Tales of Many Tongues</title>');
    expect(html).toMatch(/<style>[^<]+<\/style>/);
    expect(html).toContain(
      '<meta name="description" content="Tales of Many Tongues by Ana Writer">',
    );
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expectInOrder(html, ['<h1>Tales of Many Tongues</h1>', ...TITLES.map((t) => `<h2>${t}</h2>`)]);
    expect(html).toContain('<p># not a heading</p>');
    expect(html).toContain('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</p>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(ul|ol|li)>/);
  });

  it('writes an EPUB 3 that passes epubcheck, with a description even when the book has none', async () => {
    const epub = await render('epub');
    const files = unzip(epub);
    expect([...files.keys()][0]).toBe('mimetype');
    expect(entry(files, 'mimetype')).toBe('application/epub+zip');
    const opf = entry(files, 'OEBPS/content.opf');
    expect(opf).toContain('<dc:title>Tales of Many Tongues</dc:title>');
    expect(opf).toContain('<dc:creator id="creator">Ana Writer</dc:creator>');
    expect(opf).toContain('<dc:description>Tales of Many Tongues by Ana Writer</dc:description>');
    expect(opf).toContain('<dc:language>ru</dc:language>');
    const chapters = [1, 2, 3].map((n) => entry(files, `OEBPS/chapter-${n}.xhtml`));
    for (const [i, xhtml] of chapters.entries()) expect(xhtml).toContain(`<h1>${TITLES[i]}</h1>`);
    expect(chapters[0]).toContain('<p>Мир и война — первый абзац. Его вторая строка.</p>');
    expect(chapters[0]).toContain(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</p>',
    );
    expect(chapters[0]).not.toMatch(/<script/i);
    expect(chapters[2]).toContain('<p>Crème brûlée, façade, naïve.</p>');

    if (!existsSync(EPUBCHECK)) {
      throw new Error(
        `${EPUBCHECK} is missing: install the Debian package epubcheck (apt-get install -y epubcheck)`,
      );
    }
    const file = await tempFile('book.epub', epub);
    const check = await run('java', [
      '-Duser.language=en',
      '-Duser.country=US',
      '-jar',
      EPUBCHECK,
      file,
    ]);
    expect(check.code, check.output).toBe(0);
    expect(check.output).toMatch(/Messages: 0 fatals \/ 0 errors \//);
    expect(check.output).not.toMatch(/^(FATAL|ERROR)/m);
  }, 120_000);

  it('writes a DOCX whose document holds the title, the chapter headings and the non-Latin text', async () => {
    const files = unzip(await render('docx'));
    const xml = entry(files, 'word/document.xml');
    expect(xml).toMatch(/<w:pStyle w:val="Title"\/>.*Tales of Many Tongues/);
    expect(xml.match(/<w:pStyle w:val="Heading1"\/>/g)).toHaveLength(3);
    expectInOrder(xml, ['Tales of Many Tongues', 'Ana Writer', ...TITLES]);
    expect(xml).toContain('Мир и война — первый абзац. Его вторая строка.');
    expect(xml).toContain('Ἐν ἀρχῇ ἦν ὁ λόγος.');
    expect(xml).toContain('Crème brûlée, façade, naïve.');
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp;');
    expect(xml).not.toContain('<script');
    expect(entry(files, 'docProps/core.xml')).toContain(
      '<dc:title>Tales of Many Tongues</dc:title>',
    );
  });

  it('writes a PDF set in embedded DejaVu Sans: title page, one page per chapter, text that extracts', async () => {
    const pdf = await render('pdf');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const bytes = pdf.toString('latin1');
    expect(bytes).toContain('/FontFile2');
    expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold\b/);
    expect(bytes).not.toContain('Helvetica');

    requireTool('pdftotext', 'poppler-utils');
    requireTool('pdfinfo', 'poppler-utils');
    const file = await tempFile('book.pdf', pdf);
    const info = await run('pdfinfo', [file]);
    expect(info.code, info.output).toBe(0);
    expect(info.stdout).toMatch(/^Title: +Tales of Many Tongues$/m);
    expect(info.stdout).toMatch(/^Author: +Ana Writer$/m);
    expect(info.stdout).toMatch(/^Pages: +4$/m);

    const page = async (n: number) => {
      const out = await run('pdftotext', [
        '-enc',
        'UTF-8',
        '-f',
        String(n),
        '-l',
        String(n),
        file,
        '-',
      ]);
      expect(out.code, out.output).toBe(0);
      // Lines wrap where the page ends them: compare with runs of whitespace as single spaces.
      return out.stdout.normalize('NFC').replace(/\s+/g, ' ');
    };
    expect(await page(1)).toContain('Tales of Many Tongues');
    const [first, second, third] = [await page(2), await page(3), await page(4)];
    expect(first).toContain('Мир и война');
    expect(first).toContain(SCRIPT_LINE);
    expect(first).toContain('# not a heading');
    expect(second).toContain('Ἀρχὴ');
    expect(second).toContain('Ἐν ἀρχῇ ἦν ὁ λόγος.');
    expect(third).toContain('Crème brûlée');
    expect(third).toContain('façade, naïve.');
  }, 60_000);

  it('writes a PDF in the scripts DejaVu lacks: Chinese, Japanese, Korean, Devanagari and Thai extract as written', async () => {
    const pdf = await render('pdf', WORLD);
    const bytes = pdf.toString('latin1');
    for (const font of ['NotoSansHans-Bold', 'NotoSansHans-Regular', 'NotoSansKR-Regular']) {
      expect(bytes).toMatch(new RegExp(`/BaseFont /[A-Z]{6}\\+${font}\\b`));
    }
    expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansDevanagari-Regular\b/);
    expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansThai-Regular\b/);
    // Subset, not whole: the Chinese font alone is 8 MB.
    expect(pdf.length).toBeLessThan(400_000);

    requireTool('pdftotext', 'poppler-utils');
    const file = await tempFile('world.pdf', pdf);
    const out = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(out.code, out.output).toBe(0);
    // CJK lines wrap anywhere: compare with all whitespace removed.
    const text = out.stdout.normalize('NFC').replace(/\s+/g, '');
    const bare = (s: string) => s.replace(/\s+/g, '');
    expect(text).toContain(bare(WORLD.title));
    expect(text).toContain(bare(WORLD.author));
    for (const chapter of WORLD.chapters) {
      expect(text).toContain(bare(chapter.title));
      expect(text).toContain(bare(chapter.text));
    }
  }, 60_000);

  it('keeps a Latin-only PDF in DejaVu alone: no fallback font is embedded', async () => {
    const bytes = (await render('pdf')).toString('latin1');
    expect(bytes).not.toMatch(/\/BaseFont \/[A-Z]{6}\+Noto/);
  });

  it('keeps the characters of every script in Markdown, HTML, EPUB and DOCX', async () => {
    const md = (await render('markdown', WORLD)).toString('utf8');
    const html = (await render('html', WORLD)).toString('utf8');
    const epub = unzip(await render('epub', WORLD));
    const epubText = [1, 2, 3, 4].map((n) => entry(epub, `OEBPS/chapter-${n}.xhtml`)).join('\n');
    const docx = entry(unzip(await render('docx', WORLD)), 'word/document.xml');
    for (const chapter of WORLD.chapters) {
      for (const [format, text] of Object.entries({ md, html, epubText, docx })) {
        expect(text, format).toContain(chapter.title);
        expect(text, format).toContain(chapter.text);
      }
    }
    const check = await run('java', [
      '-Duser.language=en',
      '-jar',
      EPUBCHECK,
      await tempFile('world.epub', await render('epub', WORLD)),
    ]);
    expect(check.code, check.output).toBe(0);
  }, 120_000);

  it('renders the same bytes twice for the same book and date (all but DOCX)', async () => {
    for (const format of ['markdown', 'html', 'epub', 'pdf'] as const) {
      expect((await render(format)).equals(await render(format)), format).toBe(true);
    }
  });

  it('opens no connection while rendering any format', async () => {
    const connect = vi.spyOn(Socket.prototype, 'connect');
    const fetch = vi.spyOn(globalThis, 'fetch');
    try {
      for (const format of BOOK_FORMATS) await render(format);
      expect(connect).not.toHaveBeenCalled();
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
      fetch.mockRestore();
    }
  });
});
