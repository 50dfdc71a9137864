/**
 * Hostile JSON Schemas, sent to a real listening server: each is refused with a typed error that
 * names the limit (or, for what RE2 makes harmless, accepted and validated in linear time),
 * nothing is written, and another user's ordinary request keeps working alongside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaInspector } from '../../src/registry/schema-inspector';
import { SchemaValidator } from '../../src/registry/validator';
import { type GraphQLErrorBody, issuesOf, uniqueId, useHarness } from '../support/harness';

const h = useHarness();
let base: string;
let admin: string;
let other: string;

beforeAll(async () => {
  base = await h().app.listen();
  admin = await h().token(h().user('registrar'), { roles: ['registry-admin'] });
  other = await h().token(h().user('writer'));
});

/** GraphQL over the listening server; the answer's data is typed `T` when the test names it. */
async function gql<T = unknown>(query: string, variables: Record<string, unknown>, token: string) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T | null; errors?: GraphQLErrorBody[] };
}

const REGISTER = 'mutation($input: RegisterSchemaInput!) { registerSchema(input: $input) { id } }';
interface Registered {
  registerSchema: { id: string };
}
const CHECK =
  'query($input: RegisterSchemaInput!) { checkSchemaCompatibility(input: $input) { compatible } }';
const GET = 'query($id: ID!) { schema(id: $id) { id } }';
interface Got {
  schema: { id: string } | null;
}
const VALIDATE =
  'query($schemaId: ID!, $data: JSON!) { validate(schemaId: $schemaId, data: $data) { valid errors { path keyword } } }';
interface Validated {
  validate: { valid: boolean; errors: { path: string; keyword: string }[] };
}
const CREATE_BLOB =
  'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id schemaId } }';

/** Another user's ordinary write: a text-input-v1 blob. */
const ordinaryWrite = () =>
  gql<{ createBlob: { id: string; schemaId: string } }>(
    CREATE_BLOB,
    { input: { schemaId: 'text-input-v1', data: { content: 'An ordinary passage of text.' } } },
    other,
  );

const arrayOf = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

function fanOut(width: number, depth: number) {
  const definitions: Record<string, unknown> = { leaf: { type: 'string' } };
  for (let i = 0; i < depth; i++) {
    const next = i + 1 < depth ? `#/definitions/d${i + 1}` : '#/definitions/leaf';
    definitions[`d${i}`] = { anyOf: arrayOf(width, () => ({ $ref: next })) };
  }
  return { $ref: '#/definitions/d0', definitions };
}

const nested = (levels: number): Record<string, unknown> =>
  levels === 0 ? {} : { not: nested(levels - 1) };

const hostile: [string, Record<string, unknown>, string, string | undefined][] = [
  [
    'a backreference RE2 cannot run',
    { type: 'string', pattern: '^(a+)\\1$' },
    'INVALID_SCHEMA',
    '/pattern',
  ],
  [
    'a lookahead in patternProperties',
    { type: 'object', patternProperties: { '^(?!x)': {} } },
    'INVALID_SCHEMA',
    '/patternProperties/^(?!x)',
  ],
  ['a $ref/anyOf fan-out of 2^20', fanOut(2, 20), 'SCHEMA_TOO_COMPLEX', 'schemasPerValue'],
  ['a $ref loop that never descends', { $ref: '#' }, 'SCHEMA_TOO_COMPLEX', 'schemasPerValue'],
  [
    'an enum of 20,000 values',
    { enum: arrayOf(20_000, (i) => i) },
    'SCHEMA_TOO_COMPLEX',
    'enumValues',
  ],
  [
    'an anyOf of 3,000 branches',
    { anyOf: arrayOf(3000, (i) => ({ const: i })) },
    'SCHEMA_TOO_COMPLEX',
    'branches',
  ],
  [
    'five patterns on one string',
    { allOf: arrayOf(5, (i) => ({ pattern: `a${i}` })) },
    'SCHEMA_TOO_COMPLEX',
    'regexPerString',
  ],
  ['nesting 100 levels deep', nested(100), 'SCHEMA_TOO_LARGE', undefined],
];

describe('hostile schemas', () => {
  it.each(hostile)(
    'refuses %s with its typed error, writes nothing, and another user keeps writing',
    async (_what, body, code, limitOrPath) => {
      const id = `${uniqueId('hostile')}-v1`;
      const [r, write] = await Promise.all([
        gql<Registered>(REGISTER, { input: { definition: { $id: id, ...body } } }, admin),
        ordinaryWrite(),
      ]);
      expect(r.data?.registerSchema ?? null).toBeNull();
      const ext = r.errors![0]!.extensions;
      expect(ext.code).toBe(code);
      if (code === 'SCHEMA_TOO_COMPLEX') {
        expect(ext.limitName).toBe(limitOrPath);
        expect(typeof ext.limit).toBe('number');
        expect(r.errors![0]!.message).toContain(limitOrPath);
      } else if (code === 'INVALID_SCHEMA') {
        expect(issuesOf(r.errors![0]!).map((i) => i.path)).toContain(limitOrPath);
      } else {
        expect(ext.limit).toBe(32);
      }
      expect(write.errors).toBeUndefined();
      expect(write.data!.createBlob.schemaId).toBe('text-input-v1');
      expect((await gql<Got>(GET, { id }, other)).data!.schema).toBeNull();
    },
  );

  it('refuses the same definitions over REST with the same code and status 422', async () => {
    const id = `${uniqueId('hostile-rest')}-v1`;
    const res = await fetch(`${base}/schemas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ $id: id, ...fanOut(3, 12) }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'SCHEMA_TOO_COMPLEX', limitName: 'schemasPerValue' });
    expect((await gql<Got>(GET, { id }, other)).data!.schema).toBeNull();
  });

  it('refuses a hostile dry run (checkSchemaCompatibility) while another user keeps validating', async () => {
    const id = `${uniqueId('hostile-dry')}-v1`;
    const [r, v] = await Promise.all([
      gql(CHECK, { input: { definition: { $id: id, ...fanOut(2, 30) } } }, admin),
      gql<Validated>(VALIDATE, { schemaId: 'text-input-v1', data: { content: 'short' } }, other),
    ]);
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_TOO_COMPLEX',
      limitName: 'schemasPerValue',
    });
    expect(v.data!.validate).toEqual({
      valid: false,
      errors: [{ path: '/content', keyword: 'minLength' }],
    });
  });

  it('refuses a hostile processor configSchema with SCHEMA_TOO_COMPLEX and registers nothing', async () => {
    const id = uniqueId('proc');
    const r = await gql(
      'mutation($input: RegisterProcessorInput!) { registerProcessor(input: $input) { id } }',
      {
        input: {
          id,
          name: 'Hostile',
          version: '1.0.0',
          inputSchemaIds: ['text-input-v1'],
          outputSchemaIds: ['expanded-text-v1'],
          subscribes: ['blob.created.text-input-v1'],
          emits: [],
          configSchema: {
            type: 'object',
            properties: { mode: { enum: arrayOf(5000, (i) => `m${i}`) } },
          },
        },
      },
      admin,
    );
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_TOO_COMPLEX',
      limitName: 'enumValues',
    });
    const p = await gql<{ processor: { id: string } | null }>(
      'query($id: ID!) { processor(id: $id) { id } }',
      { id },
      admin,
    );
    expect(p.data!.processor).toBeNull();
  });
});

describe('what the linear-time engine makes harmless', () => {
  it('runs a catastrophic pattern on a long string in linear time, and another user keeps writing', async () => {
    const id = `${uniqueId('redos')}-v1`;
    const r = await gql(
      REGISTER,
      {
        input: {
          definition: {
            $id: id,
            type: 'object',
            properties: { s: { type: 'string', pattern: '^(a+)+$' } },
          },
        },
      },
      admin,
    );
    expect(r.errors).toBeUndefined();
    // A backtracking engine would not finish this in the lifetime of the test run.
    const evil = `${'a'.repeat(200_000)}!`;
    const [v, write] = await Promise.all([
      gql<Validated>(VALIDATE, { schemaId: id, data: { s: evil } }, other),
      ordinaryWrite(),
    ]);
    expect(v.data!.validate).toEqual({
      valid: false,
      errors: [{ path: '/s', keyword: 'pattern' }],
    });
    expect(write.errors).toBeUndefined();
  });

  it('validates an ordinary pattern correctly: a match and a non-match', async () => {
    const id = `${uniqueId('pattern')}-v1`;
    const definition = {
      $id: id,
      type: 'object',
      properties: {
        code: { type: 'string', pattern: '^[A-Z]{2}-\\d{3}$' },
        word: { type: 'string', pattern: '^\\u00e9t\\p{L}+$' },
      },
    };
    expect((await gql(REGISTER, { input: { definition } }, admin)).errors).toBeUndefined();
    const ok = await gql<Validated>(
      VALIDATE,
      { schemaId: id, data: { code: 'AB-123', word: 'été' } },
      other,
    );
    expect(ok.data!.validate).toEqual({ valid: true, errors: [] });
    const bad = await gql<Validated>(
      VALIDATE,
      { schemaId: id, data: { code: 'ab-1234', word: 'ete' } },
      other,
    );
    expect(bad.data!.validate).toEqual({
      valid: false,
      errors: [
        { path: '/code', keyword: 'pattern' },
        { path: '/word', keyword: 'pattern' },
      ],
    });
  });

  it('finds duplicates among many object items (uniqueItems) in one pass, whatever the key order', async () => {
    const id = `${uniqueId('unique')}-v1`;
    const definition = { $id: id, type: 'array', uniqueItems: true, items: { type: 'object' } };
    expect((await gql(REGISTER, { input: { definition } }, admin)).errors).toBeUndefined();
    const items = arrayOf(8_000, (i) => ({ a: i, b: [i, `${i}`] }));
    const distinct = await gql<Validated>(VALIDATE, { schemaId: id, data: items }, other);
    expect(distinct.data!.validate.valid).toBe(true);
    const withDuplicate = [...items, { b: [7, '7'], a: 7 }];
    const dup = await gql<Validated>(VALIDATE, { schemaId: id, data: withDuplicate }, other);
    expect(dup.data!.validate).toEqual({
      valid: false,
      errors: [{ path: '/', keyword: 'uniqueItems' }],
    });
  });

  it('refuses a document nested too deeply for a recursive schema as invalid, not a server error', async () => {
    const id = `${uniqueId('tree')}-v1`;
    const definition = {
      $id: id,
      type: 'object',
      properties: { c: { type: 'array', items: { $ref: '#' } } },
    };
    expect((await gql(REGISTER, { input: { definition } }, admin)).errors).toBeUndefined();
    let doc: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) doc = { c: [doc] };
    const r = await h().app.services.schemas.validate(id, doc);
    expect(r).toEqual({ valid: false, errors: [expect.objectContaining({ keyword: 'depth' })] });
  });
});

describe('documents', () => {
  it('refuses a document of more values than validation is bounded for, and another user keeps writing', async () => {
    const id = `${uniqueId('many')}-v1`;
    const definition = { $id: id, type: 'array', items: { type: 'integer' } };
    expect((await gql(REGISTER, { input: { definition } }, admin)).errors).toBeUndefined();
    const [r, write] = await Promise.all([
      gql<Validated>(VALIDATE, { schemaId: id, data: arrayOf(60_000, (i) => i) }, other),
      ordinaryWrite(),
    ]);
    expect(r.data!.validate).toEqual({
      valid: false,
      errors: [{ path: '/', keyword: 'maxValues' }],
    });
    expect(write.errors).toBeUndefined();
  });
});

describe('SchemaInspector', () => {
  const inspector = new SchemaInspector(new SchemaValidator(), { timeoutMs: 1 });
  afterAll(() => inspector.close());

  it('terminates a check that overruns its time limit and refuses with SCHEMA_TOO_COMPLEX checkMs', async () => {
    const definition = {
      type: 'object',
      properties: Object.fromEntries(arrayOf(200, (i) => [`p${i}`, { type: 'string' }])),
    };
    await expect(inspector.inspect(definition, [])).rejects.toMatchObject({
      code: 'SCHEMA_TOO_COMPLEX',
      details: { limitName: 'checkMs', limit: 1 },
    });
  });
});
