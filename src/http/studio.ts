/**
 * The Studio web app (web/, built by Vite into web/dist) served at `/`, beside GraphQL:
 *
 *   GET /assets/*            hashed build output: cached for a year, immutable; 404 when missing
 *   GET /studio/config.json  `{ devToken }` on the embedded default (development secret, loopback
 *                            bind), `{ devToken: null }` elsewhere; never cached
 *   GET /<file>              another file of the build (icons), revalidated on each use
 *   GET /anything/else       index.html (client routes), revalidated on each use
 *
 * Scripts and styles under /assets/ go gzip-compressed to a browser that accepts it (compressed
 * once per file and kept: a hashed asset never changes), a third of their size.
 *
 * Every answer carries a Content-Security-Policy that lets the page load and connect to this
 * deployment only (no inline script or style, nothing from another origin).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

/** The folder Vite builds the Studio into. */
export const STUDIO_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths the API answers itself: never the Studio's, not even its fallback. */
const API_PATHS = /^\/(graphql|schemas|processors|files|healthz|readyz|metrics)(\/|$)/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The policy for a page served under `host` (the request's Host): this origin only, and
 * WebSockets to the same host (CSP's 'self' covers ws: only in newer browsers).
 */
function studioCsp(host: string | null): string {
  const sameHost = host && /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host);
  const connect = sameHost ? `'self' ws://${host} wss://${host}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

function securityHeaders(request: Request): Record<string, string> {
  return {
    // The URL's host is the Host header the request came with.
    'content-security-policy': studioCsp(new URL(request.url).host),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/** A file of the build, or null when there is none (or the path leaves the folder). */
async function readBuilt(dist: string, path: string): Promise<Buffer | null> {
  const file = normalize(join(dist, path));
  if (!file.startsWith(dist.endsWith(sep) ? dist : dist + sep)) return null;
  try {
    if (!(await stat(file)).isFile()) return null;
    return await readFile(file);
  } catch {
    return null;
  }
}

function notFound(request: Request, message: string): Response {
  return new Response(message, {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders(request) },
  });
}

export interface StudioOptions {
  /** The development token handed to the page (embedded default only). */
  devToken?: string;
  /** Where the build is; defaults to web/dist. */
  dist?: string;
}

const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.map', '.txt', '.html']);

function acceptsGzip(request: Request): boolean {
  return /\bgzip\b/i.test(request.headers.get('accept-encoding') ?? '');
}

/** Serves the Studio from inside Yoga, after the API's own routes. */
export function useStudio(options: StudioOptions = {}): Plugin {
  const dist = options.dist ?? STUDIO_DIST;
  // Gzip of each hashed asset, made on its first request (a new build has new names).
  const gzipped = new Map<string, Buffer>();
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (API_PATHS.test(url.pathname)) return;
      endResponse(await studioResponse(request, url.pathname, options, dist, gzipped));
    },
  };
}

/** The config, an asset, another built file, or the page for a client route. */
async function studioResponse(
  request: Request,
  path: string,
  options: StudioOptions,
  dist: string,
  gzipped: Map<string, Buffer>,
): Promise<Response> {
  if (path === '/studio/config.json') {
    const config = JSON.stringify({ devToken: options.devToken ?? null });
    return ok(request, config, TYPES['.json']!, 'no-store');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return notFound(request, 'Not found');
  }
  if (decoded.startsWith('/assets/')) return assetResponse(request, dist, decoded, gzipped);
  if (decoded !== '/' && extname(decoded) !== '') {
    const file = await readBuilt(dist, decoded);
    if (!file) return notFound(request, 'Not found');
    return ok(request, file, TYPES[extname(decoded)] ?? 'application/octet-stream', 'no-cache');
  }
  // A client route (or `/`): the app's page, which reads the route itself.
  const page = await readBuilt(dist, 'index.html');
  if (page) return ok(request, page, TYPES['.html']!, 'no-cache');
  return notFound(
    request,
    'The Studio is not built: `npm start` builds it (or run `npx vite build web`). GraphQL is at /graphql.',
  );
}

function ok(request: Request, body: Buffer | string, type: string, cache: string): Response {
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(Buffer.from(body)), {
    status: 200,
    headers: { 'content-type': type, 'cache-control': cache, ...securityHeaders(request) },
  });
}

/** A hashed asset, cached for a year; text assets of 1 KiB or more gzipped when accepted. */
async function assetResponse(
  request: Request,
  dist: string,
  decoded: string,
  gzipped: Map<string, Buffer>,
): Promise<Response> {
  const asset = await readBuilt(dist, decoded);
  const type = TYPES[extname(decoded)] ?? 'application/octet-stream';
  if (!asset) return notFound(request, 'Not found');
  if (!COMPRESSIBLE.has(extname(decoded)) || asset.length < 1024)
    return ok(request, asset, type, IMMUTABLE);
  let body = asset;
  const headers: Record<string, string> = {
    'content-type': type,
    'cache-control': IMMUTABLE,
    vary: 'accept-encoding',
    ...securityHeaders(request),
  };
  if (acceptsGzip(request)) {
    let gz = gzipped.get(decoded);
    if (!gz) {
      gz = gzipSync(asset);
      gzipped.set(decoded, gz);
    }
    body = gz;
    headers['content-encoding'] = 'gzip';
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers,
  });
}
