/**
 * Builds the Studio (web/) with Vite when its build is missing or older than its sources, so
 * `npm install && npm start` serves it with no extra step and a changed source is never served
 * stale. The check reads a few dozen file times (milliseconds); the build takes seconds.
 *
 * Building at start rather than on `postinstall`: a failed build then costs a warning and the
 * API still serves, where a failing install script would break `npm install` everywhere.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STUDIO_DIST } from './studio';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(ROOT, 'web');

/** Everything the build reads from this repository: the app and the SDK it imports. */
const SOURCES = [
  join(WEB, 'src'),
  join(WEB, 'index.html'),
  join(WEB, 'vite.config.ts'),
  join(WEB, 'public'),
  join(ROOT, 'client-sdk', 'generated'),
  join(ROOT, 'client-sdk', 'index.ts'),
  join(ROOT, 'client-sdk', 'content.ts'),
  join(ROOT, 'client-sdk', 'errors.ts'),
  join(ROOT, 'client-sdk', 'download.ts'),
  // How it is built: a change here (say, of the build's environment) rebuilds too.
  fileURLToPath(import.meta.url),
];

/** The newest modification time under `path` (0 when it does not exist). */
async function newest(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((e) => newest(join(path, e))));
  return Math.max(info.mtimeMs, ...times);
}

/** Why the build must be (re)made, or null when web/dist is current. */
export async function studioBuildNeeded(dist = STUDIO_DIST): Promise<string | null> {
  const built = await newest(join(dist, 'index.html'));
  if (built === 0) return 'web/dist is missing';
  const sources = Math.max(...(await Promise.all(SOURCES.map(newest))));
  return sources > built ? 'web/ changed since the last build' : null;
}

function viteBin(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    return null;
  }
}

export type StudioBuild =
  | { status: 'current' }
  | { status: 'built'; reason: string; ms: number }
  | { status: 'failed'; reason: string; error: string };

/**
 * Builds web/ into web/dist when needed. The build goes to a folder of its own and replaces
 * web/dist in one rename, so a server reading web/dist (or a second build at the same moment)
 * never sees half a build.
 */
export async function ensureStudioBuilt(dist = STUDIO_DIST): Promise<StudioBuild> {
  const reason = await studioBuildNeeded(dist);
  if (reason === null) return { status: 'current' };
  const bin = viteBin();
  if (!bin) {
    return { status: 'failed', reason, error: 'vite is not installed (a dev dependency)' };
  }
  const started = Date.now();
  const out = join(dirname(dist.replace(/[/\\]$/, '')), `.dist-${randomBytes(4).toString('hex')}`);
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [bin, 'build', '--config', join(WEB, 'vite.config.ts'), '--outDir', out, '--emptyOutDir'],
        {
          cwd: WEB,
          timeout: 120_000,
          maxBuffer: 16 * 1024 * 1024,
          // Always the production build: under vitest NODE_ENV is `test`, and Vite then bundles
          // React's development build (528 KB instead of 312 KB), which `npm start` would serve.
          env: { ...process.env, NODE_ENV: 'production' },
        },
        (error, _stdout, stderr) =>
          error ? reject(new Error(stderr || error.message)) : resolve(),
      );
    });
    // Another build (a second process starting at the same moment) may have finished first: then
    // its build is kept, as replacing it would leave a moment with no web/dist for its server.
    if ((await studioBuildNeeded(dist)) === null) {
      await rm(out, { recursive: true, force: true });
      return { status: 'built', reason, ms: Date.now() - started };
    }
    await rm(dist, { recursive: true, force: true });
    try {
      await rename(out, dist);
    } catch {
      await rm(out, { recursive: true, force: true });
    }
    return { status: 'built', reason, ms: Date.now() - started };
  } catch (error) {
    await rm(out, { recursive: true, force: true });
    return { status: 'failed', reason, error: (error as Error).message };
  }
}
