/**
 * Debian's Chromium driven by playwright-core, for the tests that use the Studio and GraphiQL as a
 * person does. No browser download: the executable is the one `apt-get install chromium` put on
 * the machine, or the one CHROMIUM_PATH names. Without one a browser test file is skipped, loudly,
 * unless CI is set: then it must run (and fails saying what to install).
 *
 * Screenshots are artifacts: every browser test saves one of each main screen under
 * `test-artifacts/screenshots/` (or REYNA_SCREENSHOT_DIR), for a person to look at.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM: string | undefined =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** True when the browser tests of `file` cannot run here (and that is allowed: CI is not set). */
export function skipWithoutChromium(file: string): boolean {
  const skip = CHROMIUM === undefined && !process.env.CI;
  if (skip) {
    console.warn(
      `\n*** ${file} skipped: no Chromium (apt-get install chromium, or set CHROMIUM_PATH) ***\n`,
    );
  }
  return skip;
}

/** Where screenshots go: REYNA_SCREENSHOT_DIR, else test-artifacts/screenshots in the project. */
export const SCREENSHOT_DIR = resolve(
  process.env.REYNA_SCREENSHOT_DIR ??
    join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots'),
);

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot of `page` (default: the first page) as `<name>.png`. */
  shot(name: string, page?: Page): Promise<void>;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile (removed on close). */
export async function launchBrowser(
  options: { width?: number; height?: number } = {},
): Promise<Browser> {
  if (!CHROMIUM) throw new Error('CI is set but no Chromium was found: apt-get install chromium');
  const profile = await mkdtemp(join(tmpdir(), 'reyna-chromium-'));
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: options.width ?? 1400, height: options.height ?? 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    shot: async (name, p = page) => {
      await p.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
