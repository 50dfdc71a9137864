/**
 * A persisted-operation hash sent to a server started without a manifest. Without this, Yoga
 * answers "Must provide query string.", which names neither the cause nor the fix. The code is
 * the one Apollo's persisted-query links (web, Kotlin, iOS) treat as "not supported here": they
 * stop sending hashes and resend the operation text by themselves.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode, HTTP_STATUS } from '../errors';
import { persistedHash } from './persisted-operations';

const NO_MANIFEST_MESSAGE =
  'This server has no persisted-operations manifest, so it cannot look up an operation by its hash: send the operation text in "query" (Apollo clients do so by themselves on this code), or start the server with REYNA_PERSISTED_OPERATIONS naming the manifest (e.g. client-sdk/generated/persisted-documents.json)';

/** The refusal, for HTTP (with its status) and WebSocket alike. */
export const noManifestError = (http = true) =>
  new GraphQLError(NO_MANIFEST_MESSAGE, {
    extensions: {
      code: ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
      ...(http ? { http: { status: HTTP_STATUS.PERSISTED_QUERY_NOT_SUPPORTED } } : {}),
    },
  });

/** For a server without a manifest: a request naming a hash and no text gets the refusal. */
export function useNoManifest(): Plugin {
  return {
    onParams({ params }) {
      if (!params.query && persistedHash(params.extensions) !== null) throw noManifestError();
    },
  };
}
