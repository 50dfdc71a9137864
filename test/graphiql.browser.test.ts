/**
 * GraphiQL in a real browser (headless Chromium driven by playwright-core), as a newcomer meets
 * it: the prepared tabs on first open, `Me` runs with the token the server filled in, and after a
 * restart the browser's stored headers carry the new token, in every tab.
 *
 * Without Chromium the file is skipped, loudly, unless CI is set: then it must run.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY } from '../src/http/graphiql';
import { type Browser, launchBrowser, skipWithoutChromium } from './support/browser';
import { type Harness, startHarness, stopHarness } from './support/harness';

const skip = skipWithoutChromium('test/graphiql.browser.test.ts');

/**
 * No REYNA_JWT_SECRET: the development secret and token, as on `npm start`; the processors and
 * the demo LLM run, as they do there, so the prepared tabs can write a passage and watch it grow.
 */
const ENV = {
  REYNA_JWT_SECRET: '',
  REYNA_PROCESSORS: 'all',
  REYNA_LLM: 'demo',
  REYNA_LLM_DEMO_DELAY_MS: '15',
};

interface StoredTab {
  title: string;
  query: string | null;
  headers: string | null;
}

describe.skipIf(skip)('GraphiQL in a browser', () => {
  let h: Harness | undefined;
  let context: BrowserContext;
  let page: Page;
  let browser: Browser | undefined;
  let url = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ context, page } = browser);
    h = await startHarness(ENV);
    url = await h.app.listen();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stopHarness(h);
  });

  const storedTabs = async (): Promise<StoredTab[]> =>
    page.evaluate(
      () => JSON.parse(localStorage.getItem('graphiql:tabState') ?? '{"tabs":[]}').tabs,
    );

  /** What an editor shows (Monaco draws spaces as no-break spaces). */
  const textOf = async (selector: string) =>
    (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');

  async function openGraphiQL() {
    await page.goto(`${url}/graphql`);
    await page.getByRole('tab').first().waitFor({ timeout: 30_000 });
  }

  async function runMe() {
    await page.getByRole('tab', { name: 'Me' }).click();
    await page.getByRole('button', { name: /Execute query/ }).click();
    await expect
      .poll(() => textOf('.graphiql-response'), { timeout: 15_000 })
      .toContain('"userId": "dev"');
  }

  it('opens on the prepared tabs, with Me in the editor, and runs Me with the printed token', async () => {
    await openGraphiQL();
    const tabs = await page.getByRole('tab').allInnerTexts();
    expect(tabs.map((t) => t.trim())).toEqual(['Me', 'WritePassage', 'WatchExpansion']);
    await expect.poll(() => textOf('.graphiql-query-editor')).toContain('query Me {');
    await runMe();
    await browser!.shot('graphiql-first-open');
    // Visiting the tabs and reloading keeps the three (GraphiQL adds a tab when none matches).
    await page.getByRole('tab', { name: 'WatchExpansion' }).click();
    await page.getByRole('tab', { name: 'WritePassage' }).click();
    // GraphiQL stores its tabs 500 ms after a change: wait until the three are stored, and for
    // the store of the last click (a busy machine once reloaded before it).
    await expect
      .poll(async () => (await storedTabs()).map((t) => t.title))
      .toEqual(['Me', 'WritePassage', 'WatchExpansion']);
    await page.waitForTimeout(1500);
    // GraphiQL also keeps the last variables editor's text (WritePassage's, the last tab open) and
    // matches the opening query against it: it did so on busy machines, adding a second Me tab.
    await page.evaluate(() =>
      localStorage.setItem('graphiql:variables', '{ "input": { "schemaId": "text-input-v2" } }'),
    );
    await openGraphiQL();
    expect((await page.getByRole('tab').allInnerTexts()).map((t) => t.trim())).toEqual([
      'Me',
      'WritePassage',
      'WatchExpansion',
    ]);
    const stored = await storedTabs();
    expect(stored.map((t) => t.title)).toEqual(['Me', 'WritePassage', 'WatchExpansion']);
    expect(stored.find((t) => t.title === 'WatchExpansion')!.query).toContain(
      'runUpdated(processorId: "text-expansion")',
    );
  });

  it('replaces the token the browser kept with the one a restarted server printed, keeping other headers', async () => {
    const before = h!.app.devToken!;
    await openGraphiQL();
    // Leave GraphiQL (it writes its state on its own) and give one tab a header of the user's.
    await page.goto(`${url}/healthz`);
    await page.evaluate(() => {
      const state = JSON.parse(localStorage.getItem('graphiql:tabState')!);
      state.tabs[1].headers = JSON.stringify({
        authorization: 'Bearer not-a-token-this-server-accepts',
        'x-mine': 'kept',
      });
      localStorage.setItem('graphiql:tabState', JSON.stringify(state));
    });
    const port = new URL(url).port;
    await stopHarness(h);
    h = undefined;
    // The same origin (port), so the same localStorage; a token minted a second later differs.
    await new Promise((r) => setTimeout(r, 1100));
    h = await startHarness({ ...ENV, PORT: port });
    expect(await h.app.listen()).toBe(url);
    const after = h.app.devToken!;
    expect(after).not.toBe(before);

    await openGraphiQL();
    const stored = await storedTabs();
    expect(stored).toHaveLength(3);
    for (const tab of stored) {
      if (tab.headers === null) continue;
      const headers = JSON.parse(tab.headers) as Record<string, string>;
      expect(headers.Authorization, tab.title).toBe(`Bearer ${after}`);
      expect(Object.keys(headers).filter((k) => k.toLowerCase() === 'authorization')).toHaveLength(
        1,
      );
    }
    expect(JSON.parse(stored[1]!.headers!)['x-mine']).toBe('kept');
    expect(await page.evaluate((key) => localStorage.getItem(key), TOKEN_STORAGE_KEY)).toBe(after);
    await runMe();
    // The headers editor shows the new token.
    await page.getByRole('button', { name: 'Headers' }).click();
    await expect
      .poll(() => textOf('.graphiql-editor-tool'))
      .toContain(after.split('.')[1]!.slice(-20));
    await browser!.shot('graphiql-after-restart');
  }, 240_000);

  it('streams an expansion as a whole in WatchExpansion while WritePassage writes it', async () => {
    // GraphiQL runs one operation at a time: the tab's comment says to watch in a second tab.
    const watcher = await context.newPage();
    try {
      await watcher.goto(`${url}/graphql`);
      await watcher.getByRole('tab', { name: 'WatchExpansion' }).click();
      // On a busy machine the editor may still show the previous tab: wait for its text.
      await expect
        .poll(
          async () =>
            (await watcher.locator('.graphiql-query-editor').innerText()).replace(/\u00a0/g, ' '),
          { timeout: 15_000 },
        )
        .toContain('subscription WatchExpansion');
      // GraphiQL works out the operation name from the editor's text a moment later: clicking
      // Execute before then runs the previous tab's operation ("Cannot infer operation Me").
      await watcher.waitForTimeout(1000);
      await watcher.getByRole('button', { name: /Execute (query|subscription)/ }).click();
      // Let the subscription reach the server before the passage is written.
      await watcher.waitForTimeout(1500);
      await openGraphiQL();
      await page.getByRole('tab', { name: 'WritePassage' }).click();
      await expect
        .poll(() => textOf('.graphiql-query-editor'), { timeout: 15_000 })
        .toContain('mutation WritePassage');
      await page.waitForTimeout(1000);
      await page.getByRole('button', { name: /Execute query/ }).click();
      await expect
        .poll(() => textOf('.graphiql-response'), { timeout: 15_000 })
        .toContain('"createBlob"');
      const response = async () =>
        (await watcher.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
      // Mid-stream: the whole text so far, labelled, not a lone fragment.
      await expect
        .poll(response, { timeout: 30_000 })
        .toMatch(/"textSoFar": "\[Demo expansion[^"]{40,}/);
      await expect.poll(response, { timeout: 60_000 }).toContain('"status": "SUCCEEDED"');
      await browser!.shot('graphiql-watch-expansion', watcher);
    } finally {
      await watcher.close();
    }
  }, 180_000);
});
