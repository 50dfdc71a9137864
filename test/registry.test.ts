import { describe, expect, it } from 'vitest';
import {
  type CompatibilityMode,
  CreateBlobDocument,
  ValidateDataDocument,
} from '../client-sdk/index';
import { createApp } from '../src/app';
import type { BreakingChange } from '../src/errors';
import { TEXT_INPUT_V2 } from '../src/registry/builtin-schemas';
import { type GraphQLResponse, issuesOf, nodes, uniqueId, useHarness } from './support/harness';

const h = useHarness();
/** Registering needs a registry role; reading and validating do not. */
const author = (sub: string) => h().token(sub, { roles: ['registry-author'] });

const SCHEMA_FIELDS =
  'id name version draft definition description examples active compatibility ownerProcessor { id }';
/** A JSON Schema as the registry gives it back: a JSON object, its `properties` read by name. */
type Definition = Record<string, unknown> & { properties?: Record<string, unknown> };
/** A schema with SCHEMA_FIELDS. */
interface SchemaAnswer {
  id: string;
  name: string;
  version: string;
  draft: string;
  definition: Definition;
  description: string | null;
  examples: unknown[];
  active: boolean;
  compatibility: CompatibilityMode;
  ownerProcessor: { id: string } | null;
}
const REGISTER = `mutation($input: RegisterSchemaInput!) { registerSchema(input: $input) { ${SCHEMA_FIELDS} } }`;
const GET = `query($id: ID!) { schema(id: $id) { ${SCHEMA_FIELDS} } }`;
const BY_NAME = 'query($name: String) { schemas(name: $name) { edges { node { id version } } } }';
interface ByName {
  schemas: { edges: { node: { id: string; version: string } }[] };
}
/** The dry run with the fields of a compatibility check only (no bump, no suggested version). */
const CHECK = `query($input: RegisterSchemaInput!) {
  checkSchemaCompatibility(input: $input) { compatible mode previousId breakingChanges { path kind message } }
}`;
interface Checked {
  checkSchemaCompatibility: {
    compatible: boolean;
    mode: CompatibilityMode;
    previousId: string | null;
    breakingChanges: BreakingChange[];
  };
}
const SET_ACTIVE =
  'mutation($id: ID!, $active: Boolean!) { setSchemaActive(id: $id, active: $active) { id active } }';
interface SetActive {
  setSchemaActive: { id: string; active: boolean };
}
const SET_MODE =
  'mutation($name: String!, $mode: CompatibilityMode!) { setSchemaCompatibility(name: $name, mode: $mode) }';
interface SetMode {
  setSchemaCompatibility: CompatibilityMode;
}

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

type Input = Record<string, unknown>;

async function register(input: Input, token?: string) {
  return h().gql<{ registerSchema: SchemaAnswer }>(
    REGISTER,
    { input },
    token ?? (await author('registrar')),
  );
}

async function schemaById(id: string) {
  const r = await h().gql<{ schema: SchemaAnswer | null }>(GET, { id }, await h().token('reader'));
  expect(r.errors).toBeUndefined();
  return r.data!.schema;
}

async function versionsOf(name: string) {
  const r = await h().gql<ByName>(BY_NAME, { name }, await h().token('reader'));
  expect(r.errors).toBeUndefined();
  return nodes(r.data!.schemas);
}

interface SchemaPage {
  schemas: {
    edges: { node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** Every schema id, walking every page of `schemas`. */
async function allSchemaIds() {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const r: GraphQLResponse<SchemaPage> = await h().gql<SchemaPage>(
      'query($after: String) { schemas(after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
      { after },
      await h().token('reader'),
    );
    expect(r.errors).toBeUndefined();
    ids.push(...nodes(r.data!.schemas).map((s) => s.id));
    if (!r.data!.schemas.pageInfo.hasNextPage) return ids.sort();
    after = r.data!.schemas.pageInfo.endCursor;
  }
}

/** A small draft-07 object schema of one name, version `v`. */
const notesV = (name: string, v: number, extra: Input = {}) => ({
  $schema: DRAFT_07,
  $id: `${name}-v${v}`,
  type: 'object',
  required: ['title'],
  properties: {
    title: { type: 'string' },
    mood: { type: 'string', enum: ['calm', 'tense', 'joyful'] },
  },
  ...extra,
});

describe('registerSchema', () => {
  it('registers a draft-07 schema and gives back the definition exactly as submitted, key order included', async () => {
    const name = uniqueId('chapter-notes');
    const definition = {
      $schema: DRAFT_07,
      $id: `${name}-v1`,
      title: 'Chapter notes',
      type: 'object',
      required: ['summary'],
      properties: {
        zeta: { type: 'integer', minimum: 0 },
        summary: { type: 'string', minLength: 3 },
        alpha: { type: 'array', items: { type: 'string' } },
      },
      additionalProperties: false,
    };
    const examples = [{ summary: 'The storm breaks.', zeta: 2 }];
    // Naming a built-in processor as owner takes an admin.
    const r = await register(
      {
        definition,
        description: 'Notes kept per chapter.',
        examples,
        ownerProcessorId: 'user-input',
      },
      await h().token('registrar', { roles: ['registry-admin'] }),
    );
    expect(r.errors).toBeUndefined();
    const s = r.data!.registerSchema;
    expect(s).toEqual({
      id: `${name}-v1`,
      name,
      version: '1.0.0',
      draft: 'draft-07',
      definition,
      description: 'Notes kept per chapter.',
      examples,
      active: true,
      compatibility: 'BACKWARD',
      ownerProcessor: { id: 'user-input' },
    });
    expect(JSON.stringify(s.definition)).toBe(JSON.stringify(definition));

    const stored = (await schemaById(`${name}-v1`))!;
    expect(stored).toEqual(s);
    expect(JSON.stringify(stored.definition)).toBe(JSON.stringify(definition));
    expect(Object.keys(stored.definition.properties!)).toEqual(['zeta', 'summary', 'alpha']);
  });

  it('registers a 2020-12 schema and validates data with 2020-12 keywords', async () => {
    const name = uniqueId('scene-pair');
    const definition = {
      $schema: DRAFT_2020,
      $id: `${name}-v3`,
      type: 'object',
      properties: {
        pair: {
          type: 'array',
          prefixItems: [{ type: 'string' }, { type: 'integer' }],
          items: false,
        },
      },
      dependentRequired: { pair: ['label'] },
      $defs: { label: { type: 'string' } },
    };
    const r = await register({
      definition,
      version: '3.1.4',
      examples: [{ pair: ['a', 1], label: 'x' }],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerSchema).toMatchObject({
      id: `${name}-v3`,
      name,
      version: '3.1.4',
      draft: '2020-12',
      definition,
      description: null,
      examples: [{ pair: ['a', 1], label: 'x' }],
      active: true,
      ownerProcessor: null,
    });
    expect(JSON.stringify(r.data!.registerSchema.definition)).toBe(JSON.stringify(definition));

    const token = await h().token('reader');
    const ok = await h().gql(
      ValidateDataDocument,
      { schemaId: `${name}-v3`, data: { pair: ['a', 1], label: 'x' } },
      token,
    );
    expect(ok.data!.validate).toEqual({ valid: true, errors: [] });
    const bad = await h().gql(
      ValidateDataDocument,
      { schemaId: `${name}-v3`, data: { pair: [1, 'a', 'extra'] } },
      token,
    );
    expect(bad.data!.validate.valid).toBe(false);
    const failures = bad.data!.validate.errors.map((e) => `${e.path} ${e.keyword}`).sort();
    expect(failures).toEqual([
      '/ dependentRequired',
      '/pair items',
      '/pair/0 type',
      '/pair/1 type',
    ]);
  });

  it('takes the description and examples from the definition when the input gives none', async () => {
    const name = uniqueId('blurb');
    const definition = {
      $id: `${name}-v1`,
      description: 'A back-cover blurb.',
      type: 'string',
      examples: ['A tale of two ships.'],
    };
    const r = await register({ definition });
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerSchema).toMatchObject({
      draft: 'draft-07',
      description: 'A back-cover blurb.',
      examples: ['A tale of two ships.'],
    });
  });
});

describe('registerSchema refusals write nothing', () => {
  it('refuses an invalid definition with INVALID_SCHEMA naming the failing paths', async () => {
    const before = await allSchemaIds();
    const name = uniqueId('broken');
    const cases: [Input, string][] = [
      [{ type: 'object', properties: { title: { type: 'strang' } } }, '/properties/title/type'],
      [
        { type: 'object', properties: { title: { type: 'string', minLength: -1 } } },
        '/properties/title/minLength',
      ],
    ];
    for (const [body, path] of cases) {
      const r = await register({ definition: { $schema: DRAFT_07, $id: `${name}-v1`, ...body } });
      expect(r.data).toBeNull();
      expect(r.errors![0]!.extensions.code).toBe('INVALID_SCHEMA');
      expect(issuesOf(r.errors![0]!).map((i) => i.path)).toContain(path);
    }
    expect(await schemaById(`${name}-v1`)).toBeNull();
    expect(await allSchemaIds()).toEqual(before);
  });

  it('refuses an unknown keyword (a typo such as "requried") with INVALID_SCHEMA', async () => {
    const name = uniqueId('typo');
    const r = await register({
      definition: { $id: `${name}-v1`, type: 'object', requried: ['title'] },
    });
    expect(r.errors![0]!.extensions.code).toBe('INVALID_SCHEMA');
    expect(r.errors![0]!.message).toMatch(/requried/);
    expect(await schemaById(`${name}-v1`)).toBeNull();
    expect(await versionsOf(name)).toEqual([]);
  });

  it('refuses an unknown $schema with INVALID_SCHEMA at /$schema', async () => {
    const name = uniqueId('meta');
    for (const $schema of [
      'http://json-schema.org/draft-04/schema#',
      'https://example.com/my-meta',
      7,
    ]) {
      const r = await register({ definition: { $schema, $id: `${name}-v1`, type: 'string' } });
      expect(r.errors![0]!.extensions.code).toBe('INVALID_SCHEMA');
      expect(r.errors![0]!.extensions.issues).toEqual([
        expect.objectContaining({ path: '/$schema' }),
      ]);
    }
    expect(await schemaById(`${name}-v1`)).toBeNull();
  });

  it('refuses a missing or malformed $id with INVALID_SCHEMA at /$id', async () => {
    const before = await allSchemaIds();
    for (const $id of [
      undefined,
      '',
      'has space-v1',
      '../escape-v1',
      '-leading-dash',
      'x'.repeat(129),
      42,
    ]) {
      const definition = {
        $schema: DRAFT_07,
        ...($id === undefined ? {} : { $id }),
        type: 'string',
      };
      const r = await register({ definition, name: uniqueId('no-id'), version: '1.0.0' });
      expect(r.errors![0]!.extensions.code, `$id ${JSON.stringify($id)}`).toBe('INVALID_SCHEMA');
      expect(r.errors![0]!.extensions.issues).toEqual([expect.objectContaining({ path: '/$id' })]);
    }
    expect(await allSchemaIds()).toEqual(before);
  });

  it('refuses a $ref to another registered schema every time, whether or not that schema was used before', async () => {
    const token = await author('registrar');
    const name = uniqueId('cross-ref');
    const definition = { $id: `${name}-v1`, $ref: 'text-input-v1' };
    const before = await register({ definition }, token);
    expect(before.errors![0]!.extensions.code).toBe('INVALID_SCHEMA');
    const used = await h().gql(
      ValidateDataDocument,
      { schemaId: 'text-input-v1', data: { content: 'A long enough passage.' } },
      token,
    );
    expect(used.data!.validate.valid).toBe(true);
    const after = await register({ definition }, token);
    expect(after.errors![0]!.extensions.code).toBe('INVALID_SCHEMA');
    expect(await schemaById(`${name}-v1`)).toBeNull();
  });

  it('refuses a definition that is not a JSON object with INVALID_SCHEMA', async () => {
    const before = await allSchemaIds();
    for (const definition of [[], 'a string', 12, true]) {
      const r = await register({ definition });
      expect(r.errors![0]!.extensions.code).toBe('INVALID_SCHEMA');
    }
    expect(await allSchemaIds()).toEqual(before);
  });

  it('refuses an id that already exists with SCHEMA_CONFLICT and leaves the first one unchanged', async () => {
    const name = uniqueId('dup');
    const first = await register({ definition: notesV(name, 1), description: 'first' });
    expect(first.errors).toBeUndefined();
    const again = await register({
      definition: notesV(name, 1, { title: 'changed' }),
      version: '2.0.0',
      description: 'second',
    });
    expect(again.errors![0]!.extensions.code).toBe('SCHEMA_CONFLICT');
    const stored = await schemaById(`${name}-v1`);
    expect(stored).toMatchObject({
      version: '1.0.0',
      description: 'first',
      definition: notesV(name, 1),
    });
    expect(await versionsOf(name)).toEqual([{ id: `${name}-v1`, version: '1.0.0' }]);
  });

  it('refuses a version equal to or lower than the latest of the name with SCHEMA_CONFLICT', async () => {
    const name = uniqueId('ordered');
    expect(
      (await register({ definition: notesV(name, 2), version: '2.0.0' })).errors,
    ).toBeUndefined();
    for (const [i, version] of ['2.0.0', '1.9.9', '0.1.0'].entries()) {
      const r = await register({
        definition: notesV(name, 2, { $id: `${name}-alt${i}` }),
        name,
        version,
      });
      expect(r.errors![0]!.extensions, version).toMatchObject({
        code: 'SCHEMA_CONFLICT',
        field: 'version',
      });
      expect(await schemaById(`${name}-alt${i}`)).toBeNull();
    }
    expect(await versionsOf(name)).toEqual([{ id: `${name}-v2`, version: '2.0.0' }]);
    const higher = await register({
      definition: notesV(name, 2, { $id: `${name}-alt` }),
      name,
      version: '2.0.1',
    });
    expect(higher.errors).toBeUndefined();
  });

  it('refuses a definition over 256 KiB with SCHEMA_TOO_LARGE and accepts one at the limit', async () => {
    const name = uniqueId('huge');
    const definition = (id: string, size: number) => {
      const shell = { $id: id, type: 'string', description: '' };
      return { ...shell, description: 'x'.repeat(size - JSON.stringify(shell).length) };
    };
    const over = definition(`${name}-v1`, 256 * 1024 + 1);
    expect(JSON.stringify(over).length).toBe(256 * 1024 + 1);
    const r = await register({ definition: over });
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_TOO_LARGE',
      limit: 262144,
      actual: 262145,
    });
    expect(await schemaById(`${name}-v1`)).toBeNull();
    const at = await register({ definition: definition(`${name}-v2`, 256 * 1024) });
    expect(at.errors).toBeUndefined();
  });

  it('refuses nesting deeper than 32 levels with SCHEMA_TOO_LARGE and accepts 32', async () => {
    const name = uniqueId('deep');
    const nested = (levels: number): Input => (levels === 0 ? {} : { not: nested(levels - 1) });
    const r = await register({ definition: { $id: `${name}-v1`, ...nested(33) } });
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'SCHEMA_TOO_LARGE', limit: 32 });
    expect(await schemaById(`${name}-v1`)).toBeNull();
    const ok = await register({ definition: { $id: `${name}-v1`, ...nested(32) } });
    expect(ok.errors).toBeUndefined();
    const deeper = await register({ definition: { $id: `${name}-v2`, ...nested(100) } });
    expect(deeper.errors![0]!.extensions.code).toBe('SCHEMA_TOO_LARGE');
    // Past 128 levels the JSON itself cannot be stored, whatever it is for.
    const deepest = await register({ definition: { $id: `${name}-v2`, ...nested(200) } });
    expect(deepest.errors![0]!.extensions.code).toBe('VALIDATION_FAILED');
  });

  it('refuses an example that does not validate against the schema itself with VALIDATION_FAILED', async () => {
    const name = uniqueId('bad-example');
    const r = await register({ definition: notesV(name, 1), examples: [{ title: 5 }] });
    expect(r.errors![0]!.extensions.code).toBe('VALIDATION_FAILED');
    const paths = issuesOf(r.errors![0]!).map((i) => i.path);
    expect(paths).toEqual(['/examples/0/title']);
    const second = await register({
      definition: notesV(name, 1),
      examples: [{ title: 'ok' }, { mood: 'calm' }],
    });
    expect(issuesOf(second.errors![0]!).map((i) => i.path)).toEqual(['/examples/1/title']);
    const inDefinition = await register({
      definition: notesV(name, 1, { examples: ['not an object'] }),
    });
    expect(issuesOf(inDefinition.errors![0]!).map((i) => i.path)).toEqual(['/examples/0']);
    expect(await schemaById(`${name}-v1`)).toBeNull();
  });

  it('refuses a version that is not plain semver with BAD_USER_INPUT on version', async () => {
    const name = uniqueId('semver');
    for (const version of ['1.0', 'v1.0.0', '1.0.0-beta.1', 'one', ' 1.0.0']) {
      const r = await register({ definition: notesV(name, 1), version });
      expect(r.errors![0]!.extensions, version).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'version',
      });
    }
    const noVersion = await register({ definition: { $id: `${name}-latest`, type: 'string' } });
    expect(noVersion.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'version',
    });
    expect(await versionsOf(name)).toEqual([]);
  });

  it('refuses an unknown ownerProcessorId with NOT_FOUND', async () => {
    const name = uniqueId('orphan');
    const r = await register({
      definition: notesV(name, 1),
      ownerProcessorId: 'no-such-processor',
    });
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'ownerProcessorId',
    });
    expect(await schemaById(`${name}-v1`)).toBeNull();
  });

  it('refuses registration without a token with UNAUTHENTICATED', async () => {
    const name = uniqueId('anon');
    const r = await h().gql(REGISTER, { input: { definition: notesV(name, 1) } }, null);
    expect(r.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(await schemaById(`${name}-v1`)).toBeNull();
  });
});

describe('compatibility between versions', () => {
  /** The breaking changes the answer's first error lists (SCHEMA_INCOMPATIBLE). */
  const breakingChangesOf = (r: GraphQLResponse<unknown, unknown>): BreakingChange[] => {
    const changes = r.errors?.[0]?.extensions.breakingChanges;
    expect(Array.isArray(changes), JSON.stringify(r.errors)).toBe(true);
    return changes as BreakingChange[];
  };
  const kinds = (r: GraphQLResponse<unknown, unknown>) =>
    breakingChangesOf(r).map((c) => ({
      path: c.path,
      kind: c.kind,
    }));

  it('under BACKWARD (default) refuses a new required property with SCHEMA_INCOMPATIBLE and writes nothing', async () => {
    const name = uniqueId('compat-req');
    expect((await register({ definition: notesV(name, 1) })).errors).toBeUndefined();
    const v2 = notesV(name, 2, {
      required: ['title', 'author'],
      properties: { ...notesV(name, 1).properties, author: { type: 'string' } },
    });
    const r = await register({ definition: v2 });
    expect(r.errors![0]!.extensions.code).toBe('SCHEMA_INCOMPATIBLE');
    expect(kinds(r)).toEqual([{ path: '/required', kind: 'REQUIRED_ADDED' }]);
    expect(breakingChangesOf(r)[0]!.message).toMatch(/author/);
    expect(await schemaById(`${name}-v2`)).toBeNull();
    expect(await versionsOf(name)).toEqual([{ id: `${name}-v1`, version: '1.0.0' }]);
  });

  it('under BACKWARD accepts a new optional property', async () => {
    const name = uniqueId('compat-opt');
    await register({ definition: notesV(name, 1) });
    const v2 = notesV(name, 2, {
      properties: { ...notesV(name, 1).properties, author: { type: 'string' } },
    });
    const r = await register({ definition: v2 });
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerSchema).toMatchObject({
      id: `${name}-v2`,
      name,
      version: '2.0.0',
      compatibility: 'BACKWARD',
    });
    expect(await versionsOf(name)).toEqual([
      { id: `${name}-v1`, version: '1.0.0' },
      { id: `${name}-v2`, version: '2.0.0' },
    ]);
  });

  it('under BACKWARD refuses removing an enum value', async () => {
    const name = uniqueId('compat-enum');
    await register({ definition: notesV(name, 1) });
    const v2 = notesV(name, 2, {
      properties: { title: { type: 'string' }, mood: { type: 'string', enum: ['calm', 'tense'] } },
    });
    const r = await register({ definition: v2 });
    expect(r.errors![0]!.extensions.code).toBe('SCHEMA_INCOMPATIBLE');
    expect(kinds(r)).toEqual([{ path: '/properties/mood/enum', kind: 'ENUM_VALUE_REMOVED' }]);
    expect(await schemaById(`${name}-v2`)).toBeNull();
  });

  it('under FORWARD set at first registration refuses widening and accepts narrowing', async () => {
    const name = uniqueId('compat-fwd');
    const v1 = await register({ definition: notesV(name, 1), compatibility: 'FORWARD' });
    expect(v1.data!.registerSchema.compatibility).toBe('FORWARD');
    const addedValue = await register({
      definition: notesV(name, 2, {
        properties: {
          title: { type: 'string' },
          mood: { type: 'string', enum: ['calm', 'tense', 'joyful', 'grim'] },
        },
      }),
    });
    expect(addedValue.errors![0]!.extensions.code).toBe('SCHEMA_INCOMPATIBLE');
    expect(kinds(addedValue)).toEqual([
      { path: '/properties/mood/enum', kind: 'ENUM_VALUE_ADDED' },
    ]);
    const droppedRequired = await register({ definition: notesV(name, 2, { required: [] }) });
    expect(droppedRequired.errors![0]!.extensions.code).toBe('SCHEMA_INCOMPATIBLE');
    expect(kinds(droppedRequired)).toEqual([{ path: '/required', kind: 'REQUIRED_REMOVED' }]);
    expect(await schemaById(`${name}-v2`)).toBeNull();

    const narrowed = await register({
      definition: notesV(name, 2, { required: ['title', 'mood'] }),
    });
    expect(narrowed.errors).toBeUndefined();
    expect(narrowed.data!.registerSchema.compatibility).toBe('FORWARD');
  });

  it('setSchemaCompatibility switches the mode for later versions, for the registrant only', async () => {
    const name = uniqueId('compat-set');
    const owner = await author(h().user('owner'));
    await register({ definition: notesV(name, 1) }, owner);
    const other = await h().gql<SetMode>(
      SET_MODE,
      { name, mode: 'NONE' },
      await author(h().user('other')),
    );
    expect(other.errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect((await schemaById(`${name}-v1`))!.compatibility).toBe('BACKWARD');

    const set = await h().gql<SetMode>(SET_MODE, { name, mode: 'FORWARD' }, owner);
    expect(set.errors).toBeUndefined();
    expect(set.data!.setSchemaCompatibility).toBe('FORWARD');
    expect((await schemaById(`${name}-v1`))!.compatibility).toBe('FORWARD');
    const widened = await register({ definition: notesV(name, 2, { required: [] }) }, owner);
    expect(widened.errors![0]!.extensions.code).toBe('SCHEMA_INCOMPATIBLE');
    expect(kinds(widened)).toEqual([{ path: '/required', kind: 'REQUIRED_REMOVED' }]);

    const unknown = await h().gql<SetMode>(
      SET_MODE,
      { name: uniqueId('never-registered'), mode: 'FULL' },
      owner,
    );
    expect(unknown.errors![0]!.extensions.code).toBe('NOT_FOUND');
  });

  it('under FULL refuses both narrowing and widening but accepts an annotation change', async () => {
    const name = uniqueId('compat-full');
    await register({ definition: notesV(name, 1), compatibility: 'FULL' });
    const narrowed = await register({
      definition: notesV(name, 2, { required: ['title', 'mood'] }),
    });
    expect(narrowed.errors![0]!.extensions.code).toBe('SCHEMA_INCOMPATIBLE');
    expect(kinds(narrowed)).toEqual([{ path: '/required', kind: 'REQUIRED_ADDED' }]);
    const widened = await register({
      definition: notesV(name, 2, {
        properties: {
          title: { type: 'string' },
          mood: { type: 'string', enum: ['calm', 'tense', 'joyful', 'grim'] },
        },
      }),
    });
    expect(widened.errors![0]!.extensions.code).toBe('SCHEMA_INCOMPATIBLE');
    expect(kinds(widened)).toEqual([{ path: '/properties/mood/enum', kind: 'ENUM_VALUE_ADDED' }]);
    expect(await schemaById(`${name}-v2`)).toBeNull();

    const annotated = await register({
      definition: notesV(name, 2, { title: 'Notes', description: 'Same documents, better words.' }),
    });
    expect(annotated.errors).toBeUndefined();
  });

  it('under NONE accepts any change', async () => {
    const name = uniqueId('compat-none');
    await register({ definition: notesV(name, 1), compatibility: 'NONE' });
    const r = await register({
      definition: { $id: `${name}-v2`, type: 'array', items: { type: 'integer' } },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerSchema).toMatchObject({ version: '2.0.0', compatibility: 'NONE' });
  });

  it('checkSchemaCompatibility reports what would break without registering anything', async () => {
    const name = uniqueId('dry-run');
    const token = await author('registrar');
    const first = await h().gql<Checked>(CHECK, { input: { definition: notesV(name, 1) } }, token);
    expect(first.data!.checkSchemaCompatibility).toEqual({
      compatible: true,
      mode: 'BACKWARD',
      previousId: null,
      breakingChanges: [],
    });
    expect(await versionsOf(name)).toEqual([]);

    await register({ definition: notesV(name, 1) });
    const breaking = notesV(name, 2, {
      required: ['title', 'author'],
      properties: {
        title: { type: 'string' },
        mood: { type: 'string', enum: ['calm'] },
        author: { type: 'string' },
      },
    });
    const r = await h().gql<Checked>(CHECK, { input: { definition: breaking } }, token);
    expect(r.errors).toBeUndefined();
    const report = r.data!.checkSchemaCompatibility;
    expect(report).toMatchObject({ compatible: false, mode: 'BACKWARD', previousId: `${name}-v1` });
    expect(report.breakingChanges.map((c) => `${c.path} ${c.kind}`).sort()).toEqual([
      '/properties/mood/enum ENUM_VALUE_REMOVED',
      '/required REQUIRED_ADDED',
    ]);

    const fine = notesV(name, 2, {
      properties: { ...notesV(name, 1).properties, author: { type: 'string' } },
    });
    const ok = await h().gql<Checked>(CHECK, { input: { definition: fine } }, token);
    expect(ok.data!.checkSchemaCompatibility).toEqual({
      compatible: true,
      mode: 'BACKWARD',
      previousId: `${name}-v1`,
      breakingChanges: [],
    });
    expect(await schemaById(`${name}-v2`)).toBeNull();
    expect(await versionsOf(name)).toEqual([{ id: `${name}-v1`, version: '1.0.0' }]);

    // The dry run left no trace: the same definition still registers.
    const registered = await register({ definition: fine });
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.registerSchema.id).toBe(`${name}-v2`);
  });

  it('checkSchemaCompatibility refuses the same bad input registerSchema refuses', async () => {
    const token = await author('registrar');
    const r = await h().gql<Checked>(
      CHECK,
      { input: { definition: { $id: `${uniqueId('dry')}-v1`, type: 'strang' } } },
      token,
    );
    expect(r.errors![0]!.extensions.code).toBe('INVALID_SCHEMA');
  });
});

describe('validate', () => {
  it('reports each failing value of a text-input-v1 document by JSON Pointer', async () => {
    const token = await h().token('validator');
    const cases: [unknown, { path: string; keyword: string }[]][] = [
      [{ content: 'A long enough passage.' }, []],
      [{ content: 'short' }, [{ path: '/content', keyword: 'minLength' }]],
      [
        { content: 'A long enough passage.', metadata: { style: 'loud' } },
        [{ path: '/metadata/style', keyword: 'enum' }],
      ],
      [
        { metadata: { chapter: 'one' } },
        [
          { path: '/content', keyword: 'required' },
          { path: '/metadata/chapter', keyword: 'type' },
        ],
      ],
      ['just a string', [{ path: '/', keyword: 'type' }]],
    ];
    for (const [data, expected] of cases) {
      const r = await h().gql(ValidateDataDocument, { schemaId: 'text-input-v1', data }, token);
      expect(r.errors).toBeUndefined();
      const result = r.data!.validate;
      expect(result.valid, JSON.stringify(data)).toBe(expected.length === 0);
      const got = result.errors.map((e) => ({
        path: e.path,
        keyword: e.keyword,
      }));
      expect(got.sort((a, b) => a.path.localeCompare(b.path))).toEqual(expected);
      for (const e of result.errors) expect(e.message).toEqual(expect.any(String));
    }
  });

  it('refuses an unknown schema id with NOT_FOUND', async () => {
    const r = await h().gql(
      ValidateDataDocument,
      { schemaId: 'no-such-schema-v9', data: {} },
      await h().token('validator'),
    );
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe('NOT_FOUND');
  });

  it('validates against a freshly registered schema', async () => {
    const name = uniqueId('fresh');
    await register({ definition: notesV(name, 1) });
    const token = await h().token('validator');
    const r = await h().gql(
      ValidateDataDocument,
      { schemaId: `${name}-v1`, data: { mood: 'grim' } },
      token,
    );
    expect(r.data!.validate.valid).toBe(false);
    expect(r.data!.validate.errors.map((e) => e.path).sort()).toEqual(['/mood', '/title']);
  });
});

describe('built-in schemas', () => {
  const TEXT_INPUT_V1 = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'text-input-v1',
    type: 'object',
    required: ['content'],
    properties: {
      content: { type: 'string', minLength: 10, maxLength: 50000 },
      metadata: {
        type: 'object',
        properties: {
          book_id: { type: 'string' },
          chapter: { type: 'integer' },
          style: { type: 'string', enum: ['formal', 'casual', 'creative'] },
        },
      },
    },
  };
  const TEXT_INPUT_VERSIONS = [
    { id: 'text-input-v1', version: '1.0.0' },
    { id: 'text-input-v2', version: '2.0.0' },
  ];
  const EXPANDED_TEXT_V1 = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'expanded-text-v1',
    type: 'object',
    required: ['original', 'expanded', 'expansion_ratio'],
    properties: {
      original: { type: 'string' },
      expanded: { type: 'string' },
      expansion_ratio: { type: 'number', minimum: 1.0 },
      metrics: {
        type: 'object',
        properties: {
          readability_score: { type: 'number' },
          complexity: { type: 'number' },
          tone: { type: 'string' },
        },
      },
    },
  };

  it('serves text-input-v1 and expanded-text-v1 exactly as the design document gives them', async () => {
    const text = (await schemaById('text-input-v1'))!;
    expect(text).toMatchObject({
      name: 'text-input',
      version: '1.0.0',
      draft: 'draft-07',
      active: true,
      ownerProcessor: { id: 'user-input' },
    });
    expect(text.definition).toEqual(TEXT_INPUT_V1);
    expect(JSON.stringify(text.definition)).toBe(JSON.stringify(TEXT_INPUT_V1));
    const expanded = (await schemaById('expanded-text-v1'))!;
    expect(expanded).toMatchObject({
      name: 'expanded-text',
      version: '1.0.0',
      draft: 'draft-07',
      active: true,
    });
    expect(expanded.definition).toEqual(EXPANDED_TEXT_V1);
    expect(JSON.stringify(expanded.definition)).toBe(JSON.stringify(EXPANDED_TEXT_V1));
  });

  it('registers them once: a second start on the same database does not duplicate them', async () => {
    expect(await versionsOf('text-input')).toEqual(TEXT_INPUT_VERSIONS);
    const second = await createApp(h().app.config, { database: h().testDb.database });
    try {
      const res = await second.yoga.fetch('http://studio.test/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await h().token('reader')}`,
        },
        body: JSON.stringify({
          query:
            '{ text: schemas(name: "text-input") { edges { node { id } } } expanded: schemas(name: "expanded-text") { edges { node { id } } } }',
        }),
      });
      const body = (await res.json()) as { data: unknown; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({
        text: { edges: [{ node: { id: 'text-input-v1' } }, { node: { id: 'text-input-v2' } }] },
        expanded: { edges: [{ node: { id: 'expanded-text-v1' } }] },
      });
    } finally {
      await second.stop();
    }
    expect(await versionsOf('text-input')).toEqual(TEXT_INPUT_VERSIONS);
    expect(JSON.stringify((await schemaById('text-input-v1'))!.definition)).toBe(
      JSON.stringify(TEXT_INPUT_V1),
    );
    expect(JSON.stringify((await schemaById('text-input-v2'))!.definition)).toBe(
      JSON.stringify(TEXT_INPUT_V2),
    );
  });

  it('cannot be re-registered or deactivated by a user', async () => {
    const token = await author(h().user());
    const again = await register({ definition: TEXT_INPUT_V1 }, token);
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reserved: true });
    const off = await h().gql<SetActive>(SET_ACTIVE, { id: 'text-input-v1', active: false }, token);
    expect(off.errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect((await schemaById('text-input-v1'))!.active).toBe(true);
  });
});

describe('setSchemaActive', () => {
  it('an inactive schema refuses new blobs with SCHEMA_INACTIVE but still validates', async () => {
    const ownerId = h().user('owner');
    const owner = await author(ownerId);
    const name = uniqueId('retired');
    await register({ definition: notesV(name, 1) }, owner);
    const id = `${name}-v1`;
    const before = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: id, data: { title: 'Before' } } },
      owner,
    );
    expect(before.errors).toBeUndefined();

    const off = await h().gql<SetActive>(SET_ACTIVE, { id, active: false }, owner);
    expect(off.errors).toBeUndefined();
    expect(off.data!.setSchemaActive).toEqual({ id, active: false });
    expect((await schemaById(id))!.active).toBe(false);

    const blob = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: id, data: { title: 'After' } } },
      owner,
    );
    expect(blob.data).toBeNull();
    expect(blob.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_INACTIVE',
      field: 'schemaId',
    });
    const count = await h().gql<{ me: { blobCount: number } }>('{ me { blobCount } }', {}, owner);
    expect(count.data!.me.blobCount).toBe(1);

    const valid = await h().gql(
      ValidateDataDocument,
      { schemaId: id, data: { title: 'After' } },
      owner,
    );
    expect(valid.data!.validate).toEqual({ valid: true, errors: [] });
    const invalid = await h().gql(ValidateDataDocument, { schemaId: id, data: {} }, owner);
    expect(invalid.data!.validate).toMatchObject({
      valid: false,
      errors: [{ path: '/title', keyword: 'required' }],
    });

    const on = await h().gql<SetActive>(SET_ACTIVE, { id, active: true }, owner);
    expect(on.data!.setSchemaActive.active).toBe(true);
    const again = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: id, data: { title: 'Again' } } },
      owner,
    );
    expect(again.errors).toBeUndefined();
  });

  it('refuses another user with FORBIDDEN and changes nothing', async () => {
    const owner = await author(h().user('owner'));
    const other = await author(h().user('other'));
    const name = uniqueId('guarded');
    await register({ definition: notesV(name, 1) }, owner);
    const r = await h().gql<SetActive>(SET_ACTIVE, { id: `${name}-v1`, active: false }, other);
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect((await schemaById(`${name}-v1`))!.active).toBe(true);
    const blob = await h().gql(
      CreateBlobDocument,
      { input: { schemaId: `${name}-v1`, data: { title: 'Still open' } } },
      other,
    );
    expect(blob.errors).toBeUndefined();
  });

  it('refuses an unknown schema id with NOT_FOUND', async () => {
    const r = await h().gql<SetActive>(
      SET_ACTIVE,
      { id: 'no-such-schema-v1', active: false },
      await author('someone'),
    );
    expect(r.errors![0]!.extensions.code).toBe('NOT_FOUND');
  });
});
