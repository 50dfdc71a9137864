/**
 * Persisted operations: the manifest GraphQL Code Generator writes next to the SDK
 * (`client-sdk/generated/persisted-documents.json`, sha256 hash -> operation text) loaded at
 * start-up. Clients may then send `extensions.persistedQuery.sha256Hash` (the APQ shape) instead
 * of the operation text. In allowlist mode nothing else runs: an operation sent as text is refused
 * with PERSISTED_QUERY_ONLY, except from GraphiQL while GraphiQL is enabled (development).
 *
 * The manifest is checked whole before the server starts: every key must be the sha256 of its text,
 * and every operation must parse and validate against this server's schema. A manifest generated
 * for another schema version fails the start, not a user's request later.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { type GraphQLSchema, parse, validate } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { ConfigError } from '../config';
import { ErrorCode, HTTP_STATUS } from '../errors';

/** The header the bundled GraphiQL sends, so that allowlist mode leaves it usable. */
export const GRAPHIQL_HEADER = 'x-reyna-graphiql';

export interface PersistedOperations {
  /** Operation text by sha256 hash. */
  readonly documents: ReadonlyMap<string, string>;
  /** Only manifest operations run. */
  readonly allowlist: boolean;
  /** Operations sent as text from GraphiQL still run (GraphiQL is enabled). */
  readonly graphiqlExempt: boolean;
}

/** Reads and checks a manifest; throws ConfigError naming the file and the first bad entries. */
export async function loadPersistedOperations(
  path: string,
  schema: GraphQLSchema,
  options: { allowlist: boolean; graphiqlExempt: boolean },
): Promise<PersistedOperations> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `REYNA_PERSISTED_OPERATIONS: cannot read ${path} as JSON (${(error as Error).message})`,
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      `REYNA_PERSISTED_OPERATIONS: ${path} must be a JSON object of hash -> operation text`,
    );
  }
  const documents = new Map<string, string>();
  const problems: string[] = [];
  for (const [hash, text] of Object.entries(raw)) {
    if (typeof text !== 'string') {
      problems.push(`${hash}: the operation is not a string`);
      continue;
    }
    if (createHash('sha256').update(text).digest('hex') !== hash) {
      problems.push(`${hash}: not the sha256 of its operation text`);
      continue;
    }
    try {
      const errors = validate(schema, parse(text));
      if (errors.length > 0) {
        problems.push(`${hash}: ${errors.map((e) => e.message).join('; ')}`);
        continue;
      }
    } catch (error) {
      problems.push(`${hash}: ${(error as Error).message}`);
      continue;
    }
    documents.set(hash, text);
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `REYNA_PERSISTED_OPERATIONS: ${path} has ${problems.length} bad operation(s); regenerate it ` +
        `with \`npm run sdk:generate\` against this schema. ${problems.slice(0, 5).join(' | ')}`,
    );
  }
  if (documents.size === 0) {
    throw new ConfigError(`REYNA_PERSISTED_OPERATIONS: ${path} holds no operations`);
  }
  return { documents, ...options };
}

/** The hash a request names (`extensions.persistedQuery`, APQ version 1), or null. */
export function persistedHash(extensions: unknown): string | null {
  if (!extensions || typeof extensions !== 'object') return null;
  const pq = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (!pq || typeof pq !== 'object') return null;
  const { version, sha256Hash } = pq as { version?: unknown; sha256Hash?: unknown };
  return version === 1 && typeof sha256Hash === 'string' ? sha256Hash : null;
}

const refusal = (code: ErrorCode, message: string) => ({
  message,
  extensions: { code, http: { status: HTTP_STATUS[code] } },
});

export const persistedErrors = {
  notFound: refusal(
    ErrorCode.PERSISTED_QUERY_NOT_FOUND,
    'This persisted operation is not in the server manifest',
  ),
  keyNotFound: refusal(
    ErrorCode.PERSISTED_QUERY_NOT_FOUND,
    'Send the operation text, or its hash in extensions.persistedQuery.sha256Hash',
  ),
  persistedQueryOnly: refusal(
    ErrorCode.PERSISTED_QUERY_ONLY,
    'Only persisted operations run on this server: send extensions.persistedQuery',
  ),
};

/** Whether an operation sent as text may run, given the request's headers. */
export function allowsText(ops: PersistedOperations, header: (name: string) => unknown): boolean {
  return !ops.allowlist || (ops.graphiqlExempt && header(GRAPHIQL_HEADER) === '1');
}

/** Yoga's persisted-operations plugin (HTTP and SSE) over a loaded manifest. */
export function usePersistedManifest(ops: PersistedOperations): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (hash) => ops.documents.get(hash) ?? null,
    extractPersistedOperationId: (params: GraphQLParams) => persistedHash(params.extensions),
    allowArbitraryOperations: (request) => allowsText(ops, (name) => request.headers.get(name)),
    customErrors: persistedErrors,
  });
}
