/**
 * GraphQL requests sent with POST must be JSON. Yoga would also take HTML forms and multipart
 * bodies (which this API has no use for) and answers anything else with a bare 415; this says
 * what to send instead, before any parsing.
 */
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors';

/** Media types of a GraphQL POST body: JSON, and the draft spec's name for it (as Yoga matches them). */
const JSON_TYPES = new Set(['application/json', 'application/graphql+json']);

/** Answers a POST to `endpoint` whose Content-Type is not JSON with 415 and the fix. */
export function useJsonContentType(endpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'POST' || url.pathname !== endpoint) return;
      const header = request.headers.get('content-type');
      const mediaType = (header ?? '').split(';')[0]!.trim();
      if (JSON_TYPES.has(mediaType)) return;
      const sent = header ? `"Content-Type: ${header.slice(0, 100)}"` : 'no Content-Type';
      endResponse(
        new Response(
          JSON.stringify({
            errors: [
              {
                message: `Send GraphQL requests as JSON with "Content-Type: application/json" (this one had ${sent}): a body such as {"query": "...", "variables": {...}}, or use GET with ?query= for queries`,
                extensions: { code: ErrorCode.BAD_USER_INPUT },
              },
            ],
          }),
          {
            status: 415,
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'accept-post': 'application/json',
            },
          },
        ),
      );
    },
  };
}
