/**
 * The Book Writer in a real browser, as on `npm start` (dev token, processors, demo LLM): a book of
 * three chapters reordered with the mouse and the keyboard (the order shows at once and survives a
 * reload, and nothing is expanded again), a passage edited and its expansion following (streamed,
 * then stored, the earlier one superseded), and a version browsed and restored as a new version.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobsDocument } from '../client-sdk/index';
import { ensureStudioBuilt } from '../src/http/studio-build';
import { type Browser, launchBrowser, skipWithoutChromium } from './support/browser';
import { type Harness, startHarness, stopHarness } from './support/harness';

const skip = skipWithoutChromium('test/studio-writer.browser.test.ts');

const ENV = {
  REYNA_JWT_SECRET: '',
  REYNA_PROCESSORS: 'all',
  REYNA_LLM: 'demo',
  REYNA_LLM_DEMO_DELAY_MS: '20',
};

const TEXTS: Record<string, string> = {
  Arrival: 'The keeper rowed out to the island as the last ferry turned back to the harbour.',
  Storm: 'By midnight the storm had torn the shutters loose and the lamp burned on alone.',
  Harbour: 'In the morning the harbour was full of boats that had found their way home.',
};
const EDITED = 'The keeper rowed out alone, and a grey seal followed the boat the whole way.';

describe.skipIf(skip)('the Book Writer in a browser', () => {
  let h: Harness | undefined;
  let page: Page;
  let browser: Browser | undefined;
  let url = '';
  let bookUrl = '';
  /** The version the reorders left Arrival at. */
  let moved = 0;
  const shot = (name: string, p?: Page) => browser!.shot(`writer-${name}`, p);
  const problems: string[] = [];

  beforeAll(async () => {
    const build = await ensureStudioBuilt();
    if (build.status === 'failed') throw new Error(`the Studio did not build: ${build.error}`);
    browser = await launchBrowser();
    ({ page } = browser);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    h = await startHarness(ENV);
    url = await h.app.listen();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stopHarness(h);
  });

  /** The chapter titles in the list, in order. */
  const order = () =>
    page
      .getByRole('navigation', { name: 'Chapters' })
      .getByRole('listitem')
      .getByRole('link')
      .allInnerTexts();

  /** The runs of each chapter's text expansion, as `title: versions`. */
  async function expansionRuns(): Promise<Record<string, (number | null)[]>> {
    const bookId = new URL(bookUrl).pathname.split('/')[2];
    const r = await h!.gql<{
      book: {
        chapters: {
          data: { metadata: { title: string } };
          runs: { processorId: string; inputVersion: number | null }[];
        }[];
      } | null;
    }>(
      `query($id: ID!) { book(id: $id) { chapters { data runs { processorId inputVersion } } } }`,
      { id: bookId },
      h!.app.devToken!,
    );
    return Object.fromEntries(
      r.data!.book!.chapters.map((c) => [
        c.data.metadata.title,
        c.runs.filter((run) => run.processorId === 'text-expansion').map((run) => run.inputVersion),
      ]),
    );
  }

  it('creates a book of three chapters and reorders them, by mouse and by keyboard; the order survives a reload', async () => {
    await page.goto(`${url}/`);
    await page.getByRole('heading', { name: 'Your books' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('New book title').fill('The Island Light');
    await page.getByRole('button', { name: 'Create book' }).click();
    await page.getByRole('heading', { name: 'The Island Light' }).waitFor();
    bookUrl = page.url();

    for (const title of Object.keys(TEXTS)) {
      await page.getByRole('button', { name: 'Add chapter' }).click();
      await page.getByLabel('Chapter title').fill(title);
      await page.getByLabel('Passage text').fill(TEXTS[title]!);
      await expect.poll(() => saveStatus(page), { timeout: 15_000 }).toBe('Saved (version 1)');
      await expect.poll(order, { timeout: 15_000 }).toContain(title);
    }
    expect(await order()).toEqual(['Arrival', 'Storm', 'Harbour']);
    // The expansions of version 1 are stored before the chapters move.
    await expect
      .poll(async () => JSON.stringify(await storedCount()), { timeout: 90_000 })
      .toBe('3');

    // With the mouse: Harbour up one place, shown at once.
    await page.getByRole('button', { name: 'Move “Harbour” up' }).click();
    expect(await order()).toEqual(['Arrival', 'Harbour', 'Storm']);

    // With the keyboard: the focus stays on the moved chapter, so Enter keeps moving it.
    await page.getByRole('button', { name: 'Move “Arrival” down' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(order, { timeout: 5_000 }).toEqual(['Harbour', 'Arrival', 'Storm']);
    await expect.poll(focusedLabel, { timeout: 5_000 }).toBe('Move “Arrival” down');
    await page.keyboard.press('Enter');
    await expect.poll(order, { timeout: 5_000 }).toEqual(['Harbour', 'Storm', 'Arrival']);
    // At the end, its down button is disabled: the focus is on its up button.
    await expect.poll(focusedLabel, { timeout: 5_000 }).toBe('Move “Arrival” up');
    expect(await page.getByRole('button', { name: 'Move “Arrival” down' }).isDisabled()).toBe(true);
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'is now chapter' }).innerText(), {
        timeout: 5_000,
      })
      .toBe('“Arrival” is now chapter 3 of 3.');
    // The open chapter (Harbour, moved too) takes its new version as the base of its next save.
    await expect
      .poll(() => saveStatus(page), { timeout: 10_000 })
      .toMatch(/^Saved \(version [23]\)$/);
    await shot('chapters');

    await page.reload();
    await page.getByRole('heading', { name: 'The Island Light' }).waitFor({ timeout: 15_000 });
    await expect.poll(order, { timeout: 10_000 }).toEqual(['Harbour', 'Storm', 'Arrival']);

    // Moving chapters expanded nothing again: one run each, for version 1.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await expansionRuns()).toEqual({ Harbour: [1], Storm: [1], Arrival: [1] });
    expect(problems).toEqual([]);
  }, 240_000);

  it('follows an edit in the split view: the new version’s expansion streams in, then replaces the earlier one', async () => {
    await page.getByRole('link', { name: 'Arrival' }).click();
    const passage = page.getByLabel('Passage text');
    await expect.poll(() => passage.inputValue(), { timeout: 15_000 }).toBe(TEXTS.Arrival);
    // Moved (one version, or two when the moves were sent as one), with the expansion of
    // version 1 still fitting it.
    moved = Number(/version (\d+)/.exec(await saveStatus(page))?.[1]);
    expect([2, 3]).toContain(moved);
    const stored = page.getByRole('article', { name: 'Stored expansion' });
    await expect
      .poll(() => stored.innerText().catch(() => ''), { timeout: 30_000 })
      .toMatch(
        new RegExp(
          `Of passage version\\s+1 \\(same text in version ${moved}, so not expanded again\\)`,
        ),
      );

    await passage.fill(EDITED);
    await expect
      .poll(() => saveStatus(page), { timeout: 15_000 })
      .toBe(`Saved (version ${moved + 1})`);
    const streaming = page.getByRole('region', { name: 'Expansion as it streams' });
    await expect
      .poll(() => streaming.innerText().catch(() => ''), { timeout: 30_000 })
      .toMatch(/Writing…[\s\S]*\[Demo expansion/);
    await shot('expansion-streaming');
    await expect
      .poll(() => stored.innerText().catch(() => ''), { timeout: 60_000 })
      .toMatch(new RegExp(`Of passage version\\s+${moved + 1}\\s*$`, 'm'));
    expect(await stored.innerText()).toContain('grey seal');
    // The earlier expansion is kept, marked superseded, under a collapsed list.
    const earlier = page.getByText('Earlier expansions (1)');
    await earlier.waitFor({ timeout: 10_000 });
    await earlier.click();
    const list = page.getByRole('list', { name: 'Earlier expansions, newest first' });
    expect(await list.innerText()).toMatch(/Of passage version 1\s+superseded/);
    await shot('expansion-followed');
    expect(problems).toEqual([]);
  }, 120_000);

  it('browses the passage’s versions and restores version 1 as a new version; the expansion follows', async () => {
    await page.getByRole('button', { name: 'Version history' }).click();
    const history = page.getByRole('region', { name: 'Version history' });
    const versions = history.getByRole('list', { name: 'Versions, newest first' });
    const edited = moved + 1;
    const restored = moved + 2;
    await expect
      .poll(() => versions.getByRole('button').allInnerTexts(), { timeout: 10_000 })
      .toHaveLength(edited);
    const items = await versions.getByRole('button').allInnerTexts();
    expect(items[0]).toMatch(
      new RegExp(`^Version ${edited}\\s+current[\\s\\S]*bytes[\\s\\S]*The keeper rowed out alone`),
    );
    // A version that only moved the chapter says so.
    expect(items[1]).toMatch(/Same text, moved to chapter 3/);
    expect(items.at(-1)).toMatch(/^Version 1[\s\S]*The keeper rowed out to the island/);

    await versions.getByRole('button', { name: /^Version 1\b/ }).click();
    const open = history.getByRole('article', { name: 'Version 1' });
    expect(await open.innerText()).toContain(TEXTS.Arrival);
    await shot('history');

    await open.getByRole('button', { name: 'Restore version 1' }).click();
    await expect
      .poll(() => saveStatus(page), { timeout: 15_000 })
      .toBe(`Saved (version ${restored})`);
    expect(await page.getByLabel('Passage text').inputValue()).toBe(TEXTS.Arrival);
    // History is not rewritten: version 5 is new, with version 1's text; 4 is still there.
    await expect
      .poll(() => versions.getByRole('button').allInnerTexts(), { timeout: 10_000 })
      .toHaveLength(restored);
    expect((await versions.getByRole('button').allInnerTexts())[0]).toMatch(
      new RegExp(`^Version ${restored}\\s+current[\\s\\S]*Text of version 1$`),
    );
    const chapterId = new URL(page.url()).pathname.split('/').at(-1);
    type Chapter = { content: string; metadata?: Record<string, unknown> };
    const stored = await h!.gql<{
      blob: {
        version: number;
        data: Chapter;
        versions: { version: number; data: Chapter }[];
      } | null;
    }>(
      'query($id: ID!) { blob(id: $id) { version data versions { version data } } }',
      { id: chapterId },
      h!.app.devToken!,
    );
    const blob = stored.data!.blob;
    if (!blob) throw new Error(`chapter ${chapterId} not found`);
    expect(blob.version).toBe(restored);
    expect(blob.data.content).toBe(TEXTS.Arrival);
    expect(blob.data.metadata).toMatchObject({ title: 'Arrival', chapter: 3 });
    expect(blob.versions.map((v) => v.data.content)).toEqual([
      ...Array(moved).fill(TEXTS.Arrival),
      EDITED,
      TEXTS.Arrival,
    ]);

    // The expansion follows the restored text.
    const expansion = page.getByRole('article', { name: 'Stored expansion' });
    await expect
      .poll(() => expansion.innerText().catch(() => ''), { timeout: 60_000 })
      .toMatch(new RegExp(`Of passage version\\s+${restored}\\s*$`, 'm'));
    expect(await expansion.innerText()).toContain('last ferry');
    await expect
      .poll(() => page.getByText('Earlier expansions (2)').isVisible(), { timeout: 10_000 })
      .toBe(true);
    await shot('history-restored');

    await page.setViewportSize({ width: 390, height: 844 });
    await shot('phone');
    await page.setViewportSize({ width: 1400, height: 900 });
    expect(problems).toEqual([]);
  }, 120_000);

  /** How many chapters have a stored expansion. */
  async function storedCount(): Promise<number> {
    const bookId = new URL(bookUrl).pathname.split('/')[2];
    const r = await h!.gql(
      BlobsDocument,
      { filter: { bookId, schemaId: 'expanded-text-v1' } },
      h!.app.devToken!,
    );
    return r.data!.blobs.edges.length;
  }

  const focusedLabel = () =>
    page.evaluate(() => {
      const active = document.activeElement;
      // A control without a label (or the page itself) is named by its tag, for the failure message.
      return (
        active?.getAttribute('aria-label') ?? (active ? `<${active.tagName.toLowerCase()}>` : null)
      );
    });
});

/** The passage's save status line. */
const saveStatus = (p: Page) =>
  p
    .getByRole('status')
    .filter({ hasText: /^Saved/ })
    .innerText();
