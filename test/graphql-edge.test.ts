import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBlobDocument } from '../client-sdk/index';
import { MAX_REQUEST_BYTES } from '../src/http/server';
import { QUERY_LIMITS } from '../src/http/yoga';
import {
  type GraphQLResponse,
  type Harness,
  queryText,
  startHarness,
  useHarness,
} from './support/harness';

const h = useHarness();

async function createBlob(token: string, content: string, parentId?: string): Promise<string> {
  const input = parentId
    ? {
        schemaId: 'expanded-text-v1',
        parentId,
        data: { original: 'a', expanded: content, expansion_ratio: 2 },
      }
    : { schemaId: 'text-input-v1', data: { content } };
  const r = await h().gql(CreateBlobDocument, { input }, token);
  expect(r.errors).toBeUndefined();
  return r.data!.createBlob.id;
}

/** What `nestedParents` answers: the innermost level has `id`, the others only `parent`. */
interface Nested {
  id?: string;
  parent?: Nested | null;
}

/** `blob(id) { parent { parent { ... { id } } } }`, `depth` fields deep (`blob` and `id` included). */
function nestedParents(depth: number): string {
  const levels = depth - 2;
  return `query($id: ID!) { blob(id: $id) { ${'parent { '.repeat(levels)}id${' }'.repeat(levels)} } }`;
}

/** Runs a query and returns the response plus how many SQL statements it issued. */
async function gqlCounting(query: string, variables: Record<string, unknown>, token: string) {
  let response!: GraphQLResponse<unknown>;
  const statements = await h().countQueries(async () => {
    response = await h().gql(query, variables, token);
  });
  return { response, statements };
}

function expectTooComplex(r: GraphQLResponse<unknown>, statements: number, limit: RegExp) {
  expect(r.data ?? null).toBeNull();
  expect(r.errors).toHaveLength(1);
  expect(r.errors![0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
  expect(r.errors![0]!.message).toMatch(limit);
  expect(statements).toBe(0);
}

describe('query limits', () => {
  it(`refuses a query deeper than ${QUERY_LIMITS.maxDepth} with QUERY_TOO_COMPLEX, before running it`, async () => {
    const token = await h().token(h().user());
    const id = await createBlob(token, 'A root text long enough.');
    const { response, statements } = await gqlCounting(
      nestedParents(QUERY_LIMITS.maxDepth + 1),
      { id },
      token,
    );
    expectTooComplex(response, statements, /depth/i);
  });

  it(`refuses more than ${QUERY_LIMITS.maxAliases} aliases with QUERY_TOO_COMPLEX, before running it`, async () => {
    const token = await h().token(h().user());
    const aliases = Array.from(
      { length: QUERY_LIMITS.maxAliases + 1 },
      (_, i) => `a${i}: me { blobCount }`,
    ).join(' ');
    const { response, statements } = await gqlCounting(`{ ${aliases} }`, {}, token);
    expectTooComplex(response, statements, /alias/i);
  });

  it(`refuses more than ${QUERY_LIMITS.maxTokens} tokens with QUERY_TOO_COMPLEX, before running it`, async () => {
    const token = await h().token(h().user());
    const { response, statements } = await gqlCounting(
      `{ me { ${'blobCount '.repeat(QUERY_LIMITS.maxTokens)} } }`,
      {},
      token,
    );
    expectTooComplex(response, statements, /token/i);
  });

  it(`refuses a query costing more than ${QUERY_LIMITS.maxCost} with QUERY_TOO_COMPLEX, before running it`, async () => {
    const token = await h().token(h().user());
    // Shallow, two aliases, few tokens: only the cost (two full pages of every field) is too much.
    const page =
      'blobs(first: 100) { edges { node { id userId processorId schemaId data size version parentId createdAt updatedAt } } }';
    const { response, statements } = await gqlCounting(`{ a: ${page} b: ${page} }`, {}, token);
    expectTooComplex(response, statements, /cost/i);
  });

  it('accepts a normal query with parent, derived and schema, at the depth limit', async () => {
    const token = await h().token(h().user());
    const rootId = await createBlob(token, 'The ship sailed at dawn.');
    const childId = await createBlob(token, 'The mighty vessel sailed out at first light.', rootId);
    const r = await h().gql(
      `query($id: ID!) {
        blob(id: $id) {
          id
          schema { id name version }
          parent { id schema { id } derived { id parent { id } } }
          derived { id }
        }
        me { blobCount }
      }`,
      { id: childId },
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      blob: {
        id: childId,
        schema: { id: 'expanded-text-v1', name: 'expanded-text', version: '1.0.0' },
        parent: {
          id: rootId,
          schema: { id: 'text-input-v1' },
          derived: [{ id: childId, parent: { id: rootId } }],
        },
        derived: [],
      },
      me: { blobCount: 2 },
    });
    const deepest = await h().gql<{ blob: Nested | null }>(
      nestedParents(QUERY_LIMITS.maxDepth),
      { id: childId },
      token,
    );
    expect(deepest.errors).toBeUndefined();
    expect(deepest.data!.blob).toEqual({ parent: { parent: null } });
  });
});

describe('client errors', () => {
  it('refuses an unknown field with GRAPHQL_VALIDATION_FAILED and no data', async () => {
    const token = await h().token(h().user());
    const r = await h().gql('{ me { userId nope } }', {}, token);
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors![0]!.message).toMatch(/nope/);
  });

  it('refuses a literal argument of the wrong type with GRAPHQL_VALIDATION_FAILED', async () => {
    const token = await h().token(h().user());
    const r = await h().gql('{ blobs(first: "ten") { edges { cursor } } }', {}, token);
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses variables of the wrong type, or missing, with BAD_USER_INPUT', async () => {
    const token = await h().token(h().user());
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['query($first: Int) { blobs(first: $first) { edges { cursor } } }', { first: 'ten' }, /Int/],
      ['query($id: ID!) { blob(id: $id) { id } }', { id: { nested: true } }, /ID/],
      ['query($id: ID!) { blob(id: $id) { id } }', {}, /\$id/],
      [
        'query($order: BlobOrder) { blobs(order: $order) { edges { cursor } } }',
        { order: 'SIDEWAYS' },
        /SIDEWAYS/,
      ],
    ];
    for (const [query, variables, message] of cases) {
      const r = await h().gql(query, variables, token);
      expect(r.data ?? null).toBeNull();
      expect(r.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
      expect(r.errors![0]!.message).toMatch(message);
    }
  });

  it('gives every client error a code, syntax errors included', async () => {
    const token = await h().token(h().user());
    const queries = [
      '{ me { userId }',
      '{ me { nope } }',
      'query($x: Int) { me { userId } }',
      'subscription { nope }',
      '{ blob { id } }',
    ];
    for (const query of queries) {
      const r = await h().gql(query, { x: 'not an int' }, token);
      expect(r.errors!.length).toBeGreaterThan(0);
      for (const error of r.errors!)
        expect(typeof error.extensions.code, `${query}: ${error.message}`).toBe('string');
    }
    const syntax = await h().gql('{ me { userId }', {}, token);
    expect(syntax.errors![0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('documents sent again', () => {
  // From its second execution a query or mutation runs compiled (graphql-jit): what a client gets
  // back must not change, its errors included.
  it('answer the same the first time and after, data and errors alike', async () => {
    const token = await h().token(h().user());
    const parent = await createBlob(token, 'A parent passage for repeats.');
    const child = await createBlob(token, 'its expansion', parent);
    const query = `query($id: ID!) {
      blob(id: $id) { id schemaId version data parent { id data } derived { id data parent { id } } }
      me { userId blobCount }
    }`;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await h().gql(query, { id: parent }, token));
    expect(answers[0]!.errors).toBeUndefined();
    expect(answers[0]!.data).toMatchObject({
      blob: { id: parent, derived: [{ id: child, parent: { id: parent } }] },
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);

    // A missing blob, a resolver's typed error, bad variables: the same each time.
    const missing = await h().gql(query, { id: '00000000-0000-4000-8000-000000000000' }, token);
    expect(missing.errors).toBeUndefined();
    expect(missing.data).toMatchObject({ blob: null });
    const invalid = [];
    for (let i = 0; i < 3; i++)
      invalid.push(
        await h().gql(
          CreateBlobDocument,
          { input: { schemaId: 'text-input-v1', data: { content: 'short' } } },
          token,
        ),
      );
    expect(invalid[0]!.errors![0]!.extensions.code).toBe('VALIDATION_FAILED');
    expect(invalid[1]).toEqual(invalid[0]);
    expect(invalid[2]).toEqual(invalid[0]);
    for (const variables of [{ id: { nested: true } }, {}]) {
      const bad = await h().gql(query, variables, token);
      expect(bad.data ?? null).toBeNull();
      expect(bad.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
      // Word for word what a document run for the first time (interpreted) answers.
      expect(bad).toEqual(await h().gql(`${query} `, variables, token));
    }

    // A variable inside a JSON literal takes its value every time.
    const literal = `mutation($content: String!) {
      createBlob(input: { schemaId: "text-input-v1", data: { content: $content, tags: [$content] } }) { data }
    }`;
    for (const content of [
      'The first of three passages.',
      'The second of three passages.',
      'The third.',
    ])
      expect((await h().gql(literal, { content }, token)).data).toEqual({
        createBlob: { data: { content, tags: [content] } },
      });
  });
});

describe('field order', () => {
  // The GraphQL spec orders an object's fields as the query lists them. The first run of a
  // document (interpreted) once wrote them in the order their resolvers finished.
  it('lists every object’s fields in the order the query asks for them, the first time too', async () => {
    const token = await h().token(h().user());
    const parent = await createBlob(token, 'A parent passage for the order.');
    await createBlob(token, 'its expansion', parent);
    const query = `query($id: ID!) {
      blob(id: $id) { derived { parent { id } id } id parent { id } version schemaId }
      me { blobCount userId }
      kind: __typename
    }`;
    for (let i = 0; i < 3; i++) {
      const r = await h().gql<{
        blob: Record<string, unknown> & { derived: Record<string, unknown>[] };
        me: Record<string, unknown>;
      }>(query, { id: parent }, token);
      expect(r.errors).toBeUndefined();
      expect(Object.keys(r.data!)).toEqual(['blob', 'me', 'kind']);
      expect(Object.keys(r.data!.blob)).toEqual(['derived', 'id', 'parent', 'version', 'schemaId']);
      expect(Object.keys(r.data!.blob.derived[0]!)).toEqual(['parent', 'id']);
      expect(Object.keys(r.data!.me)).toEqual(['blobCount', 'userId']);
    }
  });
});

describe('unexpected errors', () => {
  // A dedicated harness whose blob tables are dropped behind the API's back with raw SQL, as a
  // broken database would: every read of blobs then fails inside PostgreSQL with an error text
  // that names the table and the statement. That must reach the log, never the client.
  let broken: Harness;

  beforeAll(async () => {
    broken = await startHarness();
    await sql`drop table blobs cascade; drop table blob_usage cascade`.execute(
      broken.testDb.database.db,
    );
  });

  afterAll(async () => {
    await broken?.app.stop();
    await broken?.testDb.drop();
  });

  it('masks a database failure as "Unexpected error." with INTERNAL_SERVER_ERROR and leaks nothing', async () => {
    const token = await broken.token('erin-broken');
    const res = await broken.app.yoga.fetch('http://studio.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { userId blobCount } }' }),
    });
    const text = await res.text();
    const body = JSON.parse(text) as GraphQLResponse & {
      errors: NonNullable<GraphQLResponse['errors']>;
    };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      message: 'Unexpected error.',
      path: ['me', 'blobCount'],
    });
    expect(body.errors[0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    for (const leak of [
      /relation/i,
      /does not exist/i,
      /blobs"/,
      /select/i,
      /\bfrom\b/i,
      /\bat .+:\d+:\d+/,
      /\.ts\b/,
      /stack/i,
      /42P01/,
    ]) {
      expect(text).not.toMatch(leak);
    }
  });

  it('keeps answering fields that do not touch the broken table', async () => {
    const token = await broken.token('erin-broken');
    const r = await broken.gql<{ schema: { id: string } | null }>(
      '{ schema(id: "text-input-v1") { id } }',
      {},
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.schema).toEqual({ id: 'text-input-v1' });
  });
});

describe('GraphiQL', () => {
  it('serves GraphiQL as HTML with every script and stylesheet inline, nothing from a CDN', async () => {
    const res = await h().app.yoga.fetch('http://studio.test/graphql', {
      method: 'GET',
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toMatch(/graphiql/i);
    expect(html).toContain('<title>ReYNa Studio API</title>');
    const tags = [...html.matchAll(/<(?:script|link)\b[^>]*>/gi)].map((m) => m[0]);
    expect(tags.some((tag) => /^<script/i.test(tag))).toBe(true);
    for (const tag of tags) {
      expect(tag).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    }
    expect(html).not.toMatch(
      /<(?:script|link)\b[^>]*(?:unpkg\.com|jsdelivr\.net|cdnjs\.cloudflare\.com|esm\.sh|googleapis\.com)/i,
    );
  });
});

describe('request body cap', () => {
  it(`answers 413 PAYLOAD_TOO_LARGE to a body over ${MAX_REQUEST_BYTES} bytes on the real server`, async () => {
    const url = await h().app.listen();
    const token = await h().token(h().user());
    const body = JSON.stringify({
      query: queryText(CreateBlobDocument),
      variables: {
        input: { schemaId: 'text-input-v1', data: { content: 'x'.repeat(MAX_REQUEST_BYTES) } },
      },
    });
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_REQUEST_BYTES);
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    expect(res.status).toBe(413);
    const json = (await res.json()) as {
      errors: { extensions: { code: string; limit: number } }[];
    };
    expect(json.errors[0]!.extensions).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      limit: MAX_REQUEST_BYTES,
    });
    const count = await h().gql<{ me: { blobCount: number } }>('{ me { blobCount } }', {}, token);
    expect(count.data!.me.blobCount).toBe(0);
  });

  it('lets a largest legitimate upload (a blob just under 1 MiB) through the real server', async () => {
    const url = h().app.url ?? (await h().app.listen());
    const token = await h().token(h().user());
    const wrapper = JSON.stringify({ original: 'a', expanded: '', expansion_ratio: 2 }).length;
    const data = { original: 'a', expanded: 'y'.repeat(1024 * 1024 - wrapper), expansion_ratio: 2 };
    const body = JSON.stringify({
      query: queryText(CreateBlobDocument),
      variables: { input: { schemaId: 'expanded-text-v1', data } },
    });
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { data: { createBlob: { id: string } }; errors?: unknown };
    expect(json.errors).toBeUndefined();
    const count = await h().gql<{ me: { blobCount: number; totalSize: number } }>(
      '{ me { blobCount totalSize } }',
      {},
      token,
    );
    expect(count.data!.me).toEqual({ blobCount: 1, totalSize: 1024 * 1024 });
  });
});
