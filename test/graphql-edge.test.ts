import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../src/http/server';
import { QUERY_LIMITS } from '../src/http/yoga';
import { useHarness } from './support/harness';

const h = useHarness();

const CREATE = `mutation($input: CreateBlobInput!) { createBlob(input: $input) { id } }`;

async function createText(token: string, content: string, parentId?: string): Promise<string> {
  const schemaId = parentId ? 'expanded-text-v1' : 'text-input-v1';
  const data = parentId ? { original: 'a', expanded: content, expansion_ratio: 2 } : { content };
  const r = await h().gql(CREATE, { input: { schemaId, data, ...(parentId ? { parentId } : {}) } }, token);
  expect(r.errors).toBeUndefined();
  return r.data!.createBlob.id;
}

/** `blob(id) { parent { parent { ... { id } } } }` with `levels` nested `parent` fields. */
function nestedParents(levels: number): string {
  return `query($id: ID!) { blob(id: $id) { ${'parent { '.repeat(levels)}id${' }'.repeat(levels)} } }`;
}

describe('query limits', () => {
  it('refuses a query deeper than maxDepth with QUERY_TOO_COMPLEX and runs nothing', async () => {
    const token = await h().token(h().user());
    const id = await createText(token, 'A deep enough root text.');
    const query = nestedParents(QUERY_LIMITS.maxDepth + 2);
    let r!: Awaited<ReturnType<ReturnType<typeof h>['gql']>>;
    const statements = await h().countQueries(async () => {
      r = await h().gql(query, { id }, token);
    });
    console.log(JSON.stringify(r));
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(statements).toBe(0);
  });

  it('refuses more than maxAliases aliases with QUERY_TOO_COMPLEX', async () => {
    const token = await h().token(h().user());
    const aliases = Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { userId }`).join(' ');
    let r!: Awaited<ReturnType<ReturnType<typeof h>['gql']>>;
    const statements = await h().countQueries(async () => {
      r = await h().gql(`{ ${aliases} }`, {}, token);
    });
    console.log(JSON.stringify(r));
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(statements).toBe(0);
  });

  it('refuses more than maxTokens tokens with QUERY_TOO_COMPLEX', async () => {
    const token = await h().token(h().user());
    const query = `{ me { ${'__typename '.repeat(QUERY_LIMITS.maxTokens)} } }`;
    const r = await h().gql(query, {}, token);
    console.log(JSON.stringify(r));
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses a too costly query with QUERY_TOO_COMPLEX', async () => {
    const token = await h().token(h().user());
    const page = 'blobs(first: 100) { edges { node { id userId processorId schemaId data size version parentId createdAt updatedAt } } }';
    const r = await h().gql(`{ a: ${page} b: ${page} }`, {}, token);
    console.log(JSON.stringify(r));
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('errors', () => {
  it('debug', async () => {
    const token = await h().token(h().user());
    for (const [q, v] of [
      ['{ me { nope } }', {}],
      ['query($id: ID!) { blob(id: $id) { id } }', { id: { a: 1 } }],
      ['query($first: Int) { blobs(first: $first) { edges { cursor } } }', { first: 'ten' }],
      ['query($id: ID!) { blob(id: $id) { id } }', {}],
      ['{ me { userId }', {}],
      ['{ blobs(first: "x") { edges { cursor } } }', {}],
    ] as const) {
      const r = await h().gql(q, v, token);
      console.log(q, JSON.stringify(r));
    }
    const res = await h().app.yoga.fetch('http://studio.test/graphql', { method: 'GET', headers: { accept: 'text/html' } });
    const html = await res.text();
    console.log(res.status, res.headers.get('content-type'), html.length, html.slice(0, 2000));
    console.log([...html.matchAll(/<(script|link)[^>]*>/g)].map((m) => m[0]));
    console.log(sql, MAX_REQUEST_BYTES);
  });
});
