/**
 * The Studio's static serving over plain HTTP: the page at `/` and at every client route, hashed
 * assets cached for good, a Content-Security-Policy on everything it serves, and the API's own
 * paths untouched.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STUDIO_DIST } from '../src/http/studio';
import { ensureStudioBuilt, studioBuildNeeded } from '../src/http/studio-build';
import { useHarness } from './support/harness';

const h = useHarness();
const get = (path: string, headers: Record<string, string> = {}) =>
  h().app.yoga.fetch(`http://studio.test${path}`, { headers });

let script = '';
beforeAll(async () => {
  const build = await ensureStudioBuilt();
  if (build.status === 'failed') throw new Error(`the Studio did not build: ${build.error}`);
  // The entry script the page loads (other scripts are chunks loaded when a page needs them).
  const html = await readFile(join(STUDIO_DIST, 'index.html'), 'utf8');
  script = /<script[^>]*\bsrc="\/assets\/([^"]+\.js)"/.exec(html)![1]!;
  expect((await readdir(join(STUDIO_DIST, 'assets'))).includes(script)).toBe(true);
}, 120_000);

describe('the Studio at /', () => {
  it('leaves nothing to rebuild once built', async () => {
    expect(await studioBuildNeeded()).toBeNull();
  });

  it('is the production build, even when built under vitest (NODE_ENV=test)', async () => {
    const code = await readFile(join(STUDIO_DIST, 'assets', script), 'utf8');
    // React's production build has short error codes; the development build (328 KB more) does not.
    expect(code).toContain('Minified React error');
  });

  it('serves the page with a policy that allows only this deployment, revalidated on each use', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://studio.test wss://studio.test");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    const html = await res.text();
    expect(html).toContain(`/assets/${script}`);
    // No inline script: every script has a src.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
  });

  it('serves hashed assets for a year, immutable', async () => {
    const res = await get(`/assets/${script}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('sends scripts gzip-compressed to a browser that accepts it, and as they are to one that does not', async () => {
    const { gunzipSync } = await import('node:zlib');
    const file = await readFile(join(STUDIO_DIST, 'assets', script));
    const zipped = await get(`/assets/${script}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('accept-encoding');
    expect(zipped.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = Buffer.from(await zipped.arrayBuffer());
    expect(body.length).toBeLessThan(file.length / 2);
    expect(gunzipSync(body).equals(file)).toBe(true);
    const plain = await get(`/assets/${script}`);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(file)).toBe(true);
  });

  it('answers client routes with the page, and missing files with 404', async () => {
    for (const route of ['/books/123', '/books/123/chapters/new', '/anything/else']) {
      const res = await get(route);
      expect(res.status, route).toBe(200);
      expect(await res.text(), route).toContain('<div id="root">');
    }
    for (const missing of [
      '/assets/index-missing.js',
      '/missing.png',
      '/assets/..%2f..%2fpackage.json',
      '/..%2fpackage.json',
    ]) {
      const res = await get(missing);
      expect(res.status, missing).toBe(404);
      expect(await res.text(), missing).not.toContain('"name"');
    }
  });

  it('keeps the API at its own paths', async () => {
    const gql = await h().app.yoga.fetch('http://studio.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await gql.json()).toEqual({ data: { __typename: 'Query' } });
    expect((await get('/healthz')).status).toBe(200);
    const rest = await get('/schemas/text-input-v1');
    expect(rest.status).toBe(401);
    expect((await get('/files/nope')).headers.get('content-type')).toMatch(/json/);
  });

  it('hands out no development token when the server has a secret of its own', async () => {
    const res = await get('/studio/config.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ devToken: null });
  });
});
