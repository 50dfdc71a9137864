import { describe, expect, it } from 'vitest';
import { ValidateDataDocument } from '../client-sdk/index';
import { mintToken } from '../src/auth/tokens';
import type { ValidationIssue } from '../src/errors';
import { type RestError, uniqueId, useHarness } from './support/harness';

const h = useHarness();

/** A schema as the REST routes answer it. */
interface RestSchema {
  id: string;
  name: string;
  version: string;
  draft: string;
  definition: Record<string, unknown>;
  description: string | null;
  examples: unknown[];
  ownerProcessorId: string | null;
  active: boolean;
  createdAt: string;
}

/** What the validate routes answer. */
interface Validation {
  valid: boolean;
  errors: ValidationIssue[];
}

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

const notes = (id: string, extra: Record<string, unknown> = {}) => ({
  $schema: DRAFT_07,
  $id: id,
  type: 'object',
  required: ['title'],
  properties: {
    title: { type: 'string', minLength: 2 },
    mood: { type: 'string', enum: ['calm', 'tense'] },
  },
  ...extra,
});

async function restToken() {
  return h().token('rest-user', { roles: ['registry-author'] });
}

async function gqlSchema(id: string) {
  const r = await h().gql<{ schema: { id: string } | null }>(
    'query($id: ID!) { schema(id: $id) { id } }',
    { id },
    await restToken(),
  );
  return r.data!.schema;
}

describe('POST /schemas', () => {
  it('registers a bare JSON Schema body and answers 201 with the schema', async () => {
    const name = uniqueId('rest-bare');
    const definition = notes(`${name}-v1`, { description: 'Notes from REST.' });
    const r = await h().rest<RestSchema>('POST', '/schemas', {
      token: await restToken(),
      body: definition,
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: `${name}-v1`,
      name,
      version: '1.0.0',
      draft: 'draft-07',
      description: 'Notes from REST.',
      examples: [],
      ownerProcessorId: null,
      active: true,
    });
    expect(JSON.stringify(r.body.definition)).toBe(JSON.stringify(definition));
    expect(Number.isNaN(Date.parse(r.body.createdAt))).toBe(false);
    expect(await gqlSchema(`${name}-v1`)).toEqual({ id: `${name}-v1` });
  });

  it('registers a RegisterSchemaInput body with version, examples and owner', async () => {
    const name = uniqueId('rest-input');
    const definition = notes(`${name}-draft`);
    const r = await h().rest('POST', '/schemas', {
      // Naming a built-in processor as owner takes an admin.
      token: await h().token('rest-admin', { roles: ['registry-admin'] }),
      body: {
        definition,
        name,
        version: '0.3.0',
        description: 'Given explicitly.',
        examples: [{ title: 'Hi' }],
        ownerProcessorId: 'user-input',
        active: false,
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: `${name}-draft`,
      name,
      version: '0.3.0',
      description: 'Given explicitly.',
      examples: [{ title: 'Hi' }],
      ownerProcessorId: 'user-input',
      active: false,
      definition,
    });
  });

  it('answers the same error codes as GraphQL, with the same details, and writes nothing', async () => {
    const token = await restToken();
    const name = uniqueId('rest-bad');

    const invalid = await h().rest<RestError>('POST', '/schemas', {
      token,
      body: notes(`${name}-v1`, { properties: { title: { type: 'strang' } } }),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('INVALID_SCHEMA');
    expect(invalid.body.error.issues?.map((i) => i.path)).toContain('/properties/title/type');
    const viaGraphQL = await h().gql(
      'mutation($input: RegisterSchemaInput!) { registerSchema(input: $input) { id } }',
      {
        input: { definition: notes(`${name}-v1`, { properties: { title: { type: 'strang' } } }) },
      },
      token,
    );
    expect(viaGraphQL.errors![0]!.extensions.issues).toEqual(invalid.body.error.issues);

    const noId = await h().rest<RestError>('POST', '/schemas', { token, body: { type: 'string' } });
    expect(noId.status).toBe(422);
    expect(noId.body.error).toMatchObject({
      code: 'INVALID_SCHEMA',
      issues: [expect.objectContaining({ path: '/$id' })],
    });

    const badVersion = await h().rest<RestError>('POST', '/schemas', {
      token,
      body: { definition: notes(`${name}-v1`), version: '1.0' },
    });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'version' });

    const badExample = await h().rest<RestError>('POST', '/schemas', {
      token,
      body: { definition: notes(`${name}-v1`), examples: [{ title: 1 }] },
    });
    expect(badExample.status).toBe(422);
    expect(badExample.body.error.code).toBe('VALIDATION_FAILED');
    expect(badExample.body.error.issues?.[0]?.path).toBe('/examples/0/title');

    const big = await h().rest<RestError>('POST', '/schemas', {
      token,
      body: notes(`${name}-v1`, { description: 'x'.repeat(300 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: 'SCHEMA_TOO_LARGE', limit: 262144 });

    expect(await gqlSchema(`${name}-v1`)).toBeNull();
  });

  it('refuses a duplicate id with 409 SCHEMA_CONFLICT', async () => {
    const token = await restToken();
    const id = `${uniqueId('rest-dup')}-v1`;
    expect((await h().rest('POST', '/schemas', { token, body: notes(id) })).status).toBe(201);
    const again = await h().rest<RestError>('POST', '/schemas', {
      token,
      body: notes(id, { description: 'second' }),
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SCHEMA_CONFLICT');
    const stored = await h().rest<RestSchema>('GET', `/schemas/${id}`, { token });
    expect(stored.body.description).toBeNull();
  });

  it('refuses an incompatible version with 409 SCHEMA_INCOMPATIBLE listing the breaking changes', async () => {
    const token = await restToken();
    const name = uniqueId('rest-compat');
    expect((await h().rest('POST', '/schemas', { token, body: notes(`${name}-v1`) })).status).toBe(
      201,
    );
    const r = await h().rest<RestError>('POST', '/schemas', {
      token,
      body: notes(`${name}-v2`, { required: ['title', 'mood'] }),
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('SCHEMA_INCOMPATIBLE');
    expect(r.body.error.breakingChanges).toEqual([
      expect.objectContaining({ path: '/required', kind: 'REQUIRED_ADDED' }),
    ]);
    expect(await gqlSchema(`${name}-v2`)).toBeNull();
  });

  it('refuses a body that is not JSON with 400 BAD_USER_INPUT', async () => {
    const token = await restToken();
    for (const rawBody of ['{"$id": "broken-v1",', '', 'not json']) {
      const r = await h().rest<RestError>('POST', '/schemas', { token, rawBody });
      expect(r.status, JSON.stringify(rawBody)).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
    }
    expect(await gqlSchema('broken-v1')).toBeNull();
  });

  it('refuses an input body with mistyped or unknown fields with 400 BAD_USER_INPUT naming the field, as GraphQL does', async () => {
    const token = await restToken();
    const name = uniqueId('rest-typed');
    const definition = notes(`${name}-v1`);
    const cases: [Record<string, unknown>, string][] = [
      [{ definition, examples: 'not a list' }, 'examples'],
      [{ definition, compatibility: 'SOMETIMES' }, 'compatibility'],
      [{ definition, active: 'yes' }, 'active'],
      [{ definition, version: 1 }, 'version'],
      [{ definition, name: 7 }, 'name'],
      [{ definition, description: ['a'] }, 'description'],
      [{ definition, ownerProcessorId: { id: 'user-input' } }, 'ownerProcessorId'],
      [{ definition, verison: '2.0.0' }, 'verison'],
    ];
    for (const [body, field] of cases) {
      const r = await h().rest<RestError>('POST', '/schemas', { token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await gqlSchema(`${name}-v1`)).toBeNull();
    const nulls = await h().rest<RestSchema>('POST', '/schemas', {
      token,
      body: { definition, name: null, examples: null, active: null },
    });
    expect(nulls.status).toBe(201);
    expect(nulls.body).toMatchObject({ name, examples: [], active: true });
  });
});

describe('GET /schemas', () => {
  it('GET /schemas/:id answers 200 with the schema, 404 NOT_FOUND for an unknown id', async () => {
    const token = await restToken();
    const r = await h().rest<RestSchema & { definition: { properties: Record<string, unknown> } }>(
      'GET',
      '/schemas/text-input-v1',
      { token },
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: 'text-input-v1',
      name: 'text-input',
      version: '1.0.0',
      draft: 'draft-07',
      ownerProcessorId: 'user-input',
      active: true,
    });
    expect(r.body.definition.properties.content).toEqual({
      type: 'string',
      minLength: 10,
      maxLength: 50000,
    });

    const missing = await h().rest('GET', '/schemas/no-such-schema-v1', { token });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers 400 BAD_USER_INPUT, not a server error, for a badly percent-encoded id', async () => {
    const token = await restToken();
    for (const path of [
      '/schemas/%E0%A4%A',
      '/schemas/%ZZ/validate?data=1',
      '/processors/%/schemas',
    ]) {
      const r = await h().rest<RestError>('GET', path, { token });
      expect(r.status, path).toBe(400);
      expect(r.body.error.code).toBe('BAD_USER_INPUT');
    }
    const encoded = await h().rest('GET', `/schemas/${encodeURIComponent('text-input-v1')}`, {
      token,
    });
    expect(encoded.status).toBe(200);
  });

  it('GET /schemas lists schemas, filtered by name', async () => {
    const token = await restToken();
    const r = await h().rest<{ schemas: RestSchema[] }>('GET', '/schemas?name=text-input', {
      token,
    });
    expect(r.status).toBe(200);
    expect(r.body.schemas.map((s) => s.id)).toEqual(['text-input-v1', 'text-input-v2']);
    const all = await h().rest<{ schemas: RestSchema[] }>('GET', '/schemas', { token });
    expect(all.body.schemas.map((s) => s.id)).toEqual(
      expect.arrayContaining(['text-input-v1', 'expanded-text-v1']),
    );
  });
});

describe('validate routes', () => {
  it('GET /schemas/:id/validate?data= validates URL-encoded JSON', async () => {
    const token = await restToken();
    const good = encodeURIComponent(JSON.stringify({ content: 'A long enough passage.' }));
    const ok = await h().rest('GET', `/schemas/text-input-v1/validate?data=${good}`, { token });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ valid: true, errors: [] });

    const bad = encodeURIComponent(
      JSON.stringify({ content: 'short', metadata: { style: 'loud' } }),
    );
    const r = await h().rest<Validation>('GET', `/schemas/text-input-v1/validate?data=${bad}`, {
      token,
    });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors.map((e) => `${e.path} ${e.keyword}`).sort()).toEqual([
      '/content minLength',
      '/metadata/style enum',
    ]);
  });

  it('POST /schemas/:id/validate validates the body and agrees with GraphQL', async () => {
    const token = await restToken();
    const data = { metadata: { chapter: 1.5 } };
    const r = await h().rest<Validation>('POST', '/schemas/text-input-v1/validate', {
      token,
      body: data,
    });
    expect(r.status).toBe(200);
    const gql = await h().gql(ValidateDataDocument, { schemaId: 'text-input-v1', data }, token);
    expect(r.body).toEqual(gql.data!.validate);
    expect(r.body.errors.map((e) => e.path).sort()).toEqual(['/content', '/metadata/chapter']);
    const ok = await h().rest('POST', '/schemas/text-input-v1/validate', {
      token,
      body: { content: 'A long enough passage.' },
    });
    expect(ok.body).toEqual({ valid: true, errors: [] });
  });

  it('refuses missing or malformed ?data with 400, malformed POST body with 400, unknown schema with 404', async () => {
    const token = await restToken();
    const missing = await h().rest<RestError>('GET', '/schemas/text-input-v1/validate', {
      token,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'data' });
    const malformed = await h().rest<RestError>(
      'GET',
      `/schemas/text-input-v1/validate?data=${encodeURIComponent('{content:')}`,
      { token },
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'data' });
    const body = await h().rest<RestError>('POST', '/schemas/text-input-v1/validate', {
      token,
      rawBody: '{"content": ',
    });
    expect(body.status).toBe(400);
    expect(body.body.error.code).toBe('BAD_USER_INPUT');
    const unknownGet = await h().rest<RestError>(
      'GET',
      `/schemas/no-such-schema-v1/validate?data=${encodeURIComponent('{}')}`,
      { token },
    );
    expect(unknownGet.status).toBe(404);
    expect(unknownGet.body.error.code).toBe('NOT_FOUND');
    const unknownPost = await h().rest<RestError>('POST', '/schemas/no-such-schema-v1/validate', {
      token,
      body: {},
    });
    expect(unknownPost.status).toBe(404);
    expect(unknownPost.body.error.code).toBe('NOT_FOUND');
  });

  it('validates against an inactive schema', async () => {
    const token = await restToken();
    const id = `${uniqueId('rest-inactive')}-v1`;
    const created = await h().rest('POST', '/schemas', {
      token,
      body: { definition: notes(id), active: false },
    });
    expect(created.status).toBe(201);
    const r = await h().rest('POST', `/schemas/${id}/validate`, { token, body: { title: 'x' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      valid: false,
      errors: [{ path: '/title', keyword: 'minLength' }],
    });
  });
});

describe('GET /processors/:id/schemas', () => {
  it('lists text-input-v1 among the output and owned schemas of user-input', async () => {
    const r = await h().rest<{
      processorId: string;
      input: RestSchema[];
      output: RestSchema[];
      owned: RestSchema[];
    }>('GET', '/processors/user-input/schemas', { token: await restToken() });
    expect(r.status).toBe(200);
    expect(r.body.processorId).toBe('user-input');
    expect(r.body.input).toEqual([]);
    expect(r.body.output.map((s) => s.id)).toEqual(['text-input-v1', 'text-input-v2']);
    expect(r.body.owned.map((s) => s.id)).toContain('text-input-v1');
    expect(r.body.output[0]).toMatchObject({
      id: 'text-input-v1',
      name: 'text-input',
      ownerProcessorId: 'user-input',
    });
  });

  it('answers 404 NOT_FOUND for an unknown processor', async () => {
    const r = await h().rest('GET', '/processors/no-such-processor/schemas', {
      token: await restToken(),
    });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('auth and methods', () => {
  const routes: [string, string, unknown?][] = [
    ['GET', '/schemas'],
    ['GET', '/schemas/text-input-v1'],
    ['GET', `/schemas/text-input-v1/validate?data=${encodeURIComponent('{}')}`],
    ['POST', '/schemas/text-input-v1/validate', {}],
    ['GET', '/processors/user-input/schemas'],
  ];

  it('answers 401 UNAUTHENTICATED without a token on every route', async () => {
    for (const [method, path, body] of routes) {
      const r = await h().rest<RestError>(method, path, { body });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 401 UNAUTHENTICATED with a bad, forged or malformed token', async () => {
    const forged = await mintToken('some-other-secret-that-is-long-enough!', 'mallory', '1h');
    const valid = await h().token('rest-user', { roles: ['registry-author'] });
    const tampered = `${valid.slice(0, -4)}AAAA`;
    for (const token of ['not-a-jwt', forged, tampered]) {
      const r = await h().rest<RestError>('GET', '/schemas/text-input-v1', { token });
      expect(r.status, token).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
    }
    const res = await h().app.yoga.fetch('http://studio.test/schemas/text-input-v1', {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(res.status).toBe(401);
  });

  it('does not register a schema without a valid token', async () => {
    const id = `${uniqueId('rest-anon')}-v1`;
    const anon = await h().rest('POST', '/schemas', { body: notes(id) });
    expect(anon.status).toBe(401);
    const bad = await h().rest('POST', '/schemas', { token: 'not-a-jwt', body: notes(id) });
    expect(bad.status).toBe(401);
    expect(await gqlSchema(id)).toBeNull();
  });

  it('answers 405 for a method a route does not take', async () => {
    const token = await restToken();
    for (const [method, path] of [
      ['DELETE', '/schemas/text-input-v1'],
      ['PUT', '/schemas'],
      ['PATCH', '/schemas/text-input-v1/validate'],
      ['POST', '/processors/user-input/schemas'],
    ]) {
      const r = await h().rest(method!, path!, { token });
      expect(r.status, `${method} ${path}`).toBe(405);
    }
    expect((await h().rest('GET', '/schemas/text-input-v1', { token })).status).toBe(200);
  });
});
