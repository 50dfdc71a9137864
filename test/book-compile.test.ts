/**
 * The design document's flow to the end: chapters written, expanded by the LLM, compiled into a
 * book whose EPUB passes epubcheck; and the pitch builder with and without an LLM.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlobsDocument,
  CompileBookDocument,
  type CompiledBookV1,
  CreateBlobDocument,
  CreateBookDocument,
  CreatePitchDocument,
  dataOf,
  PitchDetailDocument,
  type PitchDetailQuery,
  type PitchDocumentV1,
  RunDocument,
  type RunQuery,
} from '../client-sdk/index';
import { ConfigError, loadConfig } from '../src/config';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { expectData, type Harness, startHarness, stopHarness, testEnv } from './support/harness';
import { eventually } from './support/realtime';
import { entry, unzip } from './support/zip';

const EPUBCHECK = '/usr/share/java/epubcheck.jar';
let llm: FakeLlm;
let h: Harness;

beforeAll(async () => {
  llm = await startFakeLlm();
  h = await startHarness({
    OPENAI_BASE_URL: llm.url,
    REYNA_LLM_MODEL: 'fake-model',
    REYNA_PROCESSORS: 'all',
    REYNA_RETRY_BASE_MS: '20',
    // What one run may read, low enough for a test to pass it (every other book here is small).
    REYNA_RUN_READ_BYTES: String(2 * 1024 ** 2),
  });
});
afterAll(async () => {
  await stopHarness(h);
  await llm.close();
});

async function download(token: string | null, url: string) {
  const res = await h.app.yoga.fetch(`http://studio.test${url}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: Buffer.from(await res.arrayBuffer()),
  };
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

type Run = NonNullable<RunQuery['run']>;

async function waitRun(token: string, runId: string): Promise<Run> {
  let run = null as RunQuery['run'];
  await eventually(async () => {
    run = expectData(await h.gql(RunDocument, { id: runId }, token)).run;
    if (!run) throw new Error(`run ${runId} not found`);
    return ['SUCCEEDED', 'FAILED'].includes(run.status);
  }, 30_000);
  if (!run) throw new Error(`run ${runId} not found`);
  return run;
}

/** The compiled book a run wrote: fails the test when its output is not a compiled-book-v1. */
function compiledOf(run: Run): CompiledBookV1 {
  const out = dataOf(run.output, 'compiled-book-v1');
  if (!out) throw new Error(`no compiled book: ${JSON.stringify(run)}`);
  return out;
}

/** The file of one format of a compiled book: fails the test when the book has none. */
function fileOf(book: CompiledBookV1, format: CompiledBookV1['formats'][number]['format']) {
  const file = book.formats.find((f) => f.format === format);
  if (!file) throw new Error(`no ${format} file: ${JSON.stringify(book.formats)}`);
  return file;
}

const createBook = async (
  token: string,
  input: { title: string; author?: string; description?: string },
) => expectData(await h.gql(CreateBookDocument, { input }, token)).createBook.id;

describe('book compiler', () => {
  it('compiles the chapters, in order and expanded, into files that download with the token; the EPUB passes epubcheck', async () => {
    const user = h.user();
    const token = await h.token(user);
    const book = await createBook(token, {
      title: 'The Long Voyage',
      author: 'A. Writer',
      description: 'A sea story.',
    });
    const chapters = [
      { chapter: 2, content: 'The storm came in the night and tore the sails.' },
      { chapter: 1, content: 'The ship sailed at dawn while the harbour slept.' },
    ];
    const ids: string[] = [];
    for (const c of chapters) {
      const r = await h.gql(
        CreateBlobDocument,
        {
          input: {
            schemaId: 'text-input-v1',
            bookId: book,
            data: { content: c.content, metadata: { chapter: c.chapter } },
          },
        },
        token,
      );
      ids.push(r.data!.createBlob.id);
    }
    // Wait for both expansions.
    await eventually(async () => {
      const r = await h.gql(
        BlobsDocument,
        { filter: { bookId: book, schemaId: 'expanded-text-v1' } },
        token,
      );
      return r.data!.blobs.edges.length === 2;
    }, 30_000);

    const compile = await h.gql(
      CompileBookDocument,
      { bookId: book, formats: ['EPUB', 'MARKDOWN', 'HTML', 'DOCX', 'PDF'] },
      token,
    );
    expect(compile.errors).toBeUndefined();
    const run = await waitRun(token, compile.data!.compileBook.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output?.schemaId).toBe('compiled-book-v1');
    const out = compiledOf(run);
    expect(out).toMatchObject({ title: 'The Long Voyage', author: 'A. Writer' });
    expect(out.chapters.map((c) => [c.title, c.source])).toEqual([
      ['Chapter 1', 'expanded'],
      ['Chapter 2', 'expanded'],
    ]);
    expect(out.formats.map((f) => f.format).sort()).toEqual([
      'docx',
      'epub',
      'html',
      'markdown',
      'pdf',
    ]);

    const md = await download(token, fileOf(out, 'markdown').url);
    expect(md.status).toBe(200);
    const mdText = md.body.toString();
    expect(mdText.indexOf('Chapter 1')).toBeLessThan(mdText.indexOf('Chapter 2'));
    expect(mdText).toContain(llm.behaviour.reply(chapters[1]!.content));
    expect(md.body.length).toBe(fileOf(out, 'markdown').size);
    const pdf = await download(token, fileOf(out, 'pdf').url);
    expect(pdf.body.subarray(0, 4).toString()).toBe('%PDF');
    const epubUrl = fileOf(out, 'epub').url;
    expect(await download(await h.token(h.user()), epubUrl)).toMatchObject({ status: 404 });
    expect((await download(null, epubUrl)).status).toBe(401);
    for (const bad of ['/files/not-a-uuid', '/files/00000000-0000-4000-8000-000000000000']) {
      const res = await download(token, bad);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body.toString()).error.code).toBe('NOT_FOUND');
    }

    const epub = await download(token, epubUrl);
    expect(epub.type).toBe('application/epub+zip');
    if (!existsSync(EPUBCHECK))
      throw new Error(
        'epubcheck is missing: apt-get install epubcheck (the CI script installs it)',
      );
    const dir = await mkdtemp(join(tmpdir(), 'reyna-epub-'));
    try {
      const file = join(dir, 'book.epub');
      await writeFile(file, epub.body);
      const { stdout, stderr } = await promisify(execFile)('java', ['-jar', EPUBCHECK, file]);
      expect(`${stdout}${stderr}`).toMatch(/No errors or warnings detected|0 fatals \/ 0 errors/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('heads each chapter with its metadata.title in every format, and with "Chapter N" when it has none', async () => {
    const token = await h.token(h.user());
    const book = await createBook(token, { title: 'Titled' });
    const chapters = [
      // v2 types the title; v1 accepts one in its open metadata; a v1 chapter without one.
      { schemaId: 'text-input-v2', metadata: { chapter: 1, title: 'The Harbour 港口' } },
      { schemaId: 'text-input-v1', metadata: { chapter: 2 } },
      { schemaId: 'text-input-v1', metadata: { chapter: 3, title: '  Landfall  ' } },
    ];
    for (const [i, c] of chapters.entries()) {
      const r = await h.gql(
        CreateBlobDocument,
        {
          input: {
            schemaId: c.schemaId,
            bookId: book,
            data: { content: `The words of chapter number ${i + 1}.`, metadata: c.metadata },
          },
        },
        token,
      );
      expect(r.errors).toBeUndefined();
    }
    const titles = ['The Harbour 港口', 'Chapter 2', 'Landfall'];
    const compile = await h.gql(
      CompileBookDocument,
      { bookId: book, formats: ['EPUB', 'MARKDOWN', 'HTML', 'DOCX', 'PDF'], useOriginals: true },
      token,
    );
    const run = await waitRun(token, compile.data!.compileBook.id);
    expect(run.status, run.error ?? undefined).toBe('SUCCEEDED');
    const out = compiledOf(run);
    expect(out.chapters.map((c) => c.title)).toEqual(titles);
    const body = async (format: CompiledBookV1['formats'][number]['format']) =>
      (await download(token, fileOf(out, format).url)).body;

    const md = (await body('markdown')).toString();
    expectInOrder(
      md,
      titles.map((t) => `\n## ${t}\n`),
    );
    const html = (await body('html')).toString();
    expectInOrder(
      html,
      titles.map((t) => `<h2>${t}</h2>`),
    );
    const epub = unzip(await body('epub'));
    titles.forEach((t, i) => {
      expect(entry(epub, `OEBPS/chapter-${i + 1}.xhtml`)).toContain(`<h1>${t}</h1>`);
    });
    expectInOrder(entry(epub, 'OEBPS/toc.xhtml'), titles);
    const docx = entry(unzip(await body('docx')), 'word/document.xml');
    expectInOrder(docx, titles);
    const dir = await mkdtemp(join(tmpdir(), 'reyna-titles-'));
    try {
      const file = join(dir, 'book.pdf');
      await writeFile(file, await body('pdf'));
      const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', file, '-']);
      expectInOrder(stdout, titles);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('uses the originals when asked, and refuses bad requests', async () => {
    const token = await h.token(h.user());
    const book = await createBook(token, { title: 'Plain' });
    const input = {
      schemaId: 'text-input-v1',
      bookId: book,
      data: { content: 'Only the original words here.' },
    };
    await h.gql(CreateBlobDocument, { input }, token);
    const compile = await h.gql(
      CompileBookDocument,
      { bookId: book, formats: ['MARKDOWN'], useOriginals: true },
      token,
    );
    const run = await waitRun(token, compile.data!.compileBook.id);
    const out = compiledOf(run);
    expect(out.chapters[0]?.source).toBe('original');
    const md = await download(token, fileOf(out, 'markdown').url);
    expect(md.body.toString()).toContain('Only the original words here.');

    const other = await h.token(h.user());
    const foreign = await h.gql(CompileBookDocument, { bookId: book, formats: ['EPUB'] }, other);
    expect(foreign.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'bookId' });
    const none = await h.gql(CompileBookDocument, { bookId: book, formats: [] }, token);
    expect(none.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'formats' });
    const bad = await h.gql(
      'mutation($b: ID!) { compileBook(bookId: $b, formats: [RTF]) { id } }',
      { b: book },
      token,
    );
    expect(bad.errors![0]!.extensions.code).toBeDefined();
  }, 60_000);

  it('refuses a book of more than 1,000 chapters with a run that says so, and compiles one of 1,000', async () => {
    const userId = h.user();
    const token = await h.token(userId);
    const book = await createBook(token, { title: 'Endless' });
    // Stored directly: a thousand createBlob calls would only slow the test down.
    const chapters = (n: number) =>
      sql`insert into blobs (user_id, schema_id, processor_id, data, size, book_id)
        select ${userId}, 'text-input-v1', 'user-input',
          jsonb_build_object('content', 'Chapter text number ' || n || '.'), 40, ${book}::uuid
        from generate_series(1, ${n}) n`.execute(h.app.database.db);
    await chapters(1000);
    const fits = await h.gql(
      CompileBookDocument,
      { bookId: book, formats: ['MARKDOWN'], useOriginals: true },
      token,
    );
    const compiled = compiledOf(await waitRun(token, fits.data!.compileBook.id));
    expect(compiled.chapters).toHaveLength(1000);
    await chapters(1);
    const over = await h.gql(
      CompileBookDocument,
      { bookId: book, formats: ['MARKDOWN'], useOriginals: true },
      token,
    );
    const run = await waitRun(token, over.data!.compileBook.id);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/more than 1000 top-level blobs.*at most 1000 chapters/);
  }, 60_000);

  it('fails the run of a book larger than one run may read, saying so, and compiles one that fits', async () => {
    const userId = h.user();
    const token = await h.token(userId);
    const book = await createBook(token, { title: 'Heavy' });
    // Chapters of about 400 KB each, stored directly (their size as the store counts it).
    const chapters = (n: number) =>
      sql`insert into blobs (user_id, schema_id, processor_id, data, size, book_id)
        select ${userId}, 'text-input-v1', 'user-input', d, octet_length(d::text), ${book}::uuid
        from generate_series(1, ${n}) n,
          lateral (select jsonb_build_object('content', repeat('Words of chapter ' || n || '. ', 20000)) as d) c`.execute(
        h.app.database.db,
      );
    await chapters(4);
    const compile = async () =>
      waitRun(
        token,
        expectData(
          await h.gql(
            CompileBookDocument,
            { bookId: book, formats: ['MARKDOWN'], useOriginals: true },
            token,
          ),
        ).compileBook.id,
      );
    // About 1.6 MB: within the 2 MiB a run may read here.
    const fits = await compile();
    expect(fits.status).toBe('SUCCEEDED');
    expect(compiledOf(fits).chapters).toHaveLength(4);
    await chapters(2);
    const over = await compile();
    expect(over.status).toBe('FAILED');
    expect(over.error).toMatch(/more than 2097152 bytes of blob data.*REYNA_RUN_READ_BYTES/);
    expect(over.output).toBeNull();
  }, 60_000);

  it('REYNA_RUN_READ_BYTES takes 1 MiB to 1 GiB, and nothing else', () => {
    expect(loadConfig(testEnv({})).runReadBytes).toBe(64 * 1024 ** 2);
    expect(loadConfig(testEnv({ REYNA_RUN_READ_BYTES: '1048576' })).runReadBytes).toBe(1024 ** 2);
    for (const bad of ['1048575', '1073741825', '64MiB', '-1', '1.5']) {
      expect(() => loadConfig(testEnv({ REYNA_RUN_READ_BYTES: bad })), JSON.stringify(bad)).toThrow(
        ConfigError,
      );
    }
  });
});

type PitchDerived = NonNullable<PitchDetailQuery['blob']>['derived'][number];

describe('pitch builder', () => {
  const sections = {
    title: 'The Long Voyage',
    logline: 'A young navigator must bring a broken ship home before winter.',
    synopsis: 'Storms, mutiny and a map that lies.',
    characters: [{ name: 'Mara', description: 'The navigator.' }],
    comparable_titles: [{ title: 'Master and Commander', author: "Patrick O'Brian", year: 1969 }],
  };

  async function pitch(harness: Harness, token: string) {
    const r = await harness.gql(CreatePitchDocument, { sections }, token);
    expect(r.errors).toBeUndefined();
    const id = r.data!.createBlob.id;
    let derived: PitchDerived[] = [];
    await eventually(async () => {
      derived =
        expectData(await harness.gql(PitchDetailDocument, { id }, token)).blob?.derived ?? [];
      return derived.length === 1;
    }, 30_000);
    return derived[0]!;
  }

  /** A pitch document's data: fails the test when the blob holds another schema. */
  function pitchData(doc: PitchDerived): PitchDocumentV1 {
    const data = dataOf(doc, 'pitch-document-v1');
    if (!data) throw new Error(`not a pitch document: ${JSON.stringify(doc)}`);
    return data;
  }

  it('polishes each section with the LLM and exports Markdown, DOCX and PDF', async () => {
    const token = await h.token(h.user());
    const doc = await pitch(h, token);
    expect(doc.schemaId).toBe('pitch-document-v1');
    const data = pitchData(doc);
    expect(data.polished).toBe(true);
    expect(doc.provenance).toMatchObject({ model: 'fake-model', processorId: 'pitch-builder' });
    expect(data.exports?.map((e) => e.format).sort()).toEqual(['docx', 'markdown', 'pdf']);
    const markdown = data.exports?.find((e) => e.format === 'markdown');
    if (!markdown) throw new Error('no markdown export');
    const md = await download(token, markdown.url);
    expect(md.body.toString()).toContain('The Long Voyage');
  }, 60_000);

  it('assembles the sections as written without an LLM, and says so', async () => {
    const bare = await startHarness({ REYNA_LLM: 'openai', REYNA_PROCESSORS: 'all' });
    try {
      const token = await bare.token(bare.user());
      const doc = await pitch(bare, token);
      const data = pitchData(doc);
      expect(data.polished).toBe(false);
      expect(doc.provenance).toMatchObject({ notes: expect.stringMatching(/no LLM/) });
      expect(JSON.stringify(data.sections)).toContain(
        'A young navigator must bring a broken ship home before winter.',
      );
    } finally {
      await stopHarness(bare);
    }
  }, 60_000);
});
