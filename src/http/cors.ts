/**
 * CORS for every HTTP route (GraphQL, REST, files): the same origins as WebSocket upgrades.
 * With `REYNA_ALLOWED_ORIGINS` set, only those origins get CORS headers (a browser page from any
 * other origin cannot read a response); unset, every origin is reflected. Either way browsers
 * may read `Content-Disposition` (a file download's name) and `x-request-id` (to quote in a bug
 * report), which CORS hides from scripts unless exposed.
 */
import type { CORSOptions } from 'graphql-yoga';

/** Response headers a browser script may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = ['Content-Disposition', 'x-request-id', 'Retry-After'];

/** Yoga's `cors` option for an origin allowlist (empty: any origin). */
export function corsFor(allowedOrigins: readonly string[]): (request: Request) => CORSOptions {
  const allowed = new Set(allowedOrigins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (allowed.size > 0 && (origin === null || !allowed.has(origin))) return false;
    // A single-origin list makes Yoga answer with that origin whatever the request's: pass the
    // request's own (it is allowed) so the answer always matches it.
    return {
      origin: allowed.size > 0 && origin ? [origin] : undefined,
      credentials: true,
      exposedHeaders: EXPOSED_HEADERS,
    };
  };
}
