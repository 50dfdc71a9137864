/**
 * Compile and export, and the Pitch Creator, in a real browser (headless Chromium driven by
 * playwright-core) against a server as `npm start` runs it (development token, processors, demo
 * LLM): formats picked (at least one), a failed compile shown with its error and tried again, the
 * run's progress, the EPUB and PDF downloaded under the server's names (the EPUB through
 * epubcheck, the PDF through pdftotext); a pitch refused field by field, then built, shown
 * section by section with whether the model polished it, and exported to Markdown, DOCX and PDF.
 *
 * Without Chromium the file is skipped, loudly, unless CI is set: then it must run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PitchSectionsV1 } from '../client-sdk/index';
import { ensureStudioBuilt } from '../src/http/studio-build';
import { type Browser, launchBrowser, skipWithoutChromium } from './support/browser';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { type Harness, startHarness, stopHarness } from './support/harness';

const skip = skipWithoutChromium('test/studio-export.browser.test.ts');
const run = promisify(execFile);
const EPUBCHECK = '/usr/share/java/epubcheck.jar';

/** As on `npm start`: the development secret and token, the processors and the demo LLM. */
const ENV = {
  REYNA_JWT_SECRET: '',
  REYNA_PROCESSORS: 'all',
  REYNA_LLM: 'demo',
  REYNA_LLM_DEMO_DELAY_MS: '20',
};

const CHAPTERS = [
  { title: 'The Harbour', content: 'The clockmaker opened her shop on the harbour at dawn.' },
  { title: 'The Flood', content: 'When the tide rose past the sea wall, every clock stopped.' },
];

describe.skipIf(skip)('compile, export and pitch in the Studio', () => {
  let h: Harness | undefined;
  let page: Page;
  let browser: Browser | undefined;
  let url = '';
  let dir = '';
  let bookId = '';
  const problems: string[] = [];

  beforeAll(async () => {
    const build = await ensureStudioBuilt();
    if (build.status === 'failed') throw new Error(`the Studio did not build: ${build.error}`);
    browser = await launchBrowser();
    page = browser.page;
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    h = await startHarness(ENV);
    url = await h.app.listen();
    dir = await mkdtemp(join(tmpdir(), 'reyna-downloads-'));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stopHarness(h);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Clicks `button`, waits for the browser's download and keeps it: its name and bytes. */
  async function download(button: Locator) {
    const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const path = join(dir, file.suggestedFilename());
    await file.saveAs(path);
    return { name: file.suggestedFilename(), path, bytes: await readFile(path) };
  }

  const gql = <T = unknown>(query: string, variables: Record<string, unknown> = {}) =>
    h!.gql<T>(query, variables, h!.app.devToken!);

  it('compiles a book to EPUB and PDF from the Studio: one format at least, a failure tried again, progress, and both files downloaded under their names', async () => {
    await page.goto(`${url}/`);
    await page.getByLabel('New book title').fill('The Tide Clock');
    await page.getByRole('button', { name: 'Create book' }).click();
    await page.getByRole('heading', { name: 'The Tide Clock' }).waitFor({ timeout: 30_000 });
    bookId = new URL(page.url()).pathname.split('/')[2]!;

    await page.getByRole('link', { name: 'Compile and export' }).click();
    await page.getByRole('heading', { name: 'Compile and export “The Tide Clock”' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/books/${bookId}/export`);
    await page.getByText('No earlier exports.').waitFor();

    // No format: said at the field, and nothing is started.
    await page.getByRole('checkbox', { name: /^EPUB/ }).uncheck();
    await page.getByRole('button', { name: 'Compile' }).click();
    const formats = page.getByRole('group', { name: /Formats/ });
    expect(await formats.getByRole('alert').innerText()).toBe(
      'Pick at least one format to compile.',
    );
    expect(await page.getByRole('checkbox', { name: /^PDF/ }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(await page.getByRole('region', { name: 'This compile' }).count()).toBe(0);
    const runs = await gql<{ runs: IdList }>(
      '{ runs(processorId: "book-compiler") { edges { node { id } } } }',
    );
    expect(runs.data!.runs.edges).toEqual([]);
    await browser!.shot('export-no-format');
    expect(await axeViolations(page)).toEqual([]);

    // A book without chapters: the run fails, and its error is shown with a way to try again.
    await page.getByRole('checkbox', { name: /^EPUB/ }).check();
    expect(await formats.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Compile' }).click();
    const compile = page.getByRole('region', { name: 'This compile' });
    const failure = compile.getByRole('alert');
    await failure.waitFor({ timeout: 30_000 });
    expect(await failure.innerText()).toContain('The compile failed: The book has no chapters');
    await browser!.shot('export-failed');

    // Two chapters written (through the API, to save time), then tried again with EPUB and PDF.
    for (const [i, c] of CHAPTERS.entries()) {
      const created = await gql(
        'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id } }',
        {
          input: {
            schemaId: 'text-input-v2',
            bookId,
            data: { content: c.content, metadata: { chapter: i + 1, title: c.title } },
          },
        },
      );
      expect(created.errors).toBeUndefined();
    }
    await page.getByRole('checkbox', { name: /^PDF/ }).check();
    await failure.getByRole('button', { name: 'Try again' }).click();
    await browser!.shot('export-progress');
    const status = compile.getByRole('status').first();
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe('Compiled');
    const progress = compile.getByRole('progressbar', { name: 'Compile progress' });
    expect(await progress.evaluate((p: HTMLProgressElement) => p.value)).toBe(1);
    // The steps are the run's progress events, as they came.
    const steps = await compile.getByRole('list', { name: 'Compile steps' }).innerText();
    expect(steps.split('\n')).toEqual([
      'Gathered The Harbour',
      'Gathered The Flood',
      'Wrote epub',
      'Wrote pdf',
    ]);
    await browser!.shot('export-compiled');
    expect(await axeViolations(page)).toEqual([]);

    const epub = await download(
      compile.getByRole('button', { name: 'Download EPUB of “The Tide Clock”' }),
    );
    expect(epub.name).toBe('the-tide-clock.epub');
    await compile.getByText('Saved as the-tide-clock.epub').waitFor();
    if (!existsSync(EPUBCHECK))
      throw new Error(
        'epubcheck is missing: apt-get install epubcheck (the CI script installs it)',
      );
    const checked = await run('java', ['-jar', EPUBCHECK, epub.path]);
    expect(`${checked.stdout}${checked.stderr}`).toMatch(
      /No errors or warnings detected|0 fatals \/ 0 errors/,
    );

    const pdf = await download(
      compile.getByRole('button', { name: 'Download PDF of “The Tide Clock”' }),
    );
    expect(pdf.name).toBe('the-tide-clock.pdf');
    expect(pdf.bytes.subarray(0, 4).toString()).toBe('%PDF');
    const text = (await run('pdftotext', [pdf.path, '-'])).stdout.replace(/\s+/g, ' ');
    for (const c of CHAPTERS) {
      expect(text).toContain(c.title);
      expect(text).toContain(c.content);
    }
    expect(text.indexOf('The Harbour')).toBeLessThan(text.indexOf('The Flood'));
    await browser!.shot('export-downloaded');
    // Once the run has ended the page stops asking the server (no polling, no render loop).
    let asked = 0;
    const count = (r: { url(): string }) => {
      if (r.url().endsWith('/graphql')) asked++;
    };
    page.on('request', count);
    await page.waitForTimeout(3500);
    page.off('request', count);
    expect(asked).toBe(0);

    // Back later: the export is listed among the earlier ones, ready to download again.
    await page.reload();
    const earlier = page.getByRole('region', { name: 'Earlier exports' });
    const listed = earlier.getByRole('article');
    await listed.first().waitFor({ timeout: 15_000 });
    expect(await listed.count()).toBe(1);
    expect(await listed.innerText()).toMatch(
      /2 chapters \((all expanded|all as written|1 expanded, 1 as written)\), \d+ words\./,
    );
    // The book's export is no chapter: the page counts two.
    await page.getByText('2 chapters, in order.').waitFor();
    const again = await download(listed.getByRole('button', { name: /^Download PDF of/ }));
    expect(again.name).toBe('the-tide-clock.pdf');
    await browser!.shot('export-earlier');
    await page.setViewportSize({ width: 390, height: 844 });
    await browser!.shot('export-phone');
    await page.setViewportSize({ width: 1400, height: 900 });
    expect(problems).toEqual([]);
  }, 240_000);

  it('builds a pitch in the Pitch Creator: bad input shown under its field, then the document section by section, said to be kept as written, exported to Markdown, DOCX and PDF', async () => {
    await page.goto(`${url}/`);
    await page.getByRole('banner').getByRole('link', { name: 'Pitches' }).click();
    await page.getByRole('heading', { name: 'New pitch' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/pitches');
    await page.getByText('No pitches yet.').waitFor();
    await browser!.shot('pitch-empty');

    // Too short a logline and a year that is no number: each refusal under its own field.
    await page.getByLabel('Book title (required)').fill('The Tide Clock');
    await page.getByLabel('Logline (required)').fill('Too short');
    await page.getByRole('button', { name: 'Add comparable title' }).click();
    await page.getByLabel('Comparable 1 title').fill('The Night Circus');
    await page.getByLabel('Comparable 1 year').fill('twenty eleven');
    await page.getByRole('button', { name: 'Build pitch' }).click();
    const logline = page.getByLabel('Logline (required)');
    await expect.poll(() => logline.getAttribute('aria-invalid')).toBe('true');
    const loglineIssues = page.locator(`[id="${await issuesIdOf(logline)}"]`);
    expect(await loglineIssues.getByRole('alert').innerText()).toMatch(/fewer than 10 characters/);
    const year = page.getByLabel('Comparable 1 year');
    expect(await year.getAttribute('aria-invalid')).toBe('true');
    expect(
      await page
        .locator(`[id="${await issuesIdOf(year)}"]`)
        .getByRole('alert')
        .innerText(),
    ).toMatch(/must be integer/);
    expect(await page.getByLabel('Book title (required)').getAttribute('aria-invalid')).toBeNull();
    // Nothing was stored.
    const stored = await gql<{ blobs: IdList }>(
      '{ blobs(filter: { schemaId: "pitch-sections-v1" }) { edges { node { id } } } }',
    );
    expect(stored.data!.blobs.edges).toEqual([]);
    expect(new URL(page.url()).pathname).toBe('/pitches');
    await browser!.shot('pitch-invalid');
    expect(await axeViolations(page)).toEqual([]);

    await logline.fill(
      'A clockmaker learns that her clocks hold back the sea, and one has stopped.',
    );
    await year.fill('2011');
    await page.getByLabel('Comparable 1 author').fill('Erin Morgenstern');
    await page.getByLabel('Genre').fill('Literary fantasy');
    await page.getByLabel('Word count').fill('88000');
    await page.getByLabel('Synopsis').fill('Ida keeps the clocks of a drowned town ticking.');
    await page.getByRole('button', { name: 'Add character' }).click();
    await page.getByLabel('Character 1 name').fill('Ida Vane');
    await page.getByLabel('Character 1 description').fill('The clockmaker, patient and proud.');
    await page.getByLabel('Market').fill('Readers of quiet, strange literary fiction.');
    await page.getByLabel('About the author').fill('The author repairs clocks by the sea.');
    await page.getByLabel('Book (optional)').selectOption({ label: 'The Tide Clock' });
    await browser!.shot('pitch-form');
    await page.getByRole('button', { name: 'Build pitch' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/pitches\/[^/]+$/);
    const pitchId = new URL(page.url()).pathname.split('/')[2]!;

    const doc = page.getByRole('article', { name: 'The Tide Clock' });
    await doc.waitFor({ timeout: 90_000 });
    // The demo LLM writes expansions only: the pitch builder keeps the sections as written,
    // records why, and the Studio says so.
    expect(lines(await doc.getByRole('note').innerText())).toBe(
      'Kept as written: no model polished this pitch; each section below is exactly what you wrote.\n' +
        "The pitch builder's note: assembled as written: the demo LLM does not polish pitches.",
    );
    const headings = await doc.getByRole('heading', { level: 2 }).allInnerTexts();
    expect(headings).toEqual([
      'Logline',
      'Synopsis',
      'Characters',
      'Comparable titles',
      'Market',
      'About the author',
      'Exports',
    ]);
    const synopsis = await doc.getByRole('region', { name: 'Synopsis' }).innerText();
    expect(lines(synopsis)).toBe('Synopsis\nIda keeps the clocks of a drowned town ticking.');
    expect(lines(await doc.getByRole('region', { name: 'Characters' }).innerText())).toBe(
      'Characters\nIda Vane — The clockmaker, patient and proud.',
    );
    expect(lines(await doc.getByRole('region', { name: 'Comparable titles' }).innerText())).toBe(
      'Comparable titles\nThe Night Circus by Erin Morgenstern (2011)',
    );
    expect(await doc.innerText()).toContain('Literary fantasy · 88,000 words');
    await page
      .getByRole('navigation', { name: 'Your pitches' })
      .getByRole('link', { name: 'The Tide Clock' })
      .waitFor();
    // The pitch is linked to the book in the blob and in its sections.
    const linked = await gql<{
      blob: { data: PitchSectionsV1; book: { title: string } | null } | null;
    }>('query($id: ID!) { blob(id: $id) { data book { title } } }', { id: pitchId });
    expect(linked.data!.blob?.book?.title ?? null).toBe('The Tide Clock');
    expect(linked.data!.blob?.data.book_id).toBeTruthy();
    await browser!.shot('pitch-document');
    expect(await axeViolations(page)).toEqual([]);

    const md = await download(
      doc.getByRole('button', { name: 'Download Markdown of the pitch “The Tide Clock”' }),
    );
    expect(md.name).toBe('pitch.md');
    expect(md.bytes.toString()).toContain('The Tide Clock');
    const docx = await download(
      doc.getByRole('button', { name: 'Download DOCX of the pitch “The Tide Clock”' }),
    );
    expect(docx.name).toBe('pitch.docx');
    expect(docx.bytes.subarray(0, 2).toString()).toBe('PK');
    const pdf = await download(
      doc.getByRole('button', { name: 'Download PDF of the pitch “The Tide Clock”' }),
    );
    expect(pdf.name).toBe('pitch.pdf');
    expect(pdf.bytes.subarray(0, 4).toString()).toBe('%PDF');
    const text = (await run('pdftotext', [pdf.path, '-'])).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('The Tide Clock');
    expect(text).toContain('Ida Vane');
    await doc.getByText('Saved as pitch.pdf').waitFor();
    await browser!.shot('pitch-downloaded');
    await page.setViewportSize({ width: 390, height: 844 });
    await browser!.shot('pitch-phone');
    await page.setViewportSize({ width: 1400, height: 900 });

    // The book now holds an export and a pitch besides its texts: its chapters are still two.
    await page.goto(`${url}/books/${bookId}`);
    const chapters = page.getByRole('navigation', { name: 'Chapters' }).getByRole('listitem');
    await chapters.first().waitFor({ timeout: 15_000 });
    expect(await chapters.getByRole('link').allInnerTexts()).toEqual(['The Harbour', 'The Flood']);
    expect(problems).toEqual([]);
  }, 240_000);

  it('says a pitch was polished by the model when one is configured, and offers to try a failed build again', async () => {
    // A server of its own, with a model that polishes pitches (a fake OpenAI-compatible one).
    let llm: FakeLlm | undefined;
    let polishing: Harness | undefined;
    try {
      llm = await startFakeLlm();
      llm.behaviour.reply = (user) => `Polished: ${user.split('\n\n').slice(1).join(' ')}`;
      llm.behaviour.chunkDelayMs = 15;
      polishing = await startHarness({
        REYNA_JWT_SECRET: '',
        REYNA_PROCESSORS: 'all',
        OPENAI_BASE_URL: llm.url,
        REYNA_LLM_MODEL: 'fake-model',
        REYNA_RETRY_BASE_MS: '20',
      });
      const base = await polishing.app.listen();
      // The model refuses the first build (404: it does not know the model).
      llm.behaviour.failModels = { 'fake-model': 404 };
      await page.goto(`${base}/pitches`);
      await page.getByLabel('Book title (required)').fill('Salt Lines');
      await page
        .getByLabel('Logline (required)')
        .fill('A cartographer maps a coast that redraws itself every night.');
      await page.getByRole('button', { name: 'Build pitch' }).click();
      const failed = page.getByRole('alert').filter({ hasText: 'could not be built' });
      await failed.waitFor({ timeout: 120_000 });
      expect(lines(await failed.innerText())).toMatch(
        /^The pitch document could not be built:\n.*does not know the model "fake-model".*\nYour sections are stored: try again when the cause is fixed\.\nTry again$/,
      );
      await browser!.shot('pitch-failed');
      expect(await axeViolations(page)).toEqual([]);

      llm.behaviour.failModels = {};
      await failed.getByRole('button', { name: 'Try again' }).click();
      const doc = page.getByRole('article', { name: 'Salt Lines' });
      await doc.waitFor({ timeout: 60_000 });
      expect(lines(await doc.getByRole('note').innerText())).toBe(
        "Polished by the model “fake-model”: each section below is the model's rewrite of what you wrote.\n" +
          "The pitch builder's note: sections polished by the LLM.",
      );
      expect(lines(await doc.getByRole('region', { name: 'Logline' }).innerText())).toBe(
        'Logline\nPolished: A cartographer maps a coast that redraws itself every night.',
      );
      await browser!.shot('pitch-polished');
      expect(problems).toEqual([]);
    } finally {
      await stopHarness(polishing);
      await llm?.close();
    }
  }, 240_000);
});

/** The ids a list query of the API answers. */
interface IdList {
  edges: { node: { id: string } }[];
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * What axe-core finds against WCAG 2 A and AA on the page as it is: "rule: target" for each node.
 * Evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
async function axeViolations(page: Page): Promise<string[]> {
  const source = await readFile(AXE, 'utf8');
  await page.evaluate(source);
  return page.evaluate(async () => {
    // axe is the script evaluated above; only its types are imported here.
    const { axe } = globalThis as unknown as {
      axe: { run(context: Document, options: RunOptions): Promise<AxeResults> };
    };
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  });
}

/** The text's lines, blank ones left out (innerText puts one between paragraphs). */
const lines = (text: string) => text.replace(/\n\s*\n/g, '\n').trim();

/** The id of the element holding a field's issues (the last of its aria-describedby). */
async function issuesIdOf(field: Locator): Promise<string> {
  const ids = (await field.getAttribute('aria-describedby'))?.split(' ') ?? [];
  return ids.at(-1)!;
}
