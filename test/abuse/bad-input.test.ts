/**
 * Bad numbers and bad input, on a real listening server: JSON that cannot round-trip is refused
 * with VALIDATION_FAILED on every path that takes JSON, and inputs that once answered
 * INTERNAL_SERVER_ERROR or HTTP 500 answer their typed error. Nothing is written, and another
 * user's request goes through alongside.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type GraphQLErrorBody, issuesOf, type RestError, useHarness } from '../support/harness';

const h = useHarness();
let base = '';
let token = '';
beforeAll(async () => {
  base = await h().app.listen();
  token = await h().token(h().user('numbers'));
});

/** A GraphQL answer's body, its data typed `D` when the test names it. */
interface Answer<D = unknown> {
  data?: D | null;
  errors?: GraphQLErrorBody[];
}

/** What `raw` gives back: the status, and the body parsed as JSON when it is JSON. */
interface Raw<T> {
  status: number;
  body: T;
}

/** POSTs a raw body (so `1e400` reaches the server as written) and reads the answer. */
async function raw<T = Answer>(
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Raw<T>> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed as T };
}

const blobCount = async () => {
  const r = await raw<Answer<{ me: { blobCount: number } }>>(
    '/graphql',
    JSON.stringify({ query: '{ me { blobCount } }' }),
  );
  return r.body.data!.me.blobCount;
};

async function bystander(): Promise<void> {
  const other = await h().token(h().user('bystander'));
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${other}` },
    body: JSON.stringify({
      query:
        'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "A passage that is fine." } }) { id } }',
    }),
  });
  const body = (await res.json()) as Answer;
  expect(body.errors).toBeUndefined();
}

describe('numbers that cannot round-trip', () => {
  const numberSchema = `numbers-${Date.now()}`;

  it('refuses 1e400 in a variable and in a literal, on createBlob, validate and registerSchema, writing nothing', async () => {
    const before = await blobCount();
    const admin = await h().token(h().user('admin'), { roles: ['registry-admin'] });
    const cases: [string, Record<string, string>?][] = [
      [
        '{"query":"mutation($d: JSON!) { createBlob(input: { schemaId: \\"text-input-v1\\", data: $d }) { id } }","variables":{"d":{"content":"Long enough text.","metadata":{"chapter":1e400}}}}',
      ],
      [
        '{"query":"mutation { createBlob(input: { schemaId: \\"text-input-v1\\", data: { content: \\"Long enough text.\\", metadata: { chapter: 1e400 } } }) { id } }"}',
      ],
      [
        '{"query":"query($d: JSON!) { validate(schemaId: \\"text-input-v1\\", data: $d) { valid } }","variables":{"d":[-1e400]}}',
      ],
      [
        `{"query":"mutation($d: JSON!) { registerSchema(input: { definition: $d }) { id } }","variables":{"d":{"$id":"${numberSchema}-v1","type":"number","maximum":1e400}}}`,
        { authorization: `Bearer ${admin}` },
      ],
    ];
    const results = await Promise.all([
      ...cases.map(([body, headers]) => raw('/graphql', body, headers)),
      bystander(),
    ]);
    for (const r of results.slice(0, cases.length) as Raw<Answer>[]) {
      expect(r.body.errors?.[0]?.extensions?.code, JSON.stringify(r.body)).toBe(
        'VALIDATION_FAILED',
      );
      expect(JSON.stringify(r.body.errors![0]!.extensions.issues)).toMatch(/finite/);
    }
    expect(await blobCount()).toBe(before);
    const schema = await raw<Answer<{ schema: { id: string } | null }>>(
      '/graphql',
      JSON.stringify({ query: `{ schema(id: "${numberSchema}-v1") { id } }` }),
    );
    expect(schema.body.data!.schema).toBeNull();
  });

  it('names the path of the number that overflows', async () => {
    const r = await raw(
      '/graphql',
      '{"query":"query($d: JSON!) { validate(schemaId: \\"text-input-v1\\", data: $d) { valid } }","variables":{"d":{"a":[0,{"b/c":1e999}]}}}',
    );
    expect(issuesOf(r.body.errors![0]!)[0]!.path).toBe('/a/1/b~1c');
  });

  it('refuses 1e400 over REST: a validate body, a ?data= parameter and a schema body', async () => {
    const body = await raw<RestError>(
      '/schemas/text-input-v1/validate',
      '{"content":"Long enough text.","n":1e400}',
    );
    expect(body.status).toBe(422);
    expect(body.body.error.code).toBe('VALIDATION_FAILED');
    const query = await fetch(
      `${base}/schemas/text-input-v1/validate?data=${encodeURIComponent('[1e400]')}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(query.status).toBe(422);
    const admin = await h().token(h().user('admin'), { roles: ['registry-admin'] });
    const schema = await raw<RestError>(
      '/schemas',
      `{"$id":"${numberSchema}-rest-v1","maximum":1e400}`,
      {
        authorization: `Bearer ${admin}`,
      },
    );
    expect(schema.status).toBe(422);
    expect(schema.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('inputs that used to answer 500', () => {
  it('refuses what the database cannot store (NUL, lone surrogates, deep nesting) with VALIDATION_FAILED, writing nothing', async () => {
    const before = await blobCount();
    const create = (data: string) =>
      raw(
        '/graphql',
        `{"query":"mutation($d: JSON!) { createBlob(input: { schemaId: \\"text-input-v1\\", data: $d }) { id } }","variables":{"d":${data}}}`,
      );
    const deep = `{"content":"Long enough text.","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const results = await Promise.all([
      create('{"content":"Long enough \\u0000 text."}'),
      create('{"content":"Long enough text.","k\\u0000":1}'),
      create('{"content":"Long enough \\ud800 text."}'),
      create(deep),
      raw(
        '/graphql',
        '{"query":"mutation { createBook(input: { title: \\"a\\u0000b\\" }) { id } }"}',
      ),
      raw(
        '/graphql',
        '{"query":"mutation($t: String!) { createBook(input: { title: $t }) { id } }","variables":{"t":"\\udc00 title"}}',
      ),
      bystander(),
    ]);
    // The same operation text again: its literal is still refused (the walk of a document's
    // literals is kept per document, and the parse cache hands this request the same one).
    const again = await raw(
      '/graphql',
      '{"query":"mutation { createBook(input: { title: \\"a\\u0000b\\" }) { id } }"}',
    );
    const answers = [...results.slice(0, 6), again] as Raw<Answer>[];
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(r.body.errors?.[0]?.extensions?.code, JSON.stringify(r.body).slice(0, 300)).toBe(
        'VALIDATION_FAILED',
      );
    }
    expect(JSON.stringify(answers[3]!.body.errors![0]!.extensions.issues)).toMatch(
      /deeper than 128/,
    );
    expect(await blobCount()).toBe(before);
  });

  it('answers subscribe-time argument errors over SSE with their typed error, not a 500', async () => {
    for (const query of [
      'subscription { blobDerived { derivedId } }',
      'subscription { blobDerived(parentId: "not-a-uuid") { derivedId } }',
      'subscription { blobDerived(bookId: "00000000-0000-4000-8000-000000000000") { derivedId } }',
    ]) {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ query }),
      });
      const text = await res.text();
      expect(res.status, `${query}: ${text}`).toBe(200);
      expect(text, query).toMatch(/"code":"(BAD_USER_INPUT|NOT_FOUND)"/);
      expect(text, query).toMatch(/event: complete/);
    }
  });
});
