/**
 * The edges say what to do: a request a client gets wrong is answered with the fix. A POST that is
 * not JSON, a persisted-operation hash sent to a server without a manifest, a query over the cost
 * limit, a mistyped schema id; CORS on every HTTP route, and file URLs a client can use as given.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { costLimitRule as armorCostRule } from '@escape.tech/graphql-armor-cost-limit';
import { type DocumentNode, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import persisted from '../client-sdk/generated/persisted-documents.json';
import {
  CompileBookDocument,
  CreateBlobDocument,
  CreateBookDocument,
  dataOf,
  MeDocument,
  ProcessorDocument,
  persistedHashOf,
  RunDocument,
  type RunQuery,
} from '../client-sdk/index';
import { ConfigError, loadConfig } from '../src/config';
import { schema } from '../src/graphql/schema';
import { analyseCost } from '../src/http/cost-limit';
import { QUERY_LIMITS } from '../src/http/yoga';
import { boundedDistance, nearest } from '../src/registry/nearest';
import {
  expectData,
  type GraphQLErrorBody,
  type Harness,
  type RestError,
  startHarness,
  stopHarness,
  testEnv,
  useHarness,
} from './support/harness';
import { eventually, subOf, wsClient } from './support/realtime';

const PUBLIC_URL = 'https://studio.example/api';
const h = useHarness({ REYNA_PROCESSORS: 'all', REYNA_PUBLIC_URL: PUBLIC_URL });
const ME = '{ me { userId blobCount } }';
let listening: Promise<string> | undefined;
/** The base URL of the harness's app on a real port (listening once). */
const base = () => (listening ??= h().app.listen());

/** A GraphQL answer to `ME`, as it comes over the wire. */
interface MeBody {
  data?: { me: { userId: string; blobCount: number } };
  errors?: GraphQLErrorBody[];
}

/** A request to /graphql as sent, without the harness's JSON body and headers. */
async function raw(path: string, init: RequestInit) {
  const res = await h().app.yoga.fetch(`http://studio.test${path}`, init);
  const body = (await res.json()) as MeBody;
  return { status: res.status, headers: res.headers, body };
}

describe('a POST to /graphql that is not JSON', () => {
  it('is refused with 415 naming "Content-Type: application/json", and nothing runs', async () => {
    const token = await h().token(h().user());
    const auth = { authorization: `Bearer ${token}` };
    const mutation = `mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Smuggled in as a form." } }) { id } }`;
    const cases: [string | null, string][] = [
      ['text/plain', JSON.stringify({ query: mutation })],
      ['application/x-www-form-urlencoded', `query=${encodeURIComponent(mutation)}`],
      [
        'multipart/form-data; boundary=x',
        `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: mutation })}\r\n--x--\r\n`,
      ],
      ['application/graphql', mutation],
      [null, JSON.stringify({ query: mutation })],
    ];
    for (const [type, body] of cases) {
      const r = await raw('/graphql', {
        method: 'POST',
        headers: { ...auth, ...(type ? { 'content-type': type } : {}) },
        // Bytes, so that fetch adds no Content-Type of its own.
        body: new TextEncoder().encode(body),
      });
      expect(r.status, String(type)).toBe(415);
      expect(r.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(r.body.errors?.[0]?.message).toContain('Content-Type: application/json');
      expect(r.body.errors?.[0]?.message).toContain(
        type ? `Content-Type: ${type}` : 'no Content-Type',
      );
    }
    expect(expectData(await h().gql(MeDocument, {}, token)).me.blobCount).toBe(0);
  });

  it('accepts JSON with a charset, and GET queries', async () => {
    const token = await h().token(h().user());
    const auth = { authorization: `Bearer ${token}` };
    const post = await raw('/graphql', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ query: ME }),
    });
    expect(post.body.data?.me.userId).toBe(subOf(token));
    const get = await raw(`/graphql?query=${encodeURIComponent(ME)}`, { headers: auth });
    expect(get.body.data?.me.userId).toBe(subOf(token));
  });
});

describe('a persisted-operation hash sent to a server without a manifest', () => {
  const hash = persistedHashOf(MeDocument)!;
  const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };

  it('says there is no manifest and how to fix it (PERSISTED_QUERY_NOT_SUPPORTED), over POST and GET', async () => {
    const token = await h().token(h().user());
    const auth = { authorization: `Bearer ${token}` };
    const post = await raw('/graphql', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ extensions }),
    });
    const get = await raw(`/graphql?extensions=${encodeURIComponent(JSON.stringify(extensions))}`, {
      headers: auth,
    });
    for (const r of [post, get]) {
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
      expect(r.body.errors?.[0]?.message).toMatch(/no persisted-operations manifest/);
      expect(r.body.errors?.[0]?.message).toContain('send the operation text in "query"');
      expect(r.body.errors?.[0]?.message).toContain('REYNA_PERSISTED_OPERATIONS');
    }
    // With the text as well, the text runs.
    const both = await raw('/graphql', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: ME, extensions }),
    });
    expect(both.body.data?.me.userId).toBe(subOf(token));
  });

  it('says the same over graphql-ws', async () => {
    const token = await h().token(h().user());
    const client = wsClient(await base(), token);
    let error: unknown;
    client.subscribe(
      { query: '', extensions },
      { next: () => {}, error: (e) => (error = e), complete: () => {} },
    );
    await eventually(() => error !== undefined);
    await client.dispose();
    const [first] = error as { message: string; extensions: { code: string } }[];
    expect(first!.extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    expect(first!.message).toContain('REYNA_PERSISTED_OPERATIONS');
  });

  it("lets Apollo Client's persisted-query link fall back to the text by itself", async () => {
    const token = await h().token(h().user('apollo'));
    const sent: { query?: string }[] = [];
    const client = new ApolloClient({
      link: createPersistedQueryLink({ generateHash: (d) => persistedHashOf(d)! }).concat(
        new HttpLink({
          uri: `${await base()}/graphql`,
          headers: { authorization: `Bearer ${token}` },
          fetch: (input, init) => {
            sent.push(JSON.parse(String(init?.body)));
            return fetch(input, init);
          },
        }),
      ),
      cache: new InMemoryCache(),
    });
    const first = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
    expect(first.data?.me.userId).toBe(subOf(token));
    const second = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
    expect(second.data?.me.userId).toBe(subOf(token));
    client.stop();
    // The hash once, then the text; and no more hashes after the server said it has no manifest.
    expect(sent.map((b) => b.query === undefined)).toEqual([true, false, false]);
  });
});

describe('a query over the cost limit', () => {
  const page = (n: number) =>
    `blobs(first: ${n}) { edges { node { id userId processorId schemaId data size version parentId createdAt updatedAt } } }`;

  it('says which first to lower and to what, and the value it names fits', async () => {
    const token = await h().token(h().user());
    const r = await h().gql(`{ a: ${page(100)} b: ${page(100)} }`, {}, token);
    expect(r.data ?? null).toBeNull();
    const [error] = r.errors!;
    expect(error!.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      cost: 8650,
      limit: QUERY_LIMITS.maxCost,
      suggestions: [
        { path: 'a', first: 100, fits: 15 },
        { path: 'b', first: 100, fits: 15 },
      ],
    });
    expect(error!.message).not.toMatch(/Syntax Error/);
    expect(error!.message).toContain('costs 8650, over the limit of 5000');
    expect(error!.message).toContain('`a` from first: 100 to first: 15 or less');
    const fits = await h().gql(`{ a: ${page(15)} b: ${page(100)} }`, {}, token);
    expect(fits.errors).toBeUndefined();
    const over = await h().gql(`{ a: ${page(16)} b: ${page(100)} }`, {}, token);
    expect(over.errors![0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('names a nested list field by its path', async () => {
    const token = await h().token(h().user());
    const nested = await h().gql(
      `{ me { books(first: 100) { edges { node { id title description author chapters { id data schemaId createdAt } } } } conversations(first: 100) { edges { node { id title } } } } }`,
      {},
      token,
    );
    const error = nested.errors![0]!;
    expect(error.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(error.extensions.suggestions).toContainEqual(
      expect.objectContaining({ path: 'me.books' }),
    );
    expect(error.message).toContain('`me.books` from first: 100 to first: ');
  });

  it('costs every operation exactly as graphql-armor did (the SDK operations, fragments, aliases)', () => {
    const armorCost = (document: DocumentNode) => {
      let found = 0;
      const rule = armorCostRule({
        maxCost: -1,
        propagateOnRejection: false,
        onReject: [
          (_ctx, error) => (found = Number.parseFloat(/found ([\d.]+)/.exec(error.message)![1]!)),
        ],
      });
      validate(schema, document, [rule]);
      return found;
    };
    const texts = [
      ...Object.values(persisted as Record<string, string>),
      `{ a: ${page(100)} b: ${page(7)} me { blobCount } }`,
      `query { me { books(first: 3) { edges { node { ...B } } } } } fragment B on Book { id chapters { id } }`,
      `query { a: blobs(first: 2) { edges { node { ...N } } } b: blobs(first: 5) { edges { node { ...N } } } } fragment N on Blob { id ... on Blob { data } }`,
    ];
    for (const text of texts) {
      const document = parse(text);
      for (const definition of document.definitions) {
        if (definition.kind !== 'OperationDefinition') continue;
        const fragment = (name: string) =>
          document.definitions.find(
            (d) => d.kind === 'FragmentDefinition' && d.name.value === name,
          ) as never;
        const ours = analyseCost(definition, fragment, 0).cost;
        const single = {
          ...document,
          definitions: [
            definition,
            ...document.definitions.filter((d) => d.kind === 'FragmentDefinition'),
          ],
        };
        expect(ours, text).toBe(armorCost(single));
      }
    }
  });
});

describe('an unknown schema id', () => {
  it('suggests the nearest registered id in createBlob, validate, updateBlob and REST', async () => {
    const token = await h().token(h().user());
    const create = await h().gql(
      'mutation { createBlob(input: { schemaId: "text-inpt-v1", data: { content: "The ship sailed at dawn." } }) { id } }',
      {},
      token,
    );
    expect(create.errors![0]!.extensions).toEqual({
      code: 'NOT_FOUND',
      field: 'schemaId',
      suggestion: 'text-input-v1',
    });
    expect(create.errors![0]!.message).toBe(
      'Schema "text-inpt-v1" was not found. Did you mean "text-input-v1"?',
    );
    const check = await h().gql(
      '{ validate(schemaId: "Expanded-Text-V1", data: {}) { valid } }',
      {},
      token,
    );
    expect(check.errors![0]!.extensions.suggestion).toBe('expanded-text-v1');
    const rest = await h().rest<RestError>('GET', '/schemas/compiled-bok-v1', { token });
    expect(rest.status).toBe(404);
    expect(rest.body.error).toMatchObject({ code: 'NOT_FOUND', suggestion: 'compiled-book-v1' });
    expect(expectData(await h().gql(MeDocument, {}, token)).me.blobCount).toBe(0);
  });

  it('suggests the nearest in registerProcessor, and registers nothing', async () => {
    const token = await h().token(h().user('author'), { roles: ['registry-author'] });
    const id = `edges-proc-${Date.now()}`;
    const r = await h().gql(
      'mutation($input: RegisterProcessorInput!) { registerProcessor(input: $input) { id } }',
      {
        input: {
          id,
          name: 'Edges',
          version: '1.0.0',
          inputSchemaIds: ['text-input-v1', 'expanded-txt-v1', 'zzzz-nothing-like-it'],
        },
      },
      token,
    );
    expect(r.errors![0]!.extensions).toEqual({
      code: 'NOT_FOUND',
      field: 'inputSchemaIds',
      suggestion: 'expanded-text-v1',
    });
    expect(r.errors![0]!.message).toBe(
      'Unknown schemas: expanded-txt-v1 (did you mean "expanded-text-v1"?), zzzz-nothing-like-it',
    );
    expect(expectData(await h().gql(ProcessorDocument, { id }, token)).processor).toBeNull();
  });

  it('suggests nothing when no id is close, and says where to list them', async () => {
    const token = await h().token(h().user());
    const r = await h().gql(
      '{ validate(schemaId: "my-novel-notes-v9", data: {}) { valid } }',
      {},
      token,
    );
    expect(r.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND' });
    expect(r.errors![0]!.message).toContain('List the registered ones with `schemas`');
  });

  it('measures distance with a cap, so a long id costs little', () => {
    expect(boundedDistance('text-inpt-v1', 'text-input-v1', 3)).toBe(1);
    expect(boundedDistance('TEXT-INPUT-V1', 'text-input-v1', 3)).toBe(0);
    expect(boundedDistance('a'.repeat(128), 'b'.repeat(128), 3)).toBe(4);
    expect(nearest('pitch-sectons-v1', ['pitch-document-v1', 'pitch-sections-v1'])).toBe(
      'pitch-sections-v1',
    );
    expect(nearest('abc', ['xyz'])).toBeNull();
    const many = Array.from({ length: 1000 }, (_, i) => `schema-${i}-${'x'.repeat(110)}`);
    const started = performance.now();
    expect(nearest(`schema-999-${'x'.repeat(109)}y`, many)).toBe(`schema-999-${'x'.repeat(110)}`);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('CORS', () => {
  const origin = 'https://writer.example';

  it('without REYNA_ALLOWED_ORIGINS answers any origin and exposes Content-Disposition and x-request-id', async () => {
    const token = await h().token(h().user());
    const r = await raw('/graphql', {
      method: 'POST',
      headers: { origin, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: ME }),
    });
    expect(r.headers.get('access-control-allow-origin')).toBe(origin);
    expect(r.headers.get('access-control-expose-headers')).toContain('Content-Disposition');
    expect(r.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  describe('with REYNA_ALLOWED_ORIGINS', () => {
    let allowlisted: Harness;
    beforeAll(async () => {
      allowlisted = await startHarness({
        REYNA_ALLOWED_ORIGINS: `${origin}, https://other.example`,
      });
    });
    afterAll(() => stopHarness(allowlisted));

    const call = (path: string, init: RequestInit) =>
      allowlisted.app.yoga.fetch(`http://studio.test${path}`, init);

    it('answers an allowed origin on GraphQL, REST and preflight, exposing the headers', async () => {
      const token = await allowlisted.token(allowlisted.user());
      const auth = { authorization: `Bearer ${token}` };
      const responses = [
        await call('/graphql', {
          method: 'POST',
          headers: { ...auth, origin, 'content-type': 'application/json' },
          body: JSON.stringify({ query: ME }),
        }),
        await call('/schemas/text-input-v1', { headers: { ...auth, origin } }),
        await call('/files/00000000-0000-4000-8000-000000000000', { headers: { ...auth, origin } }),
      ];
      for (const res of responses) {
        expect(res.headers.get('access-control-allow-origin')).toBe(origin);
        expect(res.headers.get('access-control-expose-headers')).toMatch(
          /Content-Disposition.*x-request-id/,
        );
        expect(res.headers.get('x-request-id')).toBeTruthy();
      }
      const preflight = await call('/graphql', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://other.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://other.example');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    });

    it('gives another origin no CORS headers, so a browser page there cannot read answers', async () => {
      const token = await allowlisted.token(allowlisted.user());
      const stranger = 'https://evil.example';
      const post = await call('/graphql', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          origin: stranger,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ query: ME }),
      });
      const preflight = await call('/schemas', {
        method: 'OPTIONS',
        headers: { origin: stranger, 'access-control-request-method': 'POST' },
      });
      for (const res of [post, preflight]) {
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      }
    });
  });
});

describe('file URLs in blobs', () => {
  it('are absolute on REYNA_PUBLIC_URL and download with the token', async () => {
    const token = await h().token(h().user());
    const book = (await h().gql(CreateBookDocument, { input: { title: 'Edges' } }, token)).data!
      .createBook.id;
    const created = await h().gql(
      CreateBlobDocument,
      {
        input: {
          schemaId: 'text-input-v1',
          bookId: book,
          data: { content: 'The ship sailed at dawn.' },
        },
      },
      token,
    );
    expect(created.errors).toBeUndefined();
    const compile = await h().gql(
      CompileBookDocument,
      { bookId: book, formats: ['MARKDOWN'], useOriginals: true },
      token,
    );
    const runId = expectData(compile).compileBook.id;
    let run = null as RunQuery['run'];
    await eventually(async () => {
      run = expectData(await h().gql(RunDocument, { id: runId }, token)).run;
      return ['SUCCEEDED', 'FAILED'].includes(run?.status ?? '');
    }, 30_000);
    expect(run?.status).toBe('SUCCEEDED');
    const [file] = dataOf(run?.output, 'compiled-book-v1')?.formats ?? [];
    expect(file?.url).toBe(`${PUBLIC_URL}/files/${file?.file_id}`);
    // Behind a proxy that maps PUBLIC_URL to this server, the path under it is /files/<id>.
    const path = file?.url.slice(PUBLIC_URL.length);
    const res = await h().app.yoga.fetch(`http://studio.test${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.md"/);
  });

  it('REYNA_PUBLIC_URL must be a plain http(s) base URL; a final slash is dropped', () => {
    expect(loadConfig(testEnv({ REYNA_PUBLIC_URL: 'https://api.example.com/' })).publicUrl).toBe(
      'https://api.example.com',
    );
    expect(loadConfig(testEnv({})).publicUrl).toBeUndefined();
    for (const bad of [
      'api.example.com',
      'ftp://api.example.com',
      'https://api.example.com/?x=1',
    ]) {
      expect(() => loadConfig(testEnv({ REYNA_PUBLIC_URL: bad })), bad).toThrow(ConfigError);
      expect(() => loadConfig(testEnv({ REYNA_PUBLIC_URL: bad }))).toThrow(/REYNA_PUBLIC_URL/);
    }
  });
});
