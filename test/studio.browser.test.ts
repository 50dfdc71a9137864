/**
 * The Studio in a real browser (headless Chromium driven by playwright-core), as a writer meets it
 * on `npm start`: signed in by itself, a book created, a chapter written, its expansion streaming
 * in and then stored with its metrics; a refused token brings the sign-in back.
 *
 * Without Chromium the file is skipped, loudly, unless CI is set: then it must run.
 */
import { decodeJwt } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../src/auth/tokens';
import { ensureStudioBuilt } from '../src/http/studio-build';
import { type Browser, launchBrowser, skipWithoutChromium } from './support/browser';
import { type Harness, startHarness, stopHarness } from './support/harness';

const skip = skipWithoutChromium('test/studio.browser.test.ts');

/** As on `npm start`: the development secret and token, the processors and the demo LLM. */
const ENV = {
  REYNA_JWT_SECRET: '',
  REYNA_PROCESSORS: 'all',
  REYNA_LLM: 'demo',
  REYNA_LLM_DEMO_DELAY_MS: '20',
};

describe.skipIf(skip)('the Studio in a browser', () => {
  let h: Harness | undefined;
  let context: BrowserContext;
  let page: Page;
  let browser: Browser | undefined;
  let url = '';
  const shot = (name: string, p?: Page) => browser!.shot(`studio-${name}`, p);

  beforeAll(async () => {
    const build = await ensureStudioBuilt();
    if (build.status === 'failed') throw new Error(`the Studio did not build: ${build.error}`);
    browser = await launchBrowser();
    ({ context, page } = browser);
    h = await startHarness(ENV);
    url = await h.app.listen();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stopHarness(h);
  });

  it('signs in by itself, creates a book and a chapter, and shows the expansion stream in, then stored', async () => {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    const caching = new Map<string, string | null>();
    page.on('response', (r) => {
      if (r.url().includes('/assets/')) caching.set(r.url(), r.headers()['cache-control'] ?? null);
    });
    const response = await page.goto(`${url}/`);
    expect(response!.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(response!.headers()['cache-control']).toBe('no-cache');
    await page.getByRole('heading', { name: 'Your books' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByText('No books yet').isVisible()).toBe(true);
    expect([...caching.values()]).not.toHaveLength(0);
    for (const value of caching.values()) expect(value).toBe('public, max-age=31536000, immutable');
    await shot('library-empty');

    await page.getByLabel('New book title').fill('The Lighthouse');
    await page.getByRole('button', { name: 'Create book' }).click();
    await page.getByRole('heading', { name: 'The Lighthouse' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/books\/[^/]+$/);

    await page.getByRole('button', { name: 'Add chapter' }).click();
    await page.getByLabel('Chapter title').fill('Arrival');
    // Too short for text-input-v2: the server's VALIDATION_FAILED issue shows under the passage.
    await page.getByLabel('Passage text').fill('Too short');
    await expect
      .poll(() => page.locator('.passage [role="alert"]').allInnerTexts(), { timeout: 10_000 })
      .toEqual([expect.stringMatching(/fewer than 10 characters/)]);
    expect(await page.getByLabel('Passage text').getAttribute('aria-invalid')).toBe('true');
    await shot('validation-issue');

    await page
      .getByLabel('Passage text')
      .fill('The keeper climbed the spiral stairs as the storm rolled in from the sea.');
    await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toBe('Saved (version 1)');
    expect(new URL(page.url()).pathname).toMatch(/^\/books\/[^/]+\/chapters\/[^/]+$/);
    await expect
      .poll(() => page.getByRole('navigation', { name: 'Chapters' }).innerText())
      .toContain('Arrival');

    // Mid-stream: the labelled demo text grows in the right pane.
    const streaming = page.getByRole('region', { name: 'Expansion as it streams' });
    await expect
      .poll(() => streaming.innerText().catch(() => ''), { timeout: 30_000 })
      .toMatch(/Writing…[\s\S]*\[Demo expansion/);
    await shot('expansion-streaming');

    const stored = page.getByRole('article', { name: 'Stored expansion' });
    await stored.waitFor({ timeout: 60_000 });
    const text = await stored.innerText();
    expect(text).toContain('[Demo expansion');
    expect(text).toMatch(/Ratio\s+\d+\.\d\d×/);
    expect(text).toMatch(/Model\s+demo/);
    expect(text).toMatch(/Processor\s+text-expansion v1\.0\.0/);
    expect(text).toMatch(/Of passage version\s+1/);
    await shot('expansion-stored');
    expect(problems).toEqual([]);
  }, 180_000);

  it('renames a book from the library', async () => {
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Rename “The Lighthouse”' }).click();
    await page.getByLabel('Title of “The Lighthouse”').fill('The Last Lighthouse');
    await page.getByRole('button', { name: 'Save title' }).click();
    await page.getByRole('link', { name: 'The Last Lighthouse' }).waitFor();
    await page.getByRole('link', { name: 'The Last Lighthouse' }).click();
    await page.getByRole('heading', { name: 'The Last Lighthouse' }).waitFor();
    await page.getByRole('link', { name: 'Arrival' }).click();
    await expect
      .poll(() => page.getByLabel('Passage text').inputValue())
      .toContain('The keeper climbed');
  }, 60_000);

  it('brings the sign-in back on a refused token, keeping the unsaved text, and goes on with a new one', async () => {
    const chapter = page.url();
    const passage = page.getByLabel('Passage text');
    const before = await passage.inputValue();
    // Typed, not yet saved (saving waits for a pause), and then the token is refused.
    await passage.fill(`${before} A gull cried overhead.`);
    const refused = await mintToken('another-secret-that-is-long-enough-for-hs256', 'dev', '1h');
    await page.evaluate((token) => localStorage.setItem('reyna:studio-token', token), refused);
    await page.goto(chapter);
    const dialog = page.getByRole('dialog', { name: 'Sign in to ReYNa Studio' });
    await dialog.waitFor({ timeout: 15_000 });
    expect(await dialog.getByRole('alert').innerText()).toContain('your text is kept');
    await shot('sign-in');
    await dialog.getByLabel('Access token').fill(h!.app.devToken!);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByLabel('Passage text').inputValue(), { timeout: 15_000 })
      .toBe(`${before} A gull cried overhead.`);
    await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toBe('Saved (version 2)');
    await shot('after-sign-in');
  }, 60_000);

  it('reports a write from another tab instead of overwriting it, and shows the saved version on request', async () => {
    const chapter = page.url();
    const other = await context.newPage();
    try {
      await other.goto(chapter);
      const theirs = other.getByLabel('Passage text');
      await expect.poll(() => theirs.inputValue(), { timeout: 15_000 }).toContain('A gull cried');
      const mine = 'The keeper lit the lamp, and the beam swept the dark water.';
      await page.getByLabel('Passage text').fill(mine);
      await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toBe('Saved (version 3)');
      // The other tab still holds version 2: its write is refused, and it says so.
      await theirs.fill('The keeper slept through the storm until the bell woke him.');
      const conflict = other.getByRole('alert').filter({ hasText: 'changed elsewhere' });
      await conflict.waitFor({ timeout: 10_000 });
      await shot('conflict', other);
      await other.getByRole('button', { name: 'Show the saved version' }).click();
      await expect.poll(() => theirs.inputValue()).toBe(mine);
      await expect.poll(() => saveStatus(other)).toBe('Saved (version 3)');
      // Readable at a phone's width: the panes stack.
      await other.setViewportSize({ width: 390, height: 844 });
      await shot('phone', other);
    } finally {
      await other.close();
    }
  }, 60_000);

  it('brings the sign-in back when the token expires mid-session, and saves the text typed meanwhile', async () => {
    const chapter = page.url();
    const brief = await mintToken(h!.app.config.jwtSecret!, 'dev', '5s');
    const expiry = (decodeJwt(brief).exp ?? 0) * 1000;
    // The save of the text typed reaches the server only once the token has expired.
    let held = false;
    await page.route('**/graphql', async (route) => {
      if (route.request().postData()?.includes('mutation UpdateBlob')) {
        held = true;
        await new Promise((r) => setTimeout(r, Math.max(0, expiry + 1000 - Date.now())));
      }
      await route.fallback();
    });
    try {
      await page.goto(`${url}/healthz`); // a new document: a fragment alone would not reload
      await page.goto(`${chapter}#token=${brief}`);
      const passage = page.getByLabel('Passage text');
      await expect.poll(() => passage.inputValue(), { timeout: 15_000 }).toContain('beam swept');
      const typed = 'The keeper wrote the night in the log, the ink still wet when the dawn came.';
      await passage.fill(typed);
      await expect.poll(() => held, { timeout: 5_000 }).toBe(true);
      const dialog = page.getByRole('dialog', { name: 'Sign in to ReYNa Studio' });
      await dialog.waitFor({ timeout: 15_000 });
      // The page under the sign-in still holds the text, and this browser keeps it too.
      expect(await passage.inputValue()).toBe(typed);
      await dialog.getByLabel('Access token').fill(h!.app.devToken!);
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toBe('Saved (version 4)');
      expect(await passage.inputValue()).toBe(typed);
    } finally {
      await page.unroute('**/graphql');
    }
  }, 60_000);

  it('takes a token handed over as #token= and removes it from the address at once', async () => {
    const handed = await mintToken(h!.app.config.jwtSecret!, 'embedded-writer', '1h');
    await page.goto(`${url}/#token=${handed}`);
    await page.getByRole('heading', { name: 'Your books' }).waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(`${url}/`);
    // Another user: none of dev's books.
    await expect.poll(() => page.getByText('No books yet').isVisible()).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem('reyna:studio-token'))).toBe(handed);
  }, 60_000);
});

/** The passage's save status line. */
const saveStatus = (p: Page) =>
  p
    .getByRole('status')
    .filter({ hasText: /^Saved/ })
    .innerText();
