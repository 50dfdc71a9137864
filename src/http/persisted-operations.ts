/**
 * Persisted operations: manifests of operation texts by id, loaded at start-up. Clients may then
 * send `extensions.persistedQuery.sha256Hash` (the APQ shape) instead of the operation text. In
 * allowlist mode nothing else runs: an operation sent as text is refused with
 * PERSISTED_QUERY_ONLY, except from GraphiQL while GraphiQL is enabled (development).
 *
 * Several manifests load at once (the web SDK's, the Android app's, the iOS app's), each in one of
 * two shapes: the client preset's (`client-sdk/generated/persisted-documents.json`, sha256 hash ->
 * text) or Apollo's persisted-query manifest (Apollo Kotlin, Apollo iOS,
 * `@apollo/generate-persisted-query-manifest`), whose `id` is what those clients send as the hash.
 *
 * Every manifest is checked whole before the server starts: every operation must parse and
 * validate against this server's schema, a client-preset key must be the sha256 of its text, an
 * Apollo entry's `name` and `type` must be its operation's, and one id may not name two texts. A
 * manifest generated for another schema version fails the start, not a user's request later.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { type GraphQLSchema, type OperationDefinitionNode, parse, validate } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { ConfigError } from '../config';
import { ErrorCode, HTTP_STATUS } from '../errors';

/** The header the bundled GraphiQL sends, so that allowlist mode leaves it usable. */
export const GRAPHIQL_HEADER = 'x-reyna-graphiql';

/** Apollo's persisted-query manifest format marker. */
const APOLLO_MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

/** What every manifest error says about the shapes a manifest may take. */
export const MANIFEST_SHAPES =
  'A manifest is either the client preset\'s `{ "<sha256 of the text>": "<operation text>" }` ' +
  "(`npm run sdk:generate` writes client-sdk/generated/persisted-documents.json) or Apollo's " +
  `\`{ "format": "${APOLLO_MANIFEST_FORMAT}", "version": 1, "operations": [{ "id", "body", ` +
  '"name", "type" }] }` (Apollo Kotlin\'s persistedQueryManifest, Apollo iOS\'s persistedQueries ' +
  'operation manifest, @apollo/generate-persisted-query-manifest).';

export interface PersistedOperations {
  /** Operation text by id (the client preset's sha256 hash, or an Apollo manifest's `id`). */
  readonly documents: ReadonlyMap<string, string>;
  /** Only manifest operations run. */
  readonly allowlist: boolean;
  /** Operations sent as text from GraphiQL still run (GraphiQL is enabled). */
  readonly graphiqlExempt: boolean;
}

/** One operation of a manifest, before it is checked. */
interface Entry {
  id: string;
  text: string;
  /** Apollo entries state their operation's name and type; the client preset's do not. */
  name?: string;
  type?: string;
  /** The key is the sha256 of the text (client preset). */
  hashed: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const OPERATION_TYPES = ['query', 'mutation', 'subscription'];

/** One entry of an Apollo manifest, or what is wrong with it. */
function apolloEntry(op: unknown, at: string): Entry | string {
  if (!isObject(op)) return `${at}: not an object`;
  const { id, body, name, type } = op;
  if (typeof id !== 'string' || id.trim() === '' || id.length > 256) {
    return `${at}: "id" must be a non-empty string of at most 256 characters`;
  }
  if (typeof body !== 'string') return `${at} (${id}): "body" is not a string`;
  if (typeof name !== 'string') return `${at} (${id}): "name" is not a string`;
  if (typeof type !== 'string' || !OPERATION_TYPES.includes(type)) {
    return `${at} (${id}): "type" must be one of ${OPERATION_TYPES.join(', ')}`;
  }
  return { id, text: body, name, type, hashed: false };
}

/** A manifest's entries, or a description of what makes it neither shape. */
function entriesOf(raw: unknown): { entries: Entry[]; problems: string[] } | string {
  if (!isObject(raw)) return `it is ${Array.isArray(raw) ? 'an array' : typeof raw}, not an object`;
  if (!('format' in raw) && !('operations' in raw)) {
    const problems: string[] = [];
    const entries: Entry[] = [];
    for (const [id, text] of Object.entries(raw)) {
      if (typeof text === 'string') entries.push({ id, text, hashed: true });
      else problems.push(`${id}: the operation is not a string`);
    }
    return { entries, problems };
  }
  if (raw.format !== APOLLO_MANIFEST_FORMAT) {
    return `its "format" is ${JSON.stringify(raw.format)}, not "${APOLLO_MANIFEST_FORMAT}"`;
  }
  if (raw.version !== 1) return `its "version" is ${JSON.stringify(raw.version)}, not 1`;
  if (!Array.isArray(raw.operations)) return 'its "operations" is not an array';
  const problems: string[] = [];
  const entries: Entry[] = [];
  raw.operations.forEach((op: unknown, i) => {
    const read = apolloEntry(op, `operations[${i}]`);
    if (typeof read === 'string') problems.push(read);
    else entries.push(read);
  });
  return { entries, problems };
}

/** What is wrong with one entry against the schema, or null. */
function entryProblem(entry: Entry, schema: GraphQLSchema): string | null {
  if (entry.hashed && createHash('sha256').update(entry.text).digest('hex') !== entry.id) {
    return `${entry.id}: not the sha256 of its operation text`;
  }
  try {
    const document = parse(entry.text);
    const errors = validate(schema, document);
    if (errors.length > 0) return `${entry.id}: ${errors.map((e) => e.message).join('; ')}`;
    if (entry.type === undefined) return null;
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
    );
    if (operations.length !== 1) {
      return `${entry.id}: "body" holds ${operations.length} operations; an Apollo manifest entry holds one`;
    }
    const [operation] = operations as [OperationDefinitionNode];
    if (operation.operation !== entry.type) {
      return `${entry.id}: "type" is ${entry.type} but the body is a ${operation.operation}`;
    }
    if ((operation.name?.value ?? '') !== entry.name) {
      return `${entry.id}: "name" is ${JSON.stringify(entry.name)} but the body's operation is ${JSON.stringify(operation.name?.value ?? '')}`;
    }
    return null;
  } catch (error) {
    return `${entry.id}: ${(error as Error).message}`;
  }
}

/**
 * Reads and checks the manifests and merges them; throws ConfigError naming the file, what is
 * wrong and the shapes a manifest may take.
 */
export async function loadPersistedOperations(
  paths: readonly string[],
  schema: GraphQLSchema,
  options: { allowlist: boolean; graphiqlExempt: boolean },
): Promise<PersistedOperations> {
  const documents = new Map<string, string>();
  const origin = new Map<string, string>();
  for (const path of paths) {
    const fail = (what: string, shapes = true): never => {
      throw new ConfigError(
        `REYNA_PERSISTED_OPERATIONS: ${path} ${what}${shapes ? `. ${MANIFEST_SHAPES}` : ''}`,
      );
    };
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      fail(`cannot be read as JSON (${(error as Error).message})`);
    }
    const read = entriesOf(raw);
    if (typeof read === 'string') fail(`is not a manifest: ${read}`);
    const { entries, problems } = read as Exclude<typeof read, string>;
    for (const entry of entries) {
      const problem = entryProblem(entry, schema);
      if (problem) {
        problems.push(problem);
        continue;
      }
      const known = documents.get(entry.id);
      if (known !== undefined && known !== entry.text) {
        problems.push(`${entry.id}: also in ${origin.get(entry.id)} with a different operation`);
        continue;
      }
      documents.set(entry.id, entry.text);
      origin.set(entry.id, path);
    }
    if (problems.length > 0) {
      fail(
        `has ${problems.length} bad operation(s); regenerate it against this schema ` +
          `(\`npm run sdk:generate\` for the SDK's, your app's codegen for Apollo's): ` +
          problems.slice(0, 5).join(' | '),
        false,
      );
    }
    if (entries.length === 0) fail('holds no operations');
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
  /**
   * An unknown id where text may still run. Apollo Kotlin and Apollo iOS resend the operation's
   * text only on this exact message, and Apollo iOS only on HTTP 2xx: then it runs as text.
   */
  apqNotFound: {
    message: 'PersistedQueryNotFound',
    extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND, http: { status: 200 } },
  },
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

/** The answer to an unknown id: final in allowlist mode, an invitation to send the text otherwise. */
export const notFoundError = (ops: PersistedOperations) =>
  ops.allowlist ? persistedErrors.notFound : persistedErrors.apqNotFound;

/** Yoga's persisted-operations plugin (HTTP and SSE) over a loaded manifest. */
export function usePersistedManifest(ops: PersistedOperations): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (hash) => ops.documents.get(hash) ?? null,
    extractPersistedOperationId: (params: GraphQLParams) => persistedHash(params.extensions),
    allowArbitraryOperations: (request) => allowsText(ops, (name) => request.headers.get(name)),
    customErrors: { ...persistedErrors, notFound: notFoundError(ops) },
  });
}
