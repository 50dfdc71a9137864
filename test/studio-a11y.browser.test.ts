/**
 * The Studio made for people (issue 12, point 8), in a real browser: every screen there is
 * (library empty and full, a book, the split view with a stored expansion, a validation issue,
 * the sign-in dialog, loading and error states, the runs panel, the chapter list with its move
 * buttons, the version history open and the offline banner) passes axe-core's WCAG 2 A/AA rules
 * at a laptop's width (1400 px) and at a phone's (390 px), nothing reaches past the edge at the
 * phone's width,
 * and a writer who uses only the keyboard (Tab, Enter, typing) creates a book, opens it, adds a
 * chapter, writes a passage and reads its expansion, always seeing where the focus is.
 *
 * Without Chromium the file is skipped, loudly, unless CI is set: then it must run.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../src/auth/tokens';
import { ensureStudioBuilt } from '../src/http/studio-build';
import { expectAccessible, focusedElement, horizontalOverflow } from './support/a11y';
import { type Browser, launchBrowser, skipWithoutChromium } from './support/browser';
import { type Harness, startHarness, stopHarness } from './support/harness';

const skip = skipWithoutChromium('test/studio-a11y.browser.test.ts');

/** As on `npm start`: the development secret and token, the processors and the demo LLM. */
const ENV = {
  REYNA_JWT_SECRET: '',
  REYNA_PROCESSORS: 'all',
  REYNA_LLM: 'demo',
  REYNA_LLM_DEMO_DELAY_MS: '20',
};

const LAPTOP = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(skip)('the Studio made for people', () => {
  let h: Harness | undefined;
  let page: Page;
  let browser: Browser | undefined;
  let url = '';
  let bookPath = '';
  let chapterPath = '';

  /** The screen as it is, at both widths: axe-core's WCAG 2 A/AA rules, no overflow, screenshots. */
  async function checkScreen(name: string): Promise<void> {
    for (const [size, viewport] of [
      ['laptop', LAPTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await expectAccessible(page, `${name} at ${viewport.width} px`);
      if (size === 'phone') expect(await horizontalOverflow(page), name).toEqual([]);
      await browser!.shot(`a11y-${name}-${size}`);
    }
    await page.setViewportSize(LAPTOP);
  }

  /**
   * Presses Tab until the focus is on an element described by `name` (tag and accessible text);
   * every stop on the way must show where the focus is.
   */
  async function tabTo(name: RegExp, max = 25): Promise<void> {
    const stops: string[] = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const focused = await focusedElement(page);
      stops.push(focused.describe);
      if (focused.describe !== 'body')
        expect(focused.visible, `focus visible on ${focused.describe}`).toBe(true);
      if (name.test(focused.describe)) return;
    }
    throw new Error(`Tab never reached ${name}; the focus went: ${stops.join(' → ')}`);
  }

  beforeAll(async () => {
    const build = await ensureStudioBuilt();
    if (build.status === 'failed') throw new Error(`the Studio did not build: ${build.error}`);
    browser = await launchBrowser(LAPTOP);
    page = browser.page;
    h = await startHarness(ENV);
    url = await h.app.listen();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stopHarness(h);
  });

  it('the empty library: accessible at both widths, and says what to do', async () => {
    await page.goto(`${url}/`);
    await page.getByRole('heading', { name: 'Your books' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByText('No books yet').isVisible()).toBe(true);
    await checkScreen('library-empty');
  }, 60_000);

  it('keyboard only: creates a book, opens it, adds a chapter, writes a passage and reads its expansion', async () => {
    await page.goto(`${url}/`);
    await page.getByRole('heading', { name: 'Your books' }).waitFor({ timeout: 30_000 });
    await tabTo(/^input “New book title”/);
    await page.keyboard.type('The Keyboard Lighthouse');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'The Keyboard Lighthouse' }).waitFor();
    bookPath = new URL(page.url()).pathname;
    expect(bookPath).toMatch(/^\/books\/[^/]+$/);

    await tabTo(/^button “Add chapter”/);
    await page.keyboard.press('Enter');
    await tabTo(/^input “Chapter title”/);
    await page.keyboard.type('Landfall');
    await tabTo(/^select “Style”/);
    await tabTo(/^textarea “Passage text”/);
    await browser!.shot('a11y-keyboard-focus');
    await page.keyboard.type('The keeper climbed the spiral stairs as the storm rolled in.');
    await expect
      .poll(
        () =>
          page
            .getByRole('status')
            .filter({ hasText: /^Saved/ })
            .innerText(),
        {
          timeout: 15_000,
        },
      )
      .toBe('Saved (version 1)');
    const stored = page.getByRole('article', { name: 'Stored expansion' });
    await stored.waitFor({ timeout: 60_000 });
    expect(await stored.innerText()).toContain('[Demo expansion');
    chapterPath = new URL(page.url()).pathname;
    expect(chapterPath).toMatch(/^\/books\/[^/]+\/chapters\/[^/]+$/);
    await expect
      .poll(() => page.getByRole('navigation', { name: 'Chapters' }).innerText())
      .toContain('Landfall');

    // Back to the library by keyboard, and the new book is opened from its link.
    await page.keyboard.press('Shift+Tab');
    await tabTo(/^a “← Your books”/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your books' }).waitFor();
    await tabTo(/^a “The Keyboard Lighthouse”/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'The Keyboard Lighthouse' }).waitFor();
    await tabTo(/^a “Landfall”/);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByLabel('Passage text').inputValue())
      .toContain('spiral stairs');
  }, 120_000);

  it('the library with books, and the rename form open', async () => {
    for (const title of ['A Winter Harbour', 'Notes from the Lamp Room', 'The Tide Tables']) {
      const made = await h!.gql(
        'mutation($t: String!) { createBook(input: { title: $t }) { id } }',
        { t: title },
        h!.app.devToken,
      );
      expect(made.errors).toBeUndefined();
    }
    await page.goto(`${url}/`);
    await page.getByRole('link', { name: 'The Tide Tables' }).waitFor({ timeout: 15_000 });
    await checkScreen('library-full');
    await page.getByRole('button', { name: 'Rename “A Winter Harbour”' }).click();
    await page.getByLabel('Title of “A Winter Harbour”').waitFor();
    await checkScreen('library-rename');
  }, 60_000);

  it('a book with no chapter open, and one with none at all', async () => {
    await page.goto(`${url}${bookPath}`);
    await page.getByRole('heading', { name: 'The Keyboard Lighthouse' }).waitFor();
    await page.getByText('Open a chapter, or add one, to write.').waitFor();
    await checkScreen('book');
    await page.goto(`${url}/`);
    await page.getByRole('link', { name: 'The Tide Tables' }).click();
    await page.getByText('No chapters yet.').waitFor();
    await checkScreen('book-empty');
  }, 60_000);

  it('the split view with a stored expansion', async () => {
    await page.goto(`${url}${chapterPath}`);
    await page.getByRole('article', { name: 'Stored expansion' }).waitFor({ timeout: 30_000 });
    await checkScreen('split-stored');
  }, 60_000);

  it('a validation issue under the passage', async () => {
    await page.goto(`${url}${bookPath}`);
    await page.getByRole('button', { name: 'Add chapter' }).click();
    await page.getByLabel('Passage text').fill('Too short');
    await expect
      .poll(() => page.locator('.passage [role="alert"]').allInnerTexts(), { timeout: 10_000 })
      .toEqual([expect.stringMatching(/fewer than 10 characters/)]);
    await checkScreen('validation-issue');
  }, 60_000);

  it('the sign-in dialog takes the focus and is accessible', async () => {
    const refused = await mintToken('another-secret-that-is-long-enough-for-hs256', 'dev', '1h');
    await page.evaluate((token) => localStorage.setItem('reyna:studio-token', token), refused);
    await page.goto(`${url}${chapterPath}`);
    const dialog = page.getByRole('dialog', { name: 'Sign in to ReYNa Studio' });
    await dialog.waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await focusedElement(page)).describe).toMatch(/Access token/);
    await checkScreen('sign-in');
    // A token that is not one: the problem is said, at the field.
    await page.keyboard.type('not-a-token');
    await page.keyboard.press('Tab');
    expect((await focusedElement(page)).describe).toMatch(/^button “Sign in”/);
    await page.keyboard.press('Enter');
    await dialog.getByText('That is not a token').waitFor();
    await checkScreen('sign-in-problem');
    await page.getByLabel('Access token').fill(h!.app.devToken!);
    await page.getByLabel('Access token').press('Tab');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
  }, 60_000);

  it('loading and error states are shown, and accessible', async () => {
    // The books are slow to come: the library says it is loading.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route('**/graphql', async (route) => {
      if (route.request().postData()?.includes('query Books')) await held;
      await route.fallback();
    });
    try {
      await page.goto(`${url}/`);
      await page.getByRole('status').filter({ hasText: 'Loading your books' }).waitFor();
      await checkScreen('library-loading');
      release();
      await page.getByRole('link', { name: 'The Tide Tables' }).waitFor();
    } finally {
      await page.unroute('**/graphql');
    }
    // The server cannot be reached: the library and the book say so, with a way to try again.
    await page.route('**/graphql', (route) => route.abort('connectionrefused'));
    try {
      await page.goto(`${url}/`);
      const libraryError = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
      await libraryError.waitFor({ timeout: 15_000 });
      expect(await libraryError.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
      await checkScreen('library-error');
      await page.goto(`${url}${bookPath}`);
      await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor();
      await checkScreen('book-error');
    } finally {
      await page.unroute('**/graphql');
    }
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'The Keyboard Lighthouse' }).waitFor();
    // A burst refused with 429 (over a rate limit): asked again after the wait it names, and the
    // page shows the books, not an error.
    let asked = 0;
    await page.route('**/graphql', async (route) => {
      if (!route.request().postData()?.includes('query Books')) return route.fallback();
      asked++;
      if (asked > 1) return route.fallback();
      await route.fulfill({
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '1' },
        body: JSON.stringify({
          errors: [
            {
              message: 'Too many requests: retry in 1 s',
              extensions: { code: 'RATE_LIMITED', retryAfterMs: 1000 },
            },
          ],
        }),
      });
    });
    try {
      await page.goto(`${url}/`);
      await page.getByRole('link', { name: 'The Tide Tables' }).waitFor({ timeout: 15_000 });
      expect(asked).toBe(2);
      expect(await page.getByRole('alert').count()).toBe(0);
    } finally {
      await page.unroute('**/graphql');
    }
    // A book that is not there.
    await page.goto(`${url}/books/no-such-book`);
    await page.getByText('There is no such book among yours.').waitFor({ timeout: 15_000 });
    await checkScreen('book-missing');
  }, 90_000);

  it('the runs panel, the chapter list with its move buttons, the version history and the offline banner', async () => {
    const token = h!.app.devToken;
    const ask = async <T>(query: string, variables: Record<string, unknown>) => {
      const answer = await h!.gql<T>(query, variables, token);
      if (answer.errors || !answer.data) throw new Error(JSON.stringify(answer.errors));
      return answer.data;
    };
    const book = await ask<{ createBook: { id: string } }>(
      'mutation($t: String!) { createBook(input: { title: $t }) { id } }',
      {
        t: 'The Harbour in Order',
      },
    );
    const bookId = book.createBook.id as string;
    const chapter = async (n: number, title: string, content: string) =>
      (
        await ask<{ createBlob: { id: string } }>(
          'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id } }',
          {
            input: {
              schemaId: 'text-input-v2',
              data: { content, metadata: { chapter: n, title } },
              bookId,
            },
          },
        )
      ).createBlob.id as string;
    const first = await chapter(1, 'The Quay', 'The boats came home at dusk, one by one.');
    await chapter(2, 'The Lamp', 'The lamp turned all night over the water.');
    const second = await ask<{ updateBlob: { version: number } }>(
      'mutation($id: ID!, $input: UpdateBlobInput!) { updateBlob(id: $id, input: $input) { version } }',
      {
        id: first,
        input: {
          data: {
            content: 'The boats came home at dusk, one by one, their lanterns low.',
            metadata: { chapter: 1, title: 'The Quay' },
          },
        },
      },
    );
    expect(second.updateBlob.version).toBe(2);

    // The runs panel, with the expansions those saves started.
    await page.goto(`${url}/runs`);
    const runs = page.getByRole('list', { name: 'Your runs' }).getByRole('article');
    await expect.poll(() => runs.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await checkScreen('runs');

    // The chapter list, each chapter with its move buttons.
    await page.goto(`${url}/books/${bookId}`);
    await page.getByRole('button', { name: 'Move “The Lamp” up' }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Move “The Quay” down' }).isEnabled()).toBe(true);
    await checkScreen('chapter-list');

    // The version history of the first chapter, open, with both versions.
    await page.goto(`${url}/books/${bookId}/chapters/${first}`);
    await page.getByRole('button', { name: 'Version history' }).click();
    const versions = page.getByRole('list', { name: 'Versions, newest first' }).getByRole('button');
    await expect.poll(() => versions.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await checkScreen('version-history');

    // Offline: the banner says so, and goes when the connection is back.
    const banner = page.getByRole('alert').filter({ hasText: 'You are offline' });
    await page.context().setOffline(true);
    try {
      await banner.waitFor({ timeout: 15_000 });
      await checkScreen('offline');
    } finally {
      await page.context().setOffline(false);
    }
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
  }, 120_000);
});
